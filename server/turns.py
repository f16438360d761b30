"""Page runs take turns, a few at a time, so a pen stroke never waits behind thirty.

Every visitor's page run is a thread of the one server process, and Python runs one
thread at a time. When thirty students open Draw in the same second, thirty runs share
the interpreter evenly: each takes thirty times as long, and a stroke's prediction (a
fragment rerun of about 40 ms) is shared out with all of them too, so it comes back
after a second instead of a tenth.

Letting only ``LIMITS.page_runs`` whole page runs go at once (the others wait here,
costing nothing) serves the wave first come, first served: the first pages are ready
sooner, the last no later, since the work is the same. Fragment reruns (a stroke on
Draw, the live curves on Train, the board's refresh) never pass through here, so
between turns they find an interpreter shared with two runs rather than thirty.

A run that has to wait for something slow (a download, the last news of a training
run) steps aside (:func:`step_aside`) so that it does not hold up everyone's turn.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from server.limits import LIMITS

_turns = threading.BoundedSemaphore(LIMITS.page_runs)
_held = threading.local()  # .turns: the semaphore this thread holds a turn of, if any


@contextlib.contextmanager
def page_turn(turns: threading.Semaphore = _turns) -> Iterator[None]:
    """Hold one of the server's turns for the body of a page run."""
    with turns:
        _held.turns = turns
        try:
            yield
        finally:
            _held.turns = None


@contextlib.contextmanager
def step_aside() -> Iterator[None]:
    """Give this thread's turn back while it waits on something slow, then queue again.

    Outside a page run (a fragment, a test) there is no turn to give back: it does nothing.
    """
    turns = getattr(_held, "turns", None)
    if turns is None:
        yield
        return
    turns.release()
    _held.turns = None
    try:
        yield
    finally:
        turns.acquire()
        _held.turns = turns
