"""The Class page and the sharing widgets through Streamlit's AppTest.

Each test gets its own SQLite state directory (``NN_STATE_DIR``), so the store the
page uses is a fresh database; the test reads it back through ``ClassStore`` as a second
replica would. AppTest does not fire the board's refresh timer: each ``run()`` is one
refresh.
"""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apptest import open_join_form, page_alone, plotly_charts, svg_figures
from tests.support.hostile import markdown_table, seen
from ui.classroom import codes, keys
from ui.classroom.connection import get_store
from ui.state import K


@pytest.fixture(autouse=True)
def state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("NN_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("NN_CLASS_DB_URL", raising=False)
    return tmp_path / "state"


def _store():
    """The same store the app uses (one per database URL, shared by the process)."""
    return get_store()


def _start(at: AppTest, controls: bool = True) -> tuple[str, str]:
    """Start a class as its teacher; ``controls``: then unfold the teacher's controls, as a
    click on them does (folded, nothing of them is made)."""
    at.run()
    at.button(key=keys.START).click().run()
    assert not at.exception
    if controls:
        at.session_state[keys.CONTROLS_OPEN] = True
        at.run()
    m = at.session_state[K.CLASS].membership
    return m.code, m.teacher_key


def student_script():
    """A page with the sidebar panel, a finished and a running run, and a drawing."""
    import numpy as np
    import streamlit as st

    from tests.support.runs import make_run
    from ui.classroom.joining import class_sidebar
    from ui.classroom.sharing import share_drawing, share_run_button

    class_sidebar()
    share_run_button(make_run(1, lr=0.1, steps=200))
    share_run_button(make_run(2, lr=1.0, steps=200, status="running"))
    health = {  # the last check: the first layer's gradient overflowed as the run blew up
        "step": [1, 40],
        "grad_norm": [[3.0, 1.0], [float("inf"), 80.0]],
        "dead_share": [[0.0], [0.25]],
    }
    share_run_button(make_run(3, lr=10.0, steps=40, status="diverged", health=health))
    sentence = share_drawing(np.eye(28, dtype=np.float32), 7)
    st.write(f"drawing: {sentence}")


def _join(at: AppTest, code: str, nickname: str) -> None:
    open_join_form(at)
    at.text_input(key=keys.CODE).input(code)
    at.text_input(key=keys.NICKNAME).input(nickname)
    at.button(key=keys.JOIN).click().run()
    assert not at.exception


def test_a_teacher_starts_a_class_and_sees_the_key_once():
    at = page_alone("classroom")
    code, key = _start(at, controls=False)
    assert f"`{codes.show_code(code)}`" in at.markdown[0].value
    assert [c.value for c in at.code] == [codes.show_key(key)]  # in the dialog, to copy
    assert not any(codes.show_key(key) in str(e.value) for e in [*at.markdown, *at.warning])
    assert _store().is_teacher(code, key)
    at.button(key=keys.KEY_SEEN).click().run()
    assert not at.code
    at.run()
    assert not at.code and not any(codes.show_key(key) in str(e.value) for e in at.markdown)


def test_the_teachers_controls_are_made_only_when_unfolded():
    """A full class's delete list is 3,300 entries: folded, nothing of the controls is sent
    at each redraw of the teacher's board."""
    at = page_alone("classroom")
    _start(at, controls=False)
    at.button(key=keys.KEY_SEEN).click().run()
    made = {w.key for w in [*at.text_input, *at.selectbox, *at.toggle]}
    assert not made & {keys.QUESTION, keys.REVEAL, keys.CLOSED, keys.DELETE_PICK}
    at.session_state[keys.CONTROLS_OPEN] = True  # what a click on the expander does
    at.run()
    assert at.text_input(key=keys.QUESTION) and at.toggle(key=keys.REVEAL)
    assert not at.exception


def test_the_teacher_asks_reveals_and_closes():
    at = page_alone("classroom")
    code, _ = _start(at)
    at.text_input(key=keys.QUESTION).input("Which learning rate ends lowest?")
    at.text_area(key=keys.CHOICES).input("0.01\n0.1\n\n1")
    at.button(key=keys.POSE).click().run()
    board = _store().board(code)
    assert board.prompt == "Which learning rate ends lowest?"
    assert board.choices == ("0.01", "0.1", "1")
    assert "Question: Which learning rate ends lowest?" in [seen(s.value) for s in at.subheader]
    at.toggle(key=keys.REVEAL).set_value(True).run()
    at.toggle(key=keys.CLOSED).set_value(True).run()
    board = _store().board(code)
    assert board.revealed and board.closed
    assert "class_answers" in plotly_charts(at)


def test_students_join_from_the_sidebar_and_share_with_one_click():
    teacher = page_alone("classroom")
    code, key = _start(teacher)
    student = AppTest.from_function(student_script, default_timeout=60)
    student.run()
    assert not student.exception
    assert student.main.markdown[-1].value == "drawing: None"  # not in a class: nothing posted
    assert not student.button  # no share buttons yet, and the join form is folded away
    assert [e.label for e in student.sidebar.expander] == ["Join a class"]
    _join(student, codes.show_code(code).lower(), "Sam")
    assert f"In class **{codes.show_code(code)}** as **Sam**" in student.sidebar.markdown[0].value
    share = student.button(key=f"{keys.SHARE_RUN}.1")
    with pytest.raises(KeyError):
        student.button(key=f"{keys.SHARE_RUN}.2")  # still running: nothing to share
    share.click().run()
    assert "Shared with class" in student.toast[0].value
    assert student.button(key=f"{keys.SHARE_RUN}.1").disabled  # once is enough
    assert student.main.markdown[-1].value.startswith("drawing: Added to class")
    board = _store().board(code)
    assert [r.nickname for r in board.runs] == ["Sam"]
    assert len(board.drawings) >= 1 and board.drawings[0].label == 7

    teacher.run()  # one refresh of the board
    charts = plotly_charts(teacher)
    assert set(charts) == {"class_loss"}  # one chart at a time: loss, or accuracy
    assert "class_drawings" in svg_figures(teacher)
    assert charts["class_loss"][0]["data"][0]["name"] == "0.1 (1)"
    groups = markdown_table(teacher, "learning rate")  # the groups, one row each
    assert groups["learning rate"] == ["0.1"] and groups["runs"] == ["1"]
    teacher.segmented_control(key=keys.CURVE).set_value("accuracy").run()
    assert set(plotly_charts(teacher)) == {"class_accuracy"}
    assert not teacher.dataframe  # every run's row: folded, not even sent
    teacher.session_state[keys.TABLE_OPEN] = True  # unfolded, as a click does
    teacher.run()
    table = teacher.dataframe[0].value
    assert table["student"].tolist() == ["Sam"]
    assert _store().export(code, key).runs[0].nickname == "Sam"


def test_a_run_that_blew_up_is_shared_and_marked_with_its_step_and_health():
    """lr = 10, the answer a class remembers: shared from its result, a cross on the
    board's curves and results, its step in the table with its gradient norms."""
    teacher = page_alone("classroom")
    code, key = _start(teacher)
    student = AppTest.from_function(student_script, default_timeout=60)
    student.run()
    _join(student, code, "Sam")
    student.button(key=f"{keys.SHARE_RUN}.1").click().run()
    student.button(key=f"{keys.SHARE_RUN}.3").click().run()
    assert "Shared with class" in student.toast[-1].value
    blown = next(r for r in _store().board(code).runs if r.status == "diverged")
    assert blown.steps == 40 and blown.health["grad_norm"] == [None, 80.0]
    _store().set_question(
        code, key, "Which learning rate ends with the lowest loss?", ["0.1", "10"]
    )
    _store().reveal(code, key)
    teacher.session_state[keys.TABLE_OPEN] = True
    teacher.run()
    assert not teacher.exception
    charts = plotly_charts(teacher)
    crosses = [t for t in charts["class_loss"][0]["data"] if t["name"].startswith("✕ blew up")]
    assert [t["name"] for t in crosses] == ["✕ blew up (1)"]
    assert "Sam, lr 10<br>blew up at step 41" in crosses[0]["customdata"]
    results = charts["class_results"][0]["data"]
    assert [c for t in results if t["name"].startswith("✕") for c in t["customdata"]] == [
        "Sam, lr 10: blew up at step 41"
    ]
    table = teacher.dataframe[0].value.set_index("learning rate")
    assert table.loc["10", "status"] == "blew up at step 41"
    assert table.loc["10", "gradient norm by layer"] == "inf / 80"
    assert table.loc["10", "dead units %"] == 25.0
    groups = markdown_table(teacher, "learning rate")
    assert dict(zip(groups["learning rate"], groups["blew up"], strict=True)) == {
        "0.1": "0", "10": "1"
    }  # fmt: skip


def test_a_lesson_link_fills_in_the_class_code_and_bad_codes_are_explained():
    teacher = page_alone("classroom")
    code, _ = _start(teacher)
    student = AppTest.from_function(student_script, default_timeout=60)
    student.query_params["class"] = code
    student.run()
    assert student.text_input(key=keys.CODE).value == code
    _join(student, "NOPE", "Sam")
    assert "8 letters and digits" in student.sidebar.error[0].value
    _join(student, "2222-2222", "Sam")
    assert "no class with that code" in student.sidebar.error[0].value
    _join(student, code, "Ana")
    student.button(key=keys.LEAVE).click().run()
    assert student.button(key=keys.JOIN)


def test_a_student_answers_and_removes_only_their_own_entries():
    teacher = page_alone("classroom")
    code, key = _start(teacher)
    store = _store()
    store.set_question(code, key, "Adam or SGD?", ["Adam", "SGD"])
    from tests.support.runs import make_run
    from ui.classroom.sharing import entry_from_run

    ana = store.join(code, "Ana")
    store.share_run(ana, entry_from_run(make_run(1, steps=50)))
    page = page_alone("classroom")
    page.run()
    from ui.classroom.membership import Membership

    sam = store.join(code, "Sam")
    sam_run = store.share_run(sam, entry_from_run(make_run(2, steps=50)))
    page.session_state[K.CLASS].membership = Membership(sam)
    page.session_state[keys.MANAGE_OPEN] = True  # unfolded, as a click does
    page.run()
    page.radio(key=keys.ANSWER).set_value("SGD")
    page.button(key=keys.SEND_ANSWER).click().run()
    assert store.board(code).tally == (0, 1)
    options = page.selectbox(key=keys.ENTRY).options
    assert len(options) == 1 and "Sam" in options[0]  # Ana's run is not offered
    with pytest.raises(KeyError):
        page.button(key=keys.HIDE)  # hiding is the teacher's
    page.button(key=keys.REMOVE).click().run()
    assert [r.nickname for r in store.board(code, include_hidden=True).runs] == ["Ana"]
    assert sam_run not in [r.id for r in store.board(code).runs]


def test_the_teacher_hides_and_shows_any_entry():
    teacher = page_alone("classroom")
    code, _ = _start(teacher)
    from tests.support.runs import make_run
    from ui.classroom.sharing import entry_from_run

    store = _store()
    store.share_run(store.join(code, "Ana"), entry_from_run(make_run(1, steps=50)))
    store.add_drawing(store.join(code, "Sam"), np.zeros((28, 28)), 2)
    teacher.session_state[keys.MANAGE_OPEN] = True  # unfolded, as a click does
    teacher.run()
    entries = teacher.selectbox(key=keys.ENTRY)
    assert len(entries.options) == 2
    assert entries.options[0].startswith("run 1 by Ana")  # selected first
    teacher.button(key=keys.HIDE).click().run()
    assert store.board(code).runs == ()
    assert "class_loss" not in plotly_charts(teacher)
    teacher.button(key=keys.SHOW).click().run()
    assert len(store.board(code).runs) == 1
