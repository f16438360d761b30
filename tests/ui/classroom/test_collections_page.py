"""Collections on the Class page, through Streamlit's AppTest, as a lesson uses them.

The teacher makes a collection in the teacher controls; two students in their own tabs
add drawings with ``add_to_class`` and read the class's collections with
``joined_collections`` (what the Draw page will call); the projected board shows each
class's count and students, the picture, who drew what, and the best shared network's
accuracy on the held-out drawings. Typed names reach the page as text. Each test has
its own SQLite state directory; ``run()`` is one refresh of the board.
"""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from nn_core import evaluate
from nn_core.model import MLP
from tests.support.apptest import SVG, page_alone, svg_figures
from tests.support.hostile import parsed, seen, unescaped
from tests.support.runs import make_run
from tests.ui.classroom.test_page import _join, _start
from ui.classroom import collections, keys
from ui.classroom.connection import get_store
from ui.classroom.membership import Membership
from ui.classroom.sharing import entry_from_run
from ui.state import K


@pytest.fixture(autouse=True)
def state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("NN_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("NN_CLASS_DB_URL", raising=False)
    return tmp_path / "state"


def collector_script():
    """A Draw-like page: the sidebar, the class's collections, one button per class."""
    import numpy as np
    import streamlit as st

    from ui.classroom.collections import add_to_class, collection_id, joined_collections
    from ui.classroom.joining import class_sidebar

    class_sidebar()
    found = joined_collections()
    listed = "; ".join(f"{c.title} {c.counts().tolist()}" for c in found)
    st.text(f"collections: {listed or 'none'}")
    for c in found:
        for label, name in enumerate(c.class_names):
            if st.button(f"Add a {name}", key=f"add.{collection_id(c)}.{label}"):
                image = np.zeros((28, 28), np.float32)
                image[label * 3 : label * 3 + 10, 5:20] = 1.0
                st.text(f"said: {add_to_class(collection_id(c), image, label)}")


def _make(teacher: AppTest, title: str, lines: str = "", digits: bool = False) -> None:
    teacher.text_input(key=keys.COLLECTION_TITLE).input(title)
    teacher.toggle(key=keys.COLLECTION_DIGITS).set_value(digits)
    teacher.text_area(key=keys.COLLECTION_CLASSES).input(lines)
    teacher.button(key=keys.COLLECTION_CREATE).click().run()
    assert not teacher.exception


def _student(code: str, nickname: str) -> AppTest:
    at = AppTest.from_function(collector_script, default_timeout=60)
    at.run()
    _join(at, code, nickname)
    return at


def _add(at: AppTest, cid: int, label: int, times: int = 1) -> None:
    for _ in range(times):
        at.button(key=f"add.{cid}.{label}").click().run()
        assert not at.exception and at.text[-1].value == "said: None", at.text[-1].value


def _frame(at: AppTest, columns: list[str]):
    """The page's data frame whose columns start with ``columns``."""
    found = [d.value for d in at.dataframe if list(d.value.columns[: len(columns)]) == columns]
    assert found, [list(d.value.columns) for d in at.dataframe]
    return found


def test_two_students_pool_a_collection_and_the_board_shows_it():
    teacher = page_alone("classroom")
    code, _ = _start(teacher)
    _make(teacher, "Shapes", "circle\nsquare\n\ntriangle\n")
    assert "Collection Shapes made" in seen(teacher.success[0].value)
    (info,) = get_store().collections(code)
    assert info.class_names == ("circle", "square", "triangle")
    assert "Collection: Shapes" in [seen(s.value) for s in teacher.subheader]
    assert any("No network trained on it yet" in m.value for m in teacher.markdown)

    ana, sam = _student(code, "Ana"), _student(code, "Sam")
    assert ana.text[0].value == "collections: Shapes [0, 0, 0]"
    _add(ana, info.id, 0, times=2)
    _add(ana, info.id, 1)
    _add(sam, info.id, 0)
    _add(sam, info.id, 2, times=3)
    sam.run()
    assert sam.text[0].value == "collections: Shapes [3, 1, 3]"  # both students' drawings

    teacher.run()
    assert not teacher.exception
    (counts,) = _frame(teacher, ["Class", "Drawings", "Students"])
    assert counts.to_dict("list") == {
        "Class": ["circle", "square", "triangle"], "Drawings": [3, 1, 3], "Students": [2, 1, 1],
    }  # fmt: skip
    (roster,) = _frame(teacher, ["Student"])
    assert roster.to_dict("list") == {
        "Student": ["Ana", "Sam"], "circle": [2, 1], "square": [1, 0], "triangle": [0, 3],
        "Total": [3, 4],
    }  # fmt: skip
    picture = svg_figures(teacher)[f"class_collection_{info.id}"]
    assert len(picture.findall(f"{SVG}image")) == 1  # seven drawings, one PNG
    title, *notes = [t.text for t in picture.findall(f"{SVG}text")]
    assert notes == ["circle: 3", "square: 1", "triangle: 3"]
    assert "(7 drawings)" in title
    captions = " ".join(seen(c.value) for c in teacher.caption)
    assert "7 drawings of 3 classes from 2 students" in captions


def test_the_board_scores_the_best_network_trained_on_the_collection():
    teacher = page_alone("classroom")
    code, _ = _start(teacher)
    _make(teacher, "Shapes", "circle\nsquare\ntriangle")
    store = get_store()
    (info,) = store.collections(code)
    sam = store.join(code, "Sam")
    rng = np.random.default_rng(0)
    for label in range(3):
        for _ in range(5):
            image = (rng.random((28, 28)) < 0.1 + 0.3 * label).astype(np.float32)
            store.add_collection_drawing(sam, info.id, image, label)
    worse, better = (MLP(sizes=(784, 8, 3), seed=s) for s in (1, 2))
    for accuracy, model in ((0.4, worse), (0.9, better)):
        run = make_run(1, model=model, accuracy=accuracy, dataset=info.name)
        store.share_run(sam, entry_from_run(run))
    digits = make_run(2, model=MLP(sizes=(784, 8, 10), seed=3), accuracy=0.99)
    store.share_run(sam, entry_from_run(digits))  # trained on MNIST: not this collection's
    teacher.run()
    assert not teacher.exception

    runs = store.board(code).runs
    best = next(r for r in runs if r.test_accuracy == pytest.approx(0.9))
    data = store.collection(code, info.id).to_dataset()
    expected = evaluate(MLP.load(store.model_bytes(code, best.id)), data.X_test, data.y_test)
    line = next(m.value for m in teacher.markdown if "best network" in m.value)
    held_out = f"of the {len(data.y_test)} held-out drawings"
    assert f"**{100 * expected.accuracy:.1f} %** {held_out}" in line
    assert "lr 0.1" in seen(line)


HOSTILE = [r"$\rule{99em}{99em}$", "<b>x</b>", "[FREE](http://x.invalid)"]


def test_typed_names_reach_the_board_as_text_and_bad_ones_are_refused():
    teacher = page_alone("classroom")
    code, _ = _start(teacher)
    _make(teacher, "Shapes", "circle\n" + "x" * 25)
    assert "name is longer than 24" in parsed(teacher.error[0].value)
    _make(teacher, "Shapes", "circle\nsqu\x07are")
    assert "control characters" in teacher.error[0].value
    assert get_store().collections(code) == []

    _make(teacher, "Shapes", "\n".join(HOSTILE))
    refusal = teacher.error[0].value
    assert "letters, digits, spaces" in parsed(refusal) and not unescaped(refusal.split(":", 1)[1])
    assert get_store().collections(code) == []

    _make(teacher, "<i>$x$</i>", "circle\nsquare\ntriangle")
    (info,) = get_store().collections(code)
    sam = get_store().join(code, "Sam")
    for label in range(3):
        get_store().add_collection_drawing(sam, info.id, np.eye(28), label)
    teacher.run()
    assert not teacher.exception
    (heading,) = [s.value for s in teacher.subheader if "Collection" in s.value]
    assert seen(heading) == "Collection: <i>$x$</i>" and not unescaped(heading.split(":", 1)[1])
    picture = svg_figures(teacher)[f"class_collection_{info.id}"]
    title, *notes = picture.findall(f"{SVG}text")
    assert [t.text for t in notes] == ["circle: 1", "square: 1", "triangle: 1"]
    assert title.text.startswith("<i>$x$</i>: the class") and not list(title)  # text only


def test_the_digits_and_the_student_side_outside_and_inside_a_class():
    teacher = page_alone("classroom")
    code, key = _start(teacher)
    _make(teacher, "", digits=True)
    (info,) = get_store().collections(code)
    assert info.title == "Our digits" and info.class_names == tuple("0123456789")

    student = AppTest.from_function(collector_script, default_timeout=60)
    student.run()
    assert student.text[0].value == "collections: none"  # not in a class
    _join(student, code, "Sam")
    assert student.text[0].value == f"collections: Our digits {[0] * 10}"
    _add(student, info.id, 7)
    get_store().set_closed(code, key)
    student.button(key=f"add.{info.id}.3").click().run()
    assert student.text[-1].value == (
        "said: Not added to the class's collection: The class is closed to new entries."
    )
    get_store().set_closed(code, key, closed=False)
    get_store().remove_member(code, key, "Sam")
    student.button(key=f"add.{info.id}.3").click().run()
    assert "removed you" in student.text[-1].value
    assert student.session_state[K.CLASS].membership is None
    student.run()
    assert student.text[0].value == "collections: none"
    assert collections.NOT_IN_CLASS.startswith("Join a class first")


def test_drawings_in_a_collection_are_hidden_and_removed_from_the_board():
    """The board's list offers collection drawings like any entry: the teacher hides
    one, a student removes their own (and only theirs); the store deletes one for good."""
    teacher = page_alone("classroom")
    code, key = _start(teacher)
    _make(teacher, "Shapes", "circle\nsquare")
    store = get_store()
    (info,) = store.collections(code)
    ana, sam = store.join(code, "Ana"), store.join(code, "Sam")
    first, second, third = (
        store.add_collection_drawing(who, info.id, np.eye(28), label)
        for who, label in ((sam, 0), (sam, 1), (ana, 1))
    )
    teacher.session_state[keys.MANAGE_OPEN] = True  # unfolded, as a click does
    teacher.run()
    entries = teacher.selectbox(key=keys.ENTRY)
    assert entries.options[0] == f"collection drawing {first} by Sam: a circle in Shapes"
    entries.set_value(f"collection drawing:{first}").run()
    teacher.button(key=keys.HIDE).click().run()
    assert store.collections(code)[0].counts == (0, 2)
    (counts,) = _frame(teacher, ["Class", "Drawings", "Students"])
    assert counts["Drawings"].tolist() == [0, 2]  # on this board at once
    store.delete_entry(code, key, "collection drawing", second)  # for good (store only)
    assert store.collections(code)[0].counts == (0, 1)

    page = page_alone("classroom")
    page.run()
    page.session_state[K.CLASS].membership = Membership(ana)
    page.session_state[keys.MANAGE_OPEN] = True
    page.run()
    assert page.selectbox(key=keys.ENTRY).options == [
        f"collection drawing {third} by Ana: a square in Shapes"
    ]  # Sam's are not offered
    page.button(key=keys.REMOVE).click().run()
    assert store.collection(code, info.id).n == 0
