"""A lesson plan: the steps a teacher leads the class through, one press of *Next step* each.

A step names a page, the Train settings it fixes (written as a lesson link's words, the
same ones ``ui.train.lesson`` reads), what the class does, and the question to pose
before anyone runs. A step may *spread* one setting over the class: with
``lr = 0.001, 0.01, 0.1, 1, 10`` the first student to reach the step gets 0.001, the
second 0.01, and so on round the list, so every value is tried by about the same number
of students and the board can compare them.

A plan is a small JSON file that a teacher can download, edit in any text editor and
upload again. It is read as untrusted text: every field is checked and bounded, and a
mistake is refused with a sentence naming the step and the field, never half-loaded.
The plan shipped with the app is ``lesson45.json``, the README's 45-minute lesson.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from nn_core.knobs import KNOBS
from ui.classroom import fields
from ui.classroom.fields import InvalidField
from ui.train.lesson import PAGES, WORDS, parse_lesson

SHIPPED = Path(__file__).with_name("lesson45.json")
MAX_STEPS = 20
MAX_VALUES = 12  # values one step may spread over the class
MAX_BYTES = 64_000  # a plan file; the shipped one is about 4 kB
LIMITS = {"name": 80, "title": 80, "minutes": 12, "todo": 600, "question": 200, "choice": 60}
SPREADABLE = tuple(k.name for k in KNOBS if k.lockable and k.kind != "sizes")
"""The settings a step may hand out one value per student (and lock): one value each."""


class PlanError(ValueError):
    """A plan file that cannot be used; the message names the step and the field."""


@dataclass(frozen=True)
class Step:
    """One step of a lesson: where the class goes and what it does there."""

    title: str
    page: str  # one of ui.train.lesson.PAGES
    minutes: str = ""  # "15-25": when it comes in the lesson, as the teacher wrote it
    settings: dict[str, str] = field(default_factory=dict)  # lesson-link words -> values
    spread: str | None = None  # a setting handed out one value per student
    values: tuple[str, ...] = ()  # the values ``spread`` goes round
    todo: str = ""
    question: str = ""
    choices: tuple[str, ...] = ()

    def params(self, value: str | None = None) -> dict[str, str]:
        """The lesson-link words for one student at this step (their spread ``value``)."""
        params = dict(self.settings)
        if self.spread and value is not None:
            params[self.spread] = value
            locks = [w for w in params.get("lock", "").split(",") if w]
            params["lock"] = ",".join(dict.fromkeys([*locks, self.spread]))
        return params


@dataclass(frozen=True)
class Plan:
    name: str
    steps: tuple[Step, ...]


def _text(raw, where: str, limit: int, allow_empty: bool = True) -> str:
    """A plan's words follow the board's rule for typed text (``fields.text``)."""
    try:
        return fields.text("" if raw is None else raw, where, limit, allow_empty)
    except InvalidField as e:
        raise PlanError(str(e)) from None


def _words(raw, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) > MAX_VALUES:
        raise PlanError(f"{where} must be a list of at most {MAX_VALUES} texts")
    return tuple(_text(v, where, LIMITS["choice"], allow_empty=False) for v in raw)


def _settings(raw, where: str) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise PlanError(f"{where} must be an object of setting names and values")
    settings = {}
    for name, value in raw.items():
        if name not in WORDS:
            raise PlanError(f"{where}: {name!s:.40} is not a setting")
        settings[name] = _text(str(value), f"{where}: {name}", LIMITS["choice"], False)
    return settings


def _checked(step: Step, where: str) -> Step:
    """Read the step's settings as the app will, so a plan cannot hide a typo."""
    if step.page not in PAGES:
        raise PlanError(f"{where}: page must be one of {', '.join(PAGES)}")
    if step.spread is not None and step.spread not in SPREADABLE:
        raise PlanError(f"{where}: spread must name a setting ({', '.join(SPREADABLE)})")
    if step.spread is not None and not step.values:
        raise PlanError(f"{where}: spread needs its values")
    if step.question and not 2 <= len(step.choices) <= 6:
        raise PlanError(f"{where}: a question needs 2 to 6 answers")
    for value in step.values or (None,):
        notes = parse_lesson(step.params(value)).notes
        if notes:
            raise PlanError(f"{where}: {' '.join(notes)}")
    return step


def _step(raw, n: int) -> Step:
    where = f"Step {n}"
    if not isinstance(raw, dict):
        raise PlanError(f"{where} must be an object")
    spread = raw.get("spread")
    step = Step(
        title=_text(raw.get("title"), f"{where}: title", LIMITS["title"], allow_empty=False),
        page=_text(raw.get("page"), f"{where}: page", 12, allow_empty=False),
        minutes=_text(raw.get("minutes"), f"{where}: minutes", LIMITS["minutes"]),
        settings=_settings(raw.get("settings"), f"{where}: settings"),
        spread=None if spread is None else _text(spread, f"{where}: spread", 20, False),
        values=_words(raw.get("values"), f"{where}: values"),
        todo=_text(raw.get("todo"), f"{where}: todo", LIMITS["todo"]),
        question=_text(raw.get("question"), f"{where}: question", LIMITS["question"]),
        choices=_words(raw.get("choices"), f"{where}: choices"),
    )
    return _checked(step, where)


def parse_plan(data: str | bytes) -> Plan:
    """A plan from its JSON text; ``PlanError`` says what is wrong and where."""
    if len(data) > MAX_BYTES:
        raise PlanError(f"A lesson file is at most {MAX_BYTES // 1000} kB")
    try:
        raw = json.loads(data)
    except (ValueError, UnicodeDecodeError) as e:
        raise PlanError(f"This is not a lesson file (JSON): {str(e):.80}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("steps"), list):
        raise PlanError('A lesson file is an object with "name" and a list of "steps"')
    if not 1 <= len(raw["steps"]) <= MAX_STEPS:
        raise PlanError(f"A lesson has 1 to {MAX_STEPS} steps")
    name = _text(raw.get("name"), "name", LIMITS["name"], allow_empty=False)
    return Plan(name, tuple(_step(s, n) for n, s in enumerate(raw["steps"], start=1)))


def plan_json(plan: Plan) -> str:
    """The plan as the file a teacher downloads and edits (``parse_plan`` reads it back)."""
    steps = []
    for s in plan.steps:
        raw = {"minutes": s.minutes, "title": s.title, "page": s.page, "settings": s.settings}
        if s.spread:
            raw |= {"spread": s.spread, "values": list(s.values)}
        raw |= {"todo": s.todo}
        if s.question:
            raw |= {"question": s.question, "choices": list(s.choices)}
        steps.append(raw)
    return json.dumps({"name": plan.name, "steps": steps}, indent=2, ensure_ascii=False) + "\n"


def shipped_plan() -> Plan:
    """The 45-minute lesson that comes with the app (the README's table)."""
    return parse_plan(SHIPPED.read_text(encoding="utf-8"))
