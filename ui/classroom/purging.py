"""Expired classes go on a schedule, not only when someone starts a new one.

A class lives ``NN_CLASS_DAYS``; after that its nicknames, runs and drawings have no
business staying on the server. Any store access checks, at most once an hour per
process and without touching the database in between, whether the last purge is over an
hour old. The time of the last purge is kept in the database (``nn_meta``), and claimed
with one conditional update, so of several replicas exactly one purges each hour.

A mixin of ``ClassStore``, which provides ``engine`` and ``clock``.
"""

from __future__ import annotations

import math

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ui.classroom.schema import (
    LAST_PURGE,
    answers,
    classes,
    collection_drawings,
    collections,
    drawings,
    lessons,
    members,
    meta,
    models,
    progress,
    removed,
    runs,
    versions,
)

PURGE_EVERY = 3600.0  # seconds between purges of expired classes


class PurgeSchedule:
    """``purge_if_due``: called at the start of the store's busiest doors."""

    _purge_checked = -math.inf  # when this process last asked the database

    def purge_if_due(self) -> int | None:
        """Purge expired classes if the last purge (by any process) is over an hour old;
        returns how many went, or None when it was not this call's turn."""
        now = self.clock()
        if now < self._purge_checked + PURGE_EVERY:
            return None
        self._purge_checked = now
        if not self._claim_purge(now):
            return None
        return self.purge_expired()

    def purge_expired(self) -> int:
        """Delete every class past its expiry date, with all it holds; returns how many."""
        with self.engine.begin() as conn:
            gone = [
                c
                for (c,) in conn.execute(
                    sa.select(classes.c.code).where(classes.c.expires <= self.clock())
                )
            ]
            if not gone:
                return 0
            run_ids = sa.select(runs.c.id).where(runs.c.code.in_(gone))
            conn.execute(models.delete().where(models.c.run_id.in_(run_ids)))
            for table in (
                runs,
                drawings,
                collection_drawings,
                collections,
                answers,
                members,
                removed,
                versions,
                lessons,
                progress,
                classes,
            ):
                conn.execute(table.delete().where(table.c.code.in_(gone)))
            return len(gone)

    def _claim_purge(self, now: float) -> bool:
        """Record this purge in the database, unless another process purged within the hour."""
        try:
            with self.engine.begin() as conn:
                known = conn.execute(sa.select(meta.c.value).where(meta.c.key == LAST_PURGE))
                if known.first() is None:
                    conn.execute(meta.insert().values(key=LAST_PURGE, value=repr(float(now))))
                    return True
                claimed = conn.execute(
                    meta.update()
                    .where(
                        meta.c.key == LAST_PURGE,
                        sa.cast(meta.c.value, sa.Float) <= now - PURGE_EVERY,
                    )
                    .values(value=repr(float(now)))
                )
                return claimed.rowcount == 1
        except IntegrityError:  # another process wrote the first record at the same moment
            return False
