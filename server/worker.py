"""A training worker: a process of its own that trains several runs in turn, a slice each.

Why a process and not a thread of the web server: every Streamlit session is a thread
of one Python process, and Python runs one thread at a time. Training inside the server
made every student's drawing wait for every other student's training. A worker process
has its own interpreter, so the server stays responsive and the operating system spreads
the workers over the cores.

The worker keeps each run's whole state (model, optimiser, position in the epoch) for
as long as the run lives; the server only sends commands and receives news:

    server -> worker (a pipe):   ("add", spec) ("run", id) ("pause", id, req) ("step", id, req)
                                 ("stop", id, message, req) ("lr", id, lr, req) ("drop", id)
                                 ("threads", n) ("quit",)
    worker -> server (a queue):  ("started", id, info) ("progress", id, news) ("done", id, result)
                                 ("reply", req, news) ("error", id, text)

Runs take turns in slices of a few hundredths of a second (round robin), so with more
runs than workers every run still moves, and a command never waits longer than a slice.
Nothing here imports Streamlit: the tests drive a worker directly.
"""

from __future__ import annotations

import os
import sys
import time
import types
from collections import deque
from dataclasses import dataclass

import numpy as np

from nn_core.health import HealthRecorder
from nn_core.metrics import evaluate
from nn_core.model import MLP, ModelConfig
from nn_core.presets import input_stats
from nn_core.train import TrainConfig, Trainer
from server.heap import give_back
from server.shared_data import SharedData

SLICE_SECONDS = 0.05  # one run's turn: short enough that commands feel instant


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


class WorkerJob:
    """One run inside a worker: its model, its Trainer, and its rhythm."""

    def __init__(self, spec: JobSpec, arrays: dict[str, np.ndarray]):
        self.spec, self.arrays = spec, arrays
        config = ModelConfig.from_dict(spec.model_config)
        if spec.standardize and spec.weights is None:
            config = ModelConfig(**{**config.to_dict(), **input_stats(arrays["X_train"])})
        self.model = MLP(config=config)
        if spec.weights is not None:
            self.model.set_weights(list(spec.weights))
        X_val = y_val = None
        if spec.val_index is not None and len(spec.val_index):
            X_val = arrays["X_test"][spec.val_index]  # (v, 784) a small copy
            y_val = arrays["y_test"][spec.val_index]
        self.health = HealthRecorder(every=spec.health_every)
        self.trainer = Trainer(
            self.model,
            arrays["X_train"],
            arrays["y_train"],
            TrainConfig.from_dict(spec.train_config),
            X_val,
            y_val,
            health=self.health,
        )
        self.running = False
        self.speed = spec.speed
        self._speed_origin = (time.perf_counter(), 0)  # (time, steps) when the pace was set
        self._last_snapshot = 0.0
        self._rate = deque(maxlen=20)  # (wall time, step) samples for the steps/s estimate

    def started(self) -> dict:
        return {
            "initial_weights": self.model.get_weights(),
            "model_config": self.model.config.to_dict(),
            "total_steps": self.trainer.total_steps,
            "steps_per_epoch": self.trainer.steps_per_epoch,
            "n_train": self.trainer.n,
        }

    def set_running(self, running: bool) -> None:
        self.running = running
        self._speed_origin = (time.perf_counter(), self.trainer.step_count)
        self._rate.clear()

    def allowed_steps(self) -> int | None:
        """In slow motion, how many steps the pace allows right now (None: no limit)."""
        if self.speed is None:
            return None
        t0, s0 = self._speed_origin
        return max(
            0, int(self.speed * (time.perf_counter() - t0)) + 1 - (self.trainer.step_count - s0)
        )

    def train_slice(self, seconds: float, max_steps: int | None = None) -> list:
        return self.trainer.run(max_steps=max_steps, max_seconds=seconds)

    def news(self, metrics: list, force_weights: bool = False) -> dict:
        """What the server should know after some steps: curves, state, maybe weights."""
        t = self.trainer
        now = time.perf_counter()
        self._rate.append((now, t.step_count))
        rows = np.array(
            [(m.step, m.epoch, m.loss, m.accuracy, m.lr) for m in metrics], dtype=np.float64
        ).reshape(-1, 5)  # (n, 5): step, epoch, loss, accuracy, lr
        val = [
            (m.step, m.epoch, m.val_loss, m.val_accuracy) for m in metrics if m.val_loss is not None
        ]
        send_weights = force_weights or now - self._last_snapshot >= self.spec.snapshot_seconds
        if send_weights:
            self._last_snapshot = now
        return {
            "rows": rows,
            "val": val,
            "step": t.step_count,
            "elapsed": t.elapsed,
            "lr_now": t.lr_now,
            "base_lr": t.base_lr,
            "rate": self.steps_per_second(),
            "weights": self.model.get_weights() if send_weights else None,
            "health": self.health.as_dict() if send_weights else None,
        }

    def steps_per_second(self) -> float:
        if len(self._rate) < 2 or self._rate[-1][0] <= self._rate[0][0]:
            return 0.0
        (t0, s0), (t1, s1) = self._rate[0], self._rate[-1]
        return (s1 - s0) / (t1 - t0)

    def result(self) -> dict:
        """The final record: the whole test set scored once, and the final weights."""
        X_test, y_test = self.arrays["X_test"], self.arrays["y_test"]
        r = evaluate(self.model, X_test, y_test)
        t = self.trainer
        return {
            "status": t.status,
            "message": t.message,
            "test_accuracy": r.accuracy,
            "test_loss": r.loss,
            "n_test": r.n,
            "step": t.step_count,
            "elapsed": t.elapsed,
            "weights": self.model.get_weights(),
            "health": self.health.as_dict(),
        }


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
        elif args and args[0] in self.jobs:
            self.control(kind, self.jobs[args[0]], *args)
        elif kind in ("pause", "step", "stop", "lr"):
            self.send("reply", args[-1], None)  # the run is gone: answer anyway, never hang
        return None

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
    """Entry point of a worker process: one BLAS thread until told otherwise."""
    from threadpoolctl import threadpool_limits

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
