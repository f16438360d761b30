"""The one vocabulary for where a training run stands, from the engine to the class board.

A run is *ready* before its first step and *running* while it takes steps. In the app a
run may also wait for a place on the server (*queued*) or be held by its owner
(*paused*). It ends in exactly one of three ways: it *finished* (its epochs, its time or
its target accuracy was reached), it was *stopped* by someone, or it *diverged* (the loss
became NaN or infinite: the learning rate was too high). Every layer names these states
with this enum and asks ``status.is_over`` rather than comparing strings, so a new state
is added here once.

The members are strings (``RunStatus.RUNNING == "running"``), so they go into JSON, SQL
and CSV as plain words and a stored word reads back with ``RunStatus(word)``.
"""

from __future__ import annotations

from enum import Enum


class RunStatus(str, Enum):
    READY = "ready"
    QUEUED = "queued"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"
    STOPPED = "stopped"
    DIVERGED = "diverged"

    __str__ = str.__str__  # "running", not "RunStatus.RUNNING", in f-strings and labels
    __format__ = str.__format__

    @property
    def is_over(self) -> bool:
        """Finished, stopped or diverged: nothing will change this run any more."""
        return self in TERMINAL

    @property
    def is_live(self) -> bool:
        """Not over yet: ready, queued, running or paused."""
        return self not in TERMINAL


TERMINAL = frozenset({RunStatus.FINISHED, RunStatus.STOPPED, RunStatus.DIVERGED})
"""The three ways a run ends."""
