"""One run as the server sees it: what a worker needs to start it, and where it stands.

A run crosses a process line. ``JobSpec`` is what travels to the worker (plain data, so
it can be pickled); ``Job`` is what stays behind in the server: where the run is in the
pool, and the news the page has not read yet. The scheduler (``server.scheduler``) moves
a job between the run statuses it can have on the server, ``RunStatus.QUEUED`` (waiting
for a place), ``RUNNING`` (holding one) and ``PAUSED`` (holding none), and finally to
``GONE``. A run paused for long is *set aside*: its worker hands back a ``bookmark``
(weights and position) and forgets it, and the job keeps the bookmark until it resumes.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Literal

import numpy as np

from nn_core.status import RunStatus
from server.shared_data import SharedData

GONE = "gone"
"""Not a run status: the job has left the server (its run ended, failed, was cancelled
or dropped). How the run ended is not said here but in the job's last news, which the
visitor's workspace copies into the run's record (finished, stopped or diverged)."""


@dataclass(frozen=True)
class JobSpec:
    """Everything a worker needs to start a run; plain data, so it crosses process lines."""

    job_id: str
    model_config: dict  # ModelConfig.to_dict()
    train_config: dict  # TrainConfig.to_dict(), already cut to the server's limits
    data: SharedData
    standardize: bool = False  # measure x_mean / x_std on the training images first
    weights: tuple | None = None  # start from these (an uploaded model) instead of new ones
    val_index: np.ndarray | None = None  # test images for the live held-out curve
    speed: float | None = None  # steps per second (slow motion); None: full speed
    health_every: int = 50  # steps between gradient-health records
    snapshot_seconds: float = 1.0  # how often the live weights travel back
    resume: dict | None = None  # a set-aside run's bookmark (WorkerJob.bookmark): carry on


@dataclass(frozen=True)
class QueueSpot:
    """Where a waiting run stands, in the numbers its owner is told (``ui.train.status``)."""

    ahead: int  # runs queued before this one
    training: int  # runs training now: each holds one of the places
    places: int  # runs that may train at once (NN_MAX_ACTIVE_RUNS)
    own_run_training: bool = False  # the owner's other run trains: this one waits for it


class Job:
    """The server's view of one run: where it is, and the news the page has not read yet."""

    def __init__(self, spec: JobSpec, owner: str | None = None):
        self.id, self.spec = spec.job_id, spec
        self.owner = owner or spec.job_id  # the visitor (one tab) the run belongs to
        # QUEUED <-> RUNNING <-> PAUSED -> QUEUED (resumed), any of them -> GONE
        self.state: RunStatus | Literal["gone"] = RunStatus.QUEUED
        self.worker: int | None = None  # the worker holding its model, None when it has none
        self.bookmark: dict | None = None  # a set-aside run's weights and position
        self.idle_since: float | None = None  # when it last stopped training (scheduler clock)
        self.settled = threading.Event()  # cleared while its worker is handing it back
        self.settled.set()
        self.inbox: deque[tuple] = deque()  # ("started" | "progress" | "done" | "error", data)
        self.latest: dict = {}  # newest "weights" and "health", replaced, never queued
        self.pause_reason: str | None = None  # "idle" | "disconnected" when not the owner's
        self.last_poll = time.monotonic()
        self.ended = threading.Event()  # set with its last news: done, error or cancelled

    @property
    def live(self) -> bool:
        """Still on the server: queued, running or paused."""
        return self.state != GONE

    @property
    def set_aside(self) -> bool:
        """Its worker gave back its model and optimiser: it carries on from its bookmark."""
        return self.bookmark is not None


def new_job_id() -> str:
    """An unguessable run id: one visitor can never address another visitor's run."""
    return secrets.token_hex(8)
