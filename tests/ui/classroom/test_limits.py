"""Limits per client, never per server: a guesser waits longer and longer while every
other student joins at once; reclaim says nothing about which codes exist; starting
classes is limited per tab and per address; the address comes from the right header."""

from __future__ import annotations

import pytest

from tests.support.classroom import Clock, engine, pg_admin_url  # noqa: F401
from ui.classroom import clients, codes
from ui.classroom.clients import Client, ClientTable, ClientTables, client_address
from ui.classroom.membership import NO_MATCH, ClassSession, join, reclaim, start_class
from ui.classroom.store import ClassStore

EVE, ANA = "203.0.113.9", "198.51.100.7"  # two addresses (documentation ranges)


def _tab(clock) -> ClassSession:
    return ClassSession(tries=clients.tab_tries(clock), starts=clients.tab_starts(clock))


@pytest.fixture
def lesson(engine):  # noqa: F811
    store = ClassStore(engine)
    code, key = store.create_class()
    return store, code, key


def test_a_guesser_waits_longer_each_time_while_another_student_joins(lesson):
    store, code, _ = lesson
    clock = Clock()
    tables = ClientTables(clock)
    eve = _tab(clock)
    guesser = tables.client(eve, EVE)
    for _ in range(clients.TAB_FREE_TRIES):  # the first wrong tries cost nothing
        assert not join(eve, store, codes.new_code(), "Eve", guesser)
        assert "no class with that code" in eve.message[1]
        assert guesser.wait_to_try() == 0
    waits = []
    for _ in range(5):
        assert not join(eve, store, codes.new_code(), "Eve", guesser)
        waits.append(guesser.wait_to_try())
        assert not join(eve, store, code, "Eve", guesser)  # even the right code must wait
        assert "Too many wrong tries: wait" in eve.message[1]
        ana = _tab(clock)  # meanwhile, a student elsewhere joins at once
        assert join(ana, store, code, "Ana", tables.client(ana, ANA)), ana.message
        clock.now += waits[-1]
    assert waits == [2, 4, 8, 16, 32]  # a growing delay, not a lockout
    assert join(eve, store, code, "Eve", guesser)  # after the wait, the right code works


def test_fresh_tabs_share_their_address_budget_and_no_one_else_is_touched(lesson):
    store, code, _ = lesson
    clock = Clock()
    tables = ClientTables(clock)
    for _ in range(clients.ADDRESS_FREE_TRIES):  # a new tab for every wrong code
        tab = _tab(clock)
        assert not join(tab, store, codes.new_code(), "Eve", tables.client(tab, EVE))
    fresh = _tab(clock)
    assert not join(fresh, store, codes.new_code(), "Eve", tables.client(fresh, EVE))
    blocked = _tab(clock)
    assert not join(blocked, store, code, "Eve", tables.client(blocked, EVE))
    assert "Too many wrong tries" in blocked.message[1]
    other = _tab(clock)
    assert join(other, store, code, "Ana", tables.client(other, ANA))
    local = _tab(clock)  # at the server itself (no address): only its own tab counts
    assert join(local, store, code, "Kim", tables.client(local, None))
    clock.now += clients.ADDRESS_MAX_WAIT
    assert join(blocked, store, code, "Eve", tables.client(blocked, EVE))


def test_the_wait_is_capped_and_mistakes_are_forgiven():
    clock = Clock()
    tries = codes.Backoff(free=2, cap=60, leak=100, clock=clock)
    for _ in range(20):
        tries.fail()
    assert tries.wait_seconds() == 60
    clock.now += 60
    assert tries.wait_seconds() == 0 and not tries.idle()
    clock.now += 20 * 100
    assert tries.idle()
    tries.fail()
    assert tries.wait_seconds() == 0  # the count leaked away: a fresh start


def test_a_year_of_guessing_from_one_address_finds_almost_nothing():
    """A guesser with a fresh tab for every try, trying the moment it is allowed."""
    clock = Clock()
    tables = ClientTables(clock)
    start, tries = clock.now, 0
    while clock.now < start + 86400:
        guesser = tables.client(_tab(clock), EVE)
        clock.now += guesser.wait_to_try()
        guesser.wrong_try()
        tries += 1
    per_year = tries * 365
    assert tries <= 86400 / clients.ADDRESS_MAX_WAIT + clients.ADDRESS_FREE_TRIES + 10
    assert codes.guess_probability(per_year, live_classes=1000) < 1e-2
    assert codes.guess_probability(tries * 7, live_classes=1000) < 1e-4


def test_reclaim_answers_the_same_for_no_class_and_a_wrong_key_and_counts(lesson):
    store, code, key = lesson
    clock = Clock()
    tab = _tab(clock)
    client = ClientTables(clock).client(tab, EVE)
    answers = set()
    for typed_code, typed_key in [(codes.new_code(), key), (code, codes.new_key())] * 2:
        assert not reclaim(tab, store, typed_code, typed_key, client)
        answers.add(tab.message[1])
    assert answers == {NO_MATCH}
    for _ in range(clients.TAB_FREE_TRIES - 3):  # one past the free tries
        reclaim(tab, store, code, codes.new_key(), client)
    assert not reclaim(tab, store, code, key, client)  # the same limit as wrong codes
    assert not join(tab, store, code, "Eve", client)
    assert "Too many wrong tries" in tab.message[1]
    clock.now += client.wait_to_try()
    assert reclaim(tab, store, codes.show_code(code), codes.show_key(key), client)
    assert tab.membership.is_teacher and tab.membership.nickname == "Teacher"


def test_starting_classes_is_limited_per_tab_and_per_address(lesson):
    store, *_ = lesson
    clock = Clock()
    tables = ClientTables(clock)
    tab = _tab(clock)
    for _ in range(clients.STARTS_PER_TAB):
        assert start_class(tab, store, tables.client(tab, EVE))
    assert start_class(tab, store, tables.client(tab, EVE)) is None
    assert "start another in 60 min" in tab.message[1]
    started = clients.STARTS_PER_TAB
    while started < clients.STARTS_PER_ADDRESS:  # fresh tabs at the same address
        fresh = _tab(clock)
        assert start_class(fresh, store, tables.client(fresh, EVE))
        started += 1
    fresh = _tab(clock)
    assert start_class(fresh, store, tables.client(fresh, EVE)) is None
    elsewhere = _tab(clock)
    assert start_class(elsewhere, store, tables.client(elsewhere, ANA))
    clock.now += clients.START_WINDOW
    assert start_class(tab, store, tables.client(tab, EVE))


@pytest.mark.parametrize(
    ("peer", "forwarded", "hops", "seen"),
    [
        ("203.0.113.9", [], 0, "203.0.113.9"),
        ("203.0.113.9", ["1.2.3.4"], 0, "203.0.113.9"),  # no proxy: the header is a lie
        ("10.0.0.2", ["1.2.3.4, 203.0.113.9"], 1, "203.0.113.9"),  # the proxy's entry
        ("10.0.0.2", ["1.2.3.4, 203.0.113.9, 10.0.0.3"], 2, "203.0.113.9"),
        ("10.0.0.2", ["1.2.3.4", "203.0.113.9"], 1, "203.0.113.9"),  # repeated headers
        (None, ["1.2.3.4, 203.0.113.9"], 0, "203.0.113.9"),  # a proxy on this machine
        (None, [], 0, None),  # the server's own console, or a test
        ("::ffff:127.0.0.1", [], 0, None),  # how Streamlit 1.67 reports localhost
        ("127.0.0.1", ["203.0.113.9"], 0, "203.0.113.9"),
        ("::1", ["1.2.3.4, 2001:db8::5"], 0, "2001:db8::/64"),
        ("10.0.0.2", ["not an address"], 1, "10.0.0.2"),
        ("2001:db8:1:2:aaaa::1", [], 0, "2001:db8:1:2::/64"),  # one household's block
        ("2001:db8:1:2:bbbb::9", [], 0, "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.9", [], 0, "203.0.113.9"),
    ],
)
def test_the_address_a_client_is_counted_under(peer, forwarded, hops, seen):
    assert client_address(peer, forwarded, hops) == seen


def test_proxy_hops_come_from_the_environment():
    assert clients.proxy_hops({}) == 0
    assert clients.proxy_hops({"NN_PROXY_HOPS": "2"}) == 2
    assert clients.proxy_hops({"NN_PROXY_HOPS": "many"}) == 0


def test_the_address_tables_stay_small():
    clock = Clock()
    table = ClientTable(lambda: codes.Backoff(1, 10, 1, clock), clock, size=3)
    for i in range(5):
        table.get(f"10.0.0.{i}").fail()
    assert list(table.entries) == ["10.0.0.2", "10.0.0.3", "10.0.0.4"]  # the oldest went
    clock.now += ClientTable.GRACE + 10
    table.get("10.0.0.9")
    assert list(table.entries) == ["10.0.0.9"]  # run-down counters are forgotten
    table.get("10.0.0.8").fail()
    table.get("10.0.0.7")
    assert "10.0.0.8" in table.entries  # a counter that still counts is kept


def test_a_client_needs_every_budget_to_start():
    clock = Clock()
    roomy, full = codes.RateLimiter(5, 60, clock), codes.RateLimiter(1, 60, clock)
    full.allow()
    client = Client("x", (), (roomy, full))
    assert not client.start() and roomy.wait_seconds() == 0 and len(roomy.events) == 0
