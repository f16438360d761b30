"""The browser of mistakes: the most confident wrong answers first.

A mistake made at 99% confidence is the most instructive kind. Sometimes the label is
wrong (MNIST has a few), sometimes the digit is one a person would hesitate over, and
sometimes the network has latched onto a shortcut: its ten probabilities show which.
"""

from __future__ import annotations

import streamlit as st

from nn_core.predictions import Predictions, ranked_mistakes
from ui.evaluate import charts_images, keys
from ui.evaluate.selection import ANY, MISTAKE_PAGE, class_filter, n_pages, page_slice
from ui.figures import presentation


def mistakes(p: Predictions, ds) -> None:
    """Filters by true and by answered class, then a page of mistakes with their bars."""
    names = list(ds.class_names)
    options = [ANY, *names]
    for key in (keys.MISTAKE_TRUE, keys.MISTAKE_PRED):
        if st.session_state.get(key) not in options:
            st.session_state[key] = ANY  # first visit, or the other data set's class names
    left, middle, _ = st.columns([2, 2, 3])
    t = class_filter(left.selectbox("True class", options, key=keys.MISTAKE_TRUE), names)
    a = class_filter(middle.selectbox("Answered", options, key=keys.MISTAKE_PRED), names)
    ranked = ranked_mistakes(p, t, a)
    if len(ranked) == 0:
        st.info("No mistakes of this kind on the test set.")
        return
    pages = n_pages(len(ranked), MISTAKE_PAGE)
    page = st.pagination(pages, key=f"{keys.MISTAKE_PAGE}.{t}.{a}") if pages > 1 else 1
    shown = ranked[page_slice(page, MISTAKE_PAGE)]
    st.markdown(
        f"**{len(ranked):,}** mistakes of this kind; these are numbers "
        f"{page_slice(page, MISTAKE_PAGE).start + 1} to "
        f"{page_slice(page, MISTAKE_PAGE).start + len(shown)}, the most confident first."
    )
    fig = charts_images.mistakes_figure(
        ds.X_test[shown], p.proba[shown], p.y_true[shown], shown, names
    )
    presentation.chart(fig)
    presentation.note(
        "Red: the network's answer; green: the true class. Notice the ones you would have "
        "got wrong yourself, and the few where the label looks wrong."
    )
