"""Model files: a faithful round trip, and a plain-words ModelFileError for every bad file."""

from __future__ import annotations

import io
import json
import pickle
import struct
import tracemalloc
import warnings
import zipfile
import zlib

import numpy as np
import pytest

import nn_core
from nn_core import MLP, ModelFileError, model_to_bytes
from nn_core.jsonbound import json_depth
from nn_core.model import load_model
from nn_core.modelfile import FORMAT, read_config
from nn_core.train import TrainConfig


@pytest.fixture(scope="module")
def model() -> MLP:
    m = MLP((784, 24, 12, 10), activation="tanh", dropout=0.2, x_mean=0.13, x_std=0.31, seed=5)
    rng = np.random.default_rng(0)
    for layer in m.dense:
        layer.params["b"][:] = rng.normal(0, 0.1, layer.b.shape)
    return m


@pytest.fixture(scope="module")
def X() -> np.ndarray:
    return np.random.default_rng(1).random((20, 784), dtype=np.float32)


def assert_same_model(a: MLP, b: MLP, X: np.ndarray) -> None:
    assert a.config == b.config
    for x, y in zip(a.get_weights(), b.get_weights(), strict=True):
        assert y.dtype == np.float32
        np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


# --------------------------------------------------------------------------- round trips


def test_round_trip_through_a_path(tmp_path, model, X):
    path = tmp_path / "model.npz"
    model.save(path)
    assert_same_model(model, MLP.load(path), X)
    assert_same_model(model, MLP.load(str(path)), X)
    assert [p.name for p in tmp_path.iterdir()] == ["model.npz"]  # no temporary leftovers


def test_round_trip_through_file_objects(tmp_path, model, X):
    buf = io.BytesIO()
    model.save(buf)
    buf.seek(0)
    assert_same_model(model, MLP.load(buf), X)
    path = tmp_path / "m.npz"
    with open(path, "wb") as f:
        model.save(f)
    with open(path, "rb") as f:
        assert_same_model(model, MLP.load(f), X)


def test_round_trip_through_bytes(model, X):
    data = model_to_bytes(model)
    assert data.startswith(b"PK\x03\x04")
    assert_same_model(model, MLP.load(data), X)
    assert_same_model(model, MLP.load(bytearray(data)), X)
    assert_same_model(model, MLP.load(memoryview(data)), X)
    assert_same_model(model, load_model(data), X)


def test_config_and_meta_survive_including_the_train_config(tmp_path, X):
    m = MLP((784, 16, 10), init="xavier", seed=3)
    train_config = TrainConfig(
        epochs=2, batch_size=32, optimizer="momentum", lr=0.05, schedule="cosine", shift=1, seed=4
    )
    meta = {
        "train_config": train_config.to_dict(),
        "history": {"step": [1, 2, 3], "loss": [2.3, 2.1, 1.9]},
        "test_accuracy": np.float64(0.9731),  # NumPy scalars become plain JSON numbers
        "counts": np.arange(3),
        "dataset": "mnist",
        "seed": 4,
        "date": "2024-01-01T00:00:00+00:00",
        "nested": {"none": None, "flag": True},
    }
    path = tmp_path / "m.npz"
    m.save(path, meta=meta)
    loaded = MLP.load(path)
    assert loaded.config == m.config
    assert loaded.meta["train_config"] == train_config.to_dict()
    assert TrainConfig.from_dict(loaded.meta["train_config"]) == train_config
    assert loaded.meta["history"] == meta["history"]
    assert loaded.meta["test_accuracy"] == pytest.approx(0.9731)
    assert loaded.meta["counts"] == [0, 1, 2]
    assert loaded.meta["nested"] == {"none": None, "flag": True}
    assert {k: loaded.meta[k] for k in ("dataset", "seed", "date")} == {
        "dataset": "mnist",
        "seed": 4,
        "date": "2024-01-01T00:00:00+00:00",
    }
    assert m.meta["dataset"] == "mnist"  # save() records the meta on the model too
    assert_same_model(m, loaded, X)


def test_model_meta_is_saved_without_a_meta_argument(X):
    m = MLP((784, 8, 10), seed=0)
    m.meta = {"note": "trained in class"}
    assert MLP.load(model_to_bytes(m)).meta == {"note": "trained in class"}


def test_saving_over_an_existing_file_replaces_it(tmp_path, X):
    path = tmp_path / "m.npz"
    MLP((784, 8, 10), seed=1).save(path)
    second = MLP((784, 8, 10), seed=2)
    second.save(path)
    assert_same_model(second, MLP.load(path), X)


def test_the_file_is_a_plain_npz_readable_without_pickle(model):
    with np.load(io.BytesIO(model_to_bytes(model)), allow_pickle=False) as npz:
        assert set(npz.files) == {"format", "config", "meta", "W0", "b0", "W1", "b1", "W2", "b2"}
        assert str(npz["format"]) == FORMAT
        assert json.loads(str(npz["config"])) == model.config.to_dict()
        np.testing.assert_array_equal(npz["W1"], model.dense[1].W)


def test_float16_files_are_smaller_and_load_as_float32(model, X):
    full, half = io.BytesIO(), io.BytesIO()
    model.save(full)
    model.save(half, dtype=np.float16)
    assert len(half.getvalue()) < 0.7 * len(full.getvalue())
    loaded = MLP.load(half.getvalue())
    assert loaded.config == model.config
    for w, v in zip(model.get_weights(), loaded.get_weights(), strict=True):
        assert v.dtype == np.float32
        np.testing.assert_array_equal(v, w.astype(np.float16).astype(np.float32))
    np.testing.assert_allclose(loaded.predict_proba(X), model.predict_proba(X), atol=2e-3)
    assert all(w.dtype == np.float32 for w in model.get_weights())  # the model is untouched


def test_model_file_error_is_public_and_a_value_error():
    assert nn_core.ModelFileError is ModelFileError
    assert issubclass(ModelFileError, ValueError)


# --------------------------------------------------------------------------- bad files


def parts(m: MLP | None = None) -> dict[str, np.ndarray]:
    """The arrays of a valid model file, ready to be spoiled one at a time."""
    m = m or MLP((784, 6, 10), seed=0)
    arrays = {
        "format": np.array(FORMAT),
        "config": np.array(json.dumps(m.config.to_dict())),
        "meta": np.array(json.dumps({"dataset": "mnist"})),
    }
    for i, layer in enumerate(m.dense):
        arrays[f"W{i}"], arrays[f"b{i}"] = layer.W.copy(), layer.b.copy()
    return arrays


def npz_bytes(**arrays) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def spoiled(**changes) -> bytes:
    """A model file with some entries replaced (value) or removed (None)."""
    arrays = {**parts(), **changes}
    return npz_bytes(**{k: v for k, v in arrays.items() if v is not None})


def with_config(**changes) -> bytes:
    config = {**MLP((784, 6, 10), seed=0).config.to_dict(), **changes}
    return spoiled(config=np.array(json.dumps(config)))


def assert_model_file_error(source, *fragments: str) -> ModelFileError:
    with pytest.raises(ModelFileError) as info:
        MLP.load(source)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    # a plain sentence, not a chain of NumPy/zipfile internals
    assert info.value.__cause__ is None
    assert "Traceback" not in message
    return info.value


def test_the_valid_parts_do_load():
    """Sanity check of the helpers below: unspoiled, they make a loadable file."""
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


def test_a_failed_save_leaves_the_model_and_the_old_file_alone(tmp_path, X):
    path = tmp_path / "m.npz"
    m = MLP((784, 8, 10), seed=0)
    m.save(path, meta={"ok": 1})
    with pytest.raises(TypeError, match="cannot store"):
        m.save(path, meta={"bad": object()})
    assert MLP.load(path).meta == {"ok": 1}
    assert m.meta == {"ok": 1}, "the unsaveable entry stayed in model.meta"
    m.save(path)  # and the model can still be saved afterwards


def test_weights_that_cannot_be_stored_are_refused_before_writing(tmp_path):
    path = tmp_path / "m.npz"
    m = MLP((784, 8, 10), seed=0)
    m.dense[1].b[0] = 1e6  # float16 holds at most 65,504
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # NumPy's overflow warning is not the message
        with pytest.raises(ValueError, match="b1 does not fit in float16; save without dtype"):
            m.save(path, dtype=np.float16)
    m.save(path)  # full precision holds it
    m.dense[0].W[3, 3] = np.nan  # no file could be loaded again: none is written
    with pytest.raises(ValueError, match="W0 contains NaN or infinite values"):
        m.save(path)
    assert MLP.load(path).dense[1].b[0] == 1e6


# --------------------------------------------------------------------------- hostile files
# A shared server must refuse these before they cost memory: every header is checked
# first, and the JSON is bounded before json.loads sees it.


def npy_header(shape: tuple[int, ...], dtype=np.float32) -> bytes:
    """The bytes of a .npy header (magic included) declaring ``shape``, with no data."""
    buf = io.BytesIO()
    header = {"descr": np.lib.format.dtype_to_descr(np.dtype(dtype)), "fortran_order": False}
    np.lib.format.write_array_header_1_0(buf, {**header, "shape": shape})
    return buf.getvalue()


def raw_zip(members: dict[str, tuple[bytes, int, int]]) -> bytes:
    """A zip archive from already deflated members: name -> (deflated bytes, crc, size)."""
    local, central = b"", b""
    for name, (deflated, crc, size) in members.items():
        fields = (8, 0, 0x21, crc, len(deflated), size, len(name))  # method, time, date, ...
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, *fields, 0, 0, 0, 0, 0, len(local)
        )
        central += name.encode()
        local += (
            struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, *fields, 0) + name.encode() + deflated
        )
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(local), 0
    )
    return local + central + end


def deflated(data: bytes) -> tuple[bytes, int, int]:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(), zlib.crc32(data), len(data)


def deflated_zeros_after(header: bytes, n_zeros: int, chunk: int = 1_000_000):
    """``header`` followed by ``n_zeros`` zero bytes, deflated without ever holding them.

    After a full flush the compressor forgets its history, so every further megabyte of
    zeros compresses to the same block: deflate it once, repeat it.
    """
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(chunk)
    first = c.compress(header) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    assert c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH) == block  # the trick holds
    n_blocks = n_zeros // chunk
    assert n_blocks * chunk == n_zeros
    crc = zlib.crc32(header)
    for _ in range(n_blocks):
        crc = zlib.crc32(zeros, crc)
    body = first + block * n_blocks + c.flush()
    return body, crc, len(header) + n_zeros


def hostile_file(W0: tuple[bytes, int, int]) -> bytes:
    """A 784-6-10 model file whose W0 member is ``W0``; everything else is valid."""
    members = {}
    for key, value in parts().items():
        buf = io.BytesIO()
        np.save(buf, value)
        members[f"{key}.npy"] = deflated(buf.getvalue())
    members["W0.npy"] = W0
    return raw_zip(members)


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """3 MB on disk; its W0 declares 784 x 1,000,000 float32: 3.1 GB once inflated."""
    return hostile_file(deflated_zeros_after(npy_header((784, 1_000_000)), 784 * 1_000_000 * 4))


def test_the_zip_bomb_is_what_it_claims(zip_bomb):
    """Sanity check of the fixture: small on disk, honest zip directory, huge inside."""
    assert len(zip_bomb) < 4_000_000
    info = zipfile.ZipFile(io.BytesIO(zip_bomb)).getinfo("W0.npy")
    assert info.file_size > 3_000_000_000
    with zipfile.ZipFile(io.BytesIO(zip_bomb)).open("W0.npy") as f:
        assert np.lib.format.read_magic(f) == (1, 0)
        assert np.lib.format.read_array_header_1_0(f)[0] == (784, 1_000_000)


def assert_refused_cheaply(source, *fragments: str) -> None:
    """Refused as in assert_model_file_error, at a peak traced allocation under 300 MB.

    tracemalloc counts what NumPy and zipfile allocate, so this measures memory, not
    time: the verdict is the same on an idle laptop and on a loaded server.
    """
    tracemalloc.start()
    try:
        assert_model_file_error(source, *fragments)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 300e6, f"peak traced allocation {peak / 1e6:.0f} MB"


def test_a_zip_bomb_is_refused_before_it_is_inflated(zip_bomb):
    assert_refused_cheaply(zip_bomb, "'W0' has shape (784, 1000000), expected (784, 6)")


def test_a_header_declaring_a_quadrillion_floats_is_a_model_file_error_not_memory_error():
    W0 = deflated(npy_header((10**15,)) + bytes(64))
    assert_refused_cheaply(hostile_file(W0), "'W0' has shape (1000000000000000,)")


def test_a_configuration_beyond_the_parameter_cap_is_refused_before_reading_weights():
    huge = with_config(sizes=[784, 10**12, 10])
    assert_model_file_error(huge, "parameters", "at most 20,000,000")


def test_max_params_is_the_servers_choice():
    data = model_to_bytes(MLP((784, 6, 10), seed=0))  # 4,780 parameters
    assert load_model(data, max_params=4_780).config.sizes == (784, 6, 10)
    with pytest.raises(ModelFileError, match="4,780 parameters; this server accepts at most 4,779"):
        load_model(data, max_params=4_779)


def test_a_member_larger_than_its_header_promises_is_refused():
    """The zip directory says 1 MB follows a header that promises 24 bytes: forged."""
    body = deflated(npy_header((6,)) + bytes(1_000_000))
    data = hostile_file(deflated(npy_header((784, 6)) + bytes(784 * 6 * 4)))
    members = {name: None for name in zipfile.ZipFile(io.BytesIO(data)).namelist()}
    assert "b0.npy" in members
    spoiled_b0 = raw_zip({**{k: _member(data, k) for k in members}, "b0.npy": body})
    assert_model_file_error(spoiled_b0, "'b0' holds 1,000,128 bytes but its header promises 152")


def _member(data: bytes, name: str) -> tuple[bytes, int, int]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return deflated(z.read(name))


def test_deeply_nested_meta_is_a_model_file_error_not_recursion_error():
    deep = "[" * 200_000 + "]" * 200_000
    assert_model_file_error(spoiled(meta=np.array(deep)), "'meta' nests", "20 levels")


def test_deeply_nested_config_is_a_model_file_error_not_recursion_error():
    deep = '{"sizes": ' + "[" * 200_000 + "]" * 200_000 + "}"
    assert_model_file_error(spoiled(config=np.array(deep)), "'config' nests", "20 levels")


@pytest.mark.parametrize("key", ["config", "meta"])
@pytest.mark.parametrize(
    "forged", ['"' + '\\"' * 499_999 + "x", '"\\' * 500_000], ids=["escaped quotes", "backslashes"]
)
def test_a_string_that_never_ends_is_refused_after_one_pass(key, forged):
    """1,000,000 characters of one unterminated string, full of escaped quotes.

    The old scanner (a regular expression for JSON strings) tried again at every quote
    and read on to the end each time: hours of CPU for this one upload, until the suite's
    timeout failed the test. A single pass refuses it at once.
    """
    assert len(forged) == 1_000_000
    assert_model_file_error(spoiled(**{key: np.array(forged)}), "Unterminated string")


def nesting(x) -> int:
    """The depth json.loads itself sees: 1 per list or object around the deepest value."""
    if isinstance(x, list | dict):
        inner = x.values() if isinstance(x, dict) else x
        return 1 + max(map(nesting, inner), default=0)
    return 0


def tricky_document(rng: np.random.Generator, levels: int):
    """Random lists and objects whose strings are made of brackets, quotes and backslashes."""
    text = "".join(rng.choice(list('[]{}"\\ aé'), size=int(rng.integers(0, 6))))
    if levels == 0 or rng.random() < 0.2:
        return text
    items = [tricky_document(rng, levels - 1) for _ in range(int(rng.integers(0, 3)))]
    return items if rng.random() < 0.5 else {text + str(i): v for i, v in enumerate(items)}


def test_json_depth_reads_escapes_as_json_does():
    rng = np.random.default_rng(0)
    documents = [tricky_document(rng, levels=6) for _ in range(300)]
    assert max(map(nesting, documents)) >= 5  # the sample does reach deep
    for doc in documents:
        text = json.dumps(doc, ensure_ascii=False)
        assert json_depth(text) == nesting(doc), text


def test_brackets_inside_strings_do_not_count_as_nesting():
    meta = {"note": '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ "{{{{{{{{{{{{{{{{{{{{{{{{\\\\'}
    assert MLP.load(spoiled(meta=np.array(json.dumps(meta)))).meta == meta
    assert json_depth(json.dumps({"a": [[1], {"b": "]]]["}]})) == 3


def test_oversized_json_is_refused_before_parsing():
    huge = json.dumps({"history": "x" * 1_000_001})
    assert_model_file_error(spoiled(meta=np.array(huge)), "'meta' is 1,000,0", "limit is 1,000,000")
