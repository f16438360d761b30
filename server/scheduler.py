"""The server-wide training scheduler: a few worker processes that train every visitor's runs.

One scheduler serves the whole server (the app keeps it in ``st.cache_resource``, see
``ui.shared``). It owns a fixed pool of worker processes (``server.worker``), by default
one per core, and a queue. A new run goes to the worker with the fewest runs; when ``max_active`` runs are
already under way it waits in the queue and the page says how many are ahead of it.
Inside a worker, runs take turns in short slices, so every run keeps moving.

The page never waits for training. It reads a run's news from ``Job.inbox`` (curves,
state) and ``Job.latest`` (the newest weights, shipped about once a second), which a
background thread fills from the workers' messages. Commands that must be exact (pause,
step, stop, a new learning rate) wait for the worker's reply, so the step count the
page shows afterwards is the final one. A job's states are the run statuses it can have
on the server (queued, running, paused) and ``GONE`` once it has left (``server.job``).

Housekeeping, once a second: a run whose page has not asked for news for
``idle_pause`` seconds is paused (a closed tab stops costing CPU); a lone run on an
otherwise idle server gets every core's BLAS threads, several runs one thread each;
a worker that died is replaced and its runs reported as failed.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing as mp
import os
import queue
import threading
import time
from collections import deque

from nn_core.status import RunStatus
from server.cpu import MachineLoad
from server.job import GONE, Job, JobSpec
from server.worker import spawn

QUIET_CORES = 0.2  # the rest of the machine busier than this: one BLAS thread per run
QUIET_PROBES = 3  # seconds in a row it must be that quiet before a lone run takes every core
"""A browser drawing the Train page on the same machine keeps about half a core busy in
bursts. With two BLAS threads a run then waits for the busy core at every matrix product
(400 steps/s instead of 480 in bench/bench_app_training.py, the thread count flapping
each second at the old 0.5-core line); so the line is low, and it takes a few quiet
seconds in a row, not one, to cross it."""


class Scheduler:
    """A pool of ``workers`` training processes shared by every session of the server."""

    def __init__(
        self,
        workers: int | None = None,
        max_active: int | None = None,
        idle_pause: float = 60.0,
        cores: int | None = None,
    ):
        self.cores = cores or os.cpu_count() or 1
        self.n_workers = max(1, workers or self.cores)
        self.max_active = max(1, max_active or 2 * self.n_workers)
        self.idle_pause = idle_pause
        self._closed = False
        self._ctx = mp.get_context("spawn")  # a fresh interpreter: no copied server threads
        self._results = self._ctx.Queue()
        self._lock = threading.RLock()
        self._jobs: dict[str, Job] = {}
        self._waiting: deque[Job] = deque()
        self._replies: dict[int, list] = {}  # request id -> [Event, payload]
        self._requests = itertools.count(1)
        self._threads_sent: dict[int, int] = {}
        self._machine = MachineLoad()
        self._machine_free = False  # the rest of the machine idle: a lone run may take it all
        self._quiet_probes = 0  # consecutive one-second probes that found the machine quiet
        self._procs: list = [None] * self.n_workers
        self._pipes: list = [None] * self.n_workers
        for i in range(self.n_workers):
            self._start_worker(i)
        self._collector = threading.Thread(target=self._collect, name="nn-scheduler", daemon=True)
        self._collector.start()

    # --- what sessions call ------------------------------------------------------------

    def submit(self, spec: JobSpec, running: bool = True) -> Job:
        """Queue a run; it starts at once if a place is free (paused if not ``running``)."""
        job = Job(spec)
        job.wanted = RunStatus.RUNNING if running else RunStatus.PAUSED
        with self._lock:
            self._jobs[job.id] = job
            self._waiting.append(job)
            self._promote()
        return job

    def run(self, job: Job) -> None:
        """Start or resume a run (a queued run starts when its turn comes)."""
        with self._lock:
            job.pause_reason = None
            if job.state == RunStatus.QUEUED:
                job.wanted = RunStatus.RUNNING
            elif job.state == RunStatus.PAUSED:
                job.state = RunStatus.RUNNING
                self._send(job.worker, ("run", job.id))
                self._balance_threads()

    def pause(self, job: Job, reason: str | None = None) -> None:
        """Hold a run between two slices; returns once the worker has stopped it."""
        with self._lock:
            if job.state == RunStatus.QUEUED:
                job.wanted = RunStatus.PAUSED
                return
            if job.state != RunStatus.RUNNING:
                return
            job.pause_reason = reason  # first: whoever sees "paused" (no lock) finds its reason
            job.state = RunStatus.PAUSED
            self._balance_threads()
        self._ask(job, "pause")

    def step(self, job: Job) -> None:
        """Exactly one mini-batch, then paused; returns once it is done and reported."""
        with self._lock:
            if not job.on_worker:
                return
            job.state = RunStatus.PAUSED
        self._ask(job, "step")

    def stop(self, job: Job, message: str) -> None:
        """End a run now: the worker scores it and sends the final weights before replying."""
        with self._lock:
            if job.state == RunStatus.QUEUED:
                self._waiting.remove(job)
                job.state = GONE
                job.inbox.append(("cancelled", {"message": message}))
                job.ended.set()
                return
            if not job.on_worker:
                return
        self._ask(job, "stop", message)

    def set_lr(self, job: Job, lr: float) -> dict | None:
        """A new base learning rate from the next step on; the reply says which step."""
        if not job.on_worker:
            return None
        return self._ask(job, "lr", float(lr))

    def set_speed(self, job: Job, speed: float | None) -> None:
        with self._lock:
            if job.on_worker:
                self._send(job.worker, ("speed", job.id, speed))

    def drop(self, job: Job) -> None:
        """Forget a run entirely (its session has gone): frees its place and its memory."""
        with self._lock:
            if self._jobs.pop(job.id, None) is None:
                return
            if job in self._waiting:
                self._waiting.remove(job)
            elif job.worker is not None:
                self._send(job.worker, ("drop", job.id))
            job.state = GONE
            job.inbox.clear()
            job.latest = {}
            self._promote()
            self._balance_threads()

    def touch(self, job: Job) -> None:
        """The owner's page is looking: keep the run from being paused as idle."""
        job.last_poll = time.monotonic()

    def position(self, job: Job) -> int:
        """How many runs wait ahead of this one (0 when it is not waiting)."""
        with self._lock:
            return list(self._waiting).index(job) if job in self._waiting else 0

    def load(self) -> dict[str, int]:
        """How busy the server is: running, paused and queued runs, and workers."""
        with self._lock:
            states = [j.state for j in self._jobs.values()]
        return {
            "running": states.count(RunStatus.RUNNING),
            "paused": states.count(RunStatus.PAUSED),
            "queued": states.count(RunStatus.QUEUED),
            "workers": self.n_workers,
        }

    def close(self) -> None:
        """Stop every worker (tests and server shutdown)."""
        for i in range(self.n_workers):
            self._send(i, ("quit",))
        self._closed = True
        for proc in self._procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()

    # --- inside ------------------------------------------------------------------------

    def _start_worker(self, i: int) -> None:
        self._procs[i], self._pipes[i] = spawn(self._ctx, self._results, self.cores, i)
        self._threads_sent[i] = 1

    def _send(self, i: int, message: tuple) -> None:
        with self._lock:
            if self._closed:
                return
            # A dead worker's pipe is broken: the housekeeping replaces it and reports its runs.
            with contextlib.suppress(BrokenPipeError, OSError):
                self._pipes[i].send(message)

    def _ask(self, job: Job, kind: str, *args, timeout: float = 30.0) -> dict | None:
        """Send a command that the worker answers, and wait for the answer."""
        req = next(self._requests)
        box = [threading.Event(), None]
        with self._lock:
            self._replies[req] = box
            if job.worker is None or job.id not in self._jobs:
                self._replies.pop(req)
                return None
            self._send(job.worker, (kind, job.id, *args, req))
        box[0].wait(timeout)
        with self._lock:
            self._replies.pop(req, None)
        return box[1]

    def _promote(self) -> None:
        """Start waiting runs while places are free, each on the least busy worker."""
        active = sum(1 for j in self._jobs.values() if j.on_worker)
        while self._waiting and active < self.max_active:
            job = self._waiting.popleft()
            per_worker = [0] * self.n_workers
            for other in self._jobs.values():
                if other.on_worker and other.worker is not None:
                    per_worker[other.worker] += 1
            job.worker = per_worker.index(min(per_worker))
            job.state = job.wanted
            self._send(job.worker, ("add", job.spec))
            if job.state == RunStatus.RUNNING:
                self._send(job.worker, ("run", job.id))
            active += 1
        self._balance_threads()

    def _balance_threads(self) -> None:
        """Every core for a lone run on an idle machine, else one BLAS thread per worker."""
        running = [j for j in self._jobs.values() if j.state == RunStatus.RUNNING]
        lone = running[0].worker if len(running) == 1 and self._machine_free else None
        for i in range(self.n_workers):
            want = self.cores if i == lone else 1
            if self._threads_sent.get(i) != want:
                self._send(i, ("threads", want))
                self._threads_sent[i] = want

    def _collect(self) -> None:
        """The background thread: route worker messages, then do the housekeeping."""
        last_chores = time.monotonic()
        while not self._closed:
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
        job.inbox.append((kind, data))
        if kind in ("done", "error"):
            job.ended.set()
            with self._lock:
                job.state = GONE
                self._jobs.pop(job.id, None)  # the worker has forgotten it too
                self._promote()
                self._balance_threads()

    def _chores(self) -> None:
        now = time.monotonic()
        others = self._machine.others_busy([p.pid for p in self._procs if p.pid])
        with self._lock:
            quiet = others is not None and others < QUIET_CORES
            self._quiet_probes = self._quiet_probes + 1 if quiet else 0
            self._machine_free = self._quiet_probes >= QUIET_PROBES
            self._balance_threads()
            for job in list(self._jobs.values()):
                if job.state == RunStatus.RUNNING and now - job.last_poll > self.idle_pause:
                    threading.Thread(target=self.pause, args=(job, "idle"), daemon=True).start()
            for i, proc in enumerate(self._procs):
                if not proc.is_alive() and not self._closed:
                    self._replace_worker(i)

    def _replace_worker(self, i: int) -> None:
        """A worker died (out of memory, killed): its runs fail with a message, a new one starts."""
        for job in [j for j in self._jobs.values() if j.worker == i and j.live]:
            job.state = GONE
            job.inbox.append(("error", "the training process stopped unexpectedly"))
            job.ended.set()
            del self._jobs[job.id]
        self._start_worker(i)
        self._promote()
