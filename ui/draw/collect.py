"""Collect: draw a data set of your own, one labelled drawing at a time.

MNIST's 70,000 digits were drawn by strangers; here a student names a few classes
(circle, square, triangle) or takes the ten digits, draws examples of each and adds
them one by one. Each drawing goes through the same preparation as a drawing that is
read (``nn_core.canvas_to_mnist``: cut to the ink, scaled, centred), so the collection
looks to a network exactly as MNIST does. The collection then appears in the sidebar's
data-set choice and every page works on it. Making, keeping and loading collections is
``ui.draw.collect_files``; where they live is ``ui.collections``.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from nn_core import canvas_to_mnist
from nn_core.collection import Collection
from nn_core.errors import CollectionError
from ui import state, text
from ui.classroom.collections import NOT_IN_CLASS, add_to_class, collection_id
from ui.collections.mine import MAX_DRAWINGS, find, is_mine, my_collections
from ui.draw import collect_files, keys
from ui.draw.canvas import canvas_image, clear_canvas, pen_width
from ui.figures import presentation, tiles
from ui.figures.theme import class_color

READ, COLLECT = "Read", "Collect"
MODES = {READ: "Read my drawing", COLLECT: "Collect a data set"}
LATEST = 16  # thumbnails of the newest drawings: two rows of eight


def mode() -> str:
    """The mode the visitor chose last (READ before they choose): the page draws that
    mode's board, and the board draws the switch beside its title."""
    return st.session_state.get(keys.MODE) or READ


def title_with_switch(title: str, drawn: str = READ) -> None:
    """The page's title with the mode switch on its right: one line, so the canvas and
    the answer stay above the fold of a laptop screen. ``drawn`` is the mode of the
    board being drawn: a switch made inside the reading fragment reruns the whole page,
    which then draws the other board."""
    row = st.container(horizontal=True, vertical_alignment="center", gap="large")
    row.title(title, width="content")
    chosen = row.segmented_control(
        "Mode",
        list(MODES),
        format_func=MODES.get,
        default=READ,
        required=True,
        key=keys.MODE,
        label_visibility="collapsed",
    )
    if chosen != drawn:
        st.rerun(scope="app")


def collect_board() -> None:
    """The Collect mode: choose or make a collection, then draw into it."""
    state.ensure_state(keys.DEFAULTS)
    title_with_switch("Draw a data set", COLLECT)
    presentation.explain(
        "Name a few classes, draw examples of each and add them one by one. The collection "
        "then appears under *Data set* in the sidebar: explore it, train on it and test the "
        "network on new drawings, as with MNIST."
    )
    collection = collect_files.choose_collection()
    collect_files.show_message()
    if collection is None:
        collect_files.upload_box()
        return
    canvas_col, side_col = st.columns([2, 3], gap="large")
    with canvas_col:
        image = canvas_image(pen_width())
    with side_col:
        _add_controls(collection, image)
    _counts(collection)
    _latest(collection)
    collect_files.keep_box(collection)


def _add_controls(c: Collection, image) -> None:
    names = c.class_names
    label = st.pills(
        "What will you draw next?",
        list(range(len(names))),
        format_func=lambda k: text.md(names[k]),
        key=keys.CLASS,
    )
    ink = image is not None and canvas_to_mnist(image) is not None
    full = c.n >= MAX_DRAWINGS
    st.button(
        "Add to the collection",
        key=keys.COLLECT_ADD,
        icon=":material/add:",
        type="primary",
        disabled=not ink or label is None or full,
        on_click=add_drawing,
        args=(c.name, image),
    )
    if full:
        st.caption(f"This collection is full ({MAX_DRAWINGS} drawings): download it to keep it.")
    elif label is None:
        st.caption("Pick the class first, then draw one example of it and add it.")
    if not is_mine(c):
        st.caption(
            "A drawing that went wrong: remove it under *Remove my entries* on the Class page."
        )
        return
    st.button(
        "Remove the last drawing",
        key=keys.UNDO,
        icon=":material/undo:",
        disabled=c.n == 0,
        on_click=remove_last,
        args=(c.name,),
    )


def add_drawing(name: str, image) -> None:
    """Button callback: prepare the drawing as MNIST's are and add it with its class
    (to the tab's collection, or through the class store to the class's); a fresh canvas
    for the next one."""
    c, label = find(name), st.session_state.get(keys.CLASS)
    x = None if image is None else canvas_to_mnist(image)  # (28, 28) or None: no ink
    if c is None or label is None or x is None:
        return  # the button is disabled then
    label = int(label)
    problem = _add_mine(c, x, label) if is_mine(c) else _add_class(c, x, label)
    if problem:
        collect_files.say("error", problem)
        return
    clear_canvas()
    grown = find(name) or c
    count = int(grown.counts()[label])
    collect_files.say(
        "success",
        f"Added a {c.class_names[label]}: {count} of them, {grown.n} drawings in all.",
    )


def _add_mine(c: Collection, x: np.ndarray, label: int) -> str | None:
    try:
        my_collections().replace(c.with_drawing(x, label))
    except CollectionError as e:
        return str(e)
    return None


def _add_class(c: Collection, x: np.ndarray, label: int) -> str | None:
    number = collection_id(c)
    return NOT_IN_CLASS if number is None else add_to_class(number, x, label)


def remove_last(name: str) -> None:
    """Button callback: take back the drawing added last (one that went wrong)."""
    mine = my_collections()
    c = mine.find(name)
    if c is None or c.n == 0:
        return
    mine.replace(c.without(c.n - 1))
    collect_files.say("success", f"Removed the last drawing: {c.n - 1} left.")


def _counts(c: Collection) -> None:
    """Drawings per class, as a row of numbers, and what is missing before training."""
    st.subheader(f"{c.n} drawings")
    row = st.container(horizontal=True, gap="medium")
    for name, count in zip(c.class_names, c.counts(), strict=True):
        row.metric(text.md(name), int(count))
    for problem in c.problems():
        st.info(text.md(problem, text.MESSAGE), icon=":material/info:")


def _latest(c: Collection) -> None:
    """The newest drawings, as the network will see them (28 x 28, centred)."""
    if c.n == 0:
        return
    start = max(0, c.n - LATEST)
    images = np.asarray(c.images[start:])  # (m, 28, 28)
    labels = c.labels[start:]  # (m,)
    captions = [c.class_names[k] for k in labels]
    fig = tiles.grid(
        "collection-latest",
        images,
        captions,
        cols=8,
        scale=2.0,
        colors=[class_color(int(k)) for k in labels],
        ids=list(range(start, c.n)),
    )
    presentation.chart(fig)
    presentation.note("The latest drawings, newest last, as the network sees them.")
