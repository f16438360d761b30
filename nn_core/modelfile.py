"""Saving and loading models as one ``.npz`` file, safely.

A model file is a plain NumPy zip archive:
    format    "nn-classroom-mlp/1"
    config    JSON of ModelConfig (the architecture)
    meta      JSON of everything else worth keeping: training settings, history,
              accuracy, data set, seed, date
    W0, b0, W1, b1, ...   the weights, one pair per Dense layer

Students upload files to a shared server, so loading trusts nothing in the file:

* no pickle is ever unpickled (a pickle can run arbitrary code);
* the zip's directory is judged from its end record before zipfile parses it: a model
  needs three text entries and two arrays per layer, so an archive listing 200,000
  entries (seconds of CPU to parse) is refused at once, and the directory is parsed once;
* every member's ``.npy`` header is read and checked (float weights of exactly the shapes
  the configuration needs, a model of at most ``max_params`` parameters) before a single
  byte of data is decompressed, so a 3 MB "zip bomb" declaring 3 GB of weights costs
  nothing;
* the JSON entries are bounded in size and nesting depth before ``json.loads`` sees them
  (``nn_core.jsonbound`` says why, and how);
* every weight must be finite once cast to float32, the model's precision: a float64
  weight of 1e300 is finite in the file but infinite in the network.

Anything that is not a valid model raises ``ModelFileError`` with a sentence a person can
act on, never a traceback (or a MemoryError) from inside NumPy.

This module knows the file, not the network: it writes what an MLP holds and reads back
its parts (``read_model``); ``nn_core.model`` builds the MLP (``MLP.load``,
``load_model``), and ``nn_core.archive`` reads the members one checked header at a time.
"""

from __future__ import annotations

import io
import json
import math
import os
import tempfile
import zipfile
import zlib
from pathlib import Path

import numpy as np

from nn_core.archive import Archive, Header
from nn_core.errors import ModelFileError
from nn_core.jsonbound import read_json, read_text
from nn_core.modelconfig import ModelConfig

FORMAT = "nn-classroom-mlp/1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_PARAMS = 20_000_000
"""Default cap on the parameters of a loaded model (80 MB of float32); the app sets its own."""
SPARE_MEMBERS = 4
"""Entries a model file may hold beyond the ones it needs (another tool's extras)."""
DIRECTORY_BYTES_PER_MEMBER = 256
"""Largest directory record accepted per entry, on average: a real one takes 53 bytes (46
of fixed fields and a name such as ``W0.npy``); 256 leaves room for long names and extras."""


def members_needed(n_dense: int) -> int:
    """Entries a model file needs: format, config and meta, then W and b per Dense layer."""
    return 3 + 2 * n_dense


MAX_MEMBERS = members_needed(30) + SPARE_MEMBERS
"""Default cap on the entries of a model file (30 Dense layers); a server sets its own from
the deepest network it allows."""


def _arrays(model, meta: dict, dtype=None) -> dict[str, np.ndarray]:
    arrays = {
        "format": np.array(FORMAT),
        "config": np.array(json.dumps(model.config.to_dict())),
        "meta": np.array(json.dumps(meta, default=_jsonable)),
    }
    for i, layer in enumerate(model.dense):
        for key, w in ((f"W{i}", layer.W), (f"b{i}", layer.b)):
            arrays[key] = _storable(key, w, dtype)
    return arrays


def _storable(key: str, w: np.ndarray, dtype) -> np.ndarray:
    """``w`` as it will be stored; ValueError if a value would not survive the trip.

    A file with NaN or infinity in it would be refused when loaded, so it is never
    written. Casting to float16 turns anything beyond ±65,504 into infinity: NumPy's
    overflow warning is silenced because the check right after says it better.
    """
    if not np.isfinite(w).all():
        raise ValueError(f"{key} contains NaN or infinite values; a model file cannot hold them")
    if dtype is None:
        return w
    with np.errstate(over="ignore"):
        stored = w.astype(dtype)
    if not np.isfinite(stored).all():
        raise ValueError(f"{key} does not fit in {np.dtype(dtype).name}; save without dtype")
    return stored


def _jsonable(x):
    """Let NumPy scalars and arrays inside metadata become plain JSON."""
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    raise TypeError(f"cannot store {type(x).__name__} in model metadata")


def save_model(model, target, meta: dict | None = None, dtype=None) -> None:
    """Write ``model`` (with ``model.meta`` updated by ``meta``) to a path or file object.

    ``model`` is an MLP; only its ``config``, ``dense`` layers and ``meta`` are read.

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


def model_to_bytes(model) -> bytes:
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


def n_params(sizes: tuple[int, ...]) -> int:
    """Weights plus biases of a network with these layer sizes, e.g. 784*128 + 128 + ..."""
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=False))


def _config(archive: Archive, max_params: float, check=None) -> ModelConfig:
    try:
        config = ModelConfig.from_dict(read_json(archive, "config"))
    except (json.JSONDecodeError, TypeError, ValueError) as e:
        if isinstance(e, ModelFileError):
            raise
        raise archive.fail(f"invalid model configuration ({e})") from None
    if check is not None:
        check(config)
    if n_params(config.sizes) > max_params:
        raise archive.fail(
            f"a {config.describe()} network has {n_params(config.sizes):,} parameters; "
            f"this server accepts at most {max_params:,}"
        )
    return config


def _meta(archive: Archive) -> dict:
    try:
        meta = read_json(archive, "meta")
    except json.JSONDecodeError as e:
        raise archive.fail(f"'meta' is not valid JSON ({e})") from None
    if not isinstance(meta, dict):
        raise archive.fail("'meta' should be a JSON object")
    return meta


def _weight_headers(archive: Archive, config: ModelConfig) -> dict[str, Header]:
    """Every weight's header, checked against the configuration before any data is read."""
    headers = {}
    for i, (n_in, n_out) in enumerate(zip(config.sizes[:-1], config.sizes[1:], strict=True)):
        for key, shape in ((f"W{i}", (n_in, n_out)), (f"b{i}", (n_out,))):
            if key not in archive.members:
                raise archive.fail(f"missing weights '{key}' for layer sizes {config.sizes}")
            h = archive.header(key)
            if h.shape != shape:
                raise archive.fail(f"'{key}' has shape {h.shape}, expected {shape}")
            if h.dtype.kind != "f":
                raise archive.fail(f"'{key}' holds {h.dtype} values, expected floats")
            headers[key] = h
    extra = {k for k in archive.members if k[:1] in ("W", "b") and k not in headers}
    if extra:
        raise archive.fail(f"unexpected weights {sorted(extra)} for layer sizes {config.sizes}")
    return headers


def _weights(archive: Archive, headers: dict[str, Header], dtype=np.float32) -> list[np.ndarray]:
    """The weights in the model's precision, each finite once it is in that precision.

    A float64 weight of 1e300 is finite in the file but infinity in float32 (whose
    largest value is about 3.4e38); loaded, it would make the first step's loss NaN and
    the run would seem to blow up for a learning rate that is perfectly fine. So the
    check comes after the cast, and says which of the two it is.
    """
    weights = []
    for key, header in headers.items():
        w = archive.read(key, header)
        if not np.isfinite(w).all():
            raise archive.fail(f"'{key}' contains NaN or infinite values")
        with np.errstate(over="ignore"):  # the sentence below says it better than NumPy
            cast = w.astype(dtype)  # same shape, in the model's precision
        if not np.isfinite(cast).all():
            largest = float(np.abs(w).max())
            raise archive.fail(
                f"'{key}' holds values as large as {largest:.3g}, beyond what "
                f"{np.dtype(dtype).name} can hold (about {float(np.finfo(dtype).max):.3g}); "
                "they would load as infinity"
            )
        weights.append(cast)
    return weights


def read_model(
    source, *, max_params: int = MAX_PARAMS, max_members: int = MAX_MEMBERS, check=None
) -> tuple[ModelConfig, list, dict]:
    """(config, [W0, b0, W1, b1, ...] float32, meta) from a model file, every part checked.

    The zip's directory is judged first (at most ``max_members`` entries), then the
    configuration, then every weight's header against it, and only then is any weight
    read; ModelFileError for anything that is not a model. ``max_params`` caps the size
    of the network the file may describe: a shared server sets it from its own limits,
    so an upload can never ask for more memory than that. ``check(config)``, if given,
    judges the declared network first (and raises ModelFileError to refuse it), so a
    server names its own limit from the same single reading of the file.
    ``nn_core.model.load_model`` (and ``MLP.load``) build the network from these parts.
    """

    def read(archive: Archive) -> tuple[ModelConfig, list, dict]:
        config = _config(archive, max_params, check)
        weights = _weights(archive, _weight_headers(archive, config))
        return config, weights, _meta(archive)

    return _open(source, read, max_members)


def read_config(source, *, max_members: int = MAX_MEMBERS) -> ModelConfig:
    """The network a model file declares, from its small ``config`` entry alone.

    No weight is read, so a server can judge an upload against its own limits (layers,
    units) and name the limit it breaks before the file costs any memory.
    """
    return _open(source, lambda archive: _config(archive, max_params=math.inf), max_members)


def _judge_directory(data: bytes, name: str, max_members: int) -> None:
    """Refuse an archive whose directory lists more entries than a model file can need.

    zipfile parses every record of the central directory when it opens an archive, so
    200,000 empty entries (a 17 MB upload) cost 2.2 s of CPU here before a single name
    could be checked (the issue measured 7 s a page on a busy server). The end-of-directory record at the tail of the file says how many
    entries there are and how many bytes the directory takes; both are read here with
    zipfile's own function (the record zipfile itself will use, zip64 included), and an
    archive over either bound is refused before the directory is touched. The size
    matters as much as the count: zipfile walks the directory by its size, whatever
    count the record claims.
    """
    end = zipfile._EndRecData(io.BytesIO(data))  # zipfile's reader of the end record
    if end is None:
        raise ModelFileError(f"{name}: the archive is damaged or truncated (it has no end record)")
    entries, size = end[zipfile._ECD_ENTRIES_TOTAL], end[zipfile._ECD_SIZE]
    if entries > max_members:
        raise ModelFileError(f"{name}: the archive lists {entries:,} entries; {_most(max_members)}")
    if size > max_members * DIRECTORY_BYTES_PER_MEMBER:
        raise ModelFileError(
            f"{name}: the archive's directory takes {size:,} bytes; a model file's takes "
            f"at most {max_members * DIRECTORY_BYTES_PER_MEMBER:,}"
        )


def _most(max_members: int) -> str:
    return (
        f"a model file accepted here has at most {max_members:,} "
        "(format, config and meta, and two per layer)"
    )


def _open(source, read, max_members: int = MAX_MEMBERS):
    """``read(archive)`` on a model file, every failure turned into a ModelFileError."""
    data, name = _read_bytes(source)
    if not data.startswith(ZIP_MAGIC):
        kind = "a pickle" if data[:1] == b"\x80" else "empty" if not data else "not a .npz archive"
        raise ModelFileError(
            f"{name}: not a model file ({kind}); expected a .npz saved by MLP.save"
        )
    try:
        _judge_directory(data, name, max_members)
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if len(zf.filelist) > max_members:  # a record that understated the count
                raise ModelFileError(
                    f"{name}: the archive holds {len(zf.filelist):,} entries; {_most(max_members)}"
                )
            archive = Archive(zf, name)
            if (tag := read_text(archive, "format")) != FORMAT:
                raise archive.fail(f"unsupported model format {tag!r}")
            return read(archive)
    except ModelFileError:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error, NotImplementedError) as e:
        raise ModelFileError(f"{name}: the archive is damaged or truncated ({e})") from None
    except ValueError as e:  # a .npy header NumPy cannot parse, a number too long, ...
        raise ModelFileError(f"{name}: contains data that cannot be loaded safely ({e})") from None
