"""The teacher leads from the board and the students' apps follow, through AppTest.

The teacher chooses the shipped lesson and presses *Next step*: the store moves the class
and the step's question is posed. A student's app, on whatever page it is, goes to the
step's page with the step's settings in its address; a spread setting is handed out one
value per student and locked; a reload of the student's app keeps their value; the
teacher's roster shows who holds what.
"""

from __future__ import annotations

import pytest

from tests.support.apptest import open_app, page_alone
from tests.ui.classroom.test_page import _start
from ui.classroom.connection import get_store
from ui.classroom.membership import ClassSession, Membership
from ui.lesson import keys
from ui.lesson.plan import shipped_plan
from ui.state import K
from ui.train import keys as train_keys

PLAN = shipped_plan()


@pytest.fixture(autouse=True)
def state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("NN_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("NN_CLASS_DB_URL", raising=False)
    return tmp_path / "state"


def _teacher_with_lesson():
    teacher = page_alone("classroom")
    code, key = _start(teacher)
    teacher.button(key=keys.USE).click().run()
    assert not teacher.exception
    assert any("Lesson chosen" in s.value for s in teacher.success)
    return teacher, code, key


def _student_app(code: str, nickname: str):
    member = get_store().join(code, nickname)
    return open_app({K.CLASS: ClassSession(membership=Membership(member))}), member


def test_next_step_moves_the_class_and_poses_the_steps_question():
    teacher, code, key = _teacher_with_lesson()
    teacher.button(key=keys.NEXT).click().run()
    assert get_store().lesson_state(code).step == 0
    board = get_store().board(code)
    assert board.prompt == PLAN.steps[0].question and not board.revealed
    assert any("step 1" in m.value and "Follow one image" in m.value for m in teacher.markdown)
    for _ in range(3):
        teacher.button(key=keys.NEXT).click().run()
    assert get_store().lesson_state(code).step == 3
    teacher.button(key=keys.BACK).click().run()
    assert get_store().lesson_state(code).step == 2
    said = [s.value for s in teacher.success if "The class is on step 3." in s.value]
    assert len(said) == 1  # said once, above the bar, not again inside it
    assert not teacher.exception


def test_a_students_app_goes_to_the_step_with_its_value_set_and_locked():
    teacher, code, key = _teacher_with_lesson()
    get_store().move_to_step(code, key, 3)  # one learning rate each, on Train
    first, _ = _student_app(code, "Ana")
    second, _ = _student_app(code, "Sam")
    rates = PLAN.steps[3].values
    for at, rate in ((first, rates[0]), (second, rates[1])):
        assert not at.exception
        assert at.query_params["lr"] == rate and at.query_params["lock"] == "lr"
        lesson = current_lesson_of(at)
        assert lesson.values[train_keys.LR] == float(rate)
        assert train_keys.LR in lesson.locked
        assert any("Step 4 of 8" in i.value and "your learning rate" in i.value for i in at.info)
        assert at.session_state[keys.SHOWN].value == rate
    first.run()  # nothing new: the student stays where they went, with what they hold
    assert current_lesson_of(first).values[train_keys.LR] == float(rates[0])


def current_lesson_of(at):
    return at.session_state[K.LESSON]


def test_a_student_who_reloads_keeps_the_value_they_were_handed():
    teacher, code, key = _teacher_with_lesson()
    get_store().move_to_step(code, key, 4)  # naive or He, half the class each
    _, ana = _student_app(code, "Ana")
    reloaded = open_app({K.CLASS: ClassSession(membership=Membership(ana))})
    assert reloaded.query_params["init"] == "naive"
    rows = {r.nickname: r for r in get_store().class_roster(code, key)}
    assert (rows["Ana"].step, rows["Ana"].value) == (4, "naive")


def test_before_the_lesson_starts_nobody_is_moved():
    teacher, code, key = _teacher_with_lesson()
    at, _ = _student_app(code, "Ana")
    assert not at.exception and "lr" not in at.query_params and not at.info
    assert K.LESSON not in at.session_state


def test_the_teachers_own_app_stays_on_the_board():
    teacher, code, key = _teacher_with_lesson()
    get_store().move_to_step(code, key, 3)
    me = Membership(get_store().join_teacher(code, key), teacher_key=key)
    at = open_app({K.CLASS: ClassSession(membership=me)})
    assert not at.exception and "lr" not in at.query_params


def test_a_student_predicts_on_the_steps_page_before_running():
    teacher, code, key = _teacher_with_lesson()
    for _ in range(4):
        teacher.button(key=keys.NEXT).click().run()  # step 4: the question is posed
    at, ana = _student_app(code, "Ana")
    assert "Which learning rate ends with the lowest loss" in at.radio(key=keys.ANSWER).label
    at.radio(key=keys.ANSWER).set_value(2).run()
    at.button(key=keys.SEND).click().run()
    assert not at.exception
    assert get_store().my_answer(ana) == 2
    assert any("You predicted: 0\u2060\\.\u20601." in c.value for c in at.caption)
    rows = {r.nickname: r for r in get_store().class_roster(code, key)}
    assert rows["Ana"].predicted
