"""The server-wide training scheduler: a few worker processes that train every visitor's runs.

One scheduler serves the server (``ui.shared`` keeps it): a pool of worker processes
(``server.processes``), one per place by default, and a queue. At most ``max_active`` runs
train at once, one per visitor (``owner``); a paused run holds no place.

The page never waits for training: it reads a run's news from ``Job.inbox`` and
``Job.latest`` (the newest weights, about once a second), which a background thread fills
from the workers' messages. Commands that must be exact (pause, step, stop, a new rate)
wait for the worker's reply, so the step count the page shows afterwards is the final one.

Housekeeping, once a second: a run whose page has not asked for news for ``idle_pause``
seconds is paused (a closed tab stops costing CPU); a run that has not trained for
``paused_release`` seconds is *set aside*: its worker hands back its weights and position
(``Trainer.bookmark``) and frees the rest, the optimiser's running averages included,
which resuming builds up again from zero; a dead worker is replaced and its runs failed.
"""

from __future__ import annotations

import dataclasses
import itertools
import multiprocessing as mp
import os
import queue
import threading
import time
from collections import deque

from nn_core.status import RunStatus
from server.job import GONE, Job, JobSpec, QueueSpot
from server.processes import WorkerProcesses


class Scheduler:
    """A pool of ``workers`` training processes shared by every session of the server."""

    def __init__(
        self,
        workers: int | None = None,
        max_active: int | None = None,
        idle_pause: float = 60.0,
        cores: int | None = None,
        paused_release: float = 600.0,
        clock=time.monotonic,
    ):
        self.cores = cores or os.cpu_count() or 1
        self.max_active = max(1, max_active or 2 * self.cores)
        self.n_workers = max(
            1, workers or self.max_active
        )  # one per place: server.processes says why
        self.idle_pause, self.paused_release = idle_pause, paused_release
        self.clock = clock  # seconds; the tests move a hand-held one
        self._ctx = mp.get_context("spawn")  # a fresh interpreter: no copied server threads
        self._results = self._ctx.Queue()
        self._lock = threading.RLock()
        self._jobs: dict[str, Job] = {}
        self._waiting: deque[Job] = deque()
        self._replies: dict[int, list] = {}  # request id -> [Event, payload]
        self._requests = itertools.count(1)
        self._workers = WorkerProcesses(self._ctx, self._results, self.n_workers, self.cores)
        self._collector = threading.Thread(target=self._collect, name="nn-scheduler", daemon=True)
        self._collector.start()

    # --- what sessions call ------------------------------------------------------------
    # Every command takes a job that may have ended a moment ago (or None): it then does
    # nothing and returns None, calmly, whatever the page believed.

    def submit(self, spec: JobSpec, running: bool = True, owner: str | None = None) -> Job:
        """Queue a run for ``owner`` (one visitor); it starts at once if a place is free.

        Not ``running``: it is born paused, holding no place (Step trains it a batch)."""
        job = Job(spec, owner)
        with self._lock:
            job.last_poll = job.idle_since = self.clock()
            self._jobs[job.id] = job
            job.state = RunStatus.PAUSED
            if running:
                self._enqueue(job)
        return job

    def run(self, job: Job) -> None:
        """Start or resume a run: it joins the queue and trains once a place is free."""
        with self._lock:
            if self._known(job) and job.state == RunStatus.PAUSED:
                self._enqueue(job)

    def pause(self, job: Job, reason: str | None = None) -> None:
        """Hold a run and give its place to the next in line; returns once the worker has
        stopped it. A queued run simply leaves the queue."""
        with self._lock:
            if not self._known(job) or job.state == RunStatus.PAUSED:
                return
            job.pause_reason = reason  # first: whoever sees "paused" (no lock) finds its reason
            was_running = job.state == RunStatus.RUNNING
            self._hold(job)
        if was_running:
            self._ask(job, "pause")

    def step(self, job: Job) -> None:
        """Exactly one mini-batch, then paused; returns once it is done and reported.
        One batch needs no place: a set-aside run goes back to a worker for it."""
        with self._lock:
            if not self._known(job):
                return
            if job.state != RunStatus.PAUSED:
                self._hold(job)
        self._ask(job, "step")

    def stop(self, job: Job, message: str) -> None:
        """End a run now: the worker scores it and sends the final weights before replying."""
        with self._lock:
            if not self._known(job):
                return
            if job.state == RunStatus.QUEUED and job.worker is None and not job.set_aside:
                self._waiting.remove(job)  # it never trained: nothing to score
                self._forget(job)
                job.inbox.append(("cancelled", {"message": message.format(steps=0)}))
                job.ended.set()
                return
            if job.state == RunStatus.QUEUED:
                self._hold(job)
        self._ask(job, "stop", message)

    def set_lr(self, job: Job, lr: float) -> dict | None:
        """A new base learning rate from the next step on; the reply says which step
        (None: the run is queued, or has ended)."""
        with self._lock:
            if not self._known(job) or job.state == RunStatus.QUEUED:
                return None
        return self._ask(job, "lr", float(lr))

    def set_speed(self, job: Job, speed: float | None) -> None:
        with self._lock:
            if self._known(job):
                job.spec = dataclasses.replace(job.spec, speed=speed)  # kept if set aside
                if job.worker is not None:
                    self._workers.send(job.worker, ("speed", job.id, speed))

    def drop(self, job: Job) -> None:
        """Forget a run entirely (its session has gone): frees its place and its memory."""
        with self._lock:
            if job is None or self._jobs.get(job.id) is not job:
                return
            if job in self._waiting:
                self._waiting.remove(job)
            if job.worker is not None:
                self._workers.send(job.worker, ("drop", job.id))
            self._forget(job)
            job.inbox.clear()
            job.latest = {}
            self._promote()

    def touch(self, job: Job) -> None:
        """The owner's page is looking: keep the run from being paused as idle."""
        if job is not None:
            job.last_poll = self.clock()

    def queue_spot(self, job: Job) -> QueueSpot | None:
        """Where a waiting run stands (None when it is not waiting): the runs queued
        before it, and the runs training now, which alone hold places."""
        with self._lock:
            if job is None or job not in self._waiting:
                return None
            training = [j for j in self._jobs.values() if j.state == RunStatus.RUNNING]
            own = any(j.owner == job.owner for j in training)
            return QueueSpot(list(self._waiting).index(job), len(training), self.max_active, own)

    def load(self) -> dict[str, int]:
        """How busy the server is: running, paused and queued runs, and workers."""
        with self._lock:
            states = [j.state for j in self._jobs.values()]
        busy = (RunStatus.RUNNING, RunStatus.PAUSED, RunStatus.QUEUED)  # plain words in JSON
        return {s: states.count(s) for s in busy} | {"workers": self.n_workers}

    def close(self) -> None:
        """Stop every worker (tests and server shutdown)."""
        with self._lock:
            self._workers.close()

    # --- inside (under the lock: a pipe carries one message at a time) ------------------

    def _ask(self, job: Job, kind: str, *args, timeout: float = 30.0) -> dict | None:
        """Send a command that the worker answers, and wait for the answer (None if the run
        has gone meanwhile). A set-aside run is first given back to a worker."""
        req = next(self._requests)
        box = [threading.Event(), None]
        while True:
            if not job.settled.wait(timeout):  # its worker is handing it back: let it land
                return None
            with self._lock:
                if not job.settled.is_set():
                    continue
                if not self._known(job):
                    return None
                if job.worker is None:
                    self._place(job)
                if job.state != RunStatus.RUNNING:
                    job.idle_since = self.clock()  # used just now: not idle
                self._replies[req] = box
                self._workers.send(job.worker, (kind, job.id, *args, req))
                break
        box[0].wait(timeout)
        with self._lock:
            self._replies.pop(req, None)
        return box[1]

    def _known(self, job: Job | None) -> bool:
        """Still this server's run (not None, not ended, not dropped)."""
        return job is not None and job.live and self._jobs.get(job.id) is job

    def _enqueue(self, job: Job) -> None:
        job.pause_reason, job.state = None, RunStatus.QUEUED
        self._waiting.append(job)
        self._promote()

    def _hold(self, job: Job) -> None:
        """Paused: the run keeps its worker but not its place, which the queue gets."""
        if job in self._waiting:
            self._waiting.remove(job)
        job.state = RunStatus.PAUSED
        if job.idle_since is None:
            job.idle_since = self.clock()
        self._promote()

    def _forget(self, job: Job) -> None:
        job.state, job.bookmark = GONE, None
        job.settled.set()
        self._jobs.pop(job.id, None)

    def _promote(self) -> None:
        """Give free places to waiting runs, first come first served, one per visitor: a
        run whose owner already has one training waits and lets the next one pass."""
        training = [j for j in self._jobs.values() if j.state == RunStatus.RUNNING]
        owners, free = {j.owner for j in training}, self.max_active - len(training)
        for job in list(self._waiting):
            if free <= 0:
                break
            if job.owner in owners or not job.settled.is_set():
                continue
            self._waiting.remove(job)
            if job.worker is None:
                self._place(job)
            job.state, job.idle_since = RunStatus.RUNNING, None
            self._workers.send(job.worker, ("run", job.id))
            owners.add(job.owner)
            free -= 1
        self._balance_threads()

    def _place(self, job: Job) -> None:
        """Build the run in the least busy worker: fresh, or from its bookmark."""
        busy = [[0, 0] for _ in range(self.n_workers)]  # per worker: training, held
        for other in self._jobs.values():
            if other.worker is not None:
                busy[other.worker][0] += other.state == RunStatus.RUNNING
                busy[other.worker][1] += 1
        job.worker = busy.index(min(busy))
        spec = dataclasses.replace(job.spec, resume=job.bookmark)
        job.bookmark = None  # the worker holds it now
        self._workers.send(job.worker, ("add", spec))

    def _balance_threads(self) -> None:
        """Every core for a lone run on an idle machine, else one BLAS thread per worker."""
        running = [j for j in self._jobs.values() if j.state == RunStatus.RUNNING]
        self._workers.balance_threads(running[0].worker if len(running) == 1 else None)

    def _collect(self) -> None:
        """The background thread: route worker messages, then do the housekeeping."""
        last_chores = time.monotonic()
        while not self._workers.closed:
            try:
                message = self._results.get(timeout=0.5)
            except queue.Empty:
                message = None
            except (EOFError, OSError):
                return
            if message is not None:
                self._route(message)
            if time.monotonic() - last_chores >= 1.0:
                last_chores = time.monotonic()
                self._chores()

    def _route(self, message: tuple) -> None:
        kind, key, data = message
        if kind == "reply":
            box = self._replies.get(key)
            if box is not None:
                box[1] = data
                box[0].set()
            return
        job = self._jobs.get(key)
        if job is None:
            return  # dropped meanwhile
        if kind == "progress":
            for name in ("weights", "health"):
                if data.get(name) is not None:
                    job.latest[name] = data.pop(name)
                data.pop(name, None)
        if kind == "parked":
            with self._lock:
                self._set_aside(job, data)
            return
        job.inbox.append((kind, data))
        if kind in ("done", "error"):
            job.ended.set()
            with self._lock:
                if job in self._waiting:
                    self._waiting.remove(job)
                self._forget(job)  # the worker has forgotten it too
                self._promote()

    def _set_aside(self, job: Job, mark: dict | None) -> None:
        """The worker has handed a long-paused run back: keep its bookmark here."""
        if mark is not None:
            job.worker, job.bookmark = None, mark
            job.latest["weights"] = mark["weights"]  # one copy in the server, not two
            job.inbox.append(("released", {"step": mark["trainer"]["step_count"]}))
        job.settled.set()
        self._promote()

    def _chores(self) -> None:
        now = self.clock()
        self._workers.probe()
        with self._lock:
            self._balance_threads()
            for job in list(self._jobs.values()):
                if job.state == RunStatus.RUNNING and now - job.last_poll > self.idle_pause:
                    threading.Thread(target=self.pause, args=(job, "idle"), daemon=True).start()
                elif self._long_idle(job, now):
                    job.settled.clear()  # commands wait until the bookmark has landed
                    self._workers.send(job.worker, ("park", job.id))
            for i in self._workers.dead():
                self._replace_worker(i)

    def _long_idle(self, job: Job, now: float) -> bool:
        """Not training for ``paused_release`` seconds, yet holding a worker's memory."""
        idle = job.idle_since is not None and now - job.idle_since >= self.paused_release
        return idle and job.worker is not None and job.settled.is_set()

    def _replace_worker(self, i: int) -> None:
        """A worker died (out of memory, killed): its runs fail with a message, a new one
        starts. Set-aside runs lived in no worker and carry on."""
        for job in [j for j in self._jobs.values() if j.worker == i and j.live]:
            if job in self._waiting:
                self._waiting.remove(job)
            self._forget(job)
            job.inbox.append(("error", "the training process stopped unexpectedly"))
            job.ended.set()
        self._workers.start(i)
        self._promote()
