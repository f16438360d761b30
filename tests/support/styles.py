"""MNIST digits written in another hand: slanted backwards, with a thick pen.

The bundled model was trained with distortions (``--distort 0.75``), so gentle changes
of style do not trouble it; a strong backhand slant with a felt-tip pen does (about 80%
instead of 99%). That is the "class whose handwriting is different" the fine-tuning
tests and the collection benchmark teach it. Pure NumPy, no randomness, and not
nn_core's own distortions, so the tests do not grade the engine with its own tools.
"""

from __future__ import annotations

import numpy as np

BACKHAND = -0.7  # pixels each row moves right per row below the middle: a leftward lean
PEN = 2  # pixels the strokes grow on each side


def shear(images: np.ndarray, slant: float) -> np.ndarray:
    """(n, 28, 28) -> (n, 28, 28): row r moved right by ``slant * (14 - r)`` pixels."""
    out = np.zeros_like(images)  # (n, 28, 28)
    for r in range(28):
        d = int(round(slant * (14 - r)))
        if d >= 0:
            out[:, r, d:] = images[:, r, : 28 - d]
        else:
            out[:, r, : 28 + d] = images[:, r, -d:]
    return out


def thicken(images: np.ndarray, pixels: int) -> np.ndarray:
    """(n, 28, 28) -> (n, 28, 28): each stroke grown by ``pixels`` (a cross-shaped pen)."""
    for _ in range(pixels):
        p = np.pad(images, ((0, 0), (1, 1), (1, 1)))  # (n, 30, 30)
        images = np.maximum.reduce(
            [p[:, 1:-1, 1:-1], p[:, :-2, 1:-1], p[:, 2:, 1:-1], p[:, 1:-1, :-2], p[:, 1:-1, 2:]]
        )  # (n, 28, 28)
    return images


def backhand(X: np.ndarray) -> np.ndarray:
    """Flat images (n, 784) in [0, 1] rewritten backhand with a thick pen, (n, 784) float32."""
    images = np.asarray(X, np.float32).reshape(-1, 28, 28)  # (n, 28, 28)
    return thicken(shear(images, BACKHAND), PEN).reshape(-1, 784)  # (n, 784)
