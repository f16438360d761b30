"""MNIST test digits "redrawn" the way people draw on the canvas, and the naive baseline.

People do not draw like MNIST: they draw big or small, anywhere on the canvas, with a
thick or thin pen. `redraw_digit` imitates that with a real MNIST digit: it is enlarged
to a random height (30%-95% of the canvas), its strokes are made thicker or thinner at
canvas resolution, and it is put at a random place, white on black in RGBA as the
drawing component returns it (alpha 0 where nothing was painted).

`naive_shrink` is what most canvas demos do: shrink the whole canvas to 28x28. Comparing
it with `nn_core.canvas_to_mnist` on these canvases shows why MNIST's preprocessing
matters (see bench/bench_canvas.py); the Draw tests read these drawings too.

Pure NumPy, independent of nn_core's own resampling so that neither the benchmark nor
the tests grade canvas_to_mnist with its own tools.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from nn_core.preprocess import to_grey

HEIGHT_RANGE = (0.30, 0.95)
"""Digit height as a fraction of the canvas height."""

THIN_MAX, THICK_MAX = 0.15, 0.6
"""Largest erosion and dilation radius, as a multiple of the enlargement factor.

An MNIST stroke is about 2 px wide, so after enlarging by f it is about 2f wide;
the pen then ends up between 1.7f and 3.2f wide: 7 to 40 px on a 280 px canvas
(thinner pens would break thin MNIST strokes apart, which a real pen never does).
"""


def naive_shrink(image: np.ndarray) -> np.ndarray:
    """The naive baseline: average the whole canvas down to (28, 28) float32 in [0, 1].

    image: any canvas of at least 28x28 accepted by `to_grey`. Each output pixel is the
    mean of a block of about (h/28) x (w/28) canvas pixels; no cropping, scaling or
    centring.
    """
    grey = to_grey(image)
    h, w = grey.shape
    rows = np.round(np.arange(28) * h / 28).astype(int)
    cols = np.round(np.arange(28) * w / 28).astype(int)
    sums = np.add.reduceat(np.add.reduceat(grey, rows, axis=0), cols, axis=1)
    counts = np.diff(np.append(rows, h))[:, None] * np.diff(np.append(cols, w))[None, :]
    return (sums / counts).astype(np.float32)


def enlarge(img: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Bilinear resize of (h, w) float img to shape, pixel centres aligned."""
    out = img
    for axis, (n_in, n_out) in enumerate(zip(img.shape, shape, strict=True)):
        x = np.clip((np.arange(n_out) + 0.5) * n_in / n_out - 0.5, 0, n_in - 1)
        i0 = np.minimum(x.astype(int), n_in - 2)
        t = (x - i0).reshape((-1, 1) if axis == 0 else (1, -1))
        out = np.take(out, i0, axis) * (1 - t) + np.take(out, i0 + 1, axis) * t
    return out


def grow(ink: np.ndarray, r: int) -> np.ndarray:
    """Binary dilation (r > 0) or erosion (r < 0) of (h, w) bool by a disc-like radius |r|.

    Alternates 3x3 square and 3x3 cross steps, which grows an octagon: close to a round
    pen, at the cost of a few boolean array operations per pixel of radius.
    """
    op = np.logical_or if r > 0 else np.logical_and
    for k in range(abs(r)):
        p = np.pad(ink, 1, constant_values=r < 0)
        cross = op(op(p[:-2, 1:-1], p[2:, 1:-1]), op(p[1:-1, :-2], p[1:-1, 2:]))
        ink = op(ink, cross)
        if k % 2 == 0:
            ink = op(ink, op(op(p[:-2, :-2], p[:-2, 2:]), op(p[2:, :-2], p[2:, 2:])))
    return ink


def soften(ink: np.ndarray) -> np.ndarray:
    """(h, w) bool -> float32 with a 3x3 box blur: the anti-aliased edge of a canvas pen."""
    p = np.pad(ink.astype(np.float32), 1)
    rows = p[:-2] + p[1:-1] + p[2:]
    return (rows[:, :-2] + rows[:, 1:-1] + rows[:, 2:]) / 9


def redraw_digit(digit: np.ndarray, rng: np.random.Generator, canvas: int = 280) -> np.ndarray:
    """One MNIST digit (28, 28) uint8 -> a (canvas, canvas, 4) uint8 RGBA "drawing"."""
    g = digit.astype(np.float32) / 255
    rows, cols = np.flatnonzero(g.any(1)), np.flatnonzero(g.any(0))
    g = np.pad(g[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1], 1)
    h, w = g.shape
    f = rng.uniform(*HEIGHT_RANGE) * canvas / h
    r = int(rng.integers(-round(THIN_MAX * f), round(THICK_MAX * f) + 1))
    f = min(f, (canvas - 2 * max(r, 0) - 4) / max(h, w))
    ink = enlarge(g, (round(h * f), round(w * f))) > 0.5
    ink = grow(np.pad(ink, max(r, 0)), r)
    v = soften(ink)
    top = int(rng.integers(0, canvas - v.shape[0] + 1))
    left = int(rng.integers(0, canvas - v.shape[1] + 1))
    rgba = np.zeros((canvas, canvas, 4), np.uint8)
    patch = rgba[top : top + v.shape[0], left : left + v.shape[1]]
    patch[..., :3] = np.round(v * 255).astype(np.uint8)[..., None]
    patch[..., 3] = np.where(v > 0, 255, 0)
    return rgba


def iter_redrawn(
    images: np.ndarray, rng: np.random.Generator, canvas: int = 280
) -> Iterator[np.ndarray]:
    """Yield `redraw_digit` of each of images (n, 28, 28) uint8, one canvas at a time.

    2000 canvases of 280x280x4 would take 630 MB at once; a benchmark only needs one.
    """
    for digit in images:
        yield redraw_digit(digit, rng, canvas)


def make_redrawn_set(images: np.ndarray, rng: np.random.Generator, canvas: int = 280) -> np.ndarray:
    """All of images (n, 28, 28) uint8 redrawn -> (n, canvas, canvas, 4) uint8 RGBA.

    Deterministic for a given rng state; the same canvases as `iter_redrawn`.
    """
    out = np.zeros((len(images), canvas, canvas, 4), np.uint8)
    for k, rgba in enumerate(iter_redrawn(images, rng, canvas)):
        out[k] = rgba
    return out
