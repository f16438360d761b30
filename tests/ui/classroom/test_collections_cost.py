"""The collections on the board cost what the rest of the board costs: little, and once.

As ``test_board_cost`` does for runs and the handwriting set: two viewers (the teacher
and a student) share one read of the collections per version of the class, and one
read and one picture of each collection per change of *that* collection; a refresh that
finds the same version reads and builds nothing; a drawing added to one collection
leaves the other's picture as it was. The Draw page's ``joined_collections`` reads the
same cached collections.
"""

from __future__ import annotations

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.support.apptest import SVG, page_alone, svg_figures
from ui.classroom import mosaic, views
from ui.classroom.connection import get_store
from ui.classroom.membership import ClassSession, Membership
from ui.classroom.store import ClassStore
from ui.state import K

SHAPES = ["circle", "square", "triangle"]


@pytest.fixture(autouse=True)
def state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("NN_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("NN_CLASS_DB_URL", raising=False)


@pytest.fixture
def counted(monkeypatch):
    """Counts of the collections' reads (the list, one collection's pixels) and pictures."""
    st.cache_resource.clear()
    views._targets.clear()
    counts = {"listing": 0, "pixels": 0, "picture": 0}
    originals = {
        "listing": ClassStore.collections_and_roster,
        "pixels": ClassStore.collection,
        "picture": mosaic.figure,
    }

    def counting(name):
        def call(*args, **kwargs):
            counts[name] += 1
            return originals[name](*args, **kwargs)

        return call

    monkeypatch.setattr(ClassStore, "collections_and_roster", counting("listing"))
    monkeypatch.setattr(ClassStore, "collection", counting("pixels"))
    monkeypatch.setattr(mosaic, "figure", counting("picture"))
    yield counts
    st.cache_resource.clear()
    views._targets.clear()


def _viewer(membership: Membership) -> AppTest:
    at = page_alone("classroom")
    at.session_state[K.CLASS] = ClassSession(membership=membership)
    return at


def _both(*viewers: AppTest) -> None:
    for at in viewers:
        at.run()
        assert not at.exception


def test_each_collection_is_read_and_drawn_once_per_change_for_every_viewer(counted):
    store = get_store()
    code, key = store.create_class()
    shapes = store.create_collection(code, key, "Shapes", SHAPES)
    digits = store.create_collection(code, key, "Digits", [str(d) for d in range(10)])
    sam = store.join(code, "Sam")
    ink = np.eye(28, dtype=np.float32)
    first = store.add_collection_drawing(sam, shapes, ink, 0)
    store.add_collection_drawing(sam, digits, ink, 3)
    teacher, student = _viewer(Membership(store.join(code, "T"), key)), _viewer(Membership(sam))
    _both(teacher, student)
    charts_seen = set(svg_figures(student))
    assert {f"class_collection_{shapes}", f"class_collection_{digits}"} <= charts_seen
    assert counted == {"listing": 1, "pixels": 2, "picture": 2}

    _both(teacher, student)  # two refreshes at the same version
    assert counted == {"listing": 1, "pixels": 2, "picture": 2}

    store.add_collection_drawing(sam, shapes, ink[::-1], 1)  # Shapes changes, Digits not
    _both(teacher, student)
    assert counted == {"listing": 2, "pixels": 3, "picture": 3}
    title = svg_figures(teacher)[f"class_collection_{shapes}"].find(f"{SVG}text").text
    assert "(2 drawings)" in title

    store.set_hidden(code, key, "collection drawing", first)  # hidden: Shapes changes again
    _both(teacher, student)
    assert counted == {"listing": 3, "pixels": 4, "picture": 4}
    title = svg_figures(student)[f"class_collection_{shapes}"].find(f"{SVG}text").text
    assert "(1 drawing)" in title


def test_the_draw_page_reads_the_boards_collections(counted):
    """``joined_collections`` in a student's tab after the board was drawn: no new read."""
    store = get_store()
    code, key = store.create_class()
    shapes = store.create_collection(code, key, "Shapes", SHAPES)
    sam = store.join(code, "Sam")
    store.add_collection_drawing(sam, shapes, np.eye(28), 2)
    _both(_viewer(Membership(sam)))
    assert counted["pixels"] == 1

    def draw_page():
        import streamlit as st

        from ui.classroom.collections import joined_collections

        (c,) = joined_collections()
        st.text(f"{c.name} {c.title} {c.counts().tolist()}")

    draw = AppTest.from_function(draw_page, default_timeout=60)
    draw.session_state[K.CLASS] = ClassSession(membership=Membership(sam))
    draw.run()
    assert not draw.exception
    assert draw.text[0].value == f"class-{code}-{shapes} Shapes [0, 0, 1]"
    assert counted["pixels"] == 1
