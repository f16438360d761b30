"""Fixtures shared by all tests: thin wrappers around ``tests/support``."""

from __future__ import annotations

import zipfile

import pytest

pytest.register_assert_rewrite("tests.support")  # plain asserts there explain themselves too

from nn_core.data import Dataset  # noqa: E402
from tests.support import samples  # noqa: E402


@pytest.fixture(scope="session")
def mnist_full() -> Dataset:
    """The real MNIST (60,000 + 10,000) from NN_DATA_DIR or the user cache; never downloads."""
    return samples.full_mnist()


@pytest.fixture(scope="session")
def mnist_sample() -> Dataset:
    """The bundled sample (8,000 + 2,000 real MNIST digits), available everywhere."""
    return samples.bundled_sample("mnist")


@pytest.fixture
def bundled_sample_only(monkeypatch, tmp_path):
    """Point the app at an empty data folder and cache, so it serves the bundled sample:
    page tests then see the same data on every machine. Yields ``ui.shared.get_dataset``."""
    get_dataset = samples.serve_bundled_sample(monkeypatch, tmp_path)
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
    return samples.serve_fashion_stand_in(monkeypatch)


@pytest.fixture
def parsed_records(monkeypatch) -> list:
    """Every directory record zipfile parses from now on, one ZipInfo each."""
    made: list = []

    class Counted(zipfile.ZipInfo):
        __slots__ = ()

        def __init__(self, *args, **kwargs):
            made.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(zipfile, "ZipInfo", Counted)
    return made
