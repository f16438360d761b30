"""The board a teacher projects: every shared run, the question, the handwriting set, and
the collections the class draws together (``collection_board``).

Drawing a full board (300 runs, 3,000 drawings) costs far more than asking whether
anything changed, so the two are apart. A small fragment, :func:`watch`, asks the store
for the class's version every few seconds (``NN_CLASS_REFRESH``, default 4) and does
nothing else while it stays the same: a board nobody posts to costs a few milliseconds a
refresh per viewer. When the version moves it reruns the page, which draws the board
from figures built once for that version and shared by every viewer
(``ui.classroom.views``). The figures keep their Streamlit keys and their Plotly
``uirevision``: a redraw changes the lines, never the layout, so nothing flickers, and
Streamlit sends a figure the browser already holds as a reference, not again.

Students see the same board, with a way to remove their own entries; the teacher's copy
adds hiding any entry.
"""

from __future__ import annotations

import os

import streamlit as st

from ui import text
from ui.classroom import charts, collection_board, collection_views, keys, tables, views
from ui.classroom.connection import get_store
from ui.classroom.membership import Membership, class_session
from ui.classroom.records import Board
from ui.classroom.store import ClassError
from ui.figures import presentation

REFRESH_SECONDS = float(os.environ.get("NN_CLASS_REFRESH", "4"))
PLOT_CONFIG = {"displayModeBar": False}  # a projected board: no toolbar over the titles


def preload_charts() -> None:
    """A blank strip drawn by Plotly while a visitor types the class code: a fresh tab
    spends about a second starting Plotly at its first chart, and spent it after *Join*
    or *Reclaim*, in front of the board. Now it happens while the code is typed."""
    import plotly.graph_objects as go

    blank = go.Figure(layout={
        "height": 10, "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "xaxis": {"visible": False}, "yaxis": {"visible": False},
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
        "meta": {"chart": "class_preload"},
    })  # fmt: skip
    st.plotly_chart(blank, key=keys.CHART_PRELOAD, config={**PLOT_CONFIG, "staticPlot": True})


def color_by_picker() -> tuple[str, str]:
    """The setting that colours the board; returns (its label, its key in the settings)."""
    labels = list(tables.COLOR_BY)
    label = st.selectbox("Colour the runs by", labels, key=keys.COLOR_BY)
    return label, tables.COLOR_BY[label]


def snapshot(code: str) -> Board:
    """The class as this run of the page shows it. A run the watcher asked for shows the
    class's shared target version; any other (the page opened, a button pressed) the
    newest, so what the visitor just did is on the board at once."""
    refresh = st.session_state.pop(keys.BOARD_REFRESH, False)
    return views.snapshot(get_store(), code, newest=not refresh)


def _handwriting(store, board: Board, drawings) -> None:
    st.subheader("The class handwriting set")
    seen = views.handwriting(store, board.code, board.version)
    if seen is None or not drawings:
        st.caption("No drawings yet: add some on the Draw page while in this class.")
        return
    columns = st.columns(len(seen.scores))
    for column, (name, accuracy) in zip(columns, seen.scores, strict=True):
        column.metric(f"Accuracy of {name}", f"{100 * accuracy:.1f} %")
    presentation.chart(seen.figure)
    presentation.note(f"Ink in black: read correctly by {seen.reader}; red: misread.")


def question_setting(board: Board, label: str, key: str) -> tuple[str, str]:
    """The setting the revealed results are drawn by: the one the question is about
    ("Which learning rate...?"), else the one the board is coloured by."""
    asked = tables.question_setting(board.prompt)
    return (tables.label_of(asked), asked) if asked else (label, key)


def _question(store, board: Board, runs, label: str, key: str, dataset, big: bool) -> None:
    if not board.prompt:
        return
    st.subheader(f"Question: {text.md(board.prompt, text.SENTENCE)}")
    if not board.revealed:
        n = sum(board.tally)
        st.markdown(f"**{n}** answer{'s' if n != 1 else ''} so far; revealed by the teacher.")
        return
    left, right = st.columns(2)
    fig = views.answers(store, board.code, board.version, big)
    left.plotly_chart(fig, key=keys.CHART_ANSWERS, config=PLOT_CONFIG)
    if runs:
        label, key = question_setting(board, label, key)
        metric = tables.question_metric(board.prompt)
        fig = views.results(store, board.code, board.version, key, label, metric, dataset, big)
        right.plotly_chart(fig, key=keys.CHART_RESULTS, config=PLOT_CONFIG)


def dataset_picker(runs, titles=None) -> str | None:
    """One data set per chart: a loss on clothes and one on digits are not comparable.
    With runs of several, the teacher picks one (the one with most runs first); the
    picker's key names the choices, so a data set appearing later starts it afresh."""
    names = tables.datasets(runs)
    if len(names) < 2:
        return names[0] if names else None
    return st.segmented_control(
        "Data set",
        names,
        format_func=lambda name: text.md(tables.dataset_title(name, titles)),
        default=names[0],
        required=True,
        key=f"{keys.BOARD_DATASET}.{'.'.join(names)}",
    )


def _table(store, board: Board, runs, label: str, key: str, dataset, titles) -> None:
    """The groups side by side in a small table; every run, with its health, folded until
    opened. Both are made as cheap as they can be for a fresh tab: the groups are a
    Markdown table (Streamlit's own table element loads a script of its own, about a
    third of a second before the board is complete) and the data grid of 300 rows is
    made only when unfolded."""
    rows = views.summary(store, board.code, board.version, key, label, dataset)
    st.markdown(text.md_table(rows))  # every cell escaped: nicknames are text
    box = st.expander(
        f"Every run: settings, results and health ({len(runs)})",
        key=keys.TABLE_OPEN,
        on_change="rerun",
    )
    if box.open:
        every = views.table(store, board.code, board.version, dataset, titles)
        box.dataframe(every, hide_index=True)


def _curves(store, board: Board, runs, label: str, key: str, dataset, big: bool) -> None:
    titles = collection_views.titles(store, board.code, board.version)
    where = f" on {text.md(tables.dataset_title(dataset, titles))}" if dataset else ""
    st.subheader(f"{len(runs)} shared run{'s' if len(runs) != 1 else ''}{where}")
    if not runs:
        st.caption("No runs yet: finish a run on the Train page and press Share with the class.")
        return
    metric = st.segmented_control(
        "Curves", list(charts.METRICS), format_func=lambda m: charts.METRICS[m].capitalize(),
        default="loss", required=True, key=keys.CURVE,
    )  # fmt: skip
    fig = views.curves(store, board.code, board.version, key, label, metric, dataset, big)
    st.plotly_chart(fig, key=f"{keys.CHART_CURVES}.{metric}", config=PLOT_CONFIG)
    _table(store, board, runs, label, key, dataset, titles)


def _entry_options(store, board: Board, m: Membership) -> dict[str, str]:
    """The entries this visitor may act on: all for the teacher, their own for a student."""
    listed = views.entries(store, board.code, board.version)
    mine = m.is_teacher
    return {key: text for key, author, text in listed if mine or author == m.member.id}


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
        views.target_version(get_store(), m.code, newest=True)  # on this board at once
    except ClassError as e:
        done = str(e)
    class_session().say("info", done)
    st.toast(done)


def _manage(store, board: Board, m: Membership) -> None:
    """Folded until opened, and then only is the list made: a teacher's list of a full
    class is 3,300 entries, too many to send again at every redraw of the board."""
    title = "Hide entries" if m.is_teacher else "Remove my entries"
    box = st.expander(title, key=keys.MANAGE_OPEN, on_change="rerun")
    if not box.open:
        return
    options = _entry_options(store, board, m)
    with box:
        if not options:
            st.caption("Nothing to manage yet.")
            return
        st.caption(f"{len(options)} entries.")
        st.selectbox("Entry", list(options), format_func=options.get, key=keys.ENTRY)
        if m.is_teacher:
            a, b = st.columns(2)
            a.button("Hide", key=keys.HIDE, on_click=_act, args=(m, "hide"))
            b.button("Show again", key=keys.SHOW, on_click=_act, args=(m, "show"))
        else:
            st.button("Remove", key=keys.REMOVE, on_click=_act, args=(m, "remove"))


@st.fragment
def live_board(m: Membership, label: str, key: str) -> None:
    """The board: drawn by the page's run, and again alone when its own buttons are used."""
    store = get_store()
    try:
        board = views.snapshot(store, m.code)
    except ClassError as e:
        st.session_state[keys.BOARD_SHOWN] = None  # the watcher must not ask again
        st.error(str(e))
        return
    st.session_state[keys.BOARD_SHOWN] = board.version
    runs, drawings = views.visible(board)
    status = "closed to new entries" if board.closed else "open"
    st.caption(f"{board.members} in class · {len(runs)} runs · {len(drawings)} drawings · {status}")
    big = presentation.is_on()
    dataset = dataset_picker(runs, collection_views.titles(store, board.code, board.version))
    shown = tables.of_dataset(runs, dataset)
    _question(store, board, shown, label, key, dataset, big)
    _curves(store, board, shown, label, key, dataset, big)
    _handwriting(store, board, drawings)
    collection_board.show(store, board, runs)
    _manage(store, board, m)


def watch(m: Membership) -> None:
    """Every few seconds: has the class moved on from the version on this board? Only
    then is the page run again (and the board drawn); otherwise nothing is sent."""
    _watch(m, get_store())  # looked up once per page, not at every tick


@st.fragment(run_every=REFRESH_SECONDS)
def _watch(m: Membership, store) -> None:
    try:
        version = views.target_version(store, m.code)
    except ClassError:
        version = None  # the class is gone: the page says so
    if version != st.session_state.get(keys.BOARD_SHOWN):
        st.session_state[keys.BOARD_REFRESH] = True
        st.rerun()
