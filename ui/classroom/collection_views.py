"""The class's collections as the board shows them, built once per change for every viewer.

The same discipline as the rest of the board (``ui.classroom.views``): the list of
collections, their counts and the roster are read once per version of the class, from
rows without pixels. A collection's drawings, its picture and the score of the class's
best network on it are built once per change of *that* collection (a fingerprint of its
visible drawings, and the best run trained on it): thirty students adding circles to
"Shapes" rebuild the picture of "Shapes" once per refresh, and never that of "Digits".
The Draw page reads the same cached collections (``ui.classroom.collections``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from nn_core.collection import Collection
from ui import text
from ui.classroom import mosaic, tables, views
from ui.classroom.records import CollectionInfo, RosterLine, SharedRun, collection_name
from ui.classroom.store import ClassStore
from ui.figures.svg import Svg

KEEP = views.KEEP_SECONDS
RESERVED = ("student", "total")  # the roster's own columns: a class may not take them


@dataclass(frozen=True)
class Listing:
    """Every collection of a class at one version, and who drew what (Arrow tables, one
    per collection id, as Streamlit sends them)."""

    infos: tuple[CollectionInfo, ...]
    roster: tuple[RosterLine, ...]
    rosters: dict  # collection id -> pyarrow.Table; never changed once built


@dataclass(frozen=True)
class Section:
    """What the board shows of one collection besides its counts."""

    counts: object  # pyarrow.Table: class, drawings, students
    figure: Svg | None  # the picture, None while there are no drawings
    accuracy: float | None  # the best network's on the held-out drawings
    held_out: int  # how many drawings it was scored on
    reader: str | None  # which run's network, in words (None: none trained on it yet)


@st.cache_resource(show_spinner=False, max_entries=8, ttl=KEEP)
def listing(_store: ClassStore, code: str, version: int) -> Listing:
    infos, roster = _store.collections_and_roster(code)
    rosters = {info.id: roster_table(info, roster) for info in infos}
    return Listing(tuple(infos), tuple(roster), rosters)


def titles(store: ClassStore, code: str, version: int) -> dict[str, str]:
    """Data-set name -> title of the class's collections: how the board names the data
    set of a run trained on one ("Our shapes", not "class-K7QD-2")."""
    return {collection_name(code, i.id): i.title for i in listing(store, code, version).infos}


def roster_headers(class_names) -> list[str]:
    """The roster's class columns: each class's name as plain text, marked when it would
    be taken for one of the table's own columns (a class called "Student")."""
    shown = [text.plain(n, 24) for n in class_names]
    return [f"{n} (class)" if n.casefold() in RESERVED else n for n in shown]


def roster_table(info: CollectionInfo, roster) -> object:
    """One row per student who drew in the collection: how many of each class."""
    import pyarrow as pa

    headers = roster_headers(info.class_names)
    mine = [line for line in roster if line.collection_id == info.id]
    columns = {"Student": [text.plain(line.nickname) for line in mine]}
    for j, header in enumerate(headers):
        columns[header] = [line.counts[j] for line in mine]
    columns["Total"] = [sum(line.counts) for line in mine]
    return pa.table(columns)


@st.cache_resource(show_spinner=False, max_entries=16, ttl=KEEP)
def collection(_store: ClassStore, code: str, collection_id: int, drawn: str) -> Collection:
    """The collection's visible drawings, read once per change of them (``drawn``)."""
    return _store.collection(code, collection_id)


def best_run(runs, info: CollectionInfo) -> SharedRun | None:
    """The class's best shared network trained on this collection, by its own test
    accuracy, with its weights shared."""
    mine = [r for r in runs if r.dataset == info.name and r.has_model and r.test_accuracy]
    return max(mine, key=lambda r: r.test_accuracy, default=None)


def section(store: ClassStore, info: CollectionInfo, runs) -> Section:
    best = best_run(runs, info)
    reader = None if best is None else tables.run_title(best)
    key = (info.code, info.id, info.drawn, best and best.id, reader)
    return _section(store, *key, info)


@st.cache_resource(show_spinner=False, max_entries=16, ttl=KEEP)
def _section(_store, code, collection_id, drawn, run_id, reader, _info) -> Section:
    import pyarrow as pa

    info: CollectionInfo = _info
    rows = zip(info.class_names, info.counts, info.students, strict=True)
    counts = pa.Table.from_pylist(
        [{"Class": text.plain(n, 24), "Drawings": c, "Students": s} for n, c, s in rows]
    )
    c = collection(_store, code, collection_id, drawn)
    model = None if run_id is None else views.class_model(_store, code, run_id)
    sizes = (784, 0) if model is None else model.config.sizes
    if (sizes[0], sizes[-1]) != (784, len(c.class_names)):
        model = None  # a run that only says it was trained on this collection
    accuracy, held_out, correct = _score(model, c)
    figure = None
    if c.n:
        title = f"{text.plain(info.title, 40)}: the class's drawings"
        chart = f"class_collection_{collection_id}"
        figure = mosaic.figure(c.images, c.labels, correct, c.class_names, chart, title)
    return Section(counts, figure, accuracy, held_out, reader if model is not None else None)


def _score(model, c: Collection) -> tuple[float | None, int, np.ndarray | None]:
    """The model's accuracy on the held-out part, and how it reads every drawing."""
    from nn_core import evaluate

    if model is None or not c.n:
        return None, 0, None
    data = c.to_dataset()
    correct = model.predict_proba(c.images.reshape(c.n, 784)).argmax(axis=1) == c.labels  # (n,)
    if not len(data.y_test):
        return None, 0, correct
    return evaluate(model, data.X_test, data.y_test).accuracy, len(data.y_test), correct
