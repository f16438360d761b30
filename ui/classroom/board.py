"""The board a teacher projects: every shared run, the question, the handwriting set.

It redraws itself every few seconds (``NN_CLASS_REFRESH``, default 4) as a fragment, so
only the board reruns, not the page, and the figures keep their Streamlit keys and their
Plotly ``uirevision``: a refresh changes the lines, never the layout, so nothing flickers.
Students see the same board, with a way to remove their own entries; the teacher's copy
adds hiding any entry.
"""

from __future__ import annotations

import os

import streamlit as st

from nn_core.data import DATASETS
from ui import text
from ui.classroom import charts, keys, tables
from ui.classroom.connection import get_store
from ui.classroom.membership import Membership, class_session
from ui.classroom.records import Board, SharedRun
from ui.classroom.store import ClassError, ClassStore

REFRESH_SECONDS = float(os.environ.get("NN_CLASS_REFRESH", "4"))
PLOT_CONFIG = {"displayModeBar": False}  # a projected board: no toolbar over the titles
MOSAIC_MAX = 200  # newest drawings shown; the export has them all


def color_by_picker() -> tuple[str, str]:
    """The setting that colours the board; returns (its label, its key in the settings)."""
    labels = list(tables.COLOR_BY)
    label = st.selectbox("Colour the runs by", labels, key=keys.COLOR_BY)
    return label, tables.COLOR_BY[label]


@st.cache_resource(show_spinner=False, max_entries=16)
def _class_model(_store: ClassStore, code: str, run_id: int):
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
        model = _class_model(store, code, best.id)
        if model is not None:
            models.append(
                (f"the class's best ({text.md(best.nickname)}, {text.md(best.name)})", model)
            )
    return models


def _handwriting(store: ClassStore, board: Board, visible_drawings) -> None:
    st.subheader("The class handwriting set")
    if not visible_drawings:
        st.caption("No drawings yet: add some on the Draw page while in this class.")
        return
    from nn_core import evaluate

    images, labels = tables.drawing_arrays(visible_drawings)
    visible_runs = [r for r in board.runs if not r.hidden]
    models = _models(store, board.code, visible_runs)
    columns = st.columns(len(models))
    for column, (name, model) in zip(columns, models, strict=True):
        accuracy = evaluate(model, images.reshape(len(images), -1), labels).accuracy
        column.metric(f"Accuracy of {name}", f"{100 * accuracy:.1f} %")
    newest = slice(-MOSAIC_MAX, None)
    correct = models[-1][1].predict_proba(images[newest]).argmax(axis=1) == labels[newest]
    fig = charts.drawings_figure(
        images[newest], labels[newest], correct, uirevision=f"{board.code}:drawings"
    )
    st.plotly_chart(fig, key=keys.CHART_DRAWINGS, config=PLOT_CONFIG)
    st.caption(f"Labels in green: read correctly by {models[-1][0]}; red: misread.")


def _question(board: Board, runs, label: str, key: str) -> None:
    if not board.prompt:
        return
    st.subheader(f"Question: {text.md(board.prompt, text.SENTENCE)}")
    if not board.revealed:
        n = sum(board.tally)
        st.markdown(f"**{n}** answer{'s' if n != 1 else ''} so far; revealed by the teacher.")
        return
    left, right = st.columns(2)
    left.plotly_chart(
        charts.answers_figure(board.choices, board.tally, uirevision=f"{board.code}:answers"),
        key=keys.CHART_ANSWERS,
        config=PLOT_CONFIG,
    )
    if runs:
        fig = charts.results_figure(runs, key, label, uirevision=f"{board.code}:results:{key}")
        right.plotly_chart(fig, key=keys.CHART_RESULTS, config=PLOT_CONFIG)


def _curves(board: Board, runs, label: str, key: str) -> None:
    st.subheader(f"{len(runs)} shared runs")
    if not runs:
        st.caption("No runs yet: finish a run on the Train page and press Share with the class.")
        return
    left, right = st.columns(2)
    for column, metric, chart_key in (
        (left, "loss", keys.CHART_LOSS),
        (right, "accuracy", keys.CHART_ACCURACY),
    ):
        fig = charts.curves_figure(runs, key, label, metric, uirevision=f"{board.code}:{key}")
        column.plotly_chart(fig, key=chart_key, config=PLOT_CONFIG)
    st.dataframe(tables.board_rows(runs), hide_index=True)


def _entry_options(board: Board, m: Membership) -> dict[str, str]:
    """The entries this visitor may act on: all for the teacher, their own for a student."""
    mine = m.is_teacher
    options = {}
    for r in board.runs:
        if mine or r.member_id == m.member.id:
            acc = "" if r.test_accuracy is None else f", {100 * r.test_accuracy:.1f} %"
            hidden = " (hidden)" if r.hidden else ""
            options[f"run:{r.id}"] = (
                f"run {r.id} by {text.plain(r.nickname)}: {text.plain(r.name)}{acc}{hidden}"
            )
    for d in board.drawings:
        if mine or d.member_id == m.member.id:
            hidden = " (hidden)" if d.hidden else ""
            options[f"drawing:{d.id}"] = (
                f"drawing {d.id} by {text.plain(d.nickname)}: a {d.label}{hidden}"
            )
    return options


def _act(m: Membership, action: str) -> None:
    """Hide, show again or remove the selected entry; the store checks who may."""
    choice = st.session_state.get(keys.ENTRY)
    if not choice:
        return
    kind, entry_id = choice.split(":")
    try:
        if action == "remove":
            get_store().remove(m.member, kind, int(entry_id))
            done = f"Removed {kind} {entry_id}."
        else:
            hidden = action == "hide"
            get_store().set_hidden(m.code, m.teacher_key, kind, int(entry_id), hidden)
            done = f"{kind.capitalize()} {entry_id} {'hidden' if hidden else 'shown again'}."
    except ClassError as e:
        done = str(e)
    class_session().say("info", done)
    st.toast(done)


def _manage(board: Board, m: Membership) -> None:
    options = _entry_options(board, m)
    title = "Hide entries" if m.is_teacher else "Remove my entries"
    with st.expander(f"{title} ({len(options)})"):
        if not options:
            st.caption("Nothing to manage yet.")
            return
        st.selectbox("Entry", list(options), format_func=options.get, key=keys.ENTRY)
        if m.is_teacher:
            a, b = st.columns(2)
            a.button("Hide", key=keys.HIDE, on_click=_act, args=(m, "hide"))
            b.button("Show again", key=keys.SHOW, on_click=_act, args=(m, "show"))
        else:
            st.button("Remove", key=keys.REMOVE, on_click=_act, args=(m, "remove"))


@st.fragment(run_every=REFRESH_SECONDS)
def live_board(m: Membership, label: str, key: str) -> None:
    """The refreshing part of the Class page: read the class once, draw everything."""
    store = get_store()
    try:
        board = store.board(m.code, include_hidden=True)
    except ClassError as e:
        st.error(str(e))
        return
    runs = [r for r in board.runs if not r.hidden]
    drawings = [d for d in board.drawings if not d.hidden]
    status = "closed to new entries" if board.closed else "open"
    st.caption(f"{board.members} in class · {len(runs)} runs · {len(drawings)} drawings · {status}")
    _question(board, runs, label, key)
    _curves(board, runs, label, key)
    _handwriting(store, board, drawings)
    _manage(board, m)
