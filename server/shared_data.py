"""One copy of each data set for the whole server: arrays in files the OS maps into memory.

Thirty students training on MNIST would need thirty copies of a 190 MB array if every
training process loaded the data itself. Instead the server writes each array once as
a ``.npy`` file and every process (the Streamlit server and each training worker) opens
it with ``np.load(..., mmap_mode="r")``. The operating system then keeps a single copy
in its page cache and shares it between the processes: memory is paid once.

The files are named after their content (a short hash), so the bundled sample and the
full data set never mix, and a file already written by an earlier server is reused.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ARRAYS = ("X_train", "y_train", "X_test", "y_test")
EVERY_ROW = 5_000  # up to this many rows, the fingerprint reads them all


def state_dir() -> Path:
    """Where the app keeps files of its own: ``NN_STATE_DIR``, else a per-user temp folder."""
    configured = os.environ.get("NN_STATE_DIR")
    if configured:
        return Path(configured).expanduser()
    return Path(tempfile.gettempdir()) / f"nn-classroom-{os.getuid()}"


@dataclass(frozen=True)
class SharedData:
    """A picklable description of a published data set: what a worker needs to open it."""

    name: str
    class_names: tuple[str, ...]
    paths: tuple[str, str, str, str]  # .npy files of X_train, y_train, X_test, y_test

    def open(self) -> dict[str, np.ndarray]:
        """The four arrays, memory-mapped read-only (no copy is made)."""
        return {
            key: np.load(path, mmap_mode="r") for key, path in zip(ARRAYS, self.paths, strict=True)
        }


def fingerprint(dataset) -> str:
    """A short hash of the data set's content: every image of a small data set (a
    collection where one drawing was swapped for another), a sparse sample of the rows
    of a big one (hashing all of MNIST's 190 MB on each look would cost a second)."""
    h = hashlib.sha1()
    for key in ARRAYS:
        a = np.ascontiguousarray(getattr(dataset, key))
        step = 1 if len(a) <= EVERY_ROW else 97
        h.update(f"{key}{a.shape}{a.dtype}".encode())
        h.update(np.ascontiguousarray(a.reshape(len(a), -1)[::step]).tobytes())
    return h.hexdigest()[:16]


def publish(dataset, folder: Path | None = None) -> SharedData:
    """Write the data set's arrays as ``.npy`` files (once) and describe where they are.

    Writing goes through a temporary file and a rename, so a crash never leaves a
    half-written array that a later server would trust.
    """
    folder = Path(folder or state_dir()) / "shared-data"
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{dataset.name}-{fingerprint(dataset)}"
    paths = []
    for key in ARRAYS:
        path = folder / f"{stem}-{key}.npy"
        if not path.is_file():
            _atomic_save(path, np.ascontiguousarray(getattr(dataset, key)))
        paths.append(str(path))
    return SharedData(dataset.name, tuple(dataset.class_names), tuple(paths))


def _atomic_save(path: Path, array: np.ndarray) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npy.part")
    try:
        with os.fdopen(fd, "wb") as f:
            np.save(f, array)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
