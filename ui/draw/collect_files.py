"""Collect's bookkeeping: which collection is drawn into, making a new one, and keeping
it as a file (download today, upload next week or on another laptop).

Uploads come from anyone, so a file is read by ``nn_core.collectionfile`` (every part
checked) and each way it can be wrong becomes one sentence on screen, never a crash; the
file's name and the names inside it are shown as text (``ui.text``).
"""

from __future__ import annotations

import re

import streamlit as st

from nn_core.collection import DIGITS, MAX_CLASSES, MIN_CLASSES, Collection
from nn_core.collectionfile import collection_from_bytes, collection_to_bytes
from nn_core.errors import CollectionError
from ui import text
from ui.collections import mine
from ui.collections.mine import MAX_COLLECTIONS, my_collections, new_name
from ui.draw import keys

NEW = "new"  # the collection selector's last option: make a new one
DIGITS_KIND, OWN_KIND = "Digits 0-9", "Classes I name"


def say(kind: str, words: str) -> None:
    """Leave one sentence for the next run of the page ("success" or "error")."""
    st.session_state[keys.COLLECT_MESSAGE] = (kind, words)


def show_message() -> None:
    message = st.session_state.get(keys.COLLECT_MESSAGE)
    if message:
        kind, words = message
        (st.success if kind == "success" else st.error)(text.md(words, text.MESSAGE))
        st.session_state[keys.COLLECT_MESSAGE] = None


def choose_collection() -> Collection | None:
    """The collection to draw into: one of the tab's own or, in a class, one the teacher
    made on the board; None while a new one is being made (its form is drawn here)."""
    usable = mine.usable()
    if usable:
        titles = {c.name: _choice_title(c) for c in usable}
        titles[NEW] = "New collection…"
        chosen = st.selectbox(
            "Collection", list(titles), format_func=titles.get, key=keys.COLLECTION
        )
        if chosen != NEW and mine.find(chosen) is not None:
            return mine.find(chosen)
    _new_form(len(my_collections().items))
    return None


def _choice_title(c: Collection) -> str:
    return text.plain(c.title) + ("" if mine.is_mine(c) else " (the class's)")


def _new_form(held: int) -> None:
    if held >= MAX_COLLECTIONS:
        st.info(f"You have {MAX_COLLECTIONS} collections, the most a tab keeps.")
        return
    with st.form("draw.new_form", border=True):
        st.markdown("**A new collection**")
        st.radio("Classes", (DIGITS_KIND, OWN_KIND), index=1, horizontal=True, key=keys.NEW_KIND)
        st.text_input(
            f"Class names ({MIN_CLASSES} to {MAX_CLASSES}, separated by commas)",
            placeholder="circle, square, triangle, star, heart",
            key=keys.NEW_NAMES,
        )
        st.text_input("Its name", placeholder="Our shapes", max_chars=40, key=keys.NEW_TITLE)
        st.form_submit_button("Create", icon=":material/add:", key=keys.CREATE, on_click=create)


def class_names_typed(kind: str, typed: str) -> tuple[str, ...]:
    """The classes a new collection gets: the ten digits, or the names typed, separated
    by commas (blanks around them and empty ones dropped)."""
    if kind == DIGITS_KIND:
        return DIGITS
    return tuple(name.strip() for name in str(typed or "").split(",") if name.strip())


def create() -> None:
    """Form callback: make the collection and choose it for drawing."""
    kind = st.session_state.get(keys.NEW_KIND, OWN_KIND)
    names = class_names_typed(kind, st.session_state.get(keys.NEW_NAMES, ""))
    default = "Our digits" if kind == DIGITS_KIND else "Our drawings"
    title = str(st.session_state.get(keys.NEW_TITLE) or "").strip() or default
    try:
        made = my_collections().create(title, names)
    except CollectionError as e:
        say("error", f"Could not make the collection: {e}.")
        return
    st.session_state[keys.COLLECTION] = made.name  # the person asked for it: draw into it
    say("success", f"“{made.title}” is ready: pick a class, draw, add.")


def upload_box() -> None:
    """Load a collection from its ``.npz`` file."""
    st.file_uploader(
        "Or load a collection saved here before (.npz)",
        type=["npz"],
        key=keys.UPLOAD,
        on_change=load_upload,
    )


def load_upload() -> None:
    """Uploader callback: read the file, every part checked, and keep it as a new collection."""
    file = st.session_state.get(keys.UPLOAD)
    if file is None:
        return
    shown_name = text.plain(file.name)
    try:
        loaded = collection_from_bytes(file.getvalue(), new_name(), f"“{shown_name}”")
    except CollectionError as e:
        say("error", str(e))  # it names the file already
        return
    try:
        my_collections().adopt(loaded)
    except CollectionError as e:
        say("error", f"“{shown_name}” cannot be loaded: {e}.")
        return
    st.session_state[keys.COLLECTION] = loaded.name
    say("success", f"Loaded “{loaded.title}” from “{shown_name}”: {loaded.n} drawings.")


def file_name(c: Collection) -> str:
    """A safe file name from the collection's title: letters, digits and dashes."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", c.title).strip("-").lower()[:40]
    return f"{stem or 'collection'}.npz"


def keep_box(c: Collection) -> None:
    """Download the collection; load another."""
    st.divider()
    left, right = st.columns(2, gap="large")
    with left:
        st.download_button(
            "Download this collection (.npz)",
            data=lambda: collection_to_bytes(c),  # made only when the button is pressed
            file_name=file_name(c),
            mime="application/octet-stream",
            key=keys.COLLECT_DOWNLOAD,
            icon=":material/download:",
            on_click="ignore",
            disabled=c.n == 0,
        )
        st.caption("Keep it: the collection lives in this tab only, until you close it.")
    with right:
        upload_box()
