"""Loading MNIST and Fashion-MNIST, from wherever they can be found.

A lesson must never stall because the Wi-Fi is down, so :func:`load_dataset` tries
several sources in a fixed order and takes the first that works:

1. a folder you name (``data_dir=`` or the environment variable ``NN_DATA_DIR``),
   holding ``mnist/`` and ``fashion-mnist/`` subfolders or the four files directly;
2. the per-user cache (``cache_dir=``, ``NN_CACHE_DIR``, else ``~/.cache/nn-classroom``);
3. a download from the official mirrors into that cache (see :mod:`nn_core.download`);
4. a small sample of 10,000 real MNIST digits shipped inside the package.

The result says which source was used and, in plain words, why the earlier ones
failed, so the app can tell the class what it is looking at.

A folder named in the call (``data_dir=``, the CLI's ``--data-dir``) is a promise: if it
is missing, incomplete or corrupt, :class:`DataError` says which file and what is wrong,
and nothing else is tried. Quietly training on the 8,000-digit sample instead would give
a wrong answer that looks right. A folder from ``NN_DATA_DIR`` is a standing setting, so
there the next source is tried, and ``Dataset.fallback_reason`` says why. Pixels are converted to
``float32`` in ``[0, 1]`` once, here, so nothing downstream ever divides by 255 again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from nn_core.download import DownloadError, download_files
from nn_core.errors import DataError, DataUnavailableError
from nn_core.idx import parse_idx, read_idx_bytes

__all__ = [
    "DATASETS",
    "Dataset",
    "DatasetInfo",
    "dataset_info",
    "default_cache_dir",
    "load_dataset",
    "load_sample",
]

ASSETS = Path(__file__).parent / "assets"
FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
_SIZES = dict(zip(FILES, (47_040_016, 60_008, 7_840_016, 10_008), strict=True))  # unzipped
FASHION_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip


@dataclasses.dataclass(frozen=True)
class DatasetInfo:
    """Everything we know about a data set before loading it."""

    name: str
    title: str
    class_names: tuple[str, ...]
    noun: str  # what one image shows: "digit", "piece of clothing"
    plural: str  # many of them: "digits", "clothes"
    drawable: bool  # a drawing on a canvas is a fair input (digits are; clothes are not)
    md5: Mapping[str, str]  # base file name -> MD5 of the decompressed file
    mirrors: tuple[str, ...]
    sample: str | None = None  # file in nn_core/assets with a bundled sample
    files: tuple[str, ...] = FILES


def _md5s(*digests: str) -> dict[str, str]:
    """Pair MD5 digests with FILES, in FILES order."""
    return dict(zip(FILES, digests, strict=True))


DATASETS: dict[str, DatasetInfo] = {
    "mnist": DatasetInfo(
        name="mnist",
        title="MNIST",
        class_names=tuple(str(d) for d in range(10)),
        noun="digit",
        plural="digits",
        drawable=True,
        md5=_md5s(
            "6bbc9ace898e44ae57da46a324031adb",
            "a25bea736e30d166cdddb491f175f624",
            "2646ac647ad5339dbf082846283269ea",
            "27ae3e4e09519cfbb04c329615203637",
        ),
        mirrors=(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
            "http://yann.lecun.com/exdb/mnist/",
        ),
        sample="mnist_sample.npz",
    ),
    "fashion-mnist": DatasetInfo(
        name="fashion-mnist",
        title="Fashion-MNIST",
        class_names=FASHION_CLASSES,
        noun="piece of clothing",
        plural="clothes",
        drawable=False,
        md5=_md5s(  # computed from the official files; same content, however compressed
            "f4a8712d7a061bf5bd6d2ca38dc4d50a",
            "9018921c3c673c538a1fc5bad174d6f9",
            "8181f5470baa50b63fa0f6fddb340f0a",
            "15d484375f8d13e6eb1aabb0c3f46965",
        ),
        mirrors=(
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/",
        ),
    ),
}


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


def default_cache_dir() -> Path:
    """The per-user cache root: ``NN_CACHE_DIR``, else ``$XDG_CACHE_HOME`` or ``~/.cache``."""
    if os.environ.get("NN_CACHE_DIR"):
        return Path(os.environ["NN_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "nn-classroom"


def load_dataset(
    name: str = "mnist",
    data_dir: str | os.PathLike | None = None,
    *,
    download: bool = True,
    cache_dir: str | os.PathLike | None = None,
    mirrors: list[str] | tuple[str, ...] | None = None,
    allow_bundled: bool = True,
    progress: Callable[[float, str], None] | None = None,
    timeout: float = 5.0,
) -> Dataset:
    """Load data set ``name`` from the first source that works (see the module docstring).

    ``download=False`` never touches the network; ``mirrors`` replaces the official
    mirror list; ``progress(fraction, message)`` follows a download; ``timeout`` is
    in seconds per network operation. Raises :class:`DataError` naming the file when
    the folder given as ``data_dir`` cannot be used (no other source is tried then), and
    :class:`DataUnavailableError`, explaining how to provide the files, when every source
    fails.
    """
    info = dataset_info(name)
    if data_dir is not None:
        return _from_named_folder(info, _named_folder(data_dir))
    notes: list[str] = []
    if ds := _from_env_folder(info, notes):
        return ds
    reason = notes[-1] if os.environ.get("NN_DATA_DIR") else None
    cache = Path(cache_dir).expanduser() if cache_dir else default_cache_dir()
    ds = _from_local(info, [cache / info.name], "cache", notes)
    if ds is None and not download:
        notes.append("download skipped (download=False)")
    elif ds is None:
        ds = _from_download(info, cache / info.name, mirrors, timeout, progress, notes)
    ds = ds or _from_sample(info, allow_bundled, notes)
    if ds is None:
        raise DataUnavailableError(_unavailable_message(info, notes))
    return dataclasses.replace(ds, fallback_reason=reason)


def load_sample(name: str = "mnist", notes: list[str] | tuple[str, ...] = ()) -> Dataset:
    """The small sample shipped in ``nn_core/assets``: 8,000 train + 2,000 test real MNIST digits."""
    info = dataset_info(name)
    if not info.sample:
        raise DataUnavailableError(f"there is no bundled sample of {info.title}")
    path = ASSETS / info.sample
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in ("x_train", "y_train", "x_test", "y_test")}
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise DataError(f"{path}: cannot read the bundled sample ({exc})") from exc
    return _build(info, arrays, "bundled", str(path), notes)


def dataset_info(name: str) -> DatasetInfo:
    """Look up a data set by name, forgiving case and ``_`` for ``-``."""
    key = str(name).strip().lower().replace("_", "-")
    if key not in DATASETS:
        raise ValueError(f"unknown data set {name!r}: choose one of {', '.join(DATASETS)}")
    return DATASETS[key]


def _named_folder(data_dir: str | os.PathLike) -> Path:
    """The folder named as ``data_dir=``; an empty name is a mistake, not "no folder".

    ``--data-dir "$DATA"`` with ``DATA`` unset passes an empty string. Treating it as
    "not given" would quietly train on whatever else is found; ``Path("")`` would quietly
    read the current folder. Either hides the mistake, so it is refused.
    """
    raw = os.fspath(data_dir)
    if not raw.strip():
        raise DataError(
            f"data_dir={raw!r} names no folder: give the path of the data "
            "folder, or leave data_dir out to use NN_DATA_DIR, the cache or the bundled sample"
        )
    return Path(data_dir).expanduser()


def _from_named_folder(info: DatasetInfo, root: Path) -> Dataset:
    """Source 1, strict: the folder passed as ``data_dir=``; DataError if it will not do."""
    if not root.is_dir():
        raise DataError(f"{root}: the data folder given as data_dir= does not exist")
    notes: list[str] = []
    if ds := _from_local(info, [root / info.name, root], "folder", notes, strict=True):
        return ds
    raise DataError(notes[-1])


def _from_env_folder(info: DatasetInfo, notes: list[str]) -> Dataset | None:
    """Source 1, lenient: the folder in ``NN_DATA_DIR``; a note and None if it will not do."""
    root = os.environ.get("NN_DATA_DIR")
    if not root:
        notes.append("no folder given (pass data_dir= or set NN_DATA_DIR)")
        return None
    root = Path(root).expanduser()
    if not root.is_dir():
        notes.append(f"folder {root} (from NN_DATA_DIR) does not exist")
        return None
    return _from_local(info, [root / info.name, root], "folder", notes)


def _from_local(
    info, folders: list[Path], source: str, notes: list[str], strict: bool = False
) -> Dataset | None:
    """Load from the first of ``folders`` holding the files; else add a note, return None.

    ``strict``: a damaged or incomplete set of files raises DataError instead.
    """
    for folder in folders:
        found = {stem: path for stem in info.files if (path := _find(folder, stem))}
        if len(found) == len(info.files):
            try:
                return _build(info, _read_files(info, found), source, str(folder), notes)
            except DataError as exc:
                if strict:
                    raise
                notes.append(f"{source} unusable: {exc}")
                return None
        if found:
            missing = ", ".join(stem for stem in info.files if stem not in found)
            problem = f"{source} {folder} is incomplete: {missing} missing"
            if strict:
                raise DataError(problem)
            notes.append(problem)
            return None
    where = " or ".join(str(f) for f in folders)
    notes.append(f"{source}: no {info.title} files in {where}")
    return None


def _find(folder: Path, stem: str) -> Path | None:
    """The file for ``stem`` in ``folder``, under any of the usual spellings."""
    dotted = stem.replace("-idx", ".idx")  # "train-images.idx3-ubyte", as on Kaggle
    for candidate in (f"{stem}.gz", stem, f"{dotted}.gz", dotted):
        if (folder / candidate).is_file():
            return folder / candidate
    return None


def _read_files(info: DatasetInfo, paths: Mapping[str, Path]) -> dict[str, np.ndarray]:
    """Read the four IDX files into uint8 arrays keyed x_train, y_train, x_test, y_test."""
    keys = dict(zip(FILES, ("x_train", "y_train", "x_test", "y_test"), strict=True))
    arrays = {}
    for stem, path in paths.items():
        data = read_idx_bytes(path)
        kind = "labels" if "labels" in stem else "images"
        if kind == "labels":
            _check_not_another_dataset(info, stem, data, path)
        arrays[keys[stem]] = parse_idx(data, kind, str(path))
    return arrays


def _check_not_another_dataset(info: DatasetInfo, stem: str, data: bytes, path: Path) -> None:
    """Catch MNIST files loaded as Fashion-MNIST (or the reverse) by their labels' MD5.

    Both data sets use the same file names and sizes, so only the content tells them apart.
    Hashing the small labels files costs well under a millisecond.
    """
    md5 = hashlib.md5(data).hexdigest()
    for other in DATASETS.values():
        if other.name != info.name and other.md5.get(stem) == md5:
            raise DataError(f"{path}: these are the {other.title} labels, not {info.title}")


def _build(info, arrays: Mapping[str, np.ndarray], source: str, location: str, notes) -> Dataset:
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


def _from_download(info, folder: Path, mirrors, timeout, progress, notes) -> Dataset | None:
    """Download what is missing into the cache ``folder``, then load it from there."""
    urls = tuple(info.mirrors if mirrors is None else mirrors)
    wanted = {stem: info.md5.get(stem) for stem in info.files}
    try:
        result = download_files(
            wanted, folder, urls, timeout=timeout, progress=progress, weights=_SIZES
        )
    except DownloadError as exc:
        notes.extend([*exc.notes, str(exc)])
        return None
    except OSError as exc:
        notes.append(f"download failed: cannot write to the cache {folder} ({exc.strerror or exc})")
        return None
    notes.extend(result.notes)
    source = "download" if result.mirrors_used else "cache"
    location = " + ".join(result.mirrors_used) or str(folder)
    loaded = _from_local(info, [folder], source, notes)
    return loaded and dataclasses.replace(loaded, location=location)


def _from_sample(info: DatasetInfo, allowed: bool, notes: list[str]) -> Dataset | None:
    """Source 4: the bundled sample, if there is one and the caller allows it."""
    if not info.sample:
        notes.append(f"no bundled sample of {info.title}")
    elif not allowed:
        notes.append("bundled sample not allowed (allow_bundled=False)")
    else:
        try:
            return load_sample(info.name, notes=notes)
        except DataError as exc:
            notes.append(f"bundled sample unusable: {exc}")
    return None


def _unavailable_message(info: DatasetInfo, notes: list[str]) -> str:
    """Explain what was tried and how a teacher can provide the files by hand."""
    tried = "\n".join(f"  - {note}" for note in notes)
    files = ", ".join(f"{stem}.gz" for stem in info.files)
    origin = f" (e.g. from {info.mirrors[0]})" if info.mirrors else ""
    return (
        f"Could not load the {info.title} data set. What was tried:\n{tried}\n"
        f"To provide it, download the four files {files}{origin} and "
        f"put them into a folder named {info.name}/ inside a data folder (or directly into "
        f"the data folder). Then pass the data folder as load_dataset(..., data_dir=...) or "
        f"set the environment variable NN_DATA_DIR to it."
    )
