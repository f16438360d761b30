"""Training on a collection drawn in class: what is different about a few hundred images.

MNIST has 60,000 training images and a test set of its own; a collection has what the
class drew. So the Train page says how the drawings are split (a fixed part of each
class is held out to test on: ``nn_core.collection``), why random shifts help when
there is little data, and, while a collection is too small to learn from, what is
missing instead of a Start button that could only disappoint.
"""

from __future__ import annotations

import streamlit as st

from nn_core.collection import HELD_OUT, PLURAL
from ui import text
from ui.collections import mine

DRAW_PAGE = "app_pages/draw.py"


def split_sentence(dataset) -> str:
    """ "240 drawings: 192 to learn from, 48 held out", from the data set's own split."""
    n = dataset.n_train + dataset.n_test
    return (
        f"{n} {PLURAL}: {dataset.n_train} to learn from, {dataset.n_test} held out "
        f"(about {HELD_OUT:.0%} of each class) to test on."
    )


def about(dataset) -> None:
    """A collection's split, and the recipe and augmentation that suit small data."""
    if dataset.source != "collection":
        return
    st.info(
        f"{split_sentence(dataset)} With so few examples, the network could learn each "
        "drawing by heart: **Random shifts** move every drawing by a pixel or two at each "
        "pass, so it sees many slightly different versions and learns the shapes instead. "
        "The preset **Small data** is sized for a few hundred drawings.",
        icon=":material/draw:",
    )


def problems(dataset) -> list[str]:
    """Why the collection on screen cannot be trained on yet ([] if it can, or if the
    data set is not a collection)."""
    collection = mine.find(dataset.name) if dataset.source == "collection" else None
    return [] if collection is None else collection.problems()


def show_problems(found: list[str]) -> None:
    """What is missing, and the way to the Draw page to add it (in place of Start)."""
    for problem in found:
        st.warning(text.md(problem, text.MESSAGE), icon=":material/block:")
    st.page_link(DRAW_PAGE, label="Draw more (Draw, Collect)", icon=":material/draw:")
