"""Page runs take turns (server/turns.py): at most N at once, and a waiting run steps aside."""

from __future__ import annotations

import threading

from server.turns import page_turn, step_aside


def _run_in_thread(target) -> threading.Thread:
    t = threading.Thread(target=target, daemon=True)
    t.start()
    return t


def test_a_third_run_waits_until_one_of_two_is_over():
    turns = threading.BoundedSemaphore(2)
    inside, release, third_in = threading.Barrier(3), threading.Event(), threading.Event()

    def holder():
        with page_turn(turns):
            inside.wait(timeout=10)
            release.wait(timeout=10)

    def third():
        with page_turn(turns):
            third_in.set()

    holders = [_run_in_thread(holder) for _ in range(2)]
    inside.wait(timeout=10)  # both holders are in their turn
    late = _run_in_thread(third)
    assert not turns.acquire(blocking=False), "a third turn was free while two were held"
    assert not third_in.is_set()
    release.set()
    assert third_in.wait(timeout=10), "the third run never got its turn"
    for t in [*holders, late]:
        t.join(timeout=10)
    assert turns.acquire(blocking=False) and turns.acquire(blocking=False)  # all given back


def test_stepping_aside_lets_another_run_in_and_takes_a_turn_again():
    turns = threading.BoundedSemaphore(1)
    aside, other_done, back = threading.Event(), threading.Event(), threading.Event()

    def waiting_on_something_slow():
        with page_turn(turns):
            with step_aside():
                aside.set()
                other_done.wait(timeout=10)
            back.set()
            assert not turns.acquire(blocking=False)  # it holds the one turn again

    def other():
        aside.wait(timeout=10)
        with page_turn(turns):
            pass
        other_done.set()

    threads = [_run_in_thread(waiting_on_something_slow), _run_in_thread(other)]
    assert back.wait(timeout=10), "the run that stepped aside never came back"
    for t in threads:
        t.join(timeout=10)
    assert turns.acquire(blocking=False)  # the turn was given back at the end


def test_stepping_aside_outside_a_page_run_does_nothing():
    with step_aside():
        pass


def test_an_exception_gives_the_turn_back():
    turns = threading.BoundedSemaphore(1)
    try:
        with page_turn(turns):
            raise RuntimeError("a rerun stops the script")
    except RuntimeError:
        pass
    assert turns.acquire(blocking=False)
