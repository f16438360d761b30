"""load_dataset's first source, a folder of IDX files: where it is found, and what
happens when it is missing or spoiled.

A folder the teacher names (data_dir=) must be used or refused in words, never silently
replaced by the 8,000-digit sample; a folder from NN_DATA_DIR may fall back, but the
data set says why. Like test_data.py, nothing here touches the internet or the real
cache (the ``refused_mirrors`` fixture).
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import struct
from pathlib import Path

import numpy as np
import pytest

from nn_core.data import DATASETS, FILES, load_dataset
from nn_core.errors import DataError, DataUnavailableError
from tests.engine.helpers import assert_matches, idx_bytes, write_dataset

pytestmark = pytest.mark.usefixtures("refused_mirrors")


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
