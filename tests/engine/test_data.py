"""load_dataset: the sources in order, what it returns, and what it says when it fails.

The first source, a folder of IDX files, has its own file: test_data_folder.py. Every
test runs with NN_DATA_DIR unset, the cache in tmp_path and the official mirrors
replaced by a dead local port, so nothing here can touch the real internet or the
real home cache. Tests on the real data sets use the NN_DATA_DIR the run started with.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import struct
from pathlib import Path

import numpy as np
import pytest

from nn_core.data import DATASETS, default_cache_dir, load_dataset, load_sample
from nn_core.errors import DataError, DataUnavailableError
from tests.engine.helpers import FASHION, assert_matches, write_dataset

REAL_DATA_DIR = os.environ.get("NN_DATA_DIR")

pytestmark = pytest.mark.usefixtures("refused_mirrors")  # conftest.py: nothing real is touched


# --- source 2: the cache ------------------------------------------------------------------


def test_cache_from_env(tmp_path):
    arrays = write_dataset(tmp_path / "cache" / "mnist")
    ds = load_dataset("mnist", download=False)
    assert (ds.source, ds.location) == ("cache", str(tmp_path / "cache" / "mnist"))
    assert ds.notes == ("no folder given (pass data_dir= or set NN_DATA_DIR)",)
    assert_matches(ds, arrays)


def test_cache_from_argument(tmp_path):
    arrays = write_dataset(tmp_path / "elsewhere" / "fashion-mnist")
    ds = load_dataset("fashion-mnist", cache_dir=tmp_path / "elsewhere", download=False)
    assert ds.source == "cache"
    assert ds.class_names == FASHION
    assert_matches(ds, arrays)


def test_default_cache_dir(tmp_path, monkeypatch):
    assert default_cache_dir() == tmp_path / "cache"
    monkeypatch.delenv("NN_CACHE_DIR")
    assert default_cache_dir() == tmp_path / "xdg" / "nn-classroom"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "nn-classroom"


# --- source 4: the bundled sample, and total failure ---------------------------------------


def test_bundled_sample_when_nothing_else(tmp_path):
    ds = load_dataset("mnist", download=False)
    assert ds.source == "bundled" and not ds.is_full
    assert (ds.n_train, ds.n_test) == (8000, 2000)
    assert Path(ds.location).name == "mnist_sample.npz"
    assert ds.notes[0] == "no folder given (pass data_dir= or set NN_DATA_DIR)"
    assert "download skipped (download=False)" in ds.notes
    assert not (tmp_path / "cache" / "mnist").exists()


def test_bundled_sample_when_download_fails():
    ds = load_dataset("mnist", timeout=1.0)
    assert ds.source == "bundled"
    assert any("unreachable" in n for n in ds.notes)


def test_nothing_available_without_bundled_explains_how_to_provide():
    with pytest.raises(DataUnavailableError) as info:
        load_dataset("mnist", download=False, allow_bundled=False)
    message = str(info.value)
    for words in (
        "NN_DATA_DIR",
        "data_dir=",
        "mnist/",
        "train-images-idx3-ubyte.gz",
        "allow_bundled=False",
    ):
        assert words in message


def test_fashion_mnist_unavailable_has_no_sample(tmp_path):
    with pytest.raises(DataUnavailableError) as info:
        load_dataset("fashion-mnist", timeout=1.0)
    message = str(info.value)
    assert "fashion-mnist/" in message and "NN_DATA_DIR" in message
    assert "no bundled sample of Fashion-MNIST" in message
    assert "unreachable" in message
    with pytest.raises(DataUnavailableError):
        load_sample("fashion-mnist")


def test_broken_bundled_sample_is_reported(tmp_path, monkeypatch):
    (tmp_path / "mnist_sample.npz").write_bytes(b"PK\x03\x04 not really a zip")
    monkeypatch.setattr("nn_core.data.ASSETS", tmp_path)
    with pytest.raises(DataError, match="mnist_sample.npz: cannot read the bundled sample"):
        load_sample("mnist")
    with pytest.raises(DataUnavailableError, match="bundled sample unusable"):
        load_dataset("mnist", download=False)


def test_bundled_sample_contents(mnist_sample):
    ds = mnist_sample
    assert ds.class_names == tuple("0123456789")
    assert ds.X_train.shape == (8000, 784) and ds.X_test.shape == (2000, 784)
    assert ds.X_train.dtype == np.float32 and ds.y_train.dtype == np.int64
    assert ds.X_train.min() == 0.0 and ds.X_train.max() == 1.0
    assert np.array_equal(np.rint(ds.X_test * 255) / np.float32(255), ds.X_test)
    train_counts, test_counts = np.bincount(ds.y_train, minlength=10), np.bincount(ds.y_test)
    assert train_counts.min() > 600 and test_counts.min() > 150
    np.testing.assert_allclose(train_counts / 8000, test_counts / 2000, atol=0.002)
    assert {row.tobytes() for row in ds.X_train}.isdisjoint(row.tobytes() for row in ds.X_test)


# --- the Dataset object --------------------------------------------------------------------


def test_dataset_conveniences(tmp_path):
    write_dataset(tmp_path / "mnist", n_train=6, n_test=4)
    ds = load_dataset("MNIST", data_dir=tmp_path, download=False)
    assert ds.images("train").shape == (6, 28, 28) and ds.images("test").shape == (4, 28, 28)
    assert np.shares_memory(ds.images("test"), ds.X_test)
    with pytest.raises(ValueError, match="split"):
        ds.images("validation")
    assert "n_train=6" in repr(ds) and len(repr(ds)) < 300
    with pytest.raises(ValueError, match="read-only"):
        ds.X_train[0, 0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        ds.source = "elsewhere"


def test_dataset_names(tmp_path):
    assert DATASETS["mnist"].class_names == tuple(str(d) for d in range(10))
    assert DATASETS["fashion-mnist"].class_names == FASHION
    write_dataset(tmp_path / "fashion-mnist")
    ds = load_dataset("Fashion_MNIST", data_dir=tmp_path, download=False)
    assert (ds.name, ds.class_names) == ("fashion-mnist", FASHION)
    with pytest.raises(ValueError, match="unknown data set 'cifar10'"):
        load_dataset("cifar10")


def test_errors_are_value_errors():
    assert issubclass(DataUnavailableError, DataError) and issubclass(DataError, ValueError)


# --- the real data sets (CI sets NN_DATA_DIR to ../shared) --------------------------------

needs_real = pytest.mark.skipif(
    not REAL_DATA_DIR or not Path(REAL_DATA_DIR).is_dir(),
    reason="NN_DATA_DIR is unset or not a folder: the real-data tests need e.g. NN_DATA_DIR=../shared",
)


def labels_md5(y: np.ndarray) -> str:
    """MD5 of the IDX file that would hold labels ``y``."""
    return hashlib.md5(struct.pack(">II", 0x801, len(y)) + y.astype(np.uint8).tobytes()).hexdigest()


def images_md5(X: np.ndarray) -> str:
    """MD5 of the IDX file that would hold images ``X`` (n, 784) float32 in [0, 1]."""
    md5 = hashlib.md5(struct.pack(">IIII", 0x803, len(X), 28, 28))
    for start in range(0, len(X), 5000):  # in slices: small temporaries are much faster
        md5.update(np.rint(X[start : start + 5000] * np.float32(255)).astype(np.uint8).tobytes())
    return md5.hexdigest()


@needs_real
@pytest.mark.full_mnist
def test_real_mnist_is_exactly_the_official_data(monkeypatch):
    monkeypatch.setenv("NN_DATA_DIR", REAL_DATA_DIR)
    ds = load_dataset("mnist", download=False, allow_bundled=False)
    assert ds.source == "folder" and ds.is_full and ds.notes == ()
    assert (ds.n_train, ds.n_test) == (60000, 10000)
    assert ds.X_train.shape == (60000, 784) and ds.X_train.dtype == np.float32
    assert ds.X_train.flags.c_contiguous and ds.X_test.flags.c_contiguous
    assert ds.X_train.min() >= 0.0 and ds.X_train.max() <= 1.0
    md5 = DATASETS["mnist"].md5
    assert labels_md5(ds.y_train) == md5["train-labels-idx1-ubyte"]
    assert labels_md5(ds.y_test) == md5["t10k-labels-idx1-ubyte"]
    assert images_md5(ds.X_train) == md5["train-images-idx3-ubyte"]
    assert images_md5(ds.X_test) == md5["t10k-images-idx3-ubyte"]
    assert ds.y_train[:5].tolist() == [5, 0, 4, 1, 9]


@needs_real
def test_real_fashion_mnist():
    ds = load_dataset("fashion-mnist", data_dir=REAL_DATA_DIR, download=False, allow_bundled=False)
    assert ds.class_names == FASHION
    assert (ds.n_train, ds.n_test) == (60000, 10000)
    assert np.bincount(ds.y_test).tolist() == [1000] * 10
    md5 = DATASETS["fashion-mnist"].md5
    assert labels_md5(ds.y_train) == md5["train-labels-idx1-ubyte"]
    assert images_md5(ds.X_test) == md5["t10k-images-idx3-ubyte"]


@needs_real
def test_real_mnist_is_not_accepted_as_fashion(tmp_path):
    with pytest.raises(DataError, match="these are the MNIST labels"):
        load_dataset("fashion-mnist", data_dir=Path(REAL_DATA_DIR) / "mnist", download=False)


def test_mnist_full_fixture(mnist_full):
    assert (mnist_full.n_train, mnist_full.n_test) == (60000, 10000) and mnist_full.is_full
