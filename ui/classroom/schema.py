"""The class board's tables, created on first use and versioned.

One schema serves SQLite (the embedded default) and PostgreSQL (several replicas): plain
SQLAlchemy Core types, times as Unix seconds, settings and curves as JSON text. The
``nn_meta`` table records the schema version; an app that finds a newer version than it
knows refuses to write rather than guess, and an older one is upgraded by the steps in
``MIGRATIONS``. A new table is usually not a new version: every start creates the tables
it is missing, and an older app simply never reads it. Version 2 (the class's own
collections) is one all the same, because an older app would not merely ignore its
tables but break rules about them: it would remove a student and leave their drawings in
a collection, and purge an expired class and keep its collections. So an older app
meeting a version 2 store refuses to start, as it does for any newer version.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

SCHEMA_VERSION = 2

metadata = sa.MetaData()

meta = sa.Table(
    "nn_meta",
    metadata,
    sa.Column("key", sa.String(32), primary_key=True),
    sa.Column("value", sa.String(64), nullable=False),
)

classes = sa.Table(
    "nn_classes",
    metadata,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("teacher_hash", sa.String(64), nullable=False),
    sa.Column("created", sa.Float, nullable=False),
    sa.Column("expires", sa.Float, nullable=False, index=True),
    sa.Column("closed", sa.Boolean, nullable=False, default=False),
    sa.Column("question", sa.Text),  # JSON {"prompt": ..., "choices": [...]} or NULL
    sa.Column("revealed", sa.Boolean, nullable=False, default=False),
)

members = sa.Table(
    "nn_members",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(16), nullable=False, index=True),
    sa.Column("nickname", sa.String(64), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False),  # "-" once given up (places)
    sa.Column("joined", sa.Float, nullable=False),
)

runs = sa.Table(
    "nn_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(16), nullable=False, index=True),
    sa.Column("member_id", sa.Integer, nullable=False),
    sa.Column("name", sa.String(128), nullable=False),
    sa.Column("dataset", sa.String(32), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("settings", sa.Text, nullable=False),  # JSON, see fields.settings
    sa.Column("curves", sa.Text, nullable=False),  # JSON {"train": {...}, "validation": {...}}
    sa.Column("test_accuracy", sa.Float),
    sa.Column("test_loss", sa.Float),
    sa.Column("train_seconds", sa.Float, nullable=False),
    sa.Column("wall_seconds", sa.Float, nullable=False),
    sa.Column("steps", sa.Integer, nullable=False),
    sa.Column("has_model", sa.Boolean, nullable=False, default=False),
    sa.Column("hidden", sa.Boolean, nullable=False, default=False),
    sa.Column("created", sa.Float, nullable=False),
)

models = sa.Table(
    "nn_models",
    metadata,
    sa.Column("run_id", sa.Integer, primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),  # nn_core model file, float16
)

drawings = sa.Table(
    "nn_drawings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(16), nullable=False, index=True),
    sa.Column("member_id", sa.Integer, nullable=False),
    sa.Column("label", sa.Integer, nullable=False),
    sa.Column("pixels", sa.LargeBinary, nullable=False),  # 784 bytes, ink 0..255
    sa.Column("hidden", sa.Boolean, nullable=False, default=False),
    sa.Column("created", sa.Float, nullable=False),
)

answers = sa.Table(
    "nn_answers",
    metadata,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("member_id", sa.Integer, primary_key=True),
    sa.Column("choice", sa.Integer, nullable=False),
)

removed = sa.Table(  # students the teacher removed: their nickname may not join again
    "nn_removed",
    metadata,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("nick_key", sa.String(64), primary_key=True),  # nicknames.identity
    sa.Column("removed", sa.Float, nullable=False),
)

LAST_PURGE = "last_purge"  # nn_meta key: Unix time of the last purge of expired classes

versions = sa.Table(  # one counter per class, moved by every write (ClassStore._changed)
    "nn_board_versions",
    metadata,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
)

lessons = sa.Table(  # the lesson the teacher leads from the board (ui.classroom.steps)
    "nn_lessons",
    metadata,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("plan", sa.Text, nullable=False),  # the plan file's JSON (ui.lesson.plan)
    sa.Column("steps", sa.Integer, nullable=False),  # how many steps it has
    sa.Column("step", sa.Integer, nullable=False),  # -1 before the first Next step
    sa.Column("moves", sa.Integer, nullable=False),  # Next/Back presses: a new move each
)

progress = sa.Table(  # each student at each step they reached: the value handed to them
    "nn_progress",
    metadata,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("member_id", sa.Integer, primary_key=True),
    sa.Column("step", sa.Integer, primary_key=True),
    sa.Column("value", sa.String(64)),  # the spread setting's value, None if none
    sa.Column("arrived", sa.Float, nullable=False),
    sa.Column("place", sa.Integer, nullable=False),  # 0 for the first to arrive, 1, ...
    sa.UniqueConstraint("code", "step", "place"),  # two at once cannot take one place
)


collections = sa.Table(  # a data set the class draws together (ui.classroom.collecting)
    "nn_collections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(16), nullable=False, index=True),
    sa.Column("title", sa.String(64), nullable=False),
    sa.Column("class_names", sa.Text, nullable=False),  # JSON list of 2 to 10 names
    sa.Column("created", sa.Float, nullable=False),
    sqlite_autoincrement=True,  # an id is never reused: it names a data set ("class-CODE-3")
)

collection_drawings = sa.Table(
    "nn_collection_drawings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(16), nullable=False, index=True),
    sa.Column("collection_id", sa.Integer, nullable=False, index=True),
    sa.Column("member_id", sa.Integer, nullable=False),
    sa.Column("label", sa.Integer, nullable=False),  # 0 .. number of classes - 1
    sa.Column("pixels", sa.LargeBinary, nullable=False),  # 784 bytes, ink 0..255
    sa.Column("hidden", sa.Boolean, nullable=False, default=False),
    sa.Column("created", sa.Float, nullable=False),
    sqlite_autoincrement=True,  # ids never come back: the board's caches trust them
)


def _add_collections(conn: Connection) -> None:
    """1 -> 2: the tables of the class's collections (made here if the start did not)."""
    for table in (collections, collection_drawings):
        table.create(conn, checkfirst=True)


MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _add_collections}  # n -> n + 1


class SchemaError(RuntimeError):
    """The database holds a schema this version of the app cannot use."""


def _version(conn: Connection) -> int | None:
    row = conn.execute(sa.select(meta.c.value).where(meta.c.key == "schema_version")).first()
    return None if row is None else int(row.value)


def ensure_schema(engine: Engine) -> int:
    """Create the tables if missing and bring them to ``SCHEMA_VERSION``; return it.

    Two replicas starting at once may both try to create the tables; the loser's error is
    harmless (the winner made them), so it simply looks again.
    """
    for attempt in range(3):
        try:
            with engine.begin() as conn:
                metadata.create_all(conn, checkfirst=True)
                version = _version(conn)
                if version is None:  # a new store: create_all made it as this version knows
                    version = SCHEMA_VERSION
                    conn.execute(meta.insert().values(key="schema_version", value=str(version)))
                if version > SCHEMA_VERSION:
                    raise SchemaError(
                        f"the class database has schema version {version}; this app knows "
                        f"only up to {SCHEMA_VERSION}: update the app"
                    )
                while version < SCHEMA_VERSION:
                    MIGRATIONS[version](conn)
                    version += 1
                    conn.execute(
                        meta.update()
                        .where(meta.c.key == "schema_version")
                        .values(value=str(version))
                    )
                return version
        except DBAPIError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")
