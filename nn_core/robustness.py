"""How the network breaks: accuracy on test images made gradually harder.

A network that reads 98% of MNIST has only seen digits centred by mass, of one size,
upright, drawn with one pen. Move, turn, shrink, thicken a test digit, or sprinkle
noise over it, and a person still reads it easily; the network, which only ever saw
pixels in their usual places, may not. Plotting accuracy against the strength of each
change shows how far the learned "seven" stretches, and where it snaps.

Every perturbation is deterministic for a given strength and seed, so the curve is the
same on every run and a student can point at one image and see it again later. The
geometric ones reuse the engine's data-augmentation code (``nn_core.distort``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nn_core.distort import SIDE, change_thickness, warp_affine

CHUNK = 256  # images warped together: small temporaries, same result as one big batch


@dataclass(frozen=True)
class Perturbation:
    """One way of changing the test images, and the range of its strength."""

    name: str  # "noise" | "shift" | "rotate" | "scale" | "thickness"
    label: str  # what the change is called in a sentence
    unit: str  # the unit of the strength, for axis titles
    lo: float
    hi: float
    step: float
    identity: float  # the strength that leaves the images unchanged

    @property
    def strengths(self) -> np.ndarray:
        """Every strength from ``lo`` to ``hi`` in ``step``s: the points of the curve."""
        n = int(round((self.hi - self.lo) / self.step)) + 1
        return np.round(np.linspace(self.lo, self.hi, n), 6)  # (s,)


PERTURBATIONS: dict[str, Perturbation] = {
    p.name: p
    for p in (
        Perturbation("noise", "Gaussian noise", "standard deviation", 0.0, 1.0, 0.1, 0.0),
        Perturbation("shift", "Shift", "pixels", 0.0, 10.0, 1.0, 0.0),
        Perturbation("rotate", "Rotation", "degrees", -90.0, 90.0, 10.0, 0.0),
        Perturbation("scale", "Scale", "times the size", 0.4, 1.6, 0.1, 1.0),
        Perturbation("thickness", "Stroke thickness", "pixels per side", -1.0, 2.0, 0.25, 0.0),
    )
}


def perturb(X: np.ndarray, kind: str, strength: float, seed: int = 0) -> np.ndarray:
    """Images X (n, 784) in [0, 1] changed by ``kind`` at ``strength``: (n, 784) float32.

    noise:     add N(0, strength^2) to every pixel, then clip to [0, 1]
    shift:     move each image ``strength`` pixels in its own (seeded) random direction
    rotate:    turn by ``strength`` degrees, anticlockwise for positive values
    scale:     make the digit ``strength`` times as big, about the image centre
    thickness: grow (positive) or shrink (negative) the strokes by up to one pixel per
               side per unit, with ``change_thickness``
    """
    if kind not in PERTURBATIONS:
        raise ValueError(f"unknown perturbation {kind!r}; choose one of {sorted(PERTURBATIONS)}")
    X = np.asarray(X, dtype=np.float32)
    n = len(X)
    rng = np.random.default_rng(seed)
    if kind == "noise":
        noisy = X + np.float32(strength) * rng.standard_normal(X.shape, dtype=np.float32)
        return np.clip(noisy, 0.0, 1.0, out=noisy)
    images = X.reshape(n, SIDE, SIDE)  # (n, 784) -> (n, 28, 28)
    if kind == "thickness":
        return _thickness(images, float(strength)).reshape(n, SIDE * SIDE)
    A = np.broadcast_to(np.eye(2), (n, 2, 2)).copy()  # (n, 2, 2)
    t = np.zeros((n, 2))  # (n, 2) in (row, col) pixels
    if kind == "shift":
        angle = rng.uniform(0.0, 2 * np.pi, n)
        t = strength * np.stack([np.sin(angle), np.cos(angle)], axis=1)
    elif kind == "rotate":
        a = np.deg2rad(strength)  # rows point down, so this turns the picture anticlockwise
        A[:] = [[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]]
    else:  # scale
        A *= strength
    out = np.empty((n, SIDE * SIDE), np.float32)
    for i in range(0, n, CHUNK):
        part = slice(i, i + CHUNK)
        out[part] = warp_affine(images[part], A[part], t[part]).reshape(-1, SIDE * SIDE)
    return out


def _thickness(images: np.ndarray, amount: float) -> np.ndarray:
    """Apply ``change_thickness`` |amount| times (the last time by the fractional rest)."""
    sign, left = np.sign(amount), abs(amount)
    while left > 1e-9:
        step = min(left, 1.0)
        images = change_thickness(images, np.full(len(images), sign * step, np.float32))
        left -= step
    return images.astype(np.float32, copy=False)


def accuracy_at(model, X: np.ndarray, y: np.ndarray, kind: str, strength: float, seed: int = 0):
    """Accuracy of ``model`` on X (n, 784), y (n,) after ``perturb`` at one strength."""
    pred = model.predict(perturb(X, kind, strength, seed))
    return float(np.mean(pred == np.asarray(y)))


def accuracy_curve(
    model, X: np.ndarray, y: np.ndarray, kind: str, strengths=None, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """(strengths (s,), accuracies (s,)): the whole curve for one perturbation.

    Default strengths are the perturbation's own grid (``PERTURBATIONS[kind].strengths``).
    """
    if strengths is None:
        strengths = PERTURBATIONS[kind].strengths
    strengths = np.asarray(strengths, dtype=np.float64)
    acc = np.array([accuracy_at(model, X, y, kind, s, seed) for s in strengths])
    return strengths, acc
