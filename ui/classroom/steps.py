"""The lesson in the store: which step the teacher has moved the class to, and who followed.

The teacher presses *Next step*; every student's app notices within one refresh and goes
to that step's page with its settings. The store keeps three facts for that, each with
one owner: the plan and the current step (the teacher's, table ``nn_lessons``), and for
each student the steps they reached and the value a step handed them (theirs, table
``nn_progress``). ``moves`` counts the teacher's presses, so a student's app can tell
"the teacher moved again" from "I have already followed", even when the teacher goes
back to a step the class has seen.

A step that spreads a setting (one learning rate per student) hands the values out in
the order students arrive at it: the first gets the first value, and so on round the
list. The value is written with the arrival, so a reload, a second tab or a late join
finds the same value again, and the board's roster shows who has which.

A mixin, so the store keeps one face: ``ClassStore`` provides ``engine``, ``clock``,
``_class_row``, ``_require_teacher``, ``_require_member`` and ``_changed``. The store
never reads the plan's JSON: ``ui.lesson.plan`` does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ui.classroom import nicknames
from ui.classroom.records import ClassError, Member
from ui.classroom.schema import answers, lessons, members, progress, runs

MAX_TRIES = 8  # arrivals at one moment a student waits out before being told to retry


@dataclass(frozen=True)
class LessonState:
    plan: str  # the plan file's JSON
    steps: int
    step: int  # -1: the lesson is chosen but not started
    moves: int  # how many times the teacher has moved the class


@dataclass(frozen=True)
class RosterRow:
    """One student as the teacher's roster shows them."""

    nickname: str
    step: int | None  # the step they last reached, None before the first
    value: str | None  # what the current step handed them, if it spreads a setting
    predicted: bool  # answered the question now posed
    shared: int  # runs on the board (hidden ones included)


class LessonSteps:
    """Choosing a lesson, moving the class through it, and following it."""

    def set_lesson(self, code: str, key: str, plan: str, steps: int) -> None:
        """Choose the lesson this class follows (a new plan starts before its first step)."""
        with self.engine.begin() as conn:
            self._require_teacher(conn, code, key)
            moves = self._moves(conn, code)
            conn.execute(lessons.delete().where(lessons.c.code == code))
            conn.execute(progress.delete().where(progress.c.code == code))
            conn.execute(
                lessons.insert().values(code=code, plan=plan, steps=steps, step=-1, moves=moves)
            )
            self._changed(conn, code)

    def move_to_step(self, code: str, key: str, step: int) -> LessonState:
        """Move the whole class to ``step`` (counted from 0): the teacher's Next and Back."""
        with self.engine.begin() as conn:
            self._require_teacher(conn, code, key)
            state = self._state(conn, code)
            if state is None:
                raise ClassError("Choose a lesson first.")
            if not 0 <= step < state.steps:
                raise ClassError(f"This lesson has steps 1 to {state.steps}.")
            moves = state.moves + 1
            conn.execute(
                lessons.update().where(lessons.c.code == code).values(step=step, moves=moves)
            )
            self._changed(conn, code)
        return LessonState(state.plan, state.steps, step, moves)

    def lesson_state(self, code: str) -> LessonState | None:
        """The class's lesson and step, or None when the teacher leads none."""
        with self.engine.connect() as conn:
            self._class_row(conn, code)
            return self._state(conn, code)

    def posed(self, code: str) -> tuple[str, tuple[str, ...], bool] | None:
        """The question on the board now: (prompt, choices, revealed), or None. One row,
        cheap enough for a student's page to ask at every refresh."""
        with self.engine.connect() as conn:
            row = self._class_row(conn, code)
        if row.question is None:
            return None
        doc = json.loads(row.question)
        return doc["prompt"], tuple(doc["choices"]), bool(row.revealed)

    def arrive(self, member: Member, step: int, values: tuple[str, ...] = ()) -> str | None:
        """Record that ``member`` reached ``step``; returns the value it hands them.

        A student who has reached the step before keeps the value they had. Two students
        arriving at the same moment both count the arrivals before them and ask for the
        same place; the table's unique (step, place) lets one in, and the other counts
        again, so no two students are handed one place."""
        for _ in range(MAX_TRIES):
            try:
                return self._arrive_once(member, step, values)
            except IntegrityError:
                continue  # someone took that place (or this student, from another tab)
        raise ClassError("The class is very busy: try again in a moment.")

    def _arrive_once(self, member: Member, step: int, values: tuple[str, ...]) -> str | None:
        where = (
            progress.c.code == member.code,
            progress.c.member_id == member.id,
            progress.c.step == step,
        )
        with self.engine.begin() as conn:
            self._require_member(conn, member)
            known = conn.execute(sa.select(progress.c.value).where(*where)).first()
            if known is not None:
                return known.value
            place = conn.execute(
                sa.select(sa.func.count())
                .select_from(progress)
                .where(progress.c.code == member.code, progress.c.step == step)
            ).scalar_one()
            value = values[place % len(values)] if values else None
            conn.execute(
                progress.insert().values(
                    code=member.code,
                    member_id=member.id,
                    step=step,
                    value=value,
                    arrived=self.clock(),
                    place=place,
                )
            )
            self._changed(conn, member.code)
        return value

    def class_roster(self, code: str, key: str) -> list[RosterRow]:
        """Every student in the class, for the teacher: where they are, what they hold,
        what they did. A student who joined twice under one nickname is one row."""
        with self.engine.connect() as conn:
            self._require_teacher(conn, code, key)
            state = self._state(conn, code)
            people = conn.execute(
                sa.select(members.c.id, members.c.nickname)
                .where(members.c.code == code)
                .order_by(members.c.id)
            ).all()
            steps = conn.execute(
                sa.select(progress.c.member_id, progress.c.step, progress.c.value)
                .where(progress.c.code == code)
                .order_by(progress.c.arrived, progress.c.step)
            ).all()
            answered = set(
                conn.execute(sa.select(answers.c.member_id).where(answers.c.code == code)).scalars()
            )
            shared = dict(
                conn.execute(
                    sa.select(runs.c.member_id, sa.func.count())
                    .where(runs.c.code == code)
                    .group_by(runs.c.member_id)
                ).all()
            )
        return _roster(people, steps, answered, shared, None if state is None else state.step)

    @staticmethod
    def _state(conn, code: str) -> LessonState | None:
        row = conn.execute(sa.select(lessons).where(lessons.c.code == code)).first()
        if row is None:
            return None
        return LessonState(row.plan, row.steps, row.step, row.moves)

    @staticmethod
    def _moves(conn, code: str) -> int:
        found = conn.execute(sa.select(lessons.c.moves).where(lessons.c.code == code))
        return (found.scalar_one_or_none() or 0) + 1


def _roster(people, steps, answered: set, shared: dict, current: int | None) -> list[RosterRow]:
    """One row per student (per nickname, as the store counts students), in joining order."""
    identity = {p.id: nicknames.identity(p.nickname) for p in people}
    rows: dict[str, dict] = {}
    for p in people:
        if identity[p.id] != nicknames.identity(nicknames.TEACHER):
            row = rows.setdefault(identity[p.id], dict(nickname=p.nickname, step=None, value=None))
            row["predicted"] = row.get("predicted", False) or p.id in answered
            row["shared"] = row.get("shared", 0) + shared.get(p.id, 0)
    for s in steps:  # in order of arrival: the last one is where they are now
        row = rows.get(identity.get(s.member_id))
        if row is not None:
            row["step"] = s.step
            if s.step == current:
                row["value"] = s.value
    return [RosterRow(**row) for row in rows.values()]
