"""A student's place survives new sessions, on both backends: the member token kept by
the browser brings back the same member (nickname, runs, prediction); a forged,
given-up, removed or expired one is refused with one calm sentence; "Leave the class"
gives the token up for good; the teacher's place never comes back through a token."""

from __future__ import annotations

import pytest

from tests.support.classroom import Clock, engine, pg_admin_url  # noqa: F401
from tests.support.runs import make_run
from ui.classroom import clients, codes, remember
from ui.classroom.clients import ClientTables
from ui.classroom.membership import ClassSession, come_back, join, leave, start_class
from ui.classroom.places import GONE
from ui.classroom.sharing import entry_from_run
from ui.classroom.store import ClassStore, NotFound

ADDRESS = "198.51.100.7"


def _tab(clock) -> ClassSession:
    return ClassSession(tries=clients.tab_tries(clock), starts=clients.tab_starts(clock))


@pytest.fixture
def lesson(engine):  # noqa: F811
    clock = Clock()
    store = ClassStore(engine, clock=clock)
    code, key = store.create_class()
    store.set_question(code, key, "Which learning rate ends lowest?", ["0.01", "0.1", "1"])
    return store, code, key, clock


def _joined(store, code, clock, nickname="Sam") -> tuple[ClassSession, str]:
    """A tab that joined; returns it and the cookie its browser would keep."""
    tab = _tab(clock)
    assert join(tab, store, code, nickname, ClientTables(clock).client(tab, ADDRESS))
    m = tab.membership
    return tab, remember.cookie_value(m.code, m.member.token)


def test_a_new_session_with_the_kept_place_is_the_same_student(lesson):
    store, code, _, clock = lesson
    first, kept = _joined(store, code, clock)
    sam = first.membership.member
    run_id = store.share_run(sam, entry_from_run(make_run(1, lr=0.1)))
    store.answer(sam, 1)

    again = _tab(clock)  # a reload: a new session that knows nothing
    assert come_back(again, store, kept, ClientTables(clock).client(again, ADDRESS))
    back = again.membership.member
    assert (back.id, back.nickname, back.code) == (sam.id, "Sam", code)
    assert store.my_answer(back) == 1  # the prediction is still theirs
    assert [r.member_id for r in store.board(code).runs] == [back.id]  # and the run
    store.remove(back, "run", run_id)  # their own entry, theirs to remove
    assert store.board(code).members == 1  # no second place on the board
    assert not again.message  # nothing to say: the sidebar shows who they are


def test_the_kept_place_is_looked_at_once_per_session(lesson):
    store, code, _, clock = lesson
    _, kept = _joined(store, code, clock)
    tab = _tab(clock)
    client = ClientTables(clock).client(tab, ADDRESS)
    assert come_back(tab, store, kept, client)
    leave(tab, store)
    assert not come_back(tab, store, kept, client)  # the cookie read at connect is stale now
    assert tab.membership is None and tab.forget_place


@pytest.mark.parametrize(
    "forged",
    [
        "not a place",
        "ABCD2345.",
        "abcd2345." + "x" * 32,
        "ABCD-2345." + "x" * 32,
        "." + codes.new_token(),
        "ABCD2345." + "x" * 200,
        "ABCD2345.<script>alert(1)</script>xxxxxx",
    ],
)
def test_a_cookie_that_is_not_a_place_is_forgotten_quietly(lesson, forged):
    store, _, _, clock = lesson
    tab = _tab(clock)
    assert not come_back(tab, store, forged, ClientTables(clock).client(tab, ADDRESS))
    assert tab.membership is None and tab.forget_place and tab.message is None


def test_a_made_up_token_for_a_real_class_is_refused_calmly_and_counted(lesson):
    store, code, _, clock = lesson
    _joined(store, code, clock)
    tab = _tab(clock)
    client = ClientTables(clock).client(tab, ADDRESS)
    forged = remember.cookie_value(code, codes.new_token())
    assert not come_back(tab, store, forged, client)
    assert tab.membership is None and tab.forget_place
    assert tab.message == ("info", f"{GONE} Join again if your class is still on.")
    assert tab.tries.level == 1  # a wrong try, like a wrong code


def test_the_answer_is_the_same_for_every_reason_a_place_is_gone(lesson):
    """Given up, removed by the teacher, class expired, made up: one sentence, so a forger
    cannot tell a live class from a dead one."""
    store, code, key, clock = lesson
    gone = []
    tab, kept = _joined(store, code, clock, "Left")
    leave(tab, store)
    gone.append(kept)
    _, kept = _joined(store, code, clock, "Removed")
    store.remove_member(code, key, "Removed")
    gone.append(kept)
    gone.append(remember.cookie_value(code, codes.new_token()))
    gone.append(remember.cookie_value(codes.new_code(), codes.new_token()))
    _, kept = _joined(store, code, clock, "Late")
    clock.now += store.days * 86400 + 1  # the class has ended
    gone.append(kept)
    answers = set()
    for cookie in gone:
        place = remember.parse(cookie)
        with pytest.raises(NotFound) as refused:
            store.rejoin(*place)
        answers.add(str(refused.value))
    assert answers == {GONE}


def test_leaving_gives_the_token_up_and_keeps_the_entries(lesson):
    store, code, _, clock = lesson
    tab, kept = _joined(store, code, clock)
    sam = tab.membership.member
    store.share_run(sam, entry_from_run(make_run(1)))
    leave(tab, store)
    assert tab.membership is None and tab.forget_place
    with pytest.raises(NotFound):
        store.rejoin(*remember.parse(kept))
    with pytest.raises(NotFound):
        store.rejoin(code, sam.token)
    assert [r.nickname for r in store.board(code).runs] == ["Sam"]  # still on the board
    again, _ = _joined(store, code, clock, "sam")  # the same student, with a new token
    assert again.membership.member.token != sam.token


def test_the_teachers_place_never_comes_back_through_a_token(lesson):
    store, _, _, clock = lesson
    tab = _tab(clock)
    code = start_class(tab, store, ClientTables(clock).client(tab, ADDRESS))
    assert tab.forget_place  # a student's place kept in this browser is forgotten
    teacher = tab.membership.member
    with pytest.raises(NotFound):
        store.rejoin(code, teacher.token)


def test_a_client_waiting_after_wrong_tries_does_not_look_until_later(lesson):
    store, code, _, clock = lesson
    _, kept = _joined(store, code, clock)
    tab = _tab(clock)
    client = ClientTables(clock).client(tab, ADDRESS)
    for _ in range(clients.TAB_FREE_TRIES + 1):
        client.wrong_try()
    assert client.wait_to_try() > 0
    assert not come_back(tab, store, kept, client)
    assert tab.membership is None and not tab.forget_place  # kept for a later visit
