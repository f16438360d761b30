"""The teacher's firmer tools on the Class page, and what a hosted page does not tell.

Through AppTest, like ``test_page``: the teacher deletes an entry and removes a student
from the panel; the removed student's tab is told, and cannot rejoin under another name;
"Teacher" is refused in the join form; a hosted server does not show where its database
file lives.
"""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apptest import page_alone
from tests.support.runs import make_run
from tests.ui.classroom.test_page import _join, _start, student_script
from ui.classroom import keys
from ui.classroom.connection import get_store
from ui.classroom.moderation import REMOVED_MESSAGE
from ui.classroom.sharing import entry_from_run
from ui.state import K


@pytest.fixture(autouse=True)
def state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("NN_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("NN_CLASS_DB_URL", raising=False)
    monkeypatch.delenv("NN_SHOW_PATHS", raising=False)
    return tmp_path / "state"


def _captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


@pytest.mark.parametrize("hosted", ["1", ""])
def test_a_hosted_page_does_not_show_where_the_store_lives(monkeypatch, state_dir, hosted):
    monkeypatch.setenv("NN_HOSTED", hosted)
    teacher = page_alone("classroom")
    _start(teacher)
    captions = _captions(teacher)
    if hosted:
        assert str(state_dir) not in captions and "classroom.sqlite3" not in captions
        assert "Stored in the server's SQLite file (in NN_STATE_DIR)." in captions
    else:  # on a teacher's own laptop the file's place helps
        assert f"Stored in SQLite file {state_dir / 'classroom.sqlite3'}." in captions


def test_the_teacher_deletes_an_entry_and_removes_a_student():
    teacher = page_alone("classroom")
    code, key = _start(teacher)
    store = get_store()
    ana, sam = store.join(code, "Ana"), store.join(code, "Sam")
    ana_run = store.share_run(ana, entry_from_run(make_run(1, steps=50)))
    store.share_run(sam, entry_from_run(make_run(2, steps=50)))
    store.add_drawing(sam, np.zeros((28, 28)), 4)
    teacher.run()
    pick = teacher.selectbox(key=keys.DELETE_PICK)
    assert len(pick.options) == 3 and pick.options[0].startswith("run 1 by Ana")
    pick.set_value(f"run:{ana_run}").run()
    teacher.button(key=keys.DELETE).click().run()
    assert not teacher.exception
    assert f"Deleted run {ana_run} for good." in [s.value for s in teacher.success]
    assert [r.nickname for r in store.board(code, include_hidden=True).runs] == ["Sam"]

    assert teacher.selectbox(key=keys.MEMBER_PICK).options == ["Ana", "Sam"]
    teacher.selectbox(key=keys.MEMBER_PICK).set_value("Sam").run()
    teacher.button(key=keys.REMOVE_MEMBER).click().run()
    assert any("Removed that student and their 2 entries" in s.value for s in teacher.success)
    board = store.board(code, include_hidden=True)
    assert board.runs == () and board.drawings == ()
    assert teacher.selectbox(key=keys.MEMBER_PICK).options == ["Ana"]


def test_a_removed_student_is_told_and_cannot_rejoin_under_another_name():
    teacher = page_alone("classroom")
    code, key = _start(teacher)
    student = AppTest.from_function(student_script, default_timeout=60)
    student.run()
    _join(student, code, "Sam")
    assert student.session_state[K.CLASS].membership is not None
    get_store().remove_member(code, key, "Sam")
    student.button(key=f"{keys.SHARE_RUN}.1").click().run()
    assert student.session_state[K.CLASS].membership is None  # out of the class
    assert "removed you" in student.toast[0].value
    _join(student, code, "Samuel")
    assert student.sidebar.error[0].value == REMOVED_MESSAGE
    assert student.session_state[K.CLASS].membership is None
    assert get_store().roster(code, key) == []


def test_a_student_cannot_call_themselves_teacher():
    teacher = page_alone("classroom")
    code, _ = _start(teacher)
    student = AppTest.from_function(student_script, default_timeout=60)
    student.run()
    _join(student, code, "T3acher")
    assert "kept for the teacher" in student.sidebar.error[0].value
    _join(student, code, "Sam")
    assert student.session_state[K.CLASS].membership.nickname == "Sam"
