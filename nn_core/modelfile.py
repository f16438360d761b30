"""Saving and loading models as one ``.npz`` file, safely.

A model file is a plain NumPy zip archive:
    format    "nn-classroom-mlp/1"
    config    JSON of ModelConfig (the architecture)
    meta      JSON of everything else worth keeping: training settings, history,
              accuracy, data set, seed, date
    W0, b0, W1, b1, ...   the weights, one pair per Dense layer

It is loaded with ``allow_pickle=False``: a pickle can run arbitrary code, and students
will upload files to a shared server. Anything that is not a valid model raises
``ModelFileError`` with a sentence a person can act on, never a traceback from inside
NumPy.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
import zlib
from pathlib import Path

import numpy as np

from nn_core.errors import ModelFileError
from nn_core.model import MLP, ModelConfig

FORMAT = "nn-classroom-mlp/1"
ZIP_MAGIC = b"PK\x03\x04"


def _arrays(model: MLP, meta: dict, dtype=None) -> dict[str, np.ndarray]:
    arrays = {
        "format": np.array(FORMAT),
        "config": np.array(json.dumps(model.config.to_dict())),
        "meta": np.array(json.dumps(meta, default=_jsonable)),
    }
    for i, layer in enumerate(model.dense):
        for key, w in ((f"W{i}", layer.W), (f"b{i}", layer.b)):
            stored = w if dtype is None else w.astype(dtype)
            if not np.isfinite(stored).all():
                raise ValueError(
                    f"{key} does not fit in {np.dtype(dtype).name}; save without dtype"
                )
            arrays[key] = stored
    return arrays


def _jsonable(x):
    """Let NumPy scalars and arrays inside metadata become plain JSON."""
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    raise TypeError(f"cannot store {type(x).__name__} in model metadata")


def save_model(model: MLP, target, meta: dict | None = None, dtype=None) -> None:
    """Write ``model`` (with ``model.meta`` updated by ``meta``) to a path or file object.

    ``dtype=np.float16`` halves the file (the bundled model uses it); loading always
    gives float32 weights, and 16-bit rounding costs no measurable accuracy.

    Writing to a path goes through a temporary file and a rename, so a crash mid-way
    never leaves a half-written model where a good one used to be.
    """
    merged = {**model.meta, **(meta or {})}
    arrays = _arrays(model, merged, dtype)  # fails here, before touching model or disk
    if hasattr(target, "write"):
        np.savez_compressed(target, **arrays)
    else:
        _atomic_savez(Path(target), arrays)
    model.meta = merged


def _atomic_savez(path: Path, arrays: dict[str, np.ndarray]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz.part")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez_compressed(f, **arrays)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a model file is meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def model_to_bytes(model: MLP) -> bytes:
    """The model file as bytes: what a download button hands to the browser."""
    buf = io.BytesIO()
    save_model(model, buf)
    return buf.getvalue()


def _read_bytes(source) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), "the uploaded data"
    if hasattr(source, "read"):
        data, name = source.read(), getattr(source, "name", "the uploaded file")
        if not isinstance(data, bytes | bytearray):
            raise ModelFileError(f"{name}: open the file in binary mode ('rb') to load a model")
        return bytes(data), name
    path = Path(source)
    if not path.is_file():
        raise ModelFileError(f"{path}: no such model file")
    return path.read_bytes(), str(path)


def _text(npz, key: str, name: str) -> str:
    if key not in npz.files:
        raise ModelFileError(f"{name}: missing '{key}'; this .npz was not written by MLP.save")
    value = npz[key]
    if not isinstance(value, np.ndarray) or value.dtype.kind != "U" or value.shape != ():
        raise ModelFileError(f"{name}: '{key}' should be a text entry")
    return str(value)


def _config(npz, name: str) -> ModelConfig:
    try:
        return ModelConfig.from_dict(json.loads(_text(npz, "config", name)))
    except (json.JSONDecodeError, TypeError, ValueError) as e:
        if isinstance(e, ModelFileError):
            raise
        raise ModelFileError(f"{name}: invalid model configuration ({e})") from None


def _meta(npz, name: str) -> dict:
    try:
        meta = json.loads(_text(npz, "meta", name))
    except json.JSONDecodeError as e:
        raise ModelFileError(f"{name}: 'meta' is not valid JSON ({e})") from None
    if not isinstance(meta, dict):
        raise ModelFileError(f"{name}: 'meta' should be a JSON object")
    return meta


def _weights(npz, config: ModelConfig, name: str) -> list[np.ndarray]:
    weights = []
    for i, (n_in, n_out) in enumerate(zip(config.sizes[:-1], config.sizes[1:], strict=True)):
        for key, shape in ((f"W{i}", (n_in, n_out)), (f"b{i}", (n_out,))):
            if key not in npz.files:
                raise ModelFileError(
                    f"{name}: missing weights '{key}' for layer sizes {config.sizes}"
                )
            w = npz[key]
            if not isinstance(w, np.ndarray):
                raise ModelFileError(f"{name}: '{key}' is not a NumPy array")
            if w.shape != shape:
                raise ModelFileError(f"{name}: '{key}' has shape {w.shape}, expected {shape}")
            if w.dtype.kind != "f":
                raise ModelFileError(f"{name}: '{key}' holds {w.dtype} values, expected floats")
            if not np.isfinite(w).all():
                raise ModelFileError(f"{name}: '{key}' contains NaN or infinite values")
            weights.append(w.astype(np.float32))
    extra = {
        k
        for k in npz.files
        if k[0] in "Wb" and k not in {f"{c}{i}" for c in "Wb" for i in range(len(config.sizes) - 1)}
    }
    if extra:
        raise ModelFileError(
            f"{name}: unexpected weights {sorted(extra)} for layer sizes {config.sizes}"
        )
    return weights


def load_model(source) -> MLP:
    """Load a model from a path, file object or bytes; ModelFileError if it is not one."""
    data, name = _read_bytes(source)
    if not data.startswith(ZIP_MAGIC):
        kind = "a pickle" if data[:1] == b"\x80" else "empty" if not data else "not a .npz archive"
        raise ModelFileError(
            f"{name}: not a model file ({kind}); expected a .npz saved by MLP.save"
        )
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            if _text(npz, "format", name) != FORMAT:
                raise ModelFileError(f"{name}: unsupported model format {str(npz['format'])!r}")
            config = _config(npz, name)
            weights = _weights(npz, config, name)
            meta = _meta(npz, name)
            model = MLP(config=config)
    except ModelFileError:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as e:
        raise ModelFileError(f"{name}: the archive is damaged or truncated ({e})") from None
    except ValueError as e:  # NumPy refuses object (pickled) arrays under allow_pickle=False
        raise ModelFileError(f"{name}: contains data that cannot be loaded safely ({e})") from None
    model.set_weights(weights)
    model.meta = meta
    return model
