"""The data the tests run on: the bundled MNIST sample, a Fashion-MNIST stand-in, full MNIST.

The bundled sample (8,000 + 2,000 real MNIST digits, ``nn_core/assets``) is on every
machine, so a test on it never skips and sees the same digits everywhere. Full MNIST is
only where ``NN_DATA_DIR`` or the user cache holds it; the tests that need it skip,
saying why, elsewhere. The conftest fixtures (``mnist_sample``, ``bundled_sample_only``,
``fashion_from_sample``, ``mnist_full``) are thin wrappers around these functions.
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np

from nn_core.data import DATASETS, Dataset, load_dataset, load_sample
from nn_core.errors import DataUnavailableError
from tests.support.redrawn import redraw_digit


@functools.cache
def bundled_sample(name: str = "mnist") -> Dataset:
    """The bundled sample, read once per test process (its arrays are read-only, so one
    copy can serve every test)."""
    return load_sample(name)


def full_mnist() -> Dataset:
    """The real MNIST (60,000 + 10,000) from NN_DATA_DIR or the user cache; never
    downloads. Skips the calling test when it is not there."""
    import pytest  # here: the benchmarks use this module without pytest

    try:
        return _full_mnist()
    except DataUnavailableError:
        pytest.skip(
            "full MNIST not available: set NN_DATA_DIR to a folder holding mnist/ (e.g. ../shared)"
        )


@functools.cache
def _full_mnist() -> Dataset:
    return load_dataset("mnist", download=False, allow_bundled=False)


def as_digits(X: np.ndarray) -> np.ndarray:
    """Rows of a data set ``(n, 784)`` float32 in [0, 1] back into the images they were
    read from: ``(n, 28, 28)`` uint8 in 0..255 (exact: every pixel is k/255)."""
    return np.rint(np.asarray(X).reshape(-1, 28, 28) * 255).astype(np.uint8)  # (n, 28, 28)


def mnist_test_digits(n: int, *, full: bool = False) -> np.ndarray:
    """The first ``n`` test images as ``(n, 28, 28)`` uint8: of the bundled sample, or of
    the real MNIST with ``full=True`` (the test skips where it is missing)."""
    data = full_mnist() if full else bundled_sample("mnist")
    return as_digits(data.X_test[:n])


def redrawn_digits(n: int, seed: int = 1) -> tuple[list[np.ndarray], np.ndarray]:
    """The bundled sample's first ``n`` test digits as canvas drawings (random size,
    place and pen: ``tests.support.redrawn``), with their labels: ``n`` RGBA
    ``(280, 280, 4)`` uint8 canvases and ``(n,)`` int64 labels."""
    sample = bundled_sample("mnist")
    rng = np.random.default_rng(seed)
    canvases = [redraw_digit(d, rng) for d in as_digits(sample.X_test[:n])]
    return canvases, sample.y_test[:n]


def serve_bundled_sample(monkeypatch, tmp_path):
    """Point the app at an empty data folder and cache, so it serves the bundled sample:
    page tests then see the same data on every machine. Returns ``ui.shared.get_dataset``
    with its cache cleared; clear it again when the test is over."""
    from ui import shared as ui_shared

    (tmp_path / "data").mkdir()
    monkeypatch.setenv("NN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NN_CACHE_DIR", str(tmp_path / "cache"))
    get_dataset = ui_shared.get_dataset  # kept: a test may monkeypatch the module attribute
    get_dataset.clear()
    return get_dataset


def fashion_stand_in() -> Dataset:
    """Fashion-MNIST's name and class names on the bundled MNIST sample's pixels: pages
    can be tested on "fashion-mnist" without the real files (and never skip)."""
    return dataclasses.replace(
        bundled_sample("mnist"),
        name="fashion-mnist",
        class_names=DATASETS["fashion-mnist"].class_names,
        source="folder",
        location="test",
    )


def serve_fashion_stand_in(monkeypatch) -> Dataset:
    """Make the app's ``get_dataset("fashion-mnist")`` return ``fashion_stand_in()``
    (other names are served as before); returns the stand-in."""
    from ui import shared as ui_shared

    fashion = fashion_stand_in()
    real = ui_shared.get_dataset
    monkeypatch.setattr(
        ui_shared, "get_dataset", lambda name: fashion if name == "fashion-mnist" else real(name)
    )
    return fashion
