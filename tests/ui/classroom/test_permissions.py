"""Who may do what: a student cannot hide or remove another's entry, a wrong teacher key
is refused everywhere, and class codes are random. (The limits on guessing them are in
``test_limits``.)"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from tests.support.classroom import Clock, engine, pg_admin_url  # noqa: F401
from tests.support.runs import make_run
from ui.classroom import codes
from ui.classroom.sharing import entry_from_run
from ui.classroom.store import ClassStore, Forbidden


@pytest.fixture
def lesson(engine):  # noqa: F811
    store = ClassStore(engine)
    code, key = store.create_class()
    sam, ana = store.join(code, "Sam"), store.join(code, "Ana")
    run_id = store.share_run(sam, entry_from_run(make_run(steps=50)))
    drawing_id = store.add_drawing(sam, np.zeros((28, 28)), 4)
    return store, code, key, sam, ana, run_id, drawing_id


def test_a_student_cannot_remove_or_hide_another_students_entry(lesson):
    store, code, key, sam, ana, run_id, drawing_id = lesson
    for kind, entry_id in (("run", run_id), ("drawing", drawing_id)):
        with pytest.raises(Forbidden, match="only your own"):
            store.remove(ana, kind, entry_id)
        with pytest.raises(Forbidden, match="teacher key"):
            store.set_hidden(code, ana.token, kind, entry_id)  # a student's token is no key
    board = store.board(code)
    assert len(board.runs) == 1 and len(board.drawings) == 1


def test_a_forged_membership_is_refused(lesson):
    store, code, key, sam, ana, run_id, _ = lesson
    forged = dataclasses.replace(ana, id=sam.id)  # Ana claims to be Sam
    with pytest.raises(Forbidden, match="not a member"):
        store.remove(forged, "run", run_id)
    other_code, _ = store.create_class()
    wrong_class = dataclasses.replace(sam, code=other_code)
    with pytest.raises(Forbidden):
        store.share_run(wrong_class, entry_from_run(make_run(steps=50)))


def test_a_wrong_teacher_key_is_refused_everywhere(lesson):
    store, code, key, sam, ana, run_id, _ = lesson
    other_code, other_key = store.create_class()
    for wrong in ("", None, "X" * 12, key.lower(), other_key):
        assert not store.is_teacher(code, wrong)
        for call in (
            lambda k: store.set_hidden(code, k, "run", run_id),
            lambda k: store.set_closed(code, k),
            lambda k: store.reveal(code, k),
            lambda k: store.set_question(code, k, "Q?", ["a", "b"]),
            lambda k: store.export(code, k),
        ):
            with pytest.raises(Forbidden):
                call(wrong)
    assert store.is_teacher(code, key)
    board = store.board(code)
    assert not board.closed and board.prompt is None and len(board.runs) == 1


def test_teacher_keys_are_stored_only_as_hashes(lesson, engine):  # noqa: F811
    store, code, key, *_ = lesson
    import sqlalchemy as sa

    from ui.classroom.schema import classes

    with engine.connect() as conn:
        stored = conn.execute(sa.select(classes.c.teacher_hash).where(classes.c.code == code))
        stored = stored.scalar_one()
    assert key not in stored and stored == codes.digest(key, code)


def test_codes_do_not_repeat_or_follow_a_pattern():
    drawn = {codes.new_code() for _ in range(5000)}
    assert len(drawn) == 5000
    assert all(len(c) == codes.CODE_LENGTH and set(c) <= set(codes.ALPHABET) for c in drawn)
    counts = np.array([sum(c.count(a) for c in drawn) for a in codes.ALPHABET])
    expected = 5000 * codes.CODE_LENGTH / len(codes.ALPHABET)
    assert counts.min() > 0.8 * expected and counts.max() < 1.2 * expected  # uniform


def test_the_rate_limiter_is_a_sliding_window():
    clock = Clock()
    limiter = codes.RateLimiter(3, 60, clock)
    assert [limiter.allow() for _ in range(4)] == [True, True, True, False]
    assert limiter.wait_seconds() == pytest.approx(60)
    clock.now += 30
    assert not limiter.allow() and limiter.wait_seconds() == pytest.approx(30)
    clock.now += 30
    assert limiter.allow()
