"""A class cannot be filled for good, on both backends: caps count visible entries and
follow the student across rejoins; the teacher deletes any entry and removes a student
with everything they shared, who cannot come back under another name from that tab;
expired classes go on a schedule; "Teacher" and its look-alikes are kept back."""

from __future__ import annotations

import numpy as np
import pytest
import sqlalchemy as sa

from tests.support.classroom import Clock, engine, pg_admin_url  # noqa: F401
from tests.support.runs import make_run
from ui.classroom import clients, fields, schema
from ui.classroom.clients import ClientTables
from ui.classroom.membership import ClassSession, join
from ui.classroom.moderation import REMOVED_MESSAGE
from ui.classroom.purging import PURGE_EVERY
from ui.classroom.sharing import entry_from_run
from ui.classroom.store import ClassError, ClassStore, Forbidden, InvalidField, NotFound, Removed

RUN = entry_from_run(make_run(steps=50))
INK = np.zeros((28, 28))


def _count(engine, table, code=None) -> int:  # noqa: F811
    query = sa.select(sa.func.count()).select_from(table)
    if code is not None:
        query = query.where(table.c.code == code)
    with engine.connect() as conn:
        return conn.execute(query).scalar_one()


def test_hidden_entries_do_not_fill_the_class(engine, monkeypatch):  # noqa: F811
    monkeypatch.setattr(fields, "RUNS_PER_CLASS", 3)
    monkeypatch.setattr(fields, "DRAWINGS_PER_MEMBER", 2)
    store = ClassStore(engine)
    code, key = store.create_class()
    sam, ana = store.join(code, "Sam"), store.join(code, "Ana")
    runs = [store.share_run(sam, RUN) for _ in range(3)]
    with pytest.raises(ClassError, match="board is full"):
        store.share_run(ana, RUN)
    store.set_hidden(code, key, "run", runs[0])
    store.share_run(ana, RUN)  # the hidden run made room
    drawings = [store.add_drawing(sam, INK, 1) for _ in range(2)]
    with pytest.raises(ClassError, match="remove one first"):
        store.add_drawing(sam, INK, 1)
    store.set_hidden(code, key, "drawing", drawings[0])
    store.add_drawing(sam, INK, 1)


def test_rejoining_under_the_same_nickname_keeps_the_count(engine, monkeypatch):  # noqa: F811
    monkeypatch.setattr(fields, "RUNS_PER_MEMBER", 2)
    store = ClassStore(engine)
    code, _ = store.create_class()
    sam = store.join(code, "Sam")
    store.share_run(sam, RUN)
    store.share_run(sam, RUN)
    for again in ("Sam", " sam ", "SAM", "ＳＡＭ"):  # a new tab, a new membership, one student
        with pytest.raises(ClassError, match="remove one first"):
            store.share_run(store.join(code, again), RUN)
    store.share_run(store.join(code, "Sammy"), RUN)  # another nickname is another student


def test_the_teacher_deletes_any_entry_for_good(engine):  # noqa: F811
    from nn_core.model import MLP

    store = ClassStore(engine)
    code, key = store.create_class()
    sam = store.join(code, "Sam")
    run_id = store.share_run(sam, entry_from_run(make_run(model=MLP((784, 8, 10), seed=0))))
    drawing_id = store.add_drawing(sam, INK, 3)
    store.set_hidden(code, key, "drawing", drawing_id)
    with pytest.raises(Forbidden):
        store.delete_entry(code, sam.token, "run", run_id)  # a student's token is no key
    store.delete_entry(code, key, "run", run_id)
    store.delete_entry(code, key, "drawing", drawing_id)  # hidden ones too
    board = store.board(code, include_hidden=True)
    assert board.runs == () and board.drawings == ()
    assert store.model_bytes(code, run_id) is None and _count(engine, schema.models) == 0
    with pytest.raises(NotFound):
        store.delete_entry(code, key, "run", run_id)
    other, other_key = store.create_class()
    theirs = store.share_run(store.join(other, "Kim"), RUN)
    with pytest.raises(NotFound):
        store.delete_entry(code, key, "run", theirs)  # another class's entry: not this key's


def test_the_teacher_removes_a_student_with_everything_they_shared(engine):  # noqa: F811
    store = ClassStore(engine)
    code, key = store.create_class()
    store.set_question(code, key, "Adam or SGD?", ["Adam", "SGD"])
    sam, sam_again, ana = store.join(code, "Sam"), store.join(code, "sam"), store.join(code, "Ana")
    store.share_run(sam, RUN)
    store.add_drawing(sam_again, INK, 5)
    store.answer(sam, 1)
    store.share_run(ana, RUN)
    assert store.roster(code, key) == ["Sam", "Ana"]  # one line per student, no teacher
    with pytest.raises(Forbidden):
        store.remove_member(code, sam.token, "Sam")
    assert store.remove_member(code, key, "Sam") == 2
    board = store.board(code, include_hidden=True)
    assert [r.nickname for r in board.runs] == ["Ana"] and board.drawings == ()
    assert board.tally == (0, 0) and store.roster(code, key) == ["Ana"]
    for gone in (sam, sam_again):
        with pytest.raises(Removed, match="removed you"):
            store.share_run(gone, RUN)
    with pytest.raises(Removed, match="removed that nickname"):
        store.join(code, "SAM")
    with pytest.raises(Forbidden, match="cannot be removed"):
        store.remove_member(code, key, "Teacher")
    with pytest.raises(NotFound):
        store.remove_member(code, key, "Nobody")
    with engine.begin() as conn:  # a student named before "Teacher" was kept back
        store._add_member(conn, code, "teacher1")
    assert store.roster(code, key) == ["Ana", "teacher1"]
    store.remove_member(code, key, "teacher1")


def test_a_removed_tab_cannot_come_back_under_another_name(engine):  # noqa: F811
    store = ClassStore(engine)
    code, key = store.create_class()
    clock = Clock()
    tables = ClientTables(clock)
    tab = ClassSession(tries=clients.tab_tries(clock), starts=clients.tab_starts(clock))
    client = tables.client(tab, "203.0.113.9")
    assert join(tab, store, code, "Sam", client)
    tab.membership = None  # the student left, before the teacher acted
    store.remove_member(code, key, "Sam")
    assert not join(tab, store, code, "Samuel", client)
    assert tab.message == ("error", REMOVED_MESSAGE) and tab.membership is None
    assert code in tab.removed
    other = ClassSession()
    assert join(other, store, code, "Samuel", tables.client(other, "198.51.100.7"))


def test_expired_classes_are_purged_hourly_by_any_access(engine):  # noqa: F811
    clock = Clock()
    one = ClassStore(engine, clock=clock, days=1)
    two = ClassStore(engine, clock=clock, days=1)  # another replica on the same database
    old, _ = one.create_class()
    one.share_run(one.join(old, "Sam"), RUN)
    clock.now += 86400 + 1
    live, _ = two.create_class()  # the last purge is a day old: this purges
    assert _count(engine, schema.classes, old) == 0 and _count(engine, schema.runs) == 0
    short = ClassStore(engine, clock=clock, days=60 / 86400)  # a class of one minute
    brief, _ = short.create_class()
    clock.now += 120
    for store in (one, two, short):
        store.board(live)
        store.join(live, "Ana")
    assert _count(engine, schema.classes, brief) == 1  # expired, but the hour is not up
    clock.now += PURGE_EVERY
    assert one.purge_if_due() == 1  # reading the board would have done the same
    assert _count(engine, schema.classes, brief) == 0
    assert two.purge_if_due() is None  # the other replica sees it was done
    assert _count(engine, schema.classes, live) == 1


def test_teacher_and_its_look_alikes_are_reserved(engine):  # noqa: F811
    store = ClassStore(engine)
    code, key = store.create_class()
    for name in (
        "Teacher", "teacher", "TEACHER", " T e a c h e r ", "T3acher", "7eacher", "Te@cher",
        "teacher1", "Mr Teacher", "Téacher", "Tеаcher", "ΤΕΑCΗΕR", "ＴＥＡＣＨＥＲ", "the-teacher!",
    ):  # fmt: skip
        with pytest.raises(InvalidField, match="kept for the teacher"):
            store.join(code, name)
    for name in ("Sam", "Heather", "Peach", "Tea", "Cheater", "Ms T"):
        assert store.join(code, name).nickname == name
    assert store.join_teacher(code, key).nickname == "Teacher"  # the teacher's own tabs
