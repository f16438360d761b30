"""A loaded data set: pixels ready for the network, and where they came from.

``build_dataset`` is the one door into a :class:`Dataset`: whatever the source (a folder,
the cache, a download, the bundled sample), the parts are checked against each other
and the pixels converted to ``float32`` in ``[0, 1]`` once, here, so nothing downstream
ever divides by 255 again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np

from nn_core.catalog import DatasetInfo
from nn_core.errors import DataError


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class Dataset:
    """A loaded data set: pixels ready for the network, plus where they came from.

    ``X_train``: ``(n, 784)`` float32 in [0, 1], one flattened 28x28 image per row.
    ``y_train``: ``(n,)`` int64 class numbers 0..9 (``class_names[y]`` is the word).
    ``X_test``/``y_test``: the same for the ``m`` test images, never used for training.
    The arrays are read-only: the same object is shared by every page and session,
    so an accidental in-place edit would silently corrupt everybody's data. Two
    Dataset objects compare equal only if they are the same object (``eq=False``):
    comparing millions of pixels with ``==`` is never what one means.
    """

    name: str
    class_names: tuple[str, ...]
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    source: str  # "folder" | "cache" | "download" | "bundled"
    location: str
    notes: tuple[str, ...] = ()
    fallback_reason: str | None = None  # why the NN_DATA_DIR folder was not used, if it wasn't

    @property
    def n_train(self) -> int:
        """Number of training images."""
        return len(self.y_train)

    @property
    def n_test(self) -> int:
        """Number of test images."""
        return len(self.y_test)

    @property
    def is_full(self) -> bool:
        """False for the small bundled sample, True for the real data set."""
        return self.source != "bundled"

    def images(self, split: str = "train") -> np.ndarray:
        """The images of ``split`` ("train" or "test") as a ``(n, 28, 28)`` view, for display."""
        if split not in ("train", "test"):
            raise ValueError(f"split must be 'train' or 'test', not {split!r}")
        X = self.X_train if split == "train" else self.X_test
        return X.reshape(-1, 28, 28)

    def __repr__(self) -> str:
        return (
            f"Dataset(name={self.name!r}, n_train={self.n_train}, n_test={self.n_test}, "
            f"source={self.source!r}, location={self.location!r})"
        )


def build_dataset(
    info: DatasetInfo, arrays: Mapping[str, np.ndarray], source: str, location: str, notes
) -> Dataset:
    """Check that the parts fit together and convert pixels to float32 in [0, 1], once."""
    parts = {}
    for split in ("train", "test"):
        images, labels = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if len(images) != len(labels):
            raise DataError(
                f"{location}: {len(images):,} {split} images but {len(labels):,} labels"
            )
        if labels.size and int(labels.max()) >= len(info.class_names):
            raise DataError(f"{location}: {split} label {int(labels.max())} is not a class 0..9")
        parts[f"X_{split}"] = _to_float(images)
        parts[f"y_{split}"] = _read_only(labels.astype(np.int64))
    return Dataset(
        info.name, info.class_names, **parts, source=source, location=location, notes=tuple(notes)
    )


def _to_float(images: np.ndarray) -> np.ndarray:
    """``(n, 28, 28)`` uint8 in 0..255 -> ``(n, 784)`` float32 in [0, 1], C-contiguous."""
    flat = images.reshape(len(images), -1)
    X = np.empty(flat.shape, dtype=np.float32)
    np.divide(flat, np.float32(255), out=X, dtype=np.float32)
    return _read_only(X)


def _read_only(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a
