"""Tests for nn_core.preprocess (canvas -> MNIST-like image) and nn_core.distort."""

from __future__ import annotations

import gzip
import os
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from nn_core.distort import random_distort
from nn_core.preprocess import (
    CENTRE,
    MAX_SIDE,
    canvas_to_mnist,
    canvas_to_mnist_steps,
    centre_of_mass,
    resample_matrix,
)


def mnist_test_images(n: int) -> np.ndarray:
    """First n MNIST test images (n, 28, 28) uint8 from $NN_DATA_DIR/mnist, or skip."""
    root = os.environ.get("NN_DATA_DIR")
    if not root:
        pytest.skip("NN_DATA_DIR is not set (folder holding mnist/); real-MNIST test skipped")
    path = Path(root) / "mnist" / "t10k-images-idx3-ubyte.gz"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)[:n]


def rgba(grey: np.ndarray) -> np.ndarray:
    """(h, w) float in [0, 1] -> RGBA uint8 like the drawing canvas: alpha 0 where unpainted."""
    v = np.round(np.clip(grey, 0, 1) * 255).astype(np.uint8)
    return np.dstack([v, v, v, np.where(v > 0, 255, 0).astype(np.uint8)])


def stroke_digit(h: int, w: int, top: int, left: int, size: int, pen: float) -> np.ndarray:
    """A "7"-like drawing: (h, w) float canvas with a bar and a slanted stem."""
    yy, xx = np.mgrid[0:h, 0:w].astype(float)
    y, x = (yy - top) / size, (xx - left) / size  # digit coordinates, 0..1 inside its box
    bar = (np.abs(y - 0.05) * size < pen) & (x > 0.1) & (x < 0.75)
    stem = (np.abs((x - 0.75) + 0.45 * (y - 0.05)) * size < pen) & (y > 0.05) & (y < 1.0)
    return (bar | stem).astype(np.float32)


def disc(h: int, w: int, cy: float, cx: float, r: float) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w]
    return (np.hypot(yy - cy, xx - cx) <= r).astype(np.float32)


def corr(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])


def check_mnist_like(x: np.ndarray) -> None:
    assert x.shape == (28, 28)
    assert x.dtype == np.float32
    assert x.min() >= 0.0
    assert x.max() == pytest.approx(1.0, abs=0.02)
    cy, cx = centre_of_mass(x)
    assert abs(cy - CENTRE[0]) <= 0.5 + 1e-6
    assert abs(cx - CENTRE[1]) <= 0.5 + 1e-6


# --- empty and nearly empty canvases -------------------------------------------------


@pytest.mark.parametrize(
    "image",
    [
        np.zeros((280, 280, 4), np.uint8),
        np.zeros((280, 280, 3), np.uint8),
        np.zeros((280, 280), np.uint8),
        np.zeros((280, 280), np.float32),
    ],
    ids=["rgba", "rgb", "grey", "float"],
)
def test_empty_canvas_is_none(image):
    assert canvas_to_mnist(image) is None
    assert canvas_to_mnist_steps(image) is None


def test_transparent_pixels_are_not_ink():
    image = np.full((280, 280, 4), 255, np.uint8)
    image[..., 3] = 0  # white RGB everywhere, but nothing painted
    assert canvas_to_mnist(image) is None


def test_faint_noise_is_not_ink():
    rng = np.random.default_rng(0)
    noise = (rng.random((280, 280)) * 0.08).astype(np.float32)
    assert canvas_to_mnist(noise) is None


def test_single_pixel_click_is_none():
    image = np.zeros((280, 280, 4), np.uint8)
    image[100, 200] = 255
    assert canvas_to_mnist(image) is None


def test_brush_dot_gives_a_centred_blob():
    x = canvas_to_mnist(rgba(disc(280, 280, 40, 230, 9)))
    check_mnist_like(x)
    assert x[14, 14] == pytest.approx(1.0, abs=0.02)


def test_short_stroke_is_a_drawing():
    image = np.zeros((280, 280), np.float32)
    image[130:150, 100:130] = 1.0  # a short dash, 30 px long with a 20 px pen
    x = canvas_to_mnist(image)
    assert x is not None
    check_mnist_like(x)


def test_min_ink_is_honoured():
    image = disc(280, 280, 140, 140, 5)
    assert canvas_to_mnist(image) is not None
    assert canvas_to_mnist(image, min_ink=1000) is None


# --- shapes, types and geometry ------------------------------------------------------


@pytest.mark.parametrize(
    ("h", "w", "top", "left", "size"),
    [
        (280, 280, 100, 100, 80),  # centred
        (280, 280, 5, 190, 70),  # top-right corner
        (280, 280, 200, 0, 75),  # bottom-left corner
        (280, 280, 2, 2, 270),  # huge
        (280, 280, 150, 40, 30),  # tiny
        (200, 400, 20, 300, 90),  # wide canvas
        (400, 200, 250, 10, 120),  # tall canvas
    ],
)
def test_output_is_mnist_like(h, w, top, left, size):
    image = stroke_digit(h, w, top, left, size, pen=max(2.0, size / 14))
    check_mnist_like(canvas_to_mnist(rgba(image)))


def test_box20_longer_side_is_20():
    for size in (30, 100, 250):
        steps = canvas_to_mnist_steps(stroke_digit(280, 280, 10, 10, size, pen=size / 14))
        assert max(steps.box20.shape) == 20
        assert steps.box20.max() == pytest.approx(1.0)


def test_steps_are_consistent():
    image = rgba(stroke_digit(280, 280, 30, 120, 100, pen=8))
    s = canvas_to_mnist_steps(image)
    top, left, bottom, right = s.bbox
    assert s.grey.shape == (280, 280)
    assert s.crop.shape == (bottom - top, right - left)
    assert s.placed.shape == s.centred.shape == (28, 28)
    assert np.allclose(np.roll(s.placed, s.shift, axis=(0, 1)), s.centred)
    assert np.allclose(centre_of_mass(s.placed), s.centre_of_mass)
    assert np.array_equal(canvas_to_mnist(image), s.centred)


def test_grey_rgb_rgba_and_float_agree():
    grey = stroke_digit(280, 280, 40, 60, 150, pen=9)
    u8 = np.round(grey * 255).astype(np.uint8)
    reference = canvas_to_mnist(grey)
    for image in (u8, np.dstack([u8] * 3), rgba(grey), grey.astype(np.float64)):
        assert np.allclose(canvas_to_mnist(image), reference, atol=1e-5)


def test_alpha_composites_over_black():
    image = rgba(stroke_digit(280, 280, 40, 60, 150, pen=9))
    image[..., 3] = np.where(image[..., 3] > 0, 128, 0)  # half-transparent ink
    steps = canvas_to_mnist_steps(image)
    assert steps.grey.max() == pytest.approx(128 / 255, abs=1e-3)
    check_mnist_like(steps.centred)


def test_rejects_bad_shapes():
    with pytest.raises(ValueError):
        canvas_to_mnist(np.zeros((10, 10, 2), np.uint8))


def test_a_huge_canvas_is_refused_at_once_without_copying_it():
    """4000 x 4000 RGBA used to take 3 s and 480 MB: now one clear sentence, no copy."""
    huge = np.zeros((4000, 4000, 4), np.uint8)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="4000 x 4000 pixels; at most 2000 x 2000"):
            canvas_to_mnist(huge)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1e6, f"{peak / 1e6:.0f} MB allocated to refuse it"
    big = np.zeros((MAX_SIDE, MAX_SIDE), np.uint8)
    big[500:1500, 900:1100] = 255  # a tall bar: still accepted at the limit
    check_mnist_like(canvas_to_mnist(big))


@pytest.mark.parametrize(
    ("image", "fragment"),
    [
        (np.full((28, 28), "ink"), "must hold numbers"),
        (np.zeros((28, 28), np.complex64), "must hold numbers"),
        (np.array([[object()]], dtype=object), "must hold numbers"),
        (np.full((28, 28), np.nan, np.float32), "NaN or infinite"),
        (np.full((28, 28), np.inf), "NaN or infinite"),
    ],
    ids=["text", "complex", "objects", "nan", "inf"],
)
def test_non_numbers_are_a_clear_value_error(image, fragment):
    with pytest.raises(ValueError, match=fragment):
        canvas_to_mnist(image)


def test_negative_values_are_background_never_ink():
    """Clipped, not wrapped: -1 in int8 or int64 is no ink (as uint8 it would be 255)."""
    for dtype in (np.int8, np.int16, np.int64, np.float32):
        assert canvas_to_mnist(np.full((280, 280), -1, dtype)) is None, dtype
        assert canvas_to_mnist(np.full((280, 280), -1000, np.int64)) is None


def test_any_integer_type_means_0_to_255_and_floats_0_to_1():
    """The same drawing as uint8, int64, uint16 (clipped at 255), float and float * 7
    (clipped at 1) gives the same digit; out-of-range values only saturate."""
    grey = stroke_digit(280, 280, 60, 80, 150, 14)
    u8 = np.round(grey * 255).astype(np.uint8)
    expected = canvas_to_mnist(u8)
    np.testing.assert_array_equal(canvas_to_mnist(u8.astype(np.int64)), expected)
    np.testing.assert_allclose(canvas_to_mnist(u8 / np.float32(255)), expected, atol=1e-5)
    saturated = canvas_to_mnist((u8 > 0).astype(np.uint16) * 60_000)
    np.testing.assert_array_equal(saturated, canvas_to_mnist((u8 > 0).astype(np.float64) * 7))


def test_position_and_size_do_not_matter():
    outputs = [
        canvas_to_mnist(rgba(stroke_digit(280, 280, top, left, size, pen=size / 14)))
        for top, left, size in [(20, 20, 100), (150, 140, 110), (30, 60, 220), (200, 200, 60)]
    ]
    for x in outputs[1:]:
        assert corr(outputs[0], x) > 0.9


@pytest.mark.parametrize(("n_in", "n_out"), [(280, 20), (37, 20), (7, 20), (20, 20), (1, 5)])
def test_resample_matrix_rows_sum_to_one(n_in, n_out):
    R = resample_matrix(n_in, n_out)
    assert R.shape == (n_out, n_in)
    assert np.allclose(R.sum(axis=1), 1.0, atol=1e-5)
    assert R.min() >= 0


def test_box_filter_is_anti_aliased():
    stripes = np.zeros(280, np.float32)
    stripes[::2] = 1.0  # one-pixel stripes must average to grey, not alias to black/white
    assert np.allclose(resample_matrix(280, 20) @ stripes, 0.5, atol=0.01)


# --- real MNIST digits ---------------------------------------------------------------


@pytest.mark.full_mnist
def test_mnist_digits_survive_the_round_trip():
    images = mnist_test_images(500).astype(np.float32) / 255
    scores = []
    for digit in images:
        canvas = np.kron(digit, np.ones((10, 10), np.float32))  # (280, 280)
        scores.append(corr(canvas_to_mnist(rgba(canvas)), digit))
    assert np.mean(scores) > 0.9
    assert np.median(scores) > 0.9


@pytest.mark.full_mnist
def test_redrawn_bench_set_is_deterministic_and_recovered():
    from tests.support.redrawn import make_redrawn_set, naive_shrink

    images = mnist_test_images(20)
    a = make_redrawn_set(images, np.random.default_rng(3))
    b = make_redrawn_set(images, np.random.default_rng(3))
    assert a.shape == (20, 280, 280, 4) and a.dtype == np.uint8
    assert np.array_equal(a, b)
    ours = [corr(canvas_to_mnist(c), d) for c, d in zip(a, images, strict=True)]
    naive = [corr(naive_shrink(c), d) for c, d in zip(a, images, strict=True)]
    assert np.mean(ours) > 0.75 > np.mean(naive)


# --- distort -------------------------------------------------------------------------


@pytest.fixture
def digits() -> np.ndarray:
    """(40, 784) float32: synthetic strokes (more than one CHUNK), no data files needed."""
    rng = np.random.default_rng(7)
    out = []
    for _ in range(40):
        top, left = rng.integers(3, 7, 2)
        out.append(stroke_digit(28, 28, top, left, 18, pen=1.2).ravel())
    return np.array(out, np.float32)


def test_distort_shape_dtype_range(digits):
    Y = random_distort(digits, np.random.default_rng(0))
    assert Y.shape == digits.shape and Y.dtype == np.float32
    assert Y.min() >= 0.0 and Y.max() <= 1.0
    assert not np.allclose(Y, digits)


def test_distort_is_deterministic(digits):
    a = random_distort(digits, np.random.default_rng(5), 0.8)
    b = random_distort(digits, np.random.default_rng(5), 0.8)
    assert np.array_equal(a, b)


def test_distort_strength_zero_is_identity(digits):
    assert np.allclose(random_distort(digits, np.random.default_rng(0), 0.0), digits, atol=1e-5)


def test_distort_writes_into_out(digits):
    out = np.empty_like(digits)
    result = random_distort(digits, np.random.default_rng(0), out=out)
    assert result is out
    assert np.array_equal(out, random_distort(digits, np.random.default_rng(0)))


def test_distort_in_place(digits):
    expected = random_distort(digits, np.random.default_rng(4))
    X = digits.copy()
    random_distort(X, np.random.default_rng(4), out=X)
    assert np.array_equal(X, expected)


def test_distort_roughly_keeps_ink(digits):
    Y = random_distort(digits, np.random.default_rng(1))
    ratio = Y.sum(axis=1) / digits.sum(axis=1)
    assert 0.8 < ratio.mean() < 1.3
    assert ratio.min() > 0.4 and ratio.max() < 2.5


def test_distort_stays_close_to_the_original(digits):
    Y = random_distort(digits, np.random.default_rng(2), 0.3)
    assert np.mean([corr(a, b) for a, b in zip(Y, digits, strict=True)]) > 0.6
