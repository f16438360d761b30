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
there the next source is tried, and ``Dataset.fallback_reason`` says why.

What each data set is lives in ``nn_core.catalog`` (``DatasetInfo``, ``DATASETS``,
``dataset_info``); the loaded result and its pixel conversion in ``nn_core.dataset``
(``Dataset``). Both are imported here too, so ``from nn_core.data import ...`` finds
every name a caller of ``load_dataset`` needs.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from nn_core.catalog import DATASETS, FILE_SIZES, FILES, DatasetInfo, dataset_info
from nn_core.dataset import Dataset, build_dataset
from nn_core.download import DownloadError, download_files
from nn_core.errors import DataError, DataUnavailableError
from nn_core.idx import parse_idx, read_idx_bytes

__all__ = [
    "DATASETS",
    "FILES",
    "Dataset",
    "DatasetInfo",
    "dataset_info",
    "default_cache_dir",
    "load_dataset",
    "load_sample",
]

ASSETS = Path(__file__).parent / "assets"


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
    return build_dataset(info, arrays, "bundled", str(path), notes)


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
                return build_dataset(info, _read_files(info, found), source, str(folder), notes)
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


def _from_download(info, folder: Path, mirrors, timeout, progress, notes) -> Dataset | None:
    """Download what is missing into the cache ``folder``, then load it from there."""
    urls = tuple(info.mirrors if mirrors is None else mirrors)
    wanted = {stem: info.md5.get(stem) for stem in info.files}
    try:
        result = download_files(
            wanted, folder, urls, timeout=timeout, progress=progress, weights=FILE_SIZES
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
