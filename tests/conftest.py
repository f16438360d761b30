"""Fixtures shared by all tests."""

from __future__ import annotations

import pytest

from nn_core.data import Dataset, load_dataset, load_sample
from nn_core.errors import DataUnavailableError


@pytest.fixture(scope="session")
def mnist_full() -> Dataset:
    """The real MNIST (60,000 + 10,000) from NN_DATA_DIR or the user cache; never downloads."""
    try:
        return load_dataset("mnist", download=False, allow_bundled=False)
    except DataUnavailableError:
        pytest.skip(
            "full MNIST not available: set NN_DATA_DIR to a folder holding mnist/ (e.g. ../shared)"
        )


@pytest.fixture(scope="session")
def mnist_sample() -> Dataset:
    """The bundled sample (8,000 + 2,000 real MNIST digits), available everywhere."""
    return load_sample("mnist")


@pytest.fixture
def bundled_sample_only(monkeypatch, tmp_path):
    """Point the app at an empty data folder and cache, so it serves the bundled sample:
    page tests then see the same data on every machine. Yields ``ui.shared.get_dataset``."""
    from ui import shared as ui_shared

    (tmp_path / "data").mkdir()
    monkeypatch.setenv("NN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NN_CACHE_DIR", str(tmp_path / "cache"))
    get_dataset = ui_shared.get_dataset  # kept: a test may monkeypatch the module attribute
    get_dataset.clear()
    yield get_dataset
    get_dataset.clear()


@pytest.fixture(scope="module")
def shared_sample(mnist_sample, tmp_path_factory):
    """The bundled sample published for training workers (server.shared_data), in a
    temporary state folder: what the scheduler's tests train on."""
    from server.shared_data import publish

    return publish(mnist_sample, tmp_path_factory.mktemp("state"))


@pytest.fixture
def fashion_from_sample(monkeypatch):
    """Fashion-MNIST's name and class names on the bundled sample's pixels: pages can be
    tested on "fashion-mnist" without the real files (and never skip). Combine with
    ``bundled_sample_only``; returns the stand-in data set."""
    import dataclasses

    from nn_core.data import DATASETS
    from ui import shared as ui_shared

    sample = load_sample("mnist")
    fashion = dataclasses.replace(
        sample,
        name="fashion-mnist",
        class_names=DATASETS["fashion-mnist"].class_names,
        source="folder",
        location="test",
    )
    real = ui_shared.get_dataset
    monkeypatch.setattr(
        ui_shared, "get_dataset", lambda name: fashion if name == "fashion-mnist" else real(name)
    )
    return fashion
