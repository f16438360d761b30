"""What the engine's test files share, written once: the files were split by topic, and
a helper that two of them need lives here rather than in both.

Each section names the files that use it. Fixtures are in ``conftest.py`` beside this.
"""

from __future__ import annotations

import gzip
import io
import json
import struct
from pathlib import Path

import numpy as np
import pytest

import nn_core
from nn_core import MLP, ModelFileError, TrainConfig, Trainer
from nn_core.data import FILES, Dataset
from nn_core.modelfile import FORMAT

# --------------------------------------------------------------------------- gradients
# test_activations.py, test_layers.py

ACTIVATION_NAMES = ("relu", "leaky_relu", "sigmoid", "tanh")
TOL = 1e-6


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.ravel(a), np.ravel(b)
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / denom) if denom else 0.0


def numeric_grad(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences of the scalar function f() with respect to every entry of x."""
    grad = np.zeros_like(x, dtype=np.float64)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = f()
        flat[i] = old - eps
        down = f()
        flat[i] = old
        gflat[i] = (up - down) / (2 * eps)
    return grad


# --------------------------------------------------------------------------- the MLP
# test_model.py, test_model_views.py


def images(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((n, 784), dtype=np.float32)


# --------------------------------------------------------------------------- model files
# test_modelfile_malformed.py, test_modelfile_hostile.py


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


# --------------------------------------------------------------------------- training
# test_train_settings.py, test_train_stopping.py


def sgd_trainer(small, lr=0.1, schedule="constant", epochs=2, batch_size=32, **kw):
    X, y, _, _ = small
    model = MLP((784, 16, 10), seed=0)
    config = TrainConfig(
        epochs=epochs, batch_size=batch_size, optimizer="sgd", lr=lr, schedule=schedule, **kw
    )
    return model, Trainer(model, X, y, config)


# --------------------------------------------------------------------------- data folders
# test_data.py, test_data_folder.py

FASHION = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat")
FASHION += ("Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")


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


# --------------------------------------------------------------------------- command line
# test_cli.py, test_cli_errors.py (and conftest.py's offline_env)

ROOT = Path(nn_core.__file__).resolve().parent.parent
QUICK = ["--no-download", "--quiet", "--subset", "200", "--epochs", "1"]


def last_json(text: str) -> dict:
    return json.loads(text.strip().splitlines()[-1])
