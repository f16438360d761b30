"""load_dataset: the sources in order, what it returns, and what it says when it fails.

Every test runs with NN_DATA_DIR unset, the cache in tmp_path and the official mirrors
replaced by a dead local port, so nothing here can touch the real internet or the
real home cache. Tests on the real data sets use the NN_DATA_DIR the run started with.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import os
import socket
import struct
from pathlib import Path

import numpy as np
import pytest

from nn_core.data import DATASETS, FILES, Dataset, default_cache_dir, load_dataset, load_sample
from nn_core.errors import DataError, DataUnavailableError

REAL_DATA_DIR = os.environ.get("NN_DATA_DIR")
FASHION = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat")
FASHION += ("Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """No data folder, a private cache, and mirrors that cannot reach the internet."""
    monkeypatch.delenv("NN_DATA_DIR", raising=False)
    monkeypatch.setenv("NN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    with socket.socket() as sock:  # bound but not listening: connections are refused
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/"
        for name, info in DATASETS.items():
            monkeypatch.setitem(DATASETS, name, dataclasses.replace(info, mirrors=(dead,)))
        yield


def write_dataset(folder: Path, n_train=12, n_test=5, *, gz=True, seed=0, names=FILES) -> dict:
    """Write four small valid IDX files into ``folder``; return the arrays they hold."""
    rng = np.random.default_rng(seed)
    arrays = {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, n_train, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for key, name in zip(arrays, names, strict=True):
        data = idx_bytes(arrays[key])
        path = folder / (f"{name}.gz" if gz else name)
        path.write_bytes(gzip.compress(data) if gz else data)
    return arrays


def idx_bytes(a: np.ndarray) -> bytes:
    """The IDX encoding of a uint8 array of images (n, 28, 28) or labels (n,)."""
    magic = 0x803 if a.ndim == 3 else 0x801
    return struct.pack(f">I{a.ndim}I", magic, *a.shape) + a.tobytes()


def assert_matches(ds: Dataset, arrays: dict) -> None:
    """``ds`` holds exactly ``arrays``, converted as promised."""
    for split in ("train", "test"):
        X, y = getattr(ds, f"X_{split}"), getattr(ds, f"y_{split}")
        n = len(arrays[f"y_{split}"])
        assert X.shape == (n, 784) and X.dtype == np.float32 and X.flags.c_contiguous
        assert y.shape == (n,) and y.dtype == np.int64
        expected = arrays[f"x_{split}"].reshape(n, 784).astype(np.float32) / np.float32(255)
        np.testing.assert_array_equal(X, expected)
        np.testing.assert_array_equal(y, arrays[f"y_{split}"])


# --- source 1: a folder -------------------------------------------------------------------


def test_folder_from_data_dir_with_subfolder(tmp_path):
    arrays = write_dataset(tmp_path / "data" / "mnist")
    ds = load_dataset("mnist", data_dir=tmp_path / "data", download=False)
    assert (ds.source, ds.location) == ("folder", str(tmp_path / "data" / "mnist"))
    assert ds.notes == ()
    assert ds.is_full
    assert_matches(ds, arrays)


def test_folder_from_env_with_files_directly_uncompressed(tmp_path, monkeypatch):
    arrays = write_dataset(tmp_path / "flat", gz=False)
    monkeypatch.setenv("NN_DATA_DIR", str(tmp_path / "flat"))
    ds = load_dataset("mnist", download=False)
    assert (ds.source, ds.location) == ("folder", str(tmp_path / "flat"))
    assert_matches(ds, arrays)


def test_folder_accepts_kaggle_style_dotted_names(tmp_path):
    dotted = tuple(name.replace("-idx", ".idx") for name in FILES)
    arrays = write_dataset(tmp_path / "kaggle", gz=False, names=dotted)
    assert_matches(load_dataset("mnist", data_dir=tmp_path / "kaggle", download=False), arrays)


def test_data_dir_argument_wins_over_env(tmp_path, monkeypatch):
    write_dataset(tmp_path / "env" / "mnist", seed=1)
    arrays = write_dataset(tmp_path / "arg" / "mnist", seed=2)
    monkeypatch.setenv("NN_DATA_DIR", str(tmp_path / "env"))
    ds = load_dataset("mnist", data_dir=tmp_path / "arg", download=False)
    assert ds.location == str(tmp_path / "arg" / "mnist")
    assert_matches(ds, arrays)


def spoil(folder: Path, how: str) -> Path:
    """Write a valid data set into ``folder``, then spoil one file; return that file."""
    arrays = write_dataset(folder)
    if how == "incomplete":
        path = folder / "t10k-labels-idx1-ubyte.gz"
        path.unlink()
    elif how == "truncated":
        path = folder / "train-images-idx3-ubyte.gz"
        path.write_bytes(path.read_bytes()[:-40])
    elif how == "count mismatch":
        path = folder / "t10k-labels-idx1-ubyte.gz"
        path.write_bytes(gzip.compress(idx_bytes(arrays["y_test"][:-1])))
    else:  # "label out of range"
        path = folder / "train-labels-idx1-ubyte.gz"
        path.write_bytes(gzip.compress(idx_bytes(np.full_like(arrays["y_train"], 12))))
    return path


SPOILS = {  # how a folder is spoiled -> what the message must say
    "incomplete": ("incomplete", "t10k-labels-idx1-ubyte missing"),
    "truncated": ("train-images-idx3-ubyte.gz", "truncated"),
    "count mismatch": ("labels",),
    "label out of range": ("label 12",),
}


def test_a_named_folder_that_does_not_exist_is_an_error_not_a_fallback(tmp_path):
    with pytest.raises(DataError, match="no-such-folder: the data folder given as data_dir="):
        load_dataset("mnist", data_dir=tmp_path / "no-such-folder", download=False)


@pytest.mark.parametrize("empty", ["", "   "], ids=["empty", "blank"])
def test_an_empty_data_dir_is_an_error_not_no_folder(tmp_path, monkeypatch, empty):
    """``--data-dir "$DATA"`` with DATA unset: neither "no folder given" nor "here"."""
    write_dataset(tmp_path / "cache" / "mnist")  # a usable cache is NOT a way out
    write_dataset(tmp_path / "mnist")  # nor is the current folder, which Path("") means
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError, match=f"data_dir={empty!r} names no folder"):
        load_dataset("mnist", data_dir=empty, download=False)


def test_a_named_folder_without_the_files_is_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="no MNIST files in") as info:
        load_dataset("mnist", data_dir=tmp_path / "empty", download=False)
    assert not isinstance(info.value, DataUnavailableError)  # the sample was not tried


@pytest.mark.parametrize("how", list(SPOILS))
def test_a_named_folder_that_is_spoiled_raises_data_error_naming_the_problem(tmp_path, how):
    spoil(tmp_path / "mnist", how)
    write_dataset(tmp_path / "cache" / "mnist")  # a usable cache is NOT a way out
    with pytest.raises(DataError) as info:
        load_dataset("mnist", data_dir=tmp_path, download=False)
    for fragment in SPOILS[how]:
        assert fragment in str(info.value)
    assert str(tmp_path / "mnist") in str(info.value)


def test_a_missing_env_folder_falls_back_and_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv("NN_DATA_DIR", str(tmp_path / "no-such-folder"))
    ds = load_dataset("mnist", download=False)
    assert ds.source == "bundled"
    assert any("no-such-folder" in n and "does not exist" in n for n in ds.notes)
    assert "no-such-folder" in ds.fallback_reason and "does not exist" in ds.fallback_reason


@pytest.mark.parametrize("how", list(SPOILS))
def test_a_spoiled_env_folder_falls_back_with_the_reason(tmp_path, monkeypatch, how):
    spoil(tmp_path / "data" / "mnist", how)
    monkeypatch.setenv("NN_DATA_DIR", str(tmp_path / "data"))
    ds = load_dataset("mnist", download=False)
    assert ds.source == "bundled"
    for fragment in SPOILS[how]:
        assert fragment in ds.fallback_reason
    assert ds.fallback_reason in ds.notes


def test_a_good_env_folder_or_none_has_no_fallback_reason(tmp_path, monkeypatch):
    assert load_dataset("mnist", download=False).fallback_reason is None  # nothing set
    write_dataset(tmp_path / "data" / "mnist")
    monkeypatch.setenv("NN_DATA_DIR", str(tmp_path / "data"))
    assert load_dataset("mnist", download=False).fallback_reason is None


def test_mnist_files_are_not_accepted_as_fashion_mnist(tmp_path, monkeypatch):
    arrays = write_dataset(tmp_path)
    header = struct.pack(">II", 0x801, len(arrays["y_train"]))
    md5 = dict(DATASETS["mnist"].md5)
    md5[FILES[1]] = hashlib.md5(header + arrays["y_train"].tobytes()).hexdigest()
    monkeypatch.setitem(DATASETS, "mnist", dataclasses.replace(DATASETS["mnist"], md5=md5))
    with pytest.raises(DataError, match="these are the MNIST labels, not Fashion-MNIST"):
        load_dataset("fashion-mnist", data_dir=tmp_path, download=False)
    assert load_dataset("mnist", data_dir=tmp_path, download=False).source == "folder"


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
