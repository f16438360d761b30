"""Malformed model files: every one is refused with a ModelFileError in plain words.

A teacher uploads whatever is on the desktop: a pickle, a truncated download, another
program's zip, a file with one weight missing or of the wrong shape. Each such file must
end in one sentence that says what is wrong with it, never a traceback through NumPy or
zipfile, and never a model that loads but is not what the file claims.
"""

from __future__ import annotations

import io
import json
import pickle
import struct
import zipfile

import numpy as np
import pytest

from nn_core import MLP, ModelFileError, model_to_bytes
from nn_core.modelfile import FORMAT, read_config
from tests.engine.helpers import (
    assert_model_file_error,
    npz_bytes,
    parts,
    spoiled,
    with_config,
)


def test_the_valid_parts_do_load():
    """Sanity check of the helpers (tests/engine/helpers.py): unspoiled, they make a loadable file."""
    assert MLP.load(spoiled()).config.sizes == (784, 6, 10)


def test_read_config_judges_the_declared_network_without_reading_a_weight():
    """A server reads the small config entry first: a file declaring a huge network with
    no weights at all still says what it declares, while loading it fails."""
    huge = MLP((784, 6, 10), seed=0).config.to_dict() | {"sizes": [784, 4096, 10]}
    declared = spoiled(config=np.array(json.dumps(huge)), W0=None, W1=None, b0=None, b1=None)
    assert read_config(declared).sizes == (784, 4096, 10)
    assert_model_file_error(declared, "missing weights")
    with pytest.raises(ModelFileError, match="missing 'config'"):
        read_config(spoiled(config=None))
    with pytest.raises(ModelFileError, match="a pickle"):
        read_config(pickle.dumps({"config": huge}))


def test_wrong_keys():
    data = npz_bytes(images=np.zeros((2, 784)), labels=np.zeros(2))
    assert_model_file_error(data, "missing 'format'", "MLP.save")


def test_missing_config_or_meta():
    assert_model_file_error(spoiled(config=None), "missing 'config'")
    assert_model_file_error(spoiled(meta=None), "missing 'meta'")


def test_missing_weights():
    assert_model_file_error(spoiled(W1=None), "missing weights 'W1'", "(784, 6, 10)")
    assert_model_file_error(spoiled(b0=None), "missing weights 'b0'")


def test_extra_weights():
    assert_model_file_error(spoiled(W2=np.zeros((10, 10), np.float32)), "unexpected weights")


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("W0", np.zeros((6, 784), np.float32), "'W0' has shape (6, 784), expected (784, 6)"),
        ("W1", np.zeros((6, 10, 1), np.float32), "'W1' has shape"),
        ("b0", np.zeros(7, np.float32), "'b0' has shape (7,), expected (6,)"),
        ("b1", np.float32(0.0), "'b1' has shape ()"),
    ],
)
def test_wrong_shapes(key, value, fragment):
    assert_model_file_error(spoiled(**{key: value}), fragment)


@pytest.mark.parametrize("dtype", [np.int32, np.uint8, np.bool_, np.complex64])
def test_non_float_weights(dtype):
    W0 = parts()["W0"].astype(dtype)
    assert_model_file_error(spoiled(W0=W0), "'W0' holds", "expected floats")


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_infinite_weights(bad):
    W1 = parts()["W1"]
    W1[3, 4] = bad
    assert_model_file_error(spoiled(W1=W1), "'W1' contains NaN or infinite values")


def test_a_pickle_file(tmp_path):
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps({"W0": np.zeros((784, 6))}))
    assert_model_file_error(path, str(path), "pickle")
    assert_model_file_error(pickle.dumps([1, 2, 3]), "pickle")


@pytest.mark.parametrize("key", ["meta", "W0", "config"])
def test_an_npz_with_a_pickled_object_array(key):
    evil = np.array([{"__reduce__": "os.system"}, None], dtype=object)
    data = spoiled(**{key: evil})
    assert_model_file_error(data, "cannot be loaded")


def test_garbage_bytes_and_a_plain_npy():
    rng = np.random.default_rng(0)
    assert_model_file_error(rng.bytes(1000), "not a .npz archive")
    assert_model_file_error(b"hello, this is a text file\n", "not a .npz archive")
    buf = io.BytesIO()
    np.save(buf, np.zeros((784, 10)))
    assert_model_file_error(buf.getvalue(), "not a .npz archive")


def test_an_empty_file(tmp_path):
    path = tmp_path / "empty.npz"
    path.write_bytes(b"")
    assert_model_file_error(path, str(path), "empty")
    assert_model_file_error(b"", "empty")
    assert_model_file_error(io.BytesIO(b""), "empty")


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.99])
def test_a_truncated_zip(tmp_path, keep):
    data = model_to_bytes(MLP((784, 6, 10), seed=0))
    path = tmp_path / "cut.npz"
    path.write_bytes(data[: int(len(data) * keep)])
    assert_model_file_error(path, str(path), "damaged or truncated")


def test_a_nonexistent_path_or_a_folder(tmp_path):
    missing = tmp_path / "nope.npz"
    assert_model_file_error(missing, str(missing), "no such model file")
    assert_model_file_error(str(missing), "no such model file")
    assert_model_file_error(tmp_path, "no such model file")


def test_a_plain_zip_of_other_files():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("digits/three.png", b"\x89PNG not really")
    assert_model_file_error(buf.getvalue(), "missing 'format'")


def test_invalid_config_json():
    assert_model_file_error(spoiled(config=np.array("{sizes: [784")), "invalid model configuration")
    assert_model_file_error(spoiled(config=np.array("null")), "invalid model configuration")
    assert_model_file_error(spoiled(config=np.array("[784, 6, 10]")), "invalid model configuration")


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"activation": "softsign"}, "unknown activation 'softsign'"),
        ({"init": "zeros"}, "unknown initialisation"),
        ({"sizes": [784]}, "sizes"),
        ({"sizes": "abc"}, "invalid model configuration"),
        ({"dropout": 1.5}, "dropout"),
        ({"x_std": -1.0}, "x_std"),
        ({"x_std": "wide"}, "invalid model configuration"),
        ({"colour": "blue"}, "unknown model settings"),
    ],
)
def test_invalid_config_values(changes, fragment):
    assert_model_file_error(with_config(**changes), "invalid model configuration", fragment)


def test_config_sizes_that_do_not_match_the_weights():
    assert_model_file_error(with_config(sizes=[784, 7, 10]), "'W0' has shape (784, 6)")


def test_wrong_format_tag():
    assert_model_file_error(
        spoiled(format=np.array("nn-classroom-mlp/99")), "unsupported model format"
    )
    assert_model_file_error(spoiled(format=np.array("keras")), "'keras'")


def test_text_entries_that_are_not_text():
    assert_model_file_error(spoiled(format=np.array(1.0)), "'format' should be a text entry")
    assert_model_file_error(spoiled(format=np.array([FORMAT])), "'format' should be a text entry")
    assert_model_file_error(spoiled(config=np.array(b"{}")), "'config' should be a text entry")


def test_an_uploaded_file_is_named_in_the_message():
    upload = io.BytesIO(b"garbage")
    upload.name = "my_model.npz"
    assert_model_file_error(upload, "my_model.npz", "not a .npz archive")


def test_the_archive_is_opened_without_pickle_even_for_unused_entries():
    """An object array nobody reads is never unpickled, so the file may still load; what
    matters is that reading never executes a pickle. np.load(allow_pickle=False) enforces
    that; here we make sure a model with a stray object entry does not crash."""
    data = spoiled(notes=np.array([object()], dtype=object))
    try:
        loaded = MLP.load(data)
    except ModelFileError:
        return
    assert loaded.config.sizes == (784, 6, 10)


# Bad files found while writing these tests that escape as raw exceptions (see the report).


def corrupt_member(data: bytes, member: str) -> bytes:
    """Overwrite one member's compressed bytes with 0xFF, keeping the zip structure."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    name_len, extra_len = struct.unpack(
        "<HH", data[info.header_offset + 26 : info.header_offset + 30]
    )
    start = info.header_offset + 30 + name_len + extra_len
    return data[:start] + b"\xff" * info.compress_size + data[start + info.compress_size :]


def test_damaged_compressed_data():
    """Bit rot inside a compressed entry makes zlib fail: still a damaged file, in words."""
    data = corrupt_member(model_to_bytes(MLP((784, 6, 10), seed=0)), "W0.npy")
    assert_model_file_error(data, "damaged")


def test_a_zip_whose_entries_are_not_numpy_arrays():
    """np.load hands back raw bytes for a member that is not a .npy file."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("format", FORMAT)
    assert_model_file_error(buf.getvalue())


@pytest.mark.parametrize("seed", [-1, "abc", 1.5])
def test_an_invalid_seed_in_the_config(seed):
    assert_model_file_error(with_config(seed=seed), "seed")


def test_invalid_meta_json_is_named_in_the_message():
    assert_model_file_error(spoiled(meta=np.array("{not json")), "meta")
