"""The drawing board: the part of the Draw page that follows the pen, and what is
around it.

A stroke reruns only :func:`pen_board`, a fragment: the canvas, the answer and how the
network saw the drawing, not the sidebar, the model's details or *My drawings*. Thirty
students drawing at once share one server process, and each part left out of a
stroke's rerun is work and messages saved thirty times over. The canvas and the answer
come first, so both are on screen without scrolling. The title is in the fragment too:
it names what the chosen network reads.

What follows the pen but is used outside the fragment is kept in the session: the
drawing the network read last (``keys.LATEST``, what *Add this drawing* adds). A
different network chosen inside the fragment reruns the whole page, so that *My
drawings* is scored by the network on screen.
"""

from __future__ import annotations

import streamlit as st

from nn_core.data import DATASETS
from ui import state, text
from ui.draw import choice, keys, sections
from ui.draw.canvas import canvas_image
from ui.draw.collect import title_with_switch
from ui.draw.reading import noun, read_drawing, threshold_sentence
from ui.figures import presentation
from ui.models import YOURS, ModelInUse


def drawing_board(shown: str) -> None:
    """The board for the data set ``shown`` in the sidebar (a model of yours needs no
    data on disk to read drawings, so this is the data set asked for, not the one
    loaded)."""
    in_use = pen_board(shown)
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
def pen_board(shown: str) -> ModelInUse | None:
    """Everything a stroke changes; returns the network that reads (None: there is none)."""
    state.ensure_state(keys.DEFAULTS)
    head = st.container()
    canvas_col, answer_col = st.columns([2, 3], gap="large")
    with answer_col:
        in_use = sections.choose_model(shown)
    if st.session_state.pop(keys.CHOSEN, False):
        st.rerun(scope="app")  # a new network: the page around the board follows it
    what = noun(shown if in_use is None else in_use.dataset)
    with head:
        sections.heading(what, title_with_switch)
    with canvas_col:
        drawing = canvas_image()
    if in_use is None:
        return None
    threshold = state.confidence()  # the one Evaluate's slider sets
    reading = read_drawing(in_use.model, drawing, in_use.class_names, threshold)
    st.session_state[keys.LATEST] = None if reading is None else reading.steps.centred
    with answer_col:
        sections.show_prediction(reading, what)
        note = choice.note_for(in_use, shown)
        if note:
            st.warning(text.md(note, text.MESSAGE), icon=":material/warning:")
    if reading is not None:
        if reading.not_sure or not presentation.is_on():
            st.markdown(threshold_sentence(threshold))
            st.page_link(
                "app_pages/evaluate.py",
                label="Change the threshold on the Evaluate page",
                icon=":material/fact_check:",
            )
        sections.show_insides(reading, what)
    return in_use
