"""Turn a drawing from the canvas into an image that looks like an MNIST digit.

A network trained on MNIST has only ever seen digits prepared in one particular way:
each digit was size-normalised to fit a 20x20 box (keeping its aspect ratio, with
anti-aliasing), then placed in a 28x28 field so that its centre of mass sits at the
centre. If we simply shrink the whole canvas to 28x28, a digit drawn small, large or
in a corner looks nothing like that, and even a very good network misreads it. So we
repeat MNIST's own recipe on the canvas:

    grey -> crop to the ink -> fit the longer side to 20 px -> place in 28x28
         -> shift the centre of mass to the centre

Centre convention: rows and columns are pixel indices (pixel centres at 0, 1, ..., 27).
Measured on the 60,000 MNIST training digits, the centre of mass is at (14.0, 14.0) on
average, spread evenly by +-0.5 px because MNIST shifted by whole pixels. We do the same:
a whole-pixel shift that puts the centre of mass within half a pixel of (14, 14).

Everything here is plain NumPy and takes well under 2 ms for a 280x280 canvas; canvases\nlarger than MAX_SIDE pixels a side are refused rather than slowly shrunk.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

FIELD = 28
"""Side of the MNIST image, in pixels."""

BOX = 20
"""Side of the box the digit's longer side is scaled to."""

CENTRE = (14.0, 14.0)
"""Where MNIST puts the centre of mass (row, col), in pixel-index coordinates."""

NOISE_FLOOR = 0.1
"""Grey levels below this count as background (canvas noise, faint anti-aliasing)."""

MIN_INK = 10.0
"""Default minimum total ink, in units of fully painted pixels, to count as a drawing."""

MAX_SIDE = 2000
"""Largest canvas side accepted, in pixels: a drawing canvas is a few hundred pixels wide,
and a 4000 x 4000 photo would cost seconds and half a gigabyte to prepare on a shared server."""

_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


@dataclass(frozen=True)
class PreprocessSteps:
    """The intermediate images of `canvas_to_mnist`, for showing the recipe step by step.

    grey:           (h, w) float32 in [0, 1], the whole canvas, ink bright.
    crop:           (bh, bw) float32, the ink bounding box cut out of `grey`, with
                    grey levels below the noise floor set to 0.
    box20:          (sh, sw) float32 in [0, 1], the crop scaled so max(sh, sw) == 20,
                    brightest pixel 1.0 like MNIST.
    placed:         (28, 28) float32, `box20` pasted in the middle of the field.
    centred:        (28, 28) float32, `placed` shifted so its centre of mass is at the
                    centre: this is the network's input (as `centred.reshape(784)`).
    bbox:           (top, left, bottom, right) of the ink in `grey`; bottom and right
                    are exclusive, as in `grey[top:bottom, left:right]`.
    centre_of_mass: (row, col) of the ink in `placed`, before shifting.
    shift:          (rows, cols) whole-pixel shift taking `placed` to `centred`.
    """

    grey: np.ndarray
    crop: np.ndarray
    box20: np.ndarray
    placed: np.ndarray
    centred: np.ndarray
    bbox: tuple[int, int, int, int]
    centre_of_mass: tuple[float, float]
    shift: tuple[int, int]


def check_canvas(image) -> np.ndarray:
    """The canvas as an array, or a ValueError saying what is wrong with it.

    Accepted: (h, w), (h, w, 3) or (h, w, 4), each side at most MAX_SIDE pixels, holding
    real numbers (booleans, integers or floats), none of them NaN or infinite.
    """
    a = np.asarray(image)
    if a.dtype.kind not in "biuf":
        raise ValueError(f"the image must hold numbers (pixel values), not {a.dtype} values")
    if a.ndim == 2:
        a = a[..., None]  # (h, w, 1)
    if a.ndim != 3 or a.shape[2] not in (1, 3, 4):
        raise ValueError(f"expected (h, w), (h, w, 3) or (h, w, 4), got shape {a.shape}")
    if max(a.shape[:2]) > MAX_SIDE:
        raise ValueError(
            f"the image is {a.shape[0]} x {a.shape[1]} pixels; at most {MAX_SIDE} x {MAX_SIDE} "
            "is accepted (shrink it first)"
        )
    if a.dtype.kind == "f" and not np.isfinite(a).all():
        raise ValueError("the image contains NaN or infinite values")
    return a


def to_grey(image: np.ndarray) -> np.ndarray:
    """Any canvas image -> (h, w) float32 grey in [0, 1], ink bright.

    image: (h, w) grey, (h, w, 3) RGB or (h, w, 4) RGBA (see `check_canvas`).

    Value range: integer pixels (any integer type) are read as 0..255, float pixels as
    0..1, booleans as 0 or 1. Values outside the range are clipped, never wrapped: a
    negative value counts as background (no ink) and anything above the top as full ink,
    so -1 can never become 255 and turn a blank pixel into ink.

    Colour becomes brightness by the usual luminance weights. With an alpha channel we
    composite over black, grey = luminance * alpha: the drawing canvas leaves untouched
    pixels fully transparent (alpha 0), whatever their RGB says, so they are not ink.
    """
    a = check_canvas(image)  # (h, w, c)
    top = np.float32(255) if a.dtype.kind in "iu" else np.float32(1)
    pixels = a.reshape(-1, a.shape[2]).astype(np.float32)  # (h * w, c)
    np.clip(pixels, 0, top, out=pixels)
    pixels /= top  # (h * w, c) in [0, 1]
    weights = np.ones(1, np.float32) if a.shape[2] == 1 else _LUMA
    grey = pixels[:, :3] @ weights  # (h * w,)
    if a.shape[2] == 4:
        grey *= pixels[:, 3]
    grey = grey.reshape(a.shape[:2])  # (h, w)
    return np.clip(grey, 0.0, 1.0, out=grey)


def ink_bbox(grey: np.ndarray, floor: float = NOISE_FLOOR) -> tuple[int, int, int, int] | None:
    """Bounding box (top, left, bottom, right), exclusive ends, of pixels brighter than floor.

    grey: (h, w) float. Returns None when no pixel is that bright.
    """
    ink = grey > floor
    rows = np.flatnonzero(ink.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(ink[rows[0] : rows[-1] + 1].any(axis=0))
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


@functools.lru_cache(maxsize=1024)
def resample_matrix(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) float32 matrix that resizes a 1-D signal: `R @ x` has n_out samples.

    Made once per pair of sizes and shared (read-only): a stroke on the Draw page resizes
    six times, and building the matrices was a tenth of its server time.
    """
    R = _resample_matrix(n_in, n_out)
    R.flags.writeable = False
    return R


def _resample_matrix(n_in: int, n_out: int) -> np.ndarray:
    """The matrix of :func:`resample_matrix`, made afresh.

    Shrinking uses area averaging (a box filter): each output pixel is the mean of the
    input it covers, counting partly covered pixels by the fraction covered. That is
    anti-aliasing: thin strokes turn grey instead of vanishing or flickering.
    Enlarging uses bilinear interpolation between the two nearest input pixel centres.
    A 2-D image is resized separably: `Ry @ img @ Rx.T`.
    """
    if n_out < n_in:
        edges = np.arange(n_out + 1) * (n_in / n_out)
        lo, hi = edges[:-1, None], edges[1:, None]
        i = np.arange(n_in)[None, :]
        overlap = np.clip(np.minimum(hi, i + 1) - np.maximum(lo, i), 0.0, None)
        return (overlap / (n_in / n_out)).astype(np.float32)
    x = (np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5
    x = np.clip(x, 0, n_in - 1)
    i0 = np.minimum(np.floor(x).astype(int), max(n_in - 2, 0))
    t = x - i0
    R = np.zeros((n_out, n_in), dtype=np.float32)
    rows = np.arange(n_out)
    R[rows, i0] = 1 - t
    if n_in > 1:
        R[rows, i0 + 1] += t
    return R


def resize(img: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Resize (h, w) -> shape with `resample_matrix` along each axis; float32."""
    Ry = resample_matrix(img.shape[0], shape[0])
    Rx = resample_matrix(img.shape[1], shape[1])
    return Ry @ img.astype(np.float32, copy=False) @ Rx.T


def fit_box(crop: np.ndarray, box: int = BOX) -> np.ndarray:
    """Scale (h, w) so its longer side is `box` px, keeping the aspect ratio.

    The result is rescaled so its brightest pixel is 1.0: MNIST digits almost all reach
    full white, and after averaging a thin canvas stroke would otherwise look faint.
    Returns (sh, sw) float32 in [0, 1] with max(sh, sw) == box.
    """
    h, w = crop.shape
    s = box / max(h, w)
    out = resize(crop, (max(1, round(h * s)), max(1, round(w * s))))
    top = out.max()
    if top > 0:
        out *= 1 / top
    return np.clip(out, 0.0, 1.0, out=out)


def centre_of_mass(img: np.ndarray) -> tuple[float, float]:
    """(row, col) of the intensity-weighted mean pixel position of (h, w) img."""
    m = img.sum()
    rows = img.sum(axis=1) @ np.arange(img.shape[0])
    cols = img.sum(axis=0) @ np.arange(img.shape[1])
    return float(rows / m), float(cols / m)


def paste(small: np.ndarray, top: int, left: int, size: int = FIELD) -> np.ndarray:
    """Put (sh, sw) `small` into a zero (size, size) float32 field at (top, left)."""
    field = np.zeros((size, size), dtype=np.float32)
    field[top : top + small.shape[0], left : left + small.shape[1]] = small
    return field


def centring_shift(com: float, start: int, length: int, target: float) -> int:
    """Whole-pixel shift moving `com` to `target`, limited so no ink leaves the field.

    `start` and `length` describe where the digit already sits along this axis.
    """
    shift = round(target - com)
    return int(np.clip(shift, -start, FIELD - length - start))


def canvas_to_mnist_steps(image: np.ndarray, *, min_ink: float = MIN_INK) -> PreprocessSteps | None:
    """Run MNIST's preprocessing on a canvas image and keep every intermediate image.

    image: (h, w), (h, w, 3) or (h, w, 4), at most MAX_SIDE pixels a side; integers in
    0..255 or floats in [0, 1] (out-of-range values are clipped, see `to_grey`); white ink
    on black. Anything else (text, complex numbers, NaN, a huge photo) is a ValueError.
    Returns None when the canvas holds less than `min_ink` units of ink (one unit is one
    fully painted pixel): an empty canvas, or a stray click, is not a digit. Any larger
    mark, even a single brush-sized dot, is processed like a digit (a dot becomes a
    filled disc) so that the student sees exactly what the network is shown.
    """
    grey = to_grey(image)
    bbox = ink_bbox(grey)
    if bbox is None:
        return None
    top, left, bottom, right = bbox
    crop = grey[top:bottom, left:right]
    crop = np.where(crop > NOISE_FLOOR, crop, np.float32(0))
    if crop.sum() < min_ink:
        return None
    box20 = fit_box(crop)
    sh, sw = box20.shape
    t0, l0 = (FIELD - sh) // 2, (FIELD - sw) // 2
    placed = paste(box20, t0, l0)
    com = centre_of_mass(placed)
    dy = centring_shift(com[0], t0, sh, CENTRE[0])
    dx = centring_shift(com[1], l0, sw, CENTRE[1])
    centred = paste(box20, t0 + dy, l0 + dx)
    return PreprocessSteps(grey, crop, box20, placed, centred, bbox, com, (dy, dx))


def canvas_to_mnist(image: np.ndarray, *, min_ink: float = MIN_INK) -> np.ndarray | None:
    """Canvas image -> (28, 28) float32 in [0, 1] prepared like an MNIST digit, or None.

    See `canvas_to_mnist_steps` for the accepted inputs and when None is returned.
    Flatten with `.reshape(1, 784)` to feed the network.
    """
    steps = canvas_to_mnist_steps(image, min_ink=min_ink)
    return None if steps is None else steps.centred
