"""The board's contents, built once per version of the class and shared by every viewer.

A class with 300 runs and 3,000 drawings takes about half a second to read and draw.
Thirty tabs each doing that every few seconds would keep a whole server busy while
nothing on the board changes, so nothing here is built per viewer. The class is read
once per version (``ClassStore.version``, which moves whenever anything in the class
does), and every figure, the table and the handwriting scores are cached under the
class, what they show (a fingerprint of the visible runs, or of the drawings) and the
options that change them (the colouring). The first viewer after a change pays for
rebuilding what it changed, a drawing the handwriting and not the curves; everyone
else, and every refresh that finds the same version, gets the same objects.

While a class is busy (thirty students adding drawings) the version moves every
second or so, and thirty viewers would each find a version of their own. So viewers
show the class's *target* version: the newest, but moved on at most once every
``COALESCE_SECONDS`` (the refresh interval), which gives one build per class per
refresh however many watch. A visitor's own action (pressing *Hide*, opening the page)
moves the target at once: what you just did is on your board straight away.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import threading
import time
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from nn_core.data import DATASETS
from ui import text
from ui.classroom import charts, mosaic, reveal, tables, versions
from ui.classroom.records import Board, SharedRun
from ui.classroom.steps import LessonState
from ui.classroom.store import ClassStore
from ui.figures import presentation
from ui.figures.svg import Svg

COALESCE_SECONDS = float(os.environ.get("NN_CLASS_REFRESH", "4"))
KEEP_SECONDS = 600  # a cached build unused this long is dropped
READ_SECONDS = 0.25  # one read of a class's version serves every viewer this long
_targets: dict[str, tuple[int, float]] = {}  # code -> (version to show, when it was chosen)
_latest: dict[str, tuple[int, float, int]] = {}  # code -> (store's version, read when, writes)
_targets_lock = threading.Lock()
clock = time.monotonic  # tests move their own


def latest_version(store: ClassStore, code: str, fresh: bool = False) -> int:
    """The store's version of the class, read at most once per ``READ_SECONDS`` for every
    viewer in this process (``NotFound`` once it is gone); ``fresh`` always reads.

    One page run asks a dozen times (the sidebar names each data set, and the class's
    collections are among them), and a class opening the board at once asks hundreds of
    times within a second: one read answers them all. A write from this process ends
    the read's service at once (``versions.written``); ``fresh`` reads in any case.
    """
    now, writes = clock(), versions.written(code)
    with _targets_lock:
        read = _latest.get(code)
    if not fresh and read is not None and read[2] == writes and now - read[1] < READ_SECONDS:
        return read[0]
    version = store.version(code)
    with _targets_lock:
        _latest[code] = (version, now, writes)
    return version


def target_version(store: ClassStore, code: str, newest: bool = False) -> int:
    """The version of the class every viewer should show now (``NotFound`` once it is
    gone): the store's newest when ``newest`` or when the last choice is
    ``COALESCE_SECONDS`` old, else the version chosen last."""
    latest = latest_version(store, code, fresh=newest)
    now = clock()
    with _targets_lock:
        version, since = _targets.get(code, (None, -float("inf")))
        if version != latest and (newest or now - since >= COALESCE_SECONDS):
            version, since = latest, now
            _targets[code] = (version, since)
        return version


def lesson_state(store: ClassStore, code: str) -> LessonState | None:
    """The class's lesson (``ClassStore.lesson_state``) at its latest version: a move of
    the teacher's moves the version, so one read per move serves every student's
    follow-the-teacher check (two a page run, and one every refresh)."""
    return _lesson(store, code, latest_version(store, code))


@st.cache_resource(show_spinner=False, max_entries=64, ttl=KEEP_SECONDS)
def _lesson(_store: ClassStore, code: str, version: int) -> LessonState | None:
    return _store.lesson_state(code)


def snapshot(store: ClassStore, code: str, newest: bool = False) -> Board:
    """The class at its target version, hidden entries included (``board.version`` is
    that version; the rows may be a little newer, never older)."""
    version = target_version(store, code, newest)
    return _board(store, code, version)


@st.cache_resource(show_spinner=False, max_entries=4, ttl=KEEP_SECONDS)
def _board(_store: ClassStore, code: str, version: int) -> Board:
    return dataclasses.replace(_store.board(code, include_hidden=True), version=version)


class SharedFigure(go.Figure):
    """A finished figure that every viewer shows. Streamlit asks a figure for its dict
    at every page run, and Plotly makes it afresh each time (a deep copy of every array
    and of its whole template: a tenth of a page run); this one makes it once. Nothing
    may change the figure after it is shared."""

    _shown: dict | None = None

    def to_dict(self) -> dict:
        if self._shown is None:
            self._shown = super().to_dict()
        return self._shown


def shared(fig: go.Figure) -> SharedFigure:
    fig.__class__ = SharedFigure  # the same object, from now on frozen
    return fig


def visible(board: Board) -> tuple[list, list]:
    """The runs and the drawings nobody has hidden."""
    return [r for r in board.runs if not r.hidden], [d for d in board.drawings if not d.hidden]


# --- the figures: one build per change of what they show --------------------------------


@st.cache_resource(show_spinner=False, max_entries=8, ttl=KEEP_SECONDS)
def contents(_store, code: str, version: int) -> tuple[str, str]:
    """Fingerprints of what the figures draw, per version: (the visible runs, the visible
    drawings and the model that reads them). A drawing added changes the second only, so
    the curves stay built; a run shared changes both (it may be the class's best)."""
    runs, drawings = visible(_board(_store, code, version))
    best = best_class_run(runs)
    run_rows = [(r.id, r.created, r.test_accuracy or -1, tables.final_loss(r) or -1) for r in runs]
    images, labels = tables.drawing_arrays(drawings)  # (d, 28, 28), (d,)
    ids = np.array([d.id for d in drawings], dtype=np.float64)  # (d,)
    ink = images.sum(axis=(1, 2), dtype=np.float64)  # (d,) a reused id with new ink differs
    drawing_rows = np.stack([ids, labels.astype(np.float64), ink], axis=1)  # (d, 3)
    return (
        hashlib.sha256(np.array(run_rows, dtype=np.float64).tobytes()).hexdigest(),
        hashlib.sha256(drawing_rows.tobytes() + repr(best and best.id).encode()).hexdigest(),
    )


def _runs(_store, code: str, version: int, dataset: str | None) -> list[SharedRun]:
    """The visible runs of one data set (all of them for None)."""
    runs, _ = visible(_board(_store, code, version))
    return tables.of_dataset(runs, dataset)


def _finish(fig: go.Figure, big: bool) -> go.Figure:
    """Shared, and enlarged once for presentation mode (not again for every viewer)."""
    return shared(presentation.enlarge(fig) if big else fig)


def curves(
    store, code: str, version: int, key: str, label: str, metric: str, dataset=None, big=False
) -> go.Figure:
    seen = contents(store, code, version)[0]
    return _curves(store, code, seen, key, label, metric, dataset, big, version)


@st.cache_resource(show_spinner=False, max_entries=32, ttl=KEEP_SECONDS)
def _curves(_store, code, runs_seen: str, key, label, metric, dataset, big, _version: int):
    runs = _runs(_store, code, _version, dataset)
    fig = charts.curves_figure(runs, key, label, metric, uirevision=f"{code}:{key}:{dataset}")
    return _finish(fig, big)


def results(
    store,
    code: str,
    version: int,
    key: str,
    label: str,
    metric: str = "final loss",
    dataset=None,
    big=False,
) -> go.Figure:
    seen = contents(store, code, version)[0]
    return _results(store, code, seen, key, label, metric, dataset, big, version)


@st.cache_resource(show_spinner=False, max_entries=16, ttl=KEEP_SECONDS)
def _results(_store, code, runs_seen: str, key, label, metric, dataset, big, _version: int):
    runs = _runs(_store, code, _version, dataset)
    revision = f"{code}:results:{key}:{dataset}"
    return _finish(reveal.results_figure(runs, key, label, metric, uirevision=revision), big)


@st.cache_resource(show_spinner=False, max_entries=16, ttl=KEEP_SECONDS)
def answers(_store, code: str, version: int, big: bool = False) -> go.Figure:
    board = _board(_store, code, version)
    fig = reveal.answers_figure(board.choices, board.tally, uirevision=f"{code}:answers")
    return _finish(fig, big)


def table(store, code: str, version: int, dataset=None, titles=None):
    """The table of every run, as the Arrow table Streamlit sends (a DataFrame would be
    converted at every page run). ``titles``: the class collections' titles by data-set
    name (they follow from the version)."""
    return _table(store, code, contents(store, code, version)[0], dataset, version, titles)


@st.cache_resource(show_spinner=False, max_entries=8, ttl=KEEP_SECONDS)
def _table(_store, code: str, runs_seen: str, dataset, _version: int, _titles=None):
    import pyarrow as pa

    rows = tables.board_rows(_runs(_store, code, _version, dataset), titles=_titles)
    return pa.Table.from_pylist(rows)


def summary(store, code: str, version: int, key: str, label: str, dataset=None):
    """One row per group of the colouring: the few numbers the class compares."""
    return _summary(store, code, contents(store, code, version)[0], key, label, dataset, version)


@st.cache_resource(show_spinner=False, max_entries=16, ttl=KEEP_SECONDS)
def _summary(_store, code: str, runs_seen: str, key, label, dataset, _version: int):
    runs = _runs(_store, code, _version, dataset)
    return tuple(tables.group_rows(charts.groups(runs, key), label))


@dataclass(frozen=True)
class Handwriting:
    """What the board shows of the class's drawings: each model's accuracy on them, and
    the picture, its ink coloured by how ``reader`` (the last model) read each one."""

    scores: tuple[tuple[str, float], ...]  # (model's name, accuracy in [0, 1])
    figure: Svg
    reader: str


def handwriting(store, code: str, version: int) -> Handwriting | None:
    return _handwriting(store, code, contents(store, code, version)[1], version)


@st.cache_resource(show_spinner=False, max_entries=8, ttl=KEEP_SECONDS)
def _handwriting(_store, code: str, drawings_seen: str, _version: int):
    from nn_core import evaluate

    runs, drawings = visible(_board(_store, code, _version))
    if not drawings:
        return None
    images, labels = tables.drawing_arrays(drawings)  # (n, 28, 28), (n,)
    flat = images.reshape(len(images), -1)  # (n, 784)
    models = _models(_store, code, runs)
    scores = tuple((name, evaluate(model, flat, labels).accuracy) for name, model in models)
    correct = models[-1][1].predict_proba(flat).argmax(axis=1) == labels  # (n,)
    return Handwriting(scores, mosaic.figure(images, labels, correct), models[-1][0])


@st.cache_resource(show_spinner=False, max_entries=8, ttl=KEEP_SECONDS)
def entries(_store, code: str, version: int) -> tuple[tuple[str, int, str], ...]:
    """Every entry as (option key, its author's member id, how it is listed)."""
    board = _board(_store, code, version)
    out = []
    for r in board.runs:
        acc = "" if r.test_accuracy is None else f", {100 * r.test_accuracy:.1f} %"
        hidden = " (hidden)" if r.hidden else ""
        title = f"{text.plain(r.nickname)}: {text.plain(tables.run_words(r))}"
        out.append((f"run:{r.id}", r.member_id, f"run {r.id} by {title}{acc}{hidden}"))
    for d in board.drawings:
        hidden = " (hidden)" if d.hidden else ""
        label = f"drawing {d.id} by {text.plain(d.nickname)}: a {d.label}{hidden}"
        out.append((f"drawing:{d.id}", d.member_id, label))
    for entry_id, author, nickname, what, hidden in _store.collection_entries(code):
        shown = f"{text.plain(nickname)}: {text.plain(what)}{' (hidden)' if hidden else ''}"
        out.append(
            (f"collection drawing:{entry_id}", author, f"collection drawing {entry_id} by {shown}")
        )
    return tuple(out)


# --- the models that read the drawings -------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=16)
def class_model(_store: ClassStore, code: str, run_id: int):
    """A shared run's weights as a model (read-only, loaded once per server)."""
    from nn_core.model import MLP

    data = _store.model_bytes(code, run_id)
    return None if data is None else MLP.load(data)


def reads_drawings(dataset: str) -> bool:
    """Whether a network trained on ``dataset`` can fairly read the class's drawings.

    The board keeps whatever word a student's tab sent, so an unknown name is simply
    not a data set of drawings.
    """
    return dataset in DATASETS and DATASETS[dataset].drawable


def best_class_run(runs) -> SharedRun | None:
    """The class's best run on drawable images (digits) whose weights were shared, by
    test accuracy: the one worth scoring on the class's handwriting."""
    candidates = [r for r in runs if r.has_model and reads_drawings(r.dataset) and r.test_accuracy]
    return max(candidates, key=lambda r: r.test_accuracy, default=None)


def _models(store: ClassStore, code: str, runs) -> list[tuple[str, object]]:
    """(name, model) pairs to score on the handwriting set: bundled, then the class's best."""
    from ui.shared import get_bundled_model

    models = [("the bundled model", get_bundled_model())]
    best = best_class_run(runs)
    if best is not None:
        model = class_model(store, code, best.id)
        if model is not None:
            models.append((f"the class's best ({text.md(tables.run_title(best))})", model))
    return models
