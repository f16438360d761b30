"""The class store: classes, members, shared runs, drawings and answers in SQL.

A plain class around a SQLAlchemy engine, with no Streamlit in it, so the same code is
tested against SQLite and PostgreSQL and runs the same in every replica. Every rule about
who may do what lives here, not in the page: a page can be bypassed, the store cannot.

- Whoever holds the class code may join with a nickname and post (until the class closes).
- A member proves an entry is theirs with their private token (kept in their session and
  their browser); the token brings them back to their place (``places``), or is given up.
- The teacher key (stored hashed) is needed to hide or delete entries, remove a student,
  close, pose questions, export (``moderation``).
- Caps count a student's visible entries, whichever of their memberships posted them.
- The teacher makes collections the class draws together (``collecting``).
- A class expires ``days`` after it was started; expired classes are deleted hourly
  (``purging``).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from ui.classroom import codes, fields, nicknames, schema
from ui.classroom.collecting import Collecting
from ui.classroom.fields import InvalidField
from ui.classroom.moderation import ENTRY_TABLES, Removed, TeacherTools
from ui.classroom.places import Places
from ui.classroom.purging import PurgeSchedule
from ui.classroom.records import (
    Board,
    ClassError,
    Drawing,
    Forbidden,
    Member,
    NotFound,
    RunEntry,
    SharedRun,
    drawing,
    run_row,
    shared_run,
)
from ui.classroom.schema import answers, classes, drawings, members, models, runs
from ui.classroom.steps import LessonSteps
from ui.classroom.versions import BoardVersions

DEFAULT_DAYS = 7.0
__all__ = [
    "Board", "ClassError", "ClassStore", "Drawing", "Forbidden", "InvalidField",
    "Member", "NotFound", "Removed", "RunEntry", "SharedRun",
]  # fmt: skip


def class_days() -> float:
    """How long a class lives, in days: ``NN_CLASS_DAYS`` or a week."""
    return float(os.environ.get("NN_CLASS_DAYS", DEFAULT_DAYS))


class ClassStore(TeacherTools, Places, PurgeSchedule, BoardVersions, LessonSteps, Collecting):
    """All reads and writes of the class board. ``clock`` returns Unix seconds."""

    def __init__(self, engine: Engine, clock: Callable[[], float] = time.time, days=None):
        self.engine, self.clock = engine, clock
        self.days = class_days() if days is None else float(days)
        if engine.dialect.name == "sqlite":  # several server threads write one file
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        self.schema_version = schema.ensure_schema(engine)

    # --- the teacher -------------------------------------------------------------------
    def create_class(self) -> tuple[str, str]:
        """Start a class; returns ``(code, teacher_key)``. The key is not stored in clear."""
        self.purge_if_due()
        now, key = self.clock(), codes.new_key()
        with self.engine.begin() as conn:
            while True:
                code = codes.new_code()
                if conn.execute(sa.select(classes.c.code).where(classes.c.code == code)).first():
                    continue  # astronomically rare, but a collision would merge two classes
                conn.execute(
                    classes.insert().values(
                        code=code,
                        teacher_hash=codes.digest(key, code),
                        created=now,
                        expires=now + self.days * 86400,
                        closed=False,
                        revealed=False,
                    )
                )
                return code, key

    def is_teacher(self, code: str, key: str | None) -> bool:
        with self.engine.connect() as conn:
            row = self._class_row(conn, code)
            return codes.matches(key, code, row.teacher_hash)

    def _require_teacher(self, conn, code: str, key: str | None):
        row = self._class_row(conn, code)
        if not codes.matches(key, code, row.teacher_hash):
            raise Forbidden("That is not this class's teacher key.")
        return row

    def set_closed(self, code: str, key: str, closed: bool = True) -> None:
        with self.engine.begin() as conn:
            self._require_teacher(conn, code, key)
            conn.execute(classes.update().where(classes.c.code == code).values(closed=closed))
            self._changed(conn, code)

    def set_hidden(self, code: str, key: str, kind: str, entry_id: int, hidden=True) -> None:
        """Hide (or show again) any entry on the board: a run, a drawing, a collection's."""
        table = _entry_table(kind)
        with self.engine.begin() as conn:
            self._require_teacher(conn, code, key)
            done = conn.execute(
                table.update()
                .where(table.c.id == entry_id, table.c.code == code)
                .values(hidden=hidden)
            )
            if done.rowcount == 0:
                raise NotFound(f"There is no {kind} {entry_id} in this class.")
            self._changed(conn, code)

    def set_question(self, code: str, key: str, prompt: str, choices: list[str]) -> None:
        """Pose a new question; earlier answers belong to the old one and are dropped."""
        prompt, choices = fields.question(prompt, choices)
        doc = json.dumps({"prompt": prompt, "choices": choices})
        with self.engine.begin() as conn:
            self._require_teacher(conn, code, key)
            conn.execute(answers.delete().where(answers.c.code == code))
            conn.execute(
                classes.update().where(classes.c.code == code).values(question=doc, revealed=False)
            )
            self._changed(conn, code)

    def reveal(self, code: str, key: str, revealed: bool = True) -> None:
        with self.engine.begin() as conn:
            self._require_teacher(conn, code, key)
            conn.execute(classes.update().where(classes.c.code == code).values(revealed=revealed))
            self._changed(conn, code)

    def export(self, code: str, key: str) -> Board:
        """Everything in the class, hidden entries included (marked): for the teacher only."""
        with self.engine.connect() as conn:
            self._require_teacher(conn, code, key)
        return self.board(code, include_hidden=True)

    # --- members -----------------------------------------------------------------------
    def join(self, code: str, nickname: str) -> Member:
        nickname = fields.nickname(nickname)
        if nicknames.is_reserved(nickname):
            raise InvalidField(nicknames.RESERVED_MESSAGE)
        self.purge_if_due()
        with self.engine.begin() as conn:
            self._class_row(conn, code)
            self._refuse_removed(conn, code, nickname)
            return self._add_member(conn, code, nickname)

    def _require_member(self, conn, member: Member, posting: bool = False):
        row = self._class_row(conn, member.code)
        stored = conn.execute(
            sa.select(members.c.token_hash).where(
                members.c.id == member.id, members.c.code == member.code
            )
        ).first()
        if stored is None or not codes.matches(member.token, member.code, stored.token_hash):
            self._not_a_member(conn, member)
        if posting and row.closed:
            raise ClassError("The class is closed to new entries.")
        return row

    def share_run(self, member: Member, entry: RunEntry) -> int:
        values = run_row(entry)
        model = entry.model
        if model is not None and (
            not isinstance(model, bytes) or len(model) > fields.MODEL_BYTES_MAX
        ):
            raise InvalidField("the model is too large to share")
        with self.engine.begin() as conn:
            self._require_member(conn, member, posting=True)
            self._check_room(conn, runs, member, fields.RUNS_PER_MEMBER, fields.RUNS_PER_CLASS)
            result = conn.execute(
                runs.insert().values(
                    code=member.code,
                    member_id=member.id,
                    has_model=model is not None,
                    hidden=False,
                    created=self.clock(),
                    **values,
                )
            )
            run_id = int(result.inserted_primary_key[0])
            if model is not None:
                conn.execute(models.insert().values(run_id=run_id, data=model))
            self._changed(conn, member.code)
            return run_id

    def add_drawing(self, member: Member, image, label) -> int:
        pixels, label = fields.image(image).tobytes(), fields.label(label)
        with self.engine.begin() as conn:
            self._require_member(conn, member, posting=True)
            self._check_room(
                conn, drawings, member, fields.DRAWINGS_PER_MEMBER, fields.DRAWINGS_PER_CLASS
            )
            result = conn.execute(
                drawings.insert().values(
                    code=member.code,
                    member_id=member.id,
                    label=label,
                    pixels=pixels,
                    hidden=False,
                    created=self.clock(),
                )
            )
            self._changed(conn, member.code)
            return int(result.inserted_primary_key[0])

    def _check_room(self, conn, table, member: Member, per_member: int, per_class: int) -> None:
        """Room for one more visible entry, for this student (all their memberships) and
        for the class; hidden entries make room, deleted ones too."""
        count = (
            sa.select(sa.func.count())
            .select_from(table)
            .where(table.c.code == member.code, table.c.hidden == sa.false())
        )
        mine = table.c.member_id.in_(self._same_student(conn, member))
        if conn.execute(count.where(mine)).scalar_one() >= per_member:
            raise ClassError(f"You have shared {per_member} already: remove one first.")
        if conn.execute(count).scalar_one() >= per_class:
            raise ClassError(f"The class board is full ({per_class}).")

    def remove(self, member: Member, kind: str, entry_id: int) -> None:
        """Delete one of the member's own entries; anyone else's is refused."""
        table = _entry_table(kind)
        with self.engine.begin() as conn:
            self._require_member(conn, member)
            owner = conn.execute(
                sa.select(table.c.member_id).where(
                    table.c.id == entry_id, table.c.code == member.code
                )
            ).first()
            if owner is None:
                raise NotFound(f"There is no {kind} {entry_id} in this class.")
            if owner.member_id != member.id:
                raise Forbidden("You can remove only your own entries.")
            conn.execute(table.delete().where(table.c.id == entry_id))
            if kind == "run":
                conn.execute(models.delete().where(models.c.run_id == entry_id))
            self._changed(conn, member.code)

    def answer(self, member: Member, choice: int) -> None:
        with self.engine.begin() as conn:
            row = self._require_member(conn, member, posting=True)
            if row.question is None:
                raise ClassError("There is no question to answer.")
            if row.revealed:
                raise ClassError("The answers have been revealed: too late to answer.")
            n = len(json.loads(row.question)["choices"])
            choice = int(fields.number(choice, "The answer", 0, n - 1))
            where = (answers.c.code == member.code, answers.c.member_id == member.id)
            conn.execute(answers.delete().where(*where))
            conn.execute(
                answers.insert().values(code=member.code, member_id=member.id, choice=choice)
            )
            self._changed(conn, member.code)

    def my_answer(self, member: Member) -> int | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(answers.c.choice).where(
                    answers.c.code == member.code, answers.c.member_id == member.id
                )
            ).first()
            return None if row is None else int(row.choice)

    # --- reading -----------------------------------------------------------------------
    def _class_row(self, conn, code: str):
        row = conn.execute(sa.select(classes).where(classes.c.code == code)).first()
        if row is None or row.expires <= self.clock():
            raise NotFound("There is no class with that code (or it has expired).")
        return row

    def board(self, code: str, include_hidden: bool = False) -> Board:
        self.purge_if_due()
        with self.engine.connect() as conn:
            row = self._class_row(conn, code)
            version = self.read_version(conn, code)  # first: the rows below are as new or newer
            names = dict(
                conn.execute(
                    sa.select(members.c.id, members.c.nickname).where(members.c.code == code)
                ).all()
            )
            run_q = sa.select(runs).where(runs.c.code == code).order_by(runs.c.id)
            draw_q = sa.select(drawings).where(drawings.c.code == code).order_by(drawings.c.id)
            if not include_hidden:
                run_q = run_q.where(runs.c.hidden == sa.false())
                draw_q = draw_q.where(drawings.c.hidden == sa.false())
            run_rows, draw_rows = conn.execute(run_q).all(), conn.execute(draw_q).all()
            picked = conn.execute(sa.select(answers.c.choice).where(answers.c.code == code)).all()
        question = json.loads(row.question) if row.question else {"prompt": None, "choices": []}
        tally = [0] * len(question["choices"])
        for (choice,) in picked:
            if 0 <= choice < len(tally):
                tally[choice] += 1
        return Board(
            code=code,
            created=row.created,
            expires=row.expires,
            closed=bool(row.closed),
            members=len(nicknames.students(names.values())),
            prompt=question["prompt"],
            choices=tuple(question["choices"]),
            revealed=bool(row.revealed),
            tally=tuple(tally),
            runs=tuple(shared_run(r, names) for r in run_rows),
            drawings=tuple(drawing(r, names) for r in draw_rows),
            version=version,
        )

    def model_bytes(self, code: str, run_id: int) -> bytes | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(models.c.data)
                .join(runs, runs.c.id == models.c.run_id)
                .where(runs.c.code == code, models.c.run_id == run_id)
            ).first()
            return None if row is None else bytes(row.data)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 15000")
    cursor.close()


def _entry_table(kind: str) -> sa.Table:
    if kind not in ENTRY_TABLES:
        raise ValueError(f"unknown kind of entry: {kind!r}")
    return ENTRY_TABLES[kind]
