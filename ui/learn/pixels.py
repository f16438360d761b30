"""Section 1 of the Learn page in numbers: one image, from the bytes a file stores to the
row of 784 numbers and the one-hot label the network receives.

Not :class:`nn_core.preprocess.PreprocessSteps`, which follows a *drawing* on its way to
look like an MNIST digit: here the image already is one, and the steps are the ones every
training image takes. Plain NumPy, no Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

N_CLASSES = 10
SIDE = 28  # images are SIDE x SIDE pixels


@dataclass(frozen=True)
class ImageAsNumbers:
    """One image on its way into the network."""

    raw: np.ndarray  # (28, 28) uint8 0..255: what the file stores
    scaled: np.ndarray  # (28, 28) float32 0..1: divided by 255
    flat: np.ndarray  # (784,) float32: rows laid end to end, the network's input
    one_hot: np.ndarray  # (10,) float32: the label as a target probability vector
    label: int


def image_as_numbers(x: np.ndarray, label: int, k: int = N_CLASSES) -> ImageAsNumbers:
    """Follow one image ``x`` (784 floats in [0, 1]) back to its bytes and forward again.

    The loader already divided by 255, so the raw bytes are recovered exactly by
    multiplying back: (k / 255) * 255 rounds to k for every byte value k.
    """
    x = np.asarray(x, dtype=np.float32).reshape(-1)  # (784,)
    raw = np.rint(x * 255).astype(np.uint8).reshape(SIDE, SIDE)  # (28, 28)
    scaled = raw.astype(np.float32) / np.float32(255)  # (28, 28)
    one_hot = np.zeros(k, dtype=np.float32)  # (k,)
    one_hot[int(label)] = 1
    return ImageAsNumbers(raw, scaled, scaled.reshape(-1), one_hot, int(label))


def busy_patch(raw: np.ndarray, size: int = 8) -> tuple[int, int]:
    """(top, left) of the ``size`` x ``size`` square of ``raw`` (28, 28) worth zooming into:
    the one with the most pixels that are neither blank nor full ink, so the numbers
    shown include 0, 255 and the greys of a stroke's edge."""
    raw = np.asarray(raw)
    edge = ((raw > 0) & (raw < 255)).astype(np.int64)
    ink = (raw > 0).astype(np.int64)
    best, where = (-1, -1), (0, 0)
    for top in range(raw.shape[0] - size + 1):
        for left in range(raw.shape[1] - size + 1):
            window = (slice(top, top + size), slice(left, left + size))
            score = (int(edge[window].sum()), -abs(int(ink[window].sum()) - size * size // 2))
            if score > best:
                best, where = score, (top, left)
    return where
