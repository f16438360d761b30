"""The class's collections on the board: how far each got, who drew what, and how well
the class's best network reads it; its file to take home.

For each collection the board shows, per class, how many drawings there are and from
how many students (a class drawn by one student teaches a network that student's hand,
not the class's), the drawings themselves as one picture, and the accuracy of the best
network a student shared after training on it, scored on the part held out from
training. The roster under it answers the question a teacher asks first: who has not
drawn any triangles yet? Everything comes ready-built from ``collection_views``.
"""

from __future__ import annotations

import streamlit as st

from nn_core.collectionfile import collection_to_bytes
from ui import text
from ui.classroom import collection_views, keys
from ui.classroom.records import Board, CollectionInfo
from ui.figures import presentation


def show(store, board: Board, runs) -> None:
    """Every collection of the class, in the order the teacher made them."""
    listing = collection_views.listing(store, board.code, board.version)
    for info in listing.infos:
        _collection(store, info, runs, listing.rosters[info.id])


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def accuracy_line(section: collection_views.Section) -> str:
    """One sentence on the class's best network on this collection (Markdown)."""
    if section.reader is None:
        return (
            "No network trained on it yet: train one on this collection and share it "
            "(with its weights) to see how well it reads the class's drawings."
        )
    if section.accuracy is None:
        return "Too few drawings to hold some out yet: draw a few more of each class."
    held = _plural(section.held_out, "held-out drawing")
    return (
        f"The class's best network ({text.md(section.reader)}) reads "
        f"**{100 * section.accuracy:.1f} %** of the {held} right."
    )


def _collection(store, info: CollectionInfo, runs, roster) -> None:
    st.subheader(f"Collection: {text.md(info.title, 40)}")
    k = len(info.class_names)
    st.caption(
        f"{_plural(info.n, 'drawing')} of {k} classes from {_plural(info.contributors, 'student')}"
        f" · its data-set name is {text.md(info.name)}."
    )
    section = collection_views.section(store, info, runs)
    st.markdown(accuracy_line(section))
    left, right = st.columns([1, 2])
    left.dataframe(section.counts, hide_index=True)
    if section.figure is None:
        right.caption("No drawings yet: add some on the Draw page while in this class.")
    else:
        with right:
            presentation.chart(section.figure)
        if section.reader is not None:
            presentation.note(
                "Ink in black: read correctly by the class's best network; red: misread."
            )
    if roster.num_rows:
        st.markdown("**Who drew what**")
        st.dataframe(roster, hide_index=True)
    st.download_button(
        "Download the collection (.npz)",
        lambda: collection_to_bytes(store.collection(info.code, info.id)),
        f"{info.name}.npz",
        "application/octet-stream",
        key=f"{keys.COLLECTION_DOWNLOAD}.{info.id}",
        on_click="ignore",
        help="The drawings as MNIST-style arrays: open it on the Draw page, or in NumPy.",
    )
