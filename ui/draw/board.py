"""The drawing board: the part of the Draw page that follows the pen, and what is
around it.

A stroke reruns only :func:`pen_board`, a fragment: the canvas, the answer and how the
network saw the drawing. Thirty students drawing at once share one server process, and
each element a stroke's rerun leaves out is work and a message saved thirty times over
(with the fragment also redrawing the title, the network's choice and the pen, a
stroke sent 31 messages, now 17; the README has the server's CPU per stroke). So
what a stroke cannot change is drawn by the page around the fragment: the title, which
network reads (a new choice reruns the page, and with it the fragment's arguments), the
pen, the model's details and *My drawings*. The canvas and the answer come first, so
both are on screen without scrolling.

What follows the pen but is used outside the fragment is kept in the session: the
drawing the network read last (``keys.LATEST``, what *Add this drawing* adds).
"""

from __future__ import annotations

import streamlit as st

from nn_core.data import DATASETS
from ui import state, text
from ui.draw import choice, keys, sections
from ui.draw.canvas import canvas_image, pen_width
from ui.draw.collect import title_with_switch
from ui.draw.reading import noun, read_drawing, threshold_sentence
from ui.figures import presentation
from ui.models import YOURS, ModelInUse


def drawing_board(shown: str) -> None:
    """The board for the data set ``shown`` in the sidebar (a model of yours needs no
    data on disk to read drawings, so this is the data set asked for, not the one
    loaded)."""
    state.ensure_state(keys.DEFAULTS)
    head = st.container()
    pen_col, choice_col = st.columns([2, 3], gap="large", vertical_alignment="bottom")
    with choice_col:
        in_use = sections.choose_model(shown)
        note = None if in_use is None else choice.note_for(in_use, shown)
        if note:
            st.warning(text.md(note, text.MESSAGE), icon=":material/warning:")
    with head:
        sections.heading(noun(shown if in_use is None else in_use.dataset), title_with_switch)
    with pen_col:
        pen = pen_width()
    pen_board(in_use, pen)
    if in_use is None:
        return
    sections.model_details(in_use)
    if in_use.stable_id != YOURS:
        st.page_link(
            "app_pages/train.py",
            label="Train your own model to choose it here",
            icon=":material/model_training:",
        )
    if in_use.dataset in DATASETS:  # a collection is a set of one's own drawings already
        sections.my_drawings_section(in_use)


@st.fragment
def pen_board(in_use: ModelInUse | None, pen: int) -> None:
    """Everything a stroke changes: the canvas (a ``pen``-wide brush), what ``in_use``
    reads in it, and how it saw the drawing. Without a network the canvas is still
    there, with nothing to read it."""
    canvas_col, answer_col = st.columns([2, 3], gap="large")
    with canvas_col:
        drawing = canvas_image(pen)
    if in_use is None:
        return
    what = noun(in_use.dataset)
    threshold = state.confidence()  # the one Evaluate's slider sets
    reading = read_drawing(in_use.model, drawing, in_use.class_names, threshold)
    st.session_state[keys.LATEST] = None if reading is None else reading.steps.centred
    with answer_col:
        sections.show_prediction(reading, what)
    if reading is None:
        return
    if reading.not_sure or not presentation.is_on():
        st.markdown(threshold_sentence(threshold))
        st.page_link(
            "app_pages/evaluate.py",
            label="Change the threshold on the Evaluate page",
            icon=":material/fact_check:",
        )
    sections.show_insides(reading, what)
