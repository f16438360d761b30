"""Model files: a faithful round trip, and a save that fails leaves nothing half written.

Malformed files are in test_modelfile_malformed.py, hostile ones in test_modelfile_hostile.py.
"""

from __future__ import annotations

import io
import json
import warnings

import numpy as np
import pytest

import nn_core
from nn_core import MLP, ModelFileError, model_to_bytes
from nn_core.model import load_model
from nn_core.modelfile import FORMAT
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


# --------------------------------------------------------------------------- failed saves


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
