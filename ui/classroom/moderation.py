"""The teacher's firmer tools, and who counts as one student: part of ``ClassStore``.

Hiding an entry takes it off the projector; deleting it frees its place for good (caps
count visible entries only, so hidden ones do not fill a class either). Removing a
student deletes everything they shared and remembers their nickname, so it cannot join
this class again. A student is their nickname in the class, compared by
``nicknames.identity``: rejoining as "sam" after "Sam" is the same student, with the same
entries counted against the per-student caps.

A mixin, so the store keeps one face: ``ClassStore`` provides ``engine``, ``clock``,
``_class_row`` and ``_require_teacher``. Every method here checks the teacher key itself.
"""

from __future__ import annotations

import sqlalchemy as sa

from ui.classroom import codes, nicknames
from ui.classroom.records import Forbidden, Member, NotFound
from ui.classroom.schema import (
    answers,
    classes,
    collection_drawings,
    drawings,
    members,
    models,
    removed,
    runs,
)

ENTRY_TABLES = {"run": runs, "drawing": drawings, "collection drawing": collection_drawings}
REMOVED_MESSAGE = "The teacher removed you from this class."


def _is_teacher_name(nickname: str) -> bool:
    """The teacher's own rows (students could not take a reserved name since it was kept
    back; a class from before may still hold a "teacher1", and the teacher may remove it)."""
    return nicknames.identity(nickname) == nicknames.identity(nicknames.TEACHER)


class Removed(Forbidden):
    """This student was removed by the teacher: no more posting, no rejoining."""


class TeacherTools:
    """Deleting entries, removing students, and the teacher's own place on the board."""

    def teacher_matches(self, code: str, key: str | None) -> bool:
        """Whether ``key`` is the teacher key of a live class ``code``.

        No class and a wrong key give the same False, after the same work: a guesser
        learns nothing about which codes exist.
        """
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(classes.c.teacher_hash, classes.c.expires).where(classes.c.code == code)
            ).first()
        if row is None or row.expires <= self.clock():
            codes.matches(key, code, codes.digest("-", code))
            return False
        return codes.matches(key, code, row.teacher_hash)

    def join_teacher(self, code: str, key: str) -> Member:
        """The teacher's own place on the board, under the name no student may take."""
        with self.engine.begin() as conn:
            self._require_teacher(conn, code, key)
            return self._add_member(conn, code, nicknames.TEACHER)

    def _add_member(self, conn, code: str, nickname: str) -> Member:
        token = codes.new_token()
        result = conn.execute(
            members.insert().values(
                code=code,
                nickname=nickname,
                token_hash=codes.digest(token, code),
                joined=self.clock(),
            )
        )
        self._changed(conn, code)  # the roster counts members
        return Member(code, int(result.inserted_primary_key[0]), nickname, token)

    def _student_ids(self, conn, code: str, nickname: str) -> list[int]:
        """Every membership of the student called ``nickname`` in the class."""
        key = nicknames.identity(nickname)
        rows = conn.execute(
            sa.select(members.c.id, members.c.nickname).where(members.c.code == code)
        ).all()
        return [i for i, name in rows if nicknames.identity(name) == key]

    def _same_student(self, conn, member: Member) -> list[int]:
        stored = conn.execute(sa.select(members.c.nickname).where(members.c.id == member.id))
        return self._student_ids(conn, member.code, stored.scalar_one())

    def _is_removed(self, conn, code: str, nickname: str) -> bool:
        key = nicknames.identity(nickname)
        found = sa.select(removed.c.code).where(removed.c.code == code, removed.c.nick_key == key)
        return conn.execute(found).first() is not None

    def _refuse_removed(self, conn, code: str, nickname: str) -> None:
        if self._is_removed(conn, code, nickname):
            raise Removed("The teacher removed that nickname from this class.")

    def _not_a_member(self, conn, member: Member):
        """Raise why ``member`` may not act: removed by the teacher, or never a member."""
        if self._is_removed(conn, member.code, member.nickname):
            raise Removed(REMOVED_MESSAGE)
        raise Forbidden("You are not a member of this class.")

    def was_removed(self, code: str, names) -> bool:
        """Whether the teacher removed any of ``names`` (nicknames a tab used) from ``code``."""
        with self.engine.connect() as conn:
            return any(self._is_removed(conn, code, name) for name in names)

    def delete_entry(self, code: str, key: str, kind: str, entry_id: int) -> None:
        """Delete any run or drawing of the class for good (a run's weights with it)."""
        if kind not in ENTRY_TABLES:
            raise ValueError(f"unknown kind of entry: {kind!r}")
        table = ENTRY_TABLES[kind]
        with self.engine.begin() as conn:
            self._require_teacher(conn, code, key)
            done = conn.execute(table.delete().where(table.c.id == entry_id, table.c.code == code))
            if done.rowcount == 0:
                raise NotFound(f"There is no {kind} {entry_id} in this class.")
            if kind == "run":
                conn.execute(models.delete().where(models.c.run_id == entry_id))
            self._changed(conn, code)  # every viewer's board redraws without it

    def remove_member(self, code: str, key: str, nickname: str) -> int:
        """Remove a student with everything they shared; returns how many entries went."""
        with self.engine.begin() as conn:
            self._require_teacher(conn, code, key)
            if _is_teacher_name(nickname):
                raise Forbidden("The teacher's own place cannot be removed.")
            ids = self._student_ids(conn, code, nickname)
            if not ids:
                raise NotFound("There is no student with that nickname in this class.")
            run_ids = sa.select(runs.c.id).where(runs.c.code == code, runs.c.member_id.in_(ids))
            conn.execute(models.delete().where(models.c.run_id.in_(run_ids)))
            gone = 0
            for table in (runs, drawings, collection_drawings):
                where = (table.c.code == code, table.c.member_id.in_(ids))
                gone += conn.execute(table.delete().where(*where)).rowcount
            conn.execute(
                answers.delete().where(answers.c.code == code, answers.c.member_id.in_(ids))
            )
            conn.execute(members.delete().where(members.c.id.in_(ids)))
            if not self._is_removed(conn, code, nickname):
                conn.execute(
                    removed.insert().values(
                        code=code, nick_key=nicknames.identity(nickname), removed=self.clock()
                    )
                )
            self._changed(conn, code)
            return gone

    def roster(self, code: str, key: str) -> list[str]:
        """The class's students (one nickname each, in joining order), for the teacher."""
        with self.engine.connect() as conn:
            self._require_teacher(conn, code, key)
            rows = conn.execute(
                sa.select(members.c.nickname).where(members.c.code == code).order_by(members.c.id)
            ).all()
        seen: dict[str, str] = {}
        for (name,) in rows:
            if not _is_teacher_name(name):
                seen.setdefault(nicknames.identity(name), name)
        return list(seen.values())

    def entries(self, code: str, key: str) -> list[tuple[str, int, str, str, bool]]:
        """(kind, id, nickname, what, hidden) of every entry, hidden ones too: what the
        teacher may delete, read without curves or pixels."""
        with self.engine.connect() as conn:
            self._require_teacher(conn, code, key)
            names = dict(
                conn.execute(
                    sa.select(members.c.id, members.c.nickname).where(members.c.code == code)
                ).all()
            )
            run_rows = conn.execute(
                sa.select(runs.c.id, runs.c.member_id, runs.c.name, runs.c.hidden)
                .where(runs.c.code == code)
                .order_by(runs.c.id)
            ).all()
            draw_rows = conn.execute(
                sa.select(drawings.c.id, drawings.c.member_id, drawings.c.label, drawings.c.hidden)
                .where(drawings.c.code == code)
                .order_by(drawings.c.id)
            ).all()
        found = [
            ("run", r.id, names.get(r.member_id, "?"), r.name, bool(r.hidden)) for r in run_rows
        ]
        found += [
            ("drawing", d.id, names.get(d.member_id, "?"), f"a {d.label}", bool(d.hidden))
            for d in draw_rows
        ]
        return found
