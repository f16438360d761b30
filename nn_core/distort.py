"""Random distortions of MNIST digits, to train a network that copes with real drawings.

Even after `canvas_to_mnist`, a digit drawn with a mouse differs from MNIST: it may be
a little rotated or slanted, not quite the usual size, off by a pixel or two, and drawn
with a thicker or thinner pen. Showing the network slightly distorted training digits
(data augmentation) teaches it that those differences do not change the digit.

Each image gets its own random
  - affine transform: scale, rotation, shear (slant) and translation, and
  - stroke thickness change: a blend towards its 3x3 grey dilation (thicker) or
    erosion (thinner).
Images are processed 32 at a time with array operations; there is no Python loop over
single images or pixels. A batch of 128 takes about 2 ms on two cores.
"""

from __future__ import annotations

import numpy as np

SIDE = 28
"""Side of an MNIST image, in pixels."""

MAX_SCALE = 0.15
"""Largest relative change of size, at strength 1."""

MAX_ROTATION = np.deg2rad(12.0)
"""Largest rotation, in radians, at strength 1."""

MAX_SHEAR = 0.2
"""Largest horizontal shear (slant: columns moved per row), at strength 1."""

MAX_SHIFT = 2.0
"""Largest translation, in pixels, at strength 1."""

MAX_THICKNESS = 0.6
"""Largest blend towards the dilated (or eroded) image, at strength 1."""

CHUNK = 32
"""Images processed together. Small chunks keep every temporary array small enough to
stay in the CPU cache and in memory the allocator reuses, which here is faster than
one pass over a whole batch of 128."""


def random_distort(
    X: np.ndarray, rng: np.random.Generator, strength: float = 1.0, out: np.ndarray | None = None
) -> np.ndarray:
    """Randomly distort a batch of digits.

    X:        (n, 784) float in [0, 1], rows are 28x28 images.
    rng:      the random generator to draw from (the same seed gives the same result).
    strength: scales every distortion; 0 returns the images unchanged, 1 is the
              default size (see the MAX_* constants).
    out:      optional (n, 784) float32 array to write the result into.
    Returns (n, 784) float32 in [0, 1].
    """
    images = np.asarray(X, dtype=np.float32).reshape(-1, SIDE, SIDE)
    n = images.shape[0]
    thick = rng.uniform(-1.0, 1.0, n).astype(np.float32) * (MAX_THICKNESS * strength)
    A, t = random_affine(n, rng, strength)
    if out is None:
        out = np.empty((n, SIDE * SIDE), np.float32)
    for i in range(0, n, CHUNK):
        part = slice(i, i + CHUNK)
        warped = warp_affine(change_thickness(images[part], thick[part]), A[part], t[part])
        out[part] = warped.reshape(-1, SIDE * SIDE)
    return out


def random_affine(
    n: int, rng: np.random.Generator, strength: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Draw n random affine maps p -> A @ p + t about the image centre.

    Returns A: (n, 2, 2) and t: (n, 2) float64, acting on (row, col) coordinates.
    A = rotation @ shear @ scale; each parameter is uniform in +-MAX_* * strength.
    """
    u = rng.uniform(-1.0, 1.0, (5, n)) * strength
    scale = 1.0 + MAX_SCALE * u[0]
    angle, shear = MAX_ROTATION * u[1], MAX_SHEAR * u[2]
    t = MAX_SHIFT * u[3:5].T
    cos, sin = np.cos(angle), np.sin(angle)
    R = np.stack([np.stack([cos, -sin], -1), np.stack([sin, cos], -1)], -2)
    S = np.zeros((n, 2, 2))
    S[:, 0, 0] = scale
    S[:, 1, 0] = shear * scale
    S[:, 1, 1] = scale
    return R @ S, t


def warp_affine(images: np.ndarray, A: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Move each image's content by p -> A @ (p - c) + c + t, with bilinear sampling.

    images: (n, 28, 28) float32. A: (n, 2, 2), t: (n, 2) in (row, col) pixel units;
    c is the image centre. Pixels that come from outside the image are black.
    Each output pixel p looks up where it came from, q = inv(A) @ (p - c - t) + c,
    and blends the four pixels around q (bilinear interpolation).
    Returns (n, 28, 28) float32 in [0, 1].
    """
    n = images.shape[0]
    c = (SIDE - 1) / 2
    B = np.linalg.inv(A)
    b = c + 1 - (B @ t[:, :, None])[..., 0]  # + 1: the black border added below
    rows, cols = (g.reshape(1, -1).astype(np.float32) - c for g in np.mgrid[0:SIDE, 0:SIDE])
    B, b = B.reshape(n, 4, 1).astype(np.float32), b.astype(np.float32)
    qy = B[:, 0] * rows + B[:, 1] * cols + b[:, 0:1]
    qx = B[:, 2] * rows + B[:, 3] * cols + b[:, 1:2]
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)))
    return _bilinear_gather(padded, qy, qx).reshape(n, SIDE, SIDE)


def _bilinear_gather(padded: np.ndarray, qy: np.ndarray, qx: np.ndarray) -> np.ndarray:
    """Sample (n, H, W) `padded` at float positions (qy, qx), each (n, m) -> (n, m) float32.

    Positions are clipped to [0, H-1) x [0, W-1) so all four neighbours exist; the caller
    pads with a black border so that positions outside the original image read zeros.
    qy and qx are overwritten (with the fractional parts): fewer big temporary arrays.
    """
    n, H, W = padded.shape
    y0 = np.floor(np.clip(qy, 0, H - 1.001, out=qy))
    x0 = np.floor(np.clip(qx, 0, W - 1.001, out=qx))
    fy, fx = np.subtract(qy, y0, out=qy), np.subtract(qx, x0, out=qx)
    idx = y0.astype(np.intp)
    idx *= W
    idx += x0.astype(np.intp)
    idx += np.arange(n, dtype=np.intp)[:, None] * (H * W)
    flat = padded.reshape(-1)
    top = _lerp(np.take(flat, idx), np.take(flat, idx + 1), fx)
    bottom = _lerp(np.take(flat, idx + W), np.take(flat, idx + W + 1), fx)
    return np.clip(_lerp(top, bottom, fy), 0.0, 1.0, out=top)


def _lerp(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    """a + (b - a) * t, computed in place in b (a, b, t of one shape); returns a."""
    b -= a
    b *= t
    a += b
    return a


def change_thickness(images: np.ndarray, amount: np.ndarray) -> np.ndarray:
    """Make strokes thicker (amount > 0) or thinner (amount < 0), per image.

    images: (n, 28, 28) float32; amount: (n,) in [-1, 1].
    The image is blended towards its 3x3 grey dilation (each pixel replaced by the
    brightest of its neighbours, so strokes grow by a pixel on each side) or erosion
    (the darkest neighbour: strokes shrink). |amount| is the blend weight, so small
    amounts give fractional, anti-aliased changes of width. Thinning also dims thin
    strokes, so each image is rescaled to keep its brightest pixel as bright as before,
    the way MNIST digits (and `canvas_to_mnist` outputs) reach full white.
    """
    a = amount.astype(np.float32)[:, None, None]
    target = _filter3x3(images, np.minimum)
    np.copyto(target, _filter3x3(images, np.maximum), where=a > 0)
    blended = _lerp(images.copy(), target, np.abs(a))
    peak_before, peak_after = images.max(axis=(1, 2)), blended.max(axis=(1, 2))
    blended *= (peak_before / np.maximum(peak_after, np.float32(1e-6)))[:, None, None]
    return blended


def _filter3x3(images: np.ndarray, op: np.ufunc) -> np.ndarray:
    """3x3 max or min filter of (n, h, w) images, separably; borders count as black."""
    p = np.pad(images, ((0, 0), (1, 1), (1, 1)))
    rows = op(p[:, :-2], p[:, 1:-1])
    op(rows, p[:, 2:], out=rows)
    out = op(rows[:, :, :-2], rows[:, :, 1:-1])
    return op(out, rows[:, :, 2:], out=out)
