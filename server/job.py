"""One run as the server sees it: what a worker needs to start it, and where it stands.

A run crosses a process line. ``JobSpec`` is what travels to the worker (plain data, so
it can be pickled); ``Job`` is what stays behind in the server: where the run is in the
pool, and the news the page has not read yet. The scheduler (``server.scheduler``) moves
a job between the run statuses it can have on the server, ``RunStatus.QUEUED``,
``RUNNING`` and ``PAUSED``, and finally to ``GONE``.
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

ON_WORKER = (RunStatus.RUNNING, RunStatus.PAUSED)  # the job holds a place in a worker


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


class Job:
    """The server's view of one run: where it is, and the news the page has not read yet."""

    def __init__(self, spec: JobSpec):
        self.id, self.spec = spec.job_id, spec
        # QUEUED -> RUNNING <-> PAUSED -> GONE
        self.state: RunStatus | Literal["gone"] = RunStatus.QUEUED
        self.wanted = RunStatus.RUNNING  # what the owner asked for while the run was queued
        self.worker: int | None = None
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
    def on_worker(self) -> bool:
        """Running or paused: a worker holds the run's model and a place in the pool."""
        return self.state in ON_WORKER


def new_job_id() -> str:
    """An unguessable run id: one visitor can never address another visitor's run."""
    return secrets.token_hex(8)
