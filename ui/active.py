"""Which data set the pages should show right now, and what to tell the class about it.

The sidebar lets the user pick MNIST, Fashion-MNIST or a collection drawn in class
(``ui.collections``), but the choice cannot always be honoured: an offline laptop may
only have the small bundled MNIST sample, and there is no bundled Fashion-MNIST at all.
Rather than have every page handle those cases, every page asks :func:`active_dataset`
and gets a usable :class:`ActiveData`: the data set to show, plus a short notice when it
is not the one asked for (or not the full one).

A collection is a data set like the others: :func:`dataset_info` answers for it what
``nn_core.data.dataset_info`` answers for MNIST (every page asks here, so none raises
for a collection's name), and :func:`active_dataset` gives its ``Dataset``, made once
per content (it grows, so its name alone would show an older state).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

import nn_core
from nn_core.collection import Collection
from nn_core.data import DATASETS, Dataset, DatasetInfo, default_cache_dir
from nn_core.data import dataset_info as catalog_info
from nn_core.errors import DataError
from ui import shared as ui_shared
from ui import text
from ui.collections import mine
from ui.state import FALLBACK_DATASET, K

SOURCE_LABELS = {  # Material icons ship with Streamlit: they show even without emoji fonts
    "folder": ":material/folder: data folder",
    "cache": ":material/save: download cache",
    "download": ":material/download: just downloaded",
    "bundled": ":material/inventory_2: bundled sample",
    "collection": ":material/draw: drawn here",
}

HOW_TO_PROVIDE = (
    "To use the full data, point the app to a folder holding `mnist/` and "
    "`fashion-mnist/` (the four IDX files each): set the environment variable "
    "`NN_DATA_DIR` before starting the app, or pass `data_dir=` to `load_dataset`. "
    "Or download it with the button below (needs internet)."
)


SEPARATORS = "/" + os.sep  # os.sep is "\\" on Windows, "/" again elsewhere
TRUE_WORDS, FALSE_WORDS = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def show_paths(environ=None) -> bool:
    """Whether the sidebar may show where files live on this computer.

    On a teacher's laptop the folder path helps ("is it reading my download?"); on a
    hosted server it only tells strangers how the machine is laid out. ``NN_SHOW_PATHS``
    decides (1/true/yes/on or 0/false/no/off); unset, paths are shown unless
    ``NN_HOSTED=1`` says the app is hosted for others.
    """
    environ = os.environ if environ is None else environ
    choice = environ.get("NN_SHOW_PATHS", "").strip().lower()
    if choice in TRUE_WORDS or choice in FALSE_WORDS:
        return choice in TRUE_WORDS
    return environ.get("NN_HOSTED", "").strip() != "1"


def redact(text: str, environ=None) -> str:
    """``text`` with this computer's folders replaced by names, when paths are hidden.

    Messages from the loader name files (that is what makes them useful to whoever runs
    the app); a visitor of a hosted app gets the same sentence, with "the data folder"
    where the server's path was. Each folder is replaced in every spelling a message may
    use (see :func:`spellings`), longest first, so a data folder inside the home folder
    becomes "the data folder", not "~" followed by the rest of its path.
    """
    environ = os.environ if environ is None else environ
    if show_paths(environ):
        return text
    places = {
        environ.get("NN_DATA_DIR", ""): "the data folder (NN_DATA_DIR)",
        str(default_cache_dir()): "the download cache",
        str(Path(nn_core.__file__).resolve().parent.parent): "the app folder",
        str(Path.home()): "~",
    }
    names: dict[str, str] = {}
    for place, name in places.items():
        names.update(dict.fromkeys(spellings(place), name))
    for path in sorted(names, key=len, reverse=True):
        text = text.replace(path, names[path])
    return text


def spellings(folder: str) -> set[str]:
    """The ways a message may spell ``folder``: as given, with ``~`` expanded, resolved.

    ``NN_DATA_DIR=/srv/class/data/`` reaches messages as ``/srv/class/data``;
    ``~/data`` as ``/home/teacher/data``; a relative ``data`` as an absolute path once
    anything resolves it. A bare name without a ``/`` is left out: "data" is also a word
    in our sentences, and alone it tells a stranger nothing about the machine.
    """
    if not folder.strip():
        return set()
    expanded = Path(folder).expanduser()
    found = {folder.rstrip(SEPARATORS), str(expanded)}
    with contextlib.suppress(OSError, RuntimeError):  # a symlink loop: skip that spelling
        found.add(str(expanded.resolve()))
    return {s for s in found if len(s) > 1 and any(sep in s for sep in SEPARATORS)}


@dataclass(frozen=True)
class ActiveData:
    """The data set to show (``dataset``), the one the user asked for, and any notice."""

    requested: str  # "mnist" | "fashion-mnist": what the sidebar says
    dataset: Dataset  # what the pages actually show
    notice: str | None = None  # plain words for the class, or None when all is well

    @property
    def is_fallback(self) -> bool:
        """True when we show another data set than the one asked for."""
        return self.dataset.name != self.requested

    @property
    def needs_data(self) -> bool:
        """True when the full requested data set is missing (offer to download it)."""
        return self.is_fallback or not self.dataset.is_full

    @property
    def cache_key(self) -> tuple[str, str, int | str]:
        """What identifies these arrays for ``st.cache_data``: name, source and version.

        The version is the training-set size for a file (statistics of the bundled sample
        are not reused once the full data set is downloaded) and the content's digest for
        a collection (it grows: 40 drawings are not the 39 of a moment ago).
        """
        ds = self.dataset
        collection = mine.find(ds.name) if ds.source == "collection" else None
        version = mine.digest(collection) if collection is not None else ds.n_train
        return ds.name, ds.source, version


def dataset_info(name: str) -> DatasetInfo:
    """What a page says about data set ``name``: MNIST's or Fashion-MNIST's catalogue
    entry, a collection's own (its title ready for Markdown), or, for a name this tab
    does not know (a model trained on someone's collection), a neutral one."""
    if name in DATASETS:  # never a collection's name ("mine-...", "class-..."): no lookup
        return catalog_info(name)
    collection = mine.find(name)
    if collection is not None:
        found = collection.info()
        title = text.md(found.title, text.NAME)
        return dataclasses.replace(found, title=title, noun=_one_of(found.class_names))
    with contextlib.suppress(ValueError):  # "MNIST", "fashion_mnist": forgiven there
        return catalog_info(name)
    return DatasetInfo(
        name=str(name),
        title=text.md(name, text.NAME),
        class_names=DATASETS[FALLBACK_DATASET].class_names,
        noun="drawing",
        plural="drawings",
        drawable=True,
        md5={},
        mirrors=(),
    )


def known(name: str) -> bool:
    """Whether ``name`` is a data set this tab has: MNIST, Fashion-MNIST or one of its
    collections (``dataset_info`` answers for any name, so an upload asks here first)."""
    if mine.find(name) is not None:
        return True
    try:
        catalog_info(name)
    except ValueError:
        return False
    return True


def _one_of(class_names) -> str:
    """What one drawing of a few classes shows: "circle, square or triangle" (as
    Markdown); with many classes, just "drawing"."""
    if len(class_names) > 4:
        return "drawing"
    names = [text.md(name) for name in class_names]
    return f"{', '.join(names[:-1])} or {names[-1]}"


def dataset_of(name: str, source: str, version: int | str) -> Dataset:
    """The data set a cache key (``ActiveData.cache_key``) names: what a cached
    computation on the active data set reads its arrays from."""
    collection = mine.find(name) if source == "collection" else None
    if collection is not None:
        return collection_dataset(collection)
    return ui_shared.get_dataset(name)


def collection_dataset(collection: Collection) -> Dataset:
    """The collection as a ``Dataset``, split once per content."""
    return _split(mine.digest(collection), collection)


@st.cache_resource(show_spinner=False, max_entries=32)
def _split(digest: str, _collection: Collection) -> Dataset:
    return _collection.to_dataset()


def title(name: str) -> str:
    """'MNIST', 'Fashion-MNIST' or a collection's title, ready for Markdown."""
    return dataset_info(name).title


def active_dataset(name: str | None = None) -> ActiveData:
    """The data set the pages should use for ``name`` (default: the sidebar's choice).

    Never raises for a missing data set: it falls back to MNIST (at worst its bundled
    sample) and explains why in ``notice``.
    """
    requested = name or st.session_state.get(K.DATASET) or FALLBACK_DATASET
    collection = None if requested in DATASETS else mine.find(requested)
    if collection is not None:
        return ActiveData(requested, collection_dataset(collection))
    try:
        dataset = ui_shared.get_dataset(requested)
    except (DataError, ValueError):  # ValueError: a collection this tab no longer has
        dataset = ui_shared.get_dataset(FALLBACK_DATASET)
        sample = "" if dataset.is_full else " (its small bundled sample)"
        notice = (
            f"{title(requested)} is not available on this computer, so the app shows "
            f"{title(FALLBACK_DATASET)}{sample} instead."
        )
        return ActiveData(requested, dataset, notice)
    if not dataset.is_full:
        notice = (
            f"This is a small sample of {title(requested)} "
            f"({dataset.n_train:,} training + {dataset.n_test:,} test images) "
            "shipped with the app: everything works, just with less data."
        )
        return ActiveData(requested, dataset, notice)
    return ActiveData(requested, dataset)
