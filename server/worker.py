"""A training worker: a process of its own that trains several runs in turn, a slice each.

Why a process and not a thread of the web server: every Streamlit session is a thread
of one Python process, and Python runs one thread at a time. Training inside the server
made every student's drawing wait for every other student's training. A worker process
has its own interpreter, so the server stays responsive and the operating system spreads
the workers over the cores.

The worker keeps each run's whole state (model, optimiser, position in the epoch) until
the run ends or is set aside (``park``: a long-paused run's weights and position go back
to the server, the rest is freed); the server only sends commands and receives news:

    server -> worker (a pipe):   ("add", spec) ("run", id) ("pause", id, req) ("step", id, req)
                                 ("stop", id, message, req) ("lr", id, lr, req) ("drop", id)
                                 ("park", id) ("threads", n) ("quit",)
    worker -> server (a queue):  ("started", id, info) ("progress", id, news) ("done", id, result)
                                 ("reply", req, news) ("error", id, text) ("parked", id, bookmark)

Runs take turns in slices of a few hundredths of a second (round robin), so with more
runs than workers every run still moves, and a command never waits longer than a slice.
Nothing here imports Streamlit: the tests drive a worker directly.
"""

from __future__ import annotations

import os
import sys
import types
from collections import deque

from server.heap import give_back
from server.job import JobSpec
from server.worker_job import WorkerJob

SLICE_SECONDS = 0.05  # one run's turn: short enough that commands feel instant
NICENESS = 10  # added to the server's: a page waiting for the CPU goes before training
"""Thirty students opening a page at once queued behind the workers, which ran at the
server's priority and took the cores the pages needed. A lower priority only matters
when the CPU is contended: a lone run on a quiet machine trains at full speed."""


class Worker:
    """The worker's loop and its table of runs; ``main`` runs one in a child process."""

    def __init__(self, conn, results, blas_threads=None):
        self.conn, self.results = conn, results
        self.jobs: dict[str, WorkerJob] = {}
        self.order: deque[str] = deque()  # round-robin turn order
        self.data: dict[tuple, dict] = {}  # opened shared data sets, by their paths
        self.set_threads = blas_threads or (lambda n: None)
        self.freed = False  # a run has gone since the heap was last given back

    def send(self, *message) -> None:
        self.results.put(message)

    def loop(self) -> None:
        while True:
            runnable = [self.jobs[i] for i in self.order if self.jobs[i].running]
            wait = 0.0 if runnable else 0.5
            if runnable and all(j.allowed_steps() == 0 for j in runnable):
                wait = min(1.0 / j.speed for j in runnable)  # everybody waits for the pace
            while self.conn.poll(wait):
                if self.handle(self.conn.recv()) == "quit":
                    return
                self.give_back()  # before the next command: its reply finds memory returned
                wait = 0.0
            self.turns()
            self.give_back()

    def give_back(self) -> None:
        """After a run has gone, hand its memory back to the system (``server.heap``): glibc
        keeps it for the next run, and a worker may wait hours for one."""
        if self.freed:
            self.freed = False
            give_back()

    def turns(self) -> None:
        """Give every running job one slice, in turn."""
        for job_id in list(self.order):
            job = self.jobs.get(job_id)
            if job is None or not job.running:
                continue
            allowed = job.allowed_steps()
            if allowed == 0:
                continue
            try:
                metrics = job.train_slice(SLICE_SECONDS, allowed)
            except Exception as exc:  # a bug in one run must not take the others down
                self.fail(job_id, exc)
                continue
            self.report(job_id, job, metrics)

    def report(self, job_id: str, job: WorkerJob, metrics: list) -> None:
        if metrics or job.trainer.done:
            self.send("progress", job_id, job.news(metrics, force_weights=job.trainer.done))
        if job.trainer.done:
            self.send("done", job_id, job.result())
            self.forget(job_id)  # its model, optimiser and curves now live in the session

    def forget(self, job_id: str) -> None:
        """Free everything a run holds here (a finished, failed or dropped run)."""
        self.freed |= self.jobs.pop(job_id, None) is not None
        if job_id in self.order:
            self.order.remove(job_id)

    def fail(self, job_id: str, exc: Exception) -> None:
        self.forget(job_id)
        self.send("error", job_id, f"{type(exc).__name__}: {exc}")

    def handle(self, command: tuple):
        kind, args = command[0], command[1:]
        if kind == "quit":
            return "quit"
        if kind == "threads":
            self.set_threads(args[0])
        elif kind == "add":
            self.add(args[0])
        elif kind == "drop":
            self.forget(args[0])
        elif kind == "park":
            self.park(args[0])
        elif args and args[0] in self.jobs:
            self.control(kind, self.jobs[args[0]], *args)
        elif kind in ("pause", "step", "stop", "lr"):
            self.send("reply", args[-1], None)  # the run is gone: answer anyway, never hang
        return None

    def park(self, job_id: str) -> None:
        """Hand a long-paused run back to the server as a bookmark, and free the rest."""
        job = self.jobs.get(job_id)
        self.send("parked", job_id, None if job is None else job.bookmark())
        self.forget(job_id)

    def add(self, spec: JobSpec) -> None:
        key = spec.data.paths
        try:
            if key not in self.data:
                self.data[key] = spec.data.open()
            job = WorkerJob(spec, self.data[key])
        except Exception as exc:
            self.send("error", spec.job_id, f"{type(exc).__name__}: {exc}")
            return
        self.jobs[spec.job_id] = job
        self.order.append(spec.job_id)
        if spec.resume is None:  # a resumed run's record has its start already
            self.send("started", spec.job_id, job.started())

    def control(self, kind: str, job: WorkerJob, job_id: str, *args) -> None:
        if kind == "run":
            job.set_running(not job.trainer.done)
        elif kind == "pause":
            job.set_running(False)
            self.send("reply", args[-1], {"step": job.trainer.step_count})
        elif kind == "step":
            job.set_running(False)
            self.report(job_id, job, job.train_slice(None, 1))
            self.send("reply", args[-1], {"step": job.trainer.step_count})
        elif kind == "stop":
            job.set_running(False)
            if not job.trainer.done:
                job.trainer.stop(args[0].format(steps=job.trainer.step_count))
                self.report(job_id, job, [])
            self.send("reply", args[-1], {"step": job.trainer.step_count})
        elif kind == "lr":
            lr, req = args
            job.trainer.set_lr(lr)
            self.send("reply", req, {"step": job.trainer.step_count, "lr_now": job.trainer.lr_now})
        elif kind == "speed":
            job.speed = args[0]
            job.set_running(job.running)


def main(conn, results, cores: int) -> None:
    """Entry point of a worker process: a lower priority than the server's pages, and one
    BLAS thread until told otherwise."""
    from threadpoolctl import threadpool_limits

    if hasattr(os, "nice"):  # not on Windows: there the worker keeps the server's priority
        os.nice(NICENESS)

    def set_threads(n: int) -> None:
        threadpool_limits(limits=max(1, min(int(n), cores)), user_api="blas")

    set_threads(1)
    try:
        Worker(conn, results, set_threads).loop()
    except (EOFError, KeyboardInterrupt, BrokenPipeError):
        return  # the server went away: nothing left to train for


def spawn(ctx, results, cores: int, i: int):
    """Start worker process ``i``; returns (process, the server's end of its pipe).

    Its BLAS may use every core (the thread pool's ceiling is fixed at start-up), and
    ``main`` limits it to one thread at once. A spawned child re-runs the parent's main
    script unless ``__main__`` is bare; ours is Streamlit's command line (or pytest),
    which a worker has no use for.
    """
    parent, child = ctx.Pipe()
    names = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update({name: str(cores) for name in names})
    main_module = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        proc = ctx.Process(
            target=main, args=(child, results, cores), name=f"nn-worker-{i}", daemon=True
        )
        proc.start()
    finally:
        sys.modules["__main__"] = main_module
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    child.close()
    return proc, parent
