"""The lesson in the class store, on both backends: only the teacher moves the class;
a spread setting goes round the students in the order they arrive and stays theirs; the
roster says who is where, who predicted and who shared."""

from __future__ import annotations

import pytest

from tests.support.classroom import engine, pg_admin_url  # noqa: F401
from tests.support.runs import make_run
from ui.classroom.sharing import entry_from_run
from ui.classroom.store import ClassError, ClassStore, Forbidden
from ui.lesson.plan import plan_json, shipped_plan

PLAN = shipped_plan()
RATES = PLAN.steps[3].values


def _class(engine):  # noqa: F811
    store = ClassStore(engine)
    code, key = store.create_class()
    store.set_lesson(code, key, plan_json(PLAN), len(PLAN.steps))
    return store, code, key


def test_only_the_teacher_moves_the_class_and_only_within_the_lesson(engine):  # noqa: F811
    store, code, key = _class(engine)
    assert store.lesson_state(code).step == -1
    with pytest.raises(Forbidden):
        store.move_to_step(code, "WRONG-KEY", 0)
    with pytest.raises(ClassError, match="steps 1 to 8"):
        store.move_to_step(code, key, 8)
    first = store.move_to_step(code, key, 3)
    again = store.move_to_step(code, key, 3)
    assert (first.step, again.step) == (3, 3) and again.moves == first.moves + 1
    assert store.lesson_state(code) == again


def test_a_class_without_a_lesson_has_none_and_cannot_be_moved(engine):  # noqa: F811
    store = ClassStore(engine)
    code, key = store.create_class()
    assert store.lesson_state(code) is None
    with pytest.raises(ClassError, match="Choose a lesson first"):
        store.move_to_step(code, key, 0)


def test_values_go_round_the_students_in_arrival_order_and_stay_theirs(engine):  # noqa: F811
    store, code, key = _class(engine)
    store.move_to_step(code, key, 3)
    students = [store.join(code, f"s{i}") for i in range(7)]
    got = [store.arrive(s, 3, RATES) for s in students]
    assert got == [*RATES, *RATES[:2]]
    assert store.arrive(students[0], 3, RATES) == RATES[0]  # a reload keeps it
    assert store.arrive(students[1], 4, ()) is None  # a step that spreads nothing


def test_two_students_arriving_at_one_moment_get_two_places(engine):  # noqa: F811
    """Both count the same arrivals before them; the second to write counts again."""
    store, code, key = _class(engine)
    store.move_to_step(code, key, 3)
    sam, ali = store.join(code, "Sam"), store.join(code, "Ali")
    cut_in = [ali]

    def clock():  # runs between Sam's count and Sam's write: Ali arrives right there
        if cut_in:
            store.arrive(cut_in.pop(), 3, RATES)
        return 1.0

    store.clock = clock
    assert store.arrive(sam, 3, RATES) == RATES[1]
    assert store.arrive(ali, 3, RATES) == RATES[0]


def test_arriving_needs_the_members_own_token(engine):  # noqa: F811
    store, code, key = _class(engine)
    sam = store.join(code, "Sam")
    forged = type(sam)(sam.code, sam.id, sam.nickname, "not-the-token")
    with pytest.raises(ClassError):
        store.arrive(forged, 0)


def test_the_roster_names_each_student_with_step_value_answer_and_runs(engine):  # noqa: F811
    store, code, key = _class(engine)
    store.join_teacher(code, key)
    sam, ana, lee = (store.join(code, n) for n in ("Sam", "Ana", "Lee"))
    store.move_to_step(code, key, 3)
    step = PLAN.steps[3]
    store.set_question(code, key, step.question, list(step.choices))
    store.arrive(sam, 3, RATES)
    store.arrive(ana, 3, RATES)
    store.answer(ana, 2)
    store.share_run(ana, entry_from_run(make_run(steps=20)))
    rows = {r.nickname: r for r in store.class_roster(code, key)}
    assert set(rows) == {"Sam", "Ana", "Lee"}  # the teacher is not a student
    assert (rows["Sam"].step, rows["Sam"].value, rows["Sam"].predicted) == (3, "0.001", False)
    assert (rows["Ana"].value, rows["Ana"].predicted, rows["Ana"].shared) == ("0.01", True, 1)
    assert (rows["Lee"].step, rows["Lee"].value) == (None, None)
    store.join(code, "sam")  # the same student again (a new tab): still one row
    assert len(store.class_roster(code, key)) == 3
    with pytest.raises(Forbidden):
        store.class_roster(code, "WRONG-KEY")


def test_a_new_plan_starts_over_and_still_counts_as_a_move(engine):  # noqa: F811
    store, code, key = _class(engine)
    sam = store.join(code, "Sam")
    moved = store.move_to_step(code, key, 3)
    store.arrive(sam, 3, RATES)
    store.set_lesson(code, key, plan_json(PLAN), len(PLAN.steps))
    state = store.lesson_state(code)
    assert state.step == -1 and state.moves > moved.moves
    assert store.class_roster(code, key)[0].step is None
