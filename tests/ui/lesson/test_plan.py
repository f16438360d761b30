"""A lesson plan is a small file a teacher edits: the shipped one reads back whole, and a
mistake is refused with the step and the field named, never half-loaded."""

from __future__ import annotations

import json

import pytest

from ui.lesson.plan import MAX_STEPS, PlanError, parse_plan, plan_json, shipped_plan
from ui.train import keys
from ui.train.lesson import parse_lesson


def _one(**step) -> str:
    return json.dumps({"name": "Mine", "steps": [{"title": "A step", "page": "train", **step}]})


def test_the_shipped_lesson_is_the_readmes_table_and_reads_back_whole():
    plan = shipped_plan()
    assert [s.page for s in plan.steps] == [
        "learn", "data", "train", "train", "train", "inside", "evaluate", "draw",
    ]  # fmt: skip
    assert parse_plan(plan_json(plan)) == plan
    rates = plan.steps[3]
    assert rates.spread == "lr" and rates.values == ("0.001", "0.01", "0.1", "1", "10")
    assert rates.question == "Which learning rate ends with the lowest loss?"


def test_every_shipped_step_is_a_lesson_link_the_train_page_reads_without_a_note():
    for step in shipped_plan().steps:
        for value in step.values or (None,):
            assert parse_lesson(step.params(value)).notes == ()


def test_a_spread_value_is_set_and_locked_for_the_student_who_holds_it():
    step = parse_plan(_one(settings={"preset": "fast", "lock": "init"}, spread="lr", values=["1"]))
    params = step.steps[0].params("1")
    assert params == {"preset": "fast", "lr": "1", "lock": "init,lr"}
    lesson = parse_lesson(params)
    assert lesson.values[keys.LR] == 1.0
    assert lesson.locked == {keys.LR, keys.INIT}


@pytest.mark.parametrize(
    "data, said",
    [
        ("not json", "not a lesson file"),
        (json.dumps({"name": "x"}), '"steps"'),
        (json.dumps({"name": "x", "steps": []}), f"1 to {MAX_STEPS} steps"),
        (_one(page="admin"), "Step 1: page must be one of"),
        (_one(settings={"lr": "fast"}), "Step 1: Ignored: lr=fast"),
        (_one(settings={"rm -rf": "1"}), "is not a setting"),
        (_one(spread="colour", values=["red"]), "spread must name a setting"),
        (_one(spread="lr"), "spread needs its values"),
        (_one(question="Why?", choices=["only one"]), "2 to 6 answers"),
        (_one(title="x" * 81), "title is longer than 80"),
        (_one(title="Bell\x07"), "title contains control characters"),
        (_one(values=["1"] * 13), "at most 12"),
        ("{" + " " * 70_000 + "}", "at most 64 kB"),
    ],
)
def test_a_wrong_plan_is_refused_with_the_step_and_field_named(data, said):
    with pytest.raises(PlanError, match=None) as refused:
        parse_plan(data)
    assert said in str(refused.value)
