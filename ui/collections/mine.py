"""The visitor's own collections: one typed object under one session key.

A student makes a collection by drawing (Draw, *Collect*) and trains on it like MNIST.
The collections live in the tab's session, as the workspace does: private, gone when
the tab's session is released, downloaded as a ``.npz`` file to keep.

Each collection's data-set name ("mine-1a2b3c4d") is drawn once, when it is made, and
never changes as it grows: a model trained on it keeps saying what it learned from,
and the sidebar's choice stays on it while drawings are added.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

import streamlit as st

from nn_core.collection import Collection, new_collection
from nn_core.errors import CollectionError
from ui.state import K

MAX_COLLECTIONS = 3
"""Collections one tab may hold: enough for "shapes" next to "our digits" and a spare; a
session's memory is the server's, shared by thirty students."""
MAX_DRAWINGS = 500
"""Drawings in one collection: 50 per class at ten classes, an afternoon's drawing, and
392 KB of pixels: a session's share of the server."""
PREFIX = "mine-"  # data-set names of session collections: "mine-<8 hex>"


@dataclass
class MyCollections:
    """The tab's collections in the order they were made (``items``), each in its latest
    state. Which one Draw adds to is the visitor's choice in Draw's selector
    (``ui.draw.keys.COLLECTION``), not a fact kept here."""

    items: list[Collection] = field(default_factory=list)

    def find(self, name: str) -> Collection | None:
        return next((c for c in self.items if c.name == name), None)

    def create(self, title: str, class_names) -> Collection:
        """A new empty collection with a fresh name. Raises CollectionError for bad names or when the tab holds enough already."""
        self._room()
        made = new_collection(PREFIX + secrets.token_hex(4), title, class_names)
        self.items.append(made)
        return made

    def adopt(self, uploaded: Collection) -> Collection:
        """An uploaded collection kept as a new one (its name is given here, not by the
        file)."""
        self._room()
        if uploaded.n > MAX_DRAWINGS:
            raise CollectionError(
                f"this file holds {uploaded.n} drawings; a collection here holds at most "
                f"{MAX_DRAWINGS}"
            )
        self.items.append(uploaded)
        return uploaded

    def replace(self, changed: Collection) -> None:
        """Put a grown (or shrunk) collection in place of the one of the same name."""
        if changed.n > MAX_DRAWINGS:
            raise CollectionError(f"a collection holds at most {MAX_DRAWINGS} drawings")
        self.items = [changed if c.name == changed.name else c for c in self.items]

    def _room(self) -> None:
        if len(self.items) >= MAX_COLLECTIONS:
            raise CollectionError(
                f"you have {MAX_COLLECTIONS} collections already: download one and use it "
                "instead of making more"
            )


def new_name() -> str:
    """A fresh data-set name for a collection (an upload's, say)."""
    return PREFIX + secrets.token_hex(4)


def my_collections() -> MyCollections:
    """This tab's ``MyCollections`` (created on first use)."""
    mine = st.session_state.get(K.COLLECTIONS)
    if mine is None:
        mine = st.session_state[K.COLLECTIONS] = MyCollections()
    return mine


_ELSEWHERE: list[Callable[[], list[Collection]]] = []  # set once by the frame (app.py)


def plug_class_collections(source: Callable[[], list[Collection]]) -> None:
    """Say where the class board's collections come from (``source()`` lists those of
    the class this tab joined). The frame plugs it in: this shared module may not import
    a feature, as imports go one way. Plugging again replaces, so a rerun of the frame
    changes nothing."""
    _ELSEWHERE[:] = [source]


def usable() -> list[Collection]:
    """Every collection a page may show or train on, the tab's own first, then its
    class's: the only place pages get the list."""
    return [*my_collections().items, *(c for source in _ELSEWHERE for c in source())]


def is_mine(c: Collection) -> bool:
    """True for the tab's own collections, False for the class's (shared, read-only)."""
    return c.name.startswith(PREFIX)


def find(name: str) -> Collection | None:
    """The usable collection called ``name`` (a data-set name), or None."""
    return next((c for c in usable() if c.name == name), None)


def digest(c: Collection) -> str:
    """What identifies a collection's content: it changes with every drawing added or
    removed, so caches keyed on it never show an older state of a growing collection."""
    h = hashlib.sha1(c.name.encode())
    h.update("\x1f".join(c.class_names).encode())
    h.update(c.labels.tobytes())
    h.update(c.images.tobytes())
    return h.hexdigest()[:16]
