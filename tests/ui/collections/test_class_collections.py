"""A class pools its drawings in the teacher's collection, through the whole app.

The teacher makes "Shapes" on the Class page; each student opens the app (``app.py``,
sidebar and all), joins in the sidebar, finds the collection there ("· class") and on
Draw's Collect mode ("(the class's)"), and adds drawings that land in the class store,
where two students' drawings add up. A student then trains on it with the Small data
recipe and shares the run: the board names it by the collection's title. A run on the
tab's own collection stays private. AppTest cannot draw: each drawing is put where the
page reads an injected one (``ui.draw.keys.RESULT``), as Draw's page tests do.
"""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from nn_core import canvas_to_mnist
from tests.support.apptest import open_app, page_alone
from tests.support.hostile import seen
from tests.support.runs import make_run
from tests.support.shapes import SHAPES, draw_and_add, shape_canvas, shapes_collection
from tests.ui.classroom.test_collections_page import _make
from tests.ui.classroom.test_page import _join, _start
from ui.classroom import keys as class_keys
from ui.classroom import views
from ui.classroom.connection import get_store
from ui.classroom.sharing import PRIVATE, entry_from_run
from ui.collections.mine import MyCollections
from ui.draw import keys as draw_keys
from ui.draw.collect import COLLECT
from ui.state import K
from ui.train import keys as train_keys

pytestmark = pytest.mark.usefixtures("bundled_sample_only")

UNDO_CAPTION = "A drawing that went wrong: remove it under *Remove my entries*"


@pytest.fixture(autouse=True)
def state_dir(tmp_path, monkeypatch):
    """A class store of this test's own; every viewer reads the class's newest version
    (the board's few seconds of coalescing would only delay what is asserted)."""
    monkeypatch.setenv("NN_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("NN_CLASS_DB_URL", raising=False)
    monkeypatch.setattr(views, "COALESCE_SECONDS", 0.0)
    return tmp_path / "state"


def shapes_class():
    """A teacher's Class page with a class started and "Shapes" made in it."""
    teacher = page_alone("classroom")
    code, _ = _start(teacher)
    _make(teacher, "Shapes", "circle\nsquare\ntriangle")
    (info,) = get_store().collections(code)
    return teacher, code, info


def student(code: str, nickname: str, state=None) -> AppTest:
    """The whole app in a student's tab, joined to the class in its sidebar."""
    at = open_app(state)
    _join(at, code, nickname)
    assert at.session_state[K.CLASS].membership is not None
    return at


def open_collect(at: AppTest, name: str) -> None:
    """Draw, Collect mode, drawing into the collection called ``name``."""
    at.session_state[draw_keys.MODE] = COLLECT
    at.switch_page("app_pages/draw.py").run()
    at.selectbox(key=draw_keys.COLLECTION).set_value(name).run()
    assert not at.exception, at.exception


def counts_shown(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_two_students_pool_their_drawings_in_the_class_collection():
    _, code, info = shapes_class()
    store, rng = get_store(), np.random.default_rng(0)

    ana = student(code, "Ana")
    labels = ana.radio(key=K.DATASET).options
    assert labels[2:] == ["Shapes · class"]  # after MNIST and Fashion-MNIST
    open_collect(ana, info.name)
    assert ana.selectbox(key=draw_keys.COLLECTION).options[0] == "Shapes (the class's)"
    for label in (0, 0, 1):
        draw_and_add(ana, label, rng)
    assert "Added a square: 1 of them, 3 drawings in all." in seen(ana.success[0].value)
    assert store.collections(code)[0].counts == (2, 1, 0)  # in the class store
    assert counts_shown(ana) == {"circle": "2", "square": "1", "triangle": "0"}
    assert ana.session_state[K.COLLECTIONS].items == []  # none kept in the tab
    assert not [b for b in ana.button if b.key == draw_keys.UNDO]  # not the tab's to undo
    assert any(UNDO_CAPTION in c.value for c in ana.caption)

    sam = student(code, "Sam")
    open_collect(sam, info.name)
    assert counts_shown(sam) == {"circle": "2", "square": "1", "triangle": "0"}  # Ana's
    for label in (2, 2, 0):
        draw_and_add(sam, label, rng)
    (pooled,) = store.collections(code)
    assert pooled.counts == (3, 1, 2) and pooled.contributors == 2
    assert counts_shown(sam) == {"circle": "3", "square": "1", "triangle": "2"}
    ana.run()
    assert counts_shown(ana) == {"circle": "3", "square": "1", "triangle": "2"}  # Sam's too


def fill(code: str, collection_id: int, per_class: int, seed: int) -> None:
    """A classmate's drawings, straight into the store: enough of each class to train."""
    store, rng = get_store(), np.random.default_rng(seed)
    kim = store.join(code, "Kim")
    for _ in range(per_class):
        for label, kind in enumerate(SHAPES):
            image = canvas_to_mnist(shape_canvas(kind, rng))  # (28, 28)
            store.add_collection_drawing(kim, collection_id, image, label)
    store.share_run(kim, entry_from_run(make_run(1)))  # and a run on MNIST


def train_small(at: AppTest, dataset: str):
    """Pick ``dataset`` in the sidebar, train the Small data recipe on it to the end."""
    at.radio(key=K.DATASET).set_value(dataset).run()
    at.switch_page("app_pages/train.py").run()
    at.selectbox(key=train_keys.PRESET).set_value("small").run()
    at.button(key=train_keys.START).click().run()
    assert not at.exception, at.exception
    ws = at.session_state[K.WORKSPACE]
    run = ws.shown_run()
    assert run is not None and run.dataset == dataset
    ws.wait_for_end(300)  # its last news (at once when a page run has read it already)
    at.run()
    assert run.done and run.status == "finished", run.message
    return run


def test_a_run_on_the_class_collection_is_shared_and_the_board_names_it_by_title():
    teacher, code, info = shapes_class()
    fill(code, info.id, per_class=6, seed=1)
    own = shapes_collection(per_class=6, seed=2, name="mine-5a5a5a5a")
    ana = student(code, "Ana", {K.COLLECTIONS: MyCollections([own])})

    private = train_small(ana, own.name)
    assert not [b for b in ana.button if b.key == f"{class_keys.SHARE_RUN}.{private.id}"]
    assert PRIVATE in [c.value for c in ana.caption]

    run = train_small(ana, info.name)
    ana.button(key=f"{class_keys.SHARE_RUN}.{run.id}").click().run()
    assert not ana.exception, ana.exception
    shared = {r.dataset for r in get_store().board(code).runs}
    assert shared == {"mnist", info.name}  # the private run is not on the board

    teacher.run()
    assert not teacher.exception, teacher.exception
    (picker,) = [g for g in teacher.button_group if g.key.startswith(class_keys.BOARD_DATASET)]
    assert sorted(picker.options) == ["MNIST", "Shapes"]
    picker.set_value(info.name).run()
    headings = [seen(s.value) for s in teacher.subheader]
    assert "1 shared run on Shapes" in headings, headings
    assert not any(info.name in h for h in headings)
    line = next(m.value for m in teacher.markdown if "best network" in m.value)
    assert "Ana" in seen(line) and "held-out drawing" in line


def refuser_script():
    """A page with the sidebar and a button that shares a run on a tab's own collection."""
    import streamlit as st

    from tests.support.runs import make_run
    from ui.classroom.joining import class_sidebar
    from ui.classroom.sharing import share_run

    class_sidebar()
    if st.button("Share", key="share"):
        worked, said = share_run(make_run(1, dataset="mine-0badc0de"))
        st.text(f"{worked}: {said}")


def test_share_run_refuses_a_run_on_the_tabs_own_collection():
    _, code, _ = shapes_class()
    at = AppTest.from_function(refuser_script, default_timeout=60)
    at.run()
    _join(at, code, "Ana")
    at.button(key="share").click().run()
    assert at.text[-1].value == f"False: {PRIVATE}"
    assert not get_store().board(code).runs  # nothing reached the board
