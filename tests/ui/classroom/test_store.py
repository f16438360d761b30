"""The class store on both backends: SQLite (the default) and a real PostgreSQL server.

Every test here runs twice (``engine`` is parametrised), so a query that only one
database accepts fails here, not in front of a class.
"""

from __future__ import annotations

import numpy as np
import pytest
import sqlalchemy as sa

from tests.support.classroom import Clock, engine, pg_admin_url  # noqa: F401
from tests.support.runs import make_run
from ui.classroom import fields, schema
from ui.classroom.sharing import entry_from_run
from ui.classroom.store import ClassError, ClassStore, InvalidField, NotFound


def test_schema_is_created_on_first_use_and_versioned(engine):  # noqa: F811
    store = ClassStore(engine)
    assert store.schema_version == schema.SCHEMA_VERSION
    names = set(sa.inspect(engine).get_table_names())
    assert {"nn_meta", "nn_classes", "nn_members", "nn_runs", "nn_drawings"} <= names
    assert ClassStore(engine).schema_version == schema.SCHEMA_VERSION  # second start: no-op


def test_a_newer_schema_is_refused(engine):  # noqa: F811
    ClassStore(engine)
    with engine.begin() as conn:
        conn.execute(schema.meta.update().values(value=str(schema.SCHEMA_VERSION + 1)))
    with pytest.raises(schema.SchemaError, match="update the app"):
        ClassStore(engine)


def test_a_shared_run_comes_back_as_it_went_in(engine):  # noqa: F811
    store = ClassStore(engine)
    code, _ = store.create_class()
    sam = store.join(code, "  Sam  ")
    assert sam.nickname == "Sam"
    run = make_run(lr=0.05, optimizer="adam", steps=3000)
    run_id = store.share_run(sam, entry_from_run(run))
    board = store.board(code)
    (shared,) = board.runs
    assert shared.id == run_id and shared.nickname == "Sam"
    assert shared.settings["lr"] == 0.05 and shared.settings["optimizer"] == "adam"
    assert shared.settings["sizes"] == [784, 128, 10]
    assert shared.test_accuracy == pytest.approx(0.97)
    curve = shared.curves["loss"]
    assert len(curve) == fields.CURVE_POINTS  # thinned from 3000 points
    assert curve[-1] == pytest.approx(run.curves()["loss"][-1])  # the end survives thinning
    assert shared.curves["step"][-1] == 3000
    assert len(shared.validation["step"]) == 30
    assert shared.health == {}  # no health check recorded


def test_a_run_that_blew_up_keeps_its_step_and_its_last_health_check(engine):  # noqa: F811
    """Shared from Train like any other: its status, its steps, and its gradient norms at
    the last check, an overflowed one kept as None (JSON has no infinity)."""
    store = ClassStore(engine)
    code, _ = store.create_class()
    health = {"step": [1, 50], "grad_norm": [[2.0, 1.0], [float("inf"), 3e4]],
              "dead_share": [[0.0], [0.75]]}  # fmt: skip
    run = make_run(lr=10.0, steps=57, status="diverged", health=health)
    store.share_run(store.join(code, "Lee"), entry_from_run(run))
    (shared,) = store.board(code).runs
    assert shared.status == "diverged" and shared.steps == 57
    assert shared.health == {"step": 50, "grad_norm": [None, 3e4], "dead_share": [0.75]}


def test_drawings_are_stored_as_28x28_ink(engine):  # noqa: F811
    store = ClassStore(engine)
    code, _ = store.create_class()
    sam = store.join(code, "Sam")
    image = np.zeros((28, 28), np.float32)
    image[5:20, 13:15] = 1.0
    store.add_drawing(sam, image, 1)
    (drawing,) = store.board(code).drawings
    assert drawing.label == 1 and drawing.image.shape == (28, 28)
    np.testing.assert_allclose(drawing.image, image)


@pytest.mark.parametrize(
    ("image", "label"),
    [
        (np.zeros((28, 27)), 1),
        (np.full((28, 28), 2.0), 1),
        (np.full((28, 28), np.nan), 1),
        (np.zeros((28, 28)), 10),
        (np.zeros((28, 28)), 2.5),
    ],
)
def test_bad_drawings_are_refused(engine, image, label):  # noqa: F811
    store = ClassStore(engine)
    code, _ = store.create_class()
    sam = store.join(code, "Sam")
    with pytest.raises(InvalidField):
        store.add_drawing(sam, image, label)
    assert store.board(code).drawings == ()


def test_every_stored_field_is_bounded(engine):  # noqa: F811
    store = ClassStore(engine)
    code, _ = store.create_class()
    with pytest.raises(InvalidField, match="longer than 24"):
        store.join(code, "x" * 25)
    with pytest.raises(InvalidField, match="empty"):
        store.join(code, "   ")
    with pytest.raises(InvalidField, match="control"):
        store.join(code, "Sam\x00")
    sam = store.join(code, "Sam")
    entry = entry_from_run(make_run())
    too_long = {k: list(range(fields.CURVE_POINTS + 1)) for k in fields.CURVE_FIELDS}
    bad_entries = [
        entry.__class__(**{**entry.__dict__, "curves": too_long}),
        entry.__class__(**{**entry.__dict__, "name": "n" * 61}),
        entry.__class__(**{**entry.__dict__, "status": "running"}),
        entry.__class__(**{**entry.__dict__, "test_accuracy": 1.5}),
        entry.__class__(**{**entry.__dict__, "settings": {f"k{i}": i for i in range(30)}}),
        entry.__class__(**{**entry.__dict__, "settings": {"lr": float("inf")}}),
        entry.__class__(**{**entry.__dict__, "model": b"x" * (fields.MODEL_BYTES_MAX + 1)}),
        entry.__class__(**{**entry.__dict__, "health": {"step": 1, "grad_norm": [1.0] * 9}}),
        entry.__class__(**{**entry.__dict__, "health": {"step": 1, "dead_share": ["lots"]}}),
        entry.__class__(**{**entry.__dict__, "health": {"step": 1, "grad_norm": [-1.0]}}),
        entry.__class__(**{**entry.__dict__, "health": ["not", "named"]}),
    ]
    for bad in bad_entries:
        with pytest.raises(InvalidField):
            store.share_run(sam, bad)
    assert store.board(code).runs == ()


def test_a_member_cannot_flood_the_board(engine, monkeypatch):  # noqa: F811
    monkeypatch.setattr(fields, "RUNS_PER_MEMBER", 3)
    store = ClassStore(engine)
    code, _ = store.create_class()
    sam = store.join(code, "Sam")
    entry = entry_from_run(make_run(steps=50))
    for _ in range(3):
        store.share_run(sam, entry)
    with pytest.raises(ClassError, match="remove one first"):
        store.share_run(sam, entry)
    store.share_run(store.join(code, "Ana"), entry)  # others still can
    assert len(store.board(code).runs) == 4


def test_classes_expire_after_the_configured_days(engine):  # noqa: F811
    clock = Clock()
    store = ClassStore(engine, clock=clock, days=2)
    code, _ = store.create_class()
    sam = store.join(code, "Sam")
    store.share_run(sam, entry_from_run(make_run(steps=50)))
    clock.now += 2 * 86400 - 1
    assert len(store.board(code).runs) == 1
    clock.now += 2
    with pytest.raises(NotFound, match="expired"):
        store.board(code)
    with pytest.raises(NotFound):
        store.join(code, "Late")
    assert store.purge_expired() == 1
    with engine.connect() as conn:
        for table in (schema.runs, schema.members, schema.classes):
            assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() == 0


def test_two_stores_on_one_database_see_each_other(engine):  # noqa: F811
    """What two replicas do: each has its own store object, they share the database."""
    one, two = ClassStore(engine), ClassStore(engine)
    code, key = one.create_class()
    sam = two.join(code, "Sam")
    two.share_run(sam, entry_from_run(make_run(steps=50)))
    assert [r.nickname for r in one.board(code).runs] == ["Sam"]
    assert one.is_teacher(code, key) and two.is_teacher(code, key)


def test_in_class_counts_students_once_each_and_not_the_teacher(engine):  # noqa: F811
    store = ClassStore(engine)
    code, key = store.create_class()
    store.join_teacher(code, key)
    store.join_teacher(code, key)  # the teacher's second device
    store.join(code, "Sam")
    store.join(code, " sam")  # Sam again, from another browser
    store.join(code, "Ana")
    assert store.board(code).members == 2
