"""A class's version: one number that moves whenever anything on its board changes.

Thirty projected or watched boards refreshing every few seconds must not each read three
thousand drawings to find out that nothing happened. So every write to a class (a run
shared, a drawing added or removed, an answer, a hidden entry, a new question) also adds
one to the class's counter, in the same transaction; a board asks for that one number
first, and reads and draws the class only when it is new (``ui.classroom.views``).

``ClassStore`` inherits these; a new write path calls ``self._changed(conn, code)``
before its transaction ends, and the board of every viewer follows within one refresh.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ui.classroom.schema import classes, versions

_written: dict[str, int] = {}  # code -> writes to it from this process (see ``written``)


def written(code: str) -> int:
    """How many times this process has written to class ``code``: a cache of the
    class's version (``ui.classroom.views.latest_version``) kept beside this count is
    out of date as soon as the count moves, so what a visitor just did is never hidden
    by it; writes from other processes (replicas) are seen when the cache ends."""
    return _written.get(code, 0)


class BoardVersions:
    """The version counter of each class (table ``nn_board_versions``)."""

    def _changed(self, conn, code: str) -> None:
        """Move the class's version on, inside the writer's transaction: a reader who sees
        version n sees every change up to n, because each arrived with its own step.

        One statement inserts the counter or adds one to it (an "upsert", written the same
        way for SQLite and PostgreSQL), so two first writers cannot both start it at 1.
        """
        _written[code] = _written.get(code, 0) + 1
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        insert = dialect.insert(versions).values(code=code, version=1)
        bump = {"version": versions.c.version + 1}
        conn.execute(insert.on_conflict_do_update(index_elements=["code"], set_=bump))

    def version(self, code: str) -> int:
        """The class's version (0 before its first change); ``NotFound`` once it is gone.

        One indexed query: cheap enough for every viewer to ask at every refresh.
        """
        found = (
            sa.select(classes.c.expires, versions.c.version)
            .select_from(classes.outerjoin(versions, versions.c.code == classes.c.code))
            .where(classes.c.code == code)
        )
        with self.engine.connect() as conn:
            row = conn.execute(found).first()
            if row is None or row.expires <= self.clock():
                self._class_row(conn, code)  # raises the store's own NotFound
        return row.version or 0

    @staticmethod
    def read_version(conn, code: str) -> int:
        """The counter within an open connection (read it before the rows it versions)."""
        found = conn.execute(sa.select(versions.c.version).where(versions.c.code == code))
        return found.scalar_one_or_none() or 0
