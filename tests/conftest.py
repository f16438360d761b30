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
