"""One visitor's training workspace: their model, their runs and the last thing said.

Each browser tab owns exactly one ``TrainWorkspace`` (``st.session_state[K.WORKSPACE]``),
and it is the only owner of these facts:

- ``current``: "your model", the network every page uses (Draw, Inside, Evaluate). It
  changes only when a run ends with something better than guessing, when a model is
  uploaded, or when an edited network is saved; a diverged run never replaces it.
- ``runs``: the history, oldest first, with one status per run
  (ready, queued, running, paused, finished, stopped, diverged).
- ``start_model``: an uploaded network the next run continues from.
- ``message``: the last sentence an action left for the page.

Training happens elsewhere, in the server's worker processes (``server.scheduler``).
The workspace sends the owner's commands there and, whenever the page asks (``sync``),
copies the news into the run record: curves, state, the latest weights. It holds no
Streamlit code, so the tests drive it directly, and every public method takes one lock,
so two overlapping script runs of the same tab (Streamlit's fast reruns) cannot
interleave their changes.
"""

from __future__ import annotations

import secrets
import threading
import time
import weakref
from collections.abc import Callable

from nn_core.model import MLP, ModelConfig
from nn_core.status import RunStatus
from nn_core.train import TrainConfig
from server.job import Job, QueueSpot
from server.limits import LIMITS, ServerLimits
from server.scheduler import Scheduler
from ui.workspace.news import apply_news, close_run, refusal, resumed_note
from ui.workspace.records import LiveWeights, Message, RunPlan, YourModel, describe, misfit
from ui.workspace.runs import Run, trim_history


def _drop_jobs(scheduler_ref: Callable, jobs: list[Job]) -> None:
    """Called when a workspace is garbage-collected (its session has been released)."""
    scheduler = scheduler_ref()
    if scheduler is not None:
        for job in jobs:
            scheduler.drop(job)


class TrainWorkspace:
    """The visitor's models, runs and messages; see the module docstring."""

    def __init__(self, scheduler: Callable[[], Scheduler] | None = None, limits=LIMITS):
        self.limits: ServerLimits = limits
        self.runs: list[Run] = []
        self.current: YourModel | None = None
        self.start_model: tuple[str, MLP] | None = None
        self.message: Message | None = None
        self._scheduler = scheduler
        self.owner = secrets.token_hex(8)  # who this tab is to the scheduler: one run trains
        self._lock = threading.RLock()
        self._job: Job | None = None
        self._active: Run | None = None
        self._live: LiveWeights | None = None
        self._next_id = 1
        self._version = 0
        self._last_sync = time.monotonic()
        self._jobs: list[Job] = []  # every job this workspace made, for the release
        self._finalizer = None

    # --- what other pages read ------------------------------------------------------------

    def run(self, run_id: int) -> Run | None:
        return next((r for r in self.runs if r.id == run_id), None)

    def active_run(self) -> Run | None:
        """The run under way (queued, running or paused), if any."""
        run = self._active
        return run if run is not None and run.live else None

    def shown_run(self) -> Run | None:
        """The run on the Train page's panel: the latest one started, until Reset."""
        return self._active

    def live_weights(self) -> LiveWeights | None:
        """The newest weights of the run in training, or None when nothing trains."""
        return self._live if self.active_run() is not None else None

    def kept_runs(self) -> list[Run]:
        """Runs whose weights are still here (they can be used, compared and exported)."""
        return [r for r in self.runs if r.model is not None and r.done]

    def queue_spot(self) -> QueueSpot | None:
        """Where this tab's run waits for a place on the server (None when it is not waiting)."""
        job = self._job
        queued = job is not None and job.state == RunStatus.QUEUED
        return self._scheduler().queue_spot(job) if queued else None

    def server_load(self) -> dict[str, int]:
        """How busy the whole server's training is (``Scheduler.load``)."""
        return self._scheduler().load()

    # --- models ------------------------------------------------------------------------------

    def adopt(self, model: MLP, name: str, dataset: str, test_accuracy, run_id=None) -> None:
        """Make ``model`` "your model" (a new version every time)."""
        with self._lock:
            self._version += 1
            self.current = YourModel(model, name, dataset, test_accuracy, self._version, run_id)

    def add_model(self, model: MLP, name: str, dataset: str, test_accuracy=None, note="") -> Run:
        """Keep a network made outside training (an edited copy, an upload) as a finished run."""
        with self._lock:
            run = self._new_run(name, "edited", dataset, model.config, TrainConfig(), False)
            run.status, run.message, run.model, run.keep = RunStatus.FINISHED, note, model, True
            run.test_accuracy = test_accuracy
            self._append(run)
            self.adopt(model, run.name, dataset, test_accuracy, run.id)
            return run

    def set_start_model(self, name: str, model: MLP, dataset: str, accuracy: float) -> None:
        """An uploaded network: it becomes "your model", and the next run continues it."""
        with self._lock:
            self.start_model = (name, model)
            self.adopt(model, f"uploaded {name}", dataset, accuracy)

    def forget_start_model(self) -> None:
        self.start_model = None

    # --- commands ----------------------------------------------------------------------------

    def start(self, plan: RunPlan, running: bool = True) -> Run | None:
        """Build the next run from ``plan`` (or the uploaded model) and hand it to the server."""
        with self._lock:
            if self.active_run() is not None:
                return None
            start = self.start_model
            config = start[1].config if start else plan.model
            error = misfit(config, plan.dataset)
            if error:
                self.say("error", f"Cannot start: {error}")
                return None
            run = self._new_run(
                plan.label or describe(config, plan.train),
                plan.preset,
                plan.dataset.name,
                config,
                plan.train,
                plan.standardize and start is None,
            )
            run.started_from = start[0] if start else None
            weights = tuple(start[1].get_weights()) if start else None
            spec = plan.job_spec(config, run.standardize, weights, self.limits)
            self._job = self._scheduler().submit(spec, running, owner=self.owner)
            self._remember(self._job)
            run.status = RunStatus.QUEUED
            self._active, self._live, self.start_model, self.message = run, None, None, None
            self._append(run)
            return run

    def pause(self) -> None:
        with self._lock:
            if self._job is not None and self.active_run() is not None:
                self._scheduler().pause(self._job)
                self.sync()

    def resume(self) -> None:
        """Train on: at once if a place is free on the server, else in the queue."""
        with self._lock:
            run = self.active_run()
            if self._job is not None and run is not None:
                self._scheduler().run(self._job)
                self._wake(run)
                self.sync()

    def step(self, plan: RunPlan | None = None) -> None:
        """One mini-batch, then pause; starts a new (paused) run first if none is under way."""
        with self._lock:
            if self.active_run() is None and (plan is None or self.start(plan, False) is None):
                return
            self._scheduler().step(self._job)  # one batch needs no place in the queue
            self._wake(self.active_run())
            self.sync()

    def stop(self) -> None:
        """End the run now; the worker scores the weights reached so far."""
        with self._lock:
            if self.active_run() is None:
                return
            self._scheduler().stop(self._job, "Stopped by you after {steps:,} steps.")
            self.sync()

    def reset(self) -> None:
        """Throw away an unfinished run (your model stays what it was) and clear the panel."""
        with self._lock:
            run = self.active_run()
            if run is not None:
                self._scheduler().drop(self._job)
                self.runs = [r for r in self.runs if r is not run]
            self._job = self._active = self._live = None
            self.message = None

    def set_lr(self, lr: float) -> bool:
        """Make ``lr`` the learning rate in force now; the schedule carries on from it.
        False when there is no run to change: the news read first may say it just ended."""
        with self._lock:
            self.sync()
            run, job = self.active_run(), self._job
            if run is None or job is None or run.status == RunStatus.QUEUED:
                return False
            factor = (run.lr_now / run.base_lr) if run.lr_now and run.base_lr else 1.0
            base = lr / factor if factor > 1e-3 else lr
            reply = self._scheduler().set_lr(job, base)
            if reply is None:
                return False
            run.base_lr, run.lr_now = base, reply["lr_now"]
            self._wake(run)
            step = reply["step"]
            run.record_lr_change(step, step / max(run.steps_per_epoch, 1), lr)
            return True

    def set_speed(self, speed: float | None) -> None:
        with self._lock:
            if self._job is not None and self.active_run() is not None:
                self._scheduler().set_speed(self._job, speed)

    def say(self, kind: str, text: str, where: str = "controls") -> None:
        self.message = Message(kind, text, where)

    def on_disconnect(self) -> None:
        """The tab's connection closed: pause its run, or take it out of the queue (it may
        come back; then press Resume)."""
        job = self._job
        if job is not None and job.state in (RunStatus.RUNNING, RunStatus.QUEUED):
            self._scheduler().pause(job, "disconnected")

    def release(self) -> None:
        """The tab is gone for good: drop its runs and let go of its networks now, not
        when the last reference goes (Streamlit may keep a released session's widget
        callbacks, bound to this workspace, a while longer)."""
        with self._lock:
            if self._finalizer is not None:
                self._finalizer()  # drops the jobs; a finalizer runs at most once
            self.runs, self.current, self.start_model = [], None, None
            self._job = self._active = self._live = None

    # --- news from the worker ---------------------------------------------------------------

    def wait_for_end(self, seconds: float) -> bool:
        """Wait up to ``seconds`` for the active run's last news; True if it came.

        The live panel calls this when the run has less than one refresh left, so the
        result appears the moment the run ends instead of up to a refresh later."""
        job = self._job
        return job is not None and job.ended.wait(max(0.0, seconds))

    def sync(self) -> Run | None:
        """Copy the worker's news into the active run; returns the run if it just ended."""
        with self._lock:
            job, run = self._job, self._active
            if job is None or run is None:
                return None
            self._scheduler().touch(job)
            now = time.monotonic()
            if run.status == RunStatus.RUNNING:
                run.wall_seconds += now - self._last_sync
            self._last_sync = now
            ended = False
            while job.inbox:
                kind, data = job.inbox.popleft()
                ended |= self._apply(run, kind, data)
            if not run.done and job.live:
                run.status = job.state  # queued, running or paused, as the server has it
            weights = job.latest.get("weights")
            if weights is not None and (self._live is None or self._live.weights is not weights):
                config = ModelConfig.from_dict(run.model_config)
                version = (self._live.version + 1) if self._live else 1
                self._live = LiveWeights(run.id, run.steps, version, tuple(weights), config)
            if job.latest.get("health") is not None:
                run.health = job.latest["health"]
            return run if ended else None

    def _apply(self, run: Run, kind: str, data) -> bool:
        """One piece of news; True when it ended the run."""
        if kind == "done":
            self._finish(run, data)
            return True
        ended = apply_news(run, kind, data)
        if ended:
            self._job = None
        return ended

    def _finish(self, run: Run, data: dict) -> None:
        """Close the record and decide whether the result becomes "your model"."""
        model = close_run(run, data)
        run.notice = refusal(run, model.config.sizes[-1])
        if not run.notice:
            self.adopt(model, run.name, run.dataset, run.test_accuracy, run.id)
        self._job = None
        self._release_weights()

    # --- inside ---------------------------------------------------------------------------

    def _new_run(self, label, preset, dataset, model_config, train_config, standardize) -> Run:
        run_id, self._next_id = self._next_id, self._next_id + 1
        return Run(
            id=run_id,
            name=f"#{run_id} {label}",
            preset=preset,
            dataset=dataset,
            model_config=model_config.to_dict(),
            train_config=train_config.to_dict(),
            standardize=standardize,
        )

    def _append(self, run: Run) -> None:
        """Add to the history; the oldest runs beyond the limit go, and we say so."""
        before = self.runs
        self.runs = trim_history([*before, run], self.limits.max_runs, current=run)
        dropped = [r.name for r in before if r not in self.runs]
        if dropped:
            self.say(
                "info",
                f"This tab keeps {self.limits.max_runs} runs: {', '.join(dropped)} "
                "left the history (export a run first to keep it).",
            )

    def _release_weights(self) -> None:
        """Keep the weights of "your model", of runs marked keep and of the newest run:
        curves are small, networks are not, and thirty students share one machine."""
        current = self.current.run_id if self.current else None
        newest = self.runs[-1] if self.runs else None
        for run in self.runs:
            if run is not newest and run.id != current and not run.keep:
                run.model = run.initial_weights = None

    def _wake(self, run: Run | None) -> None:
        """A set-aside run is back in a worker: say honestly what it lost meanwhile."""
        if run is not None and run.set_aside:
            run.set_aside = False
            self.say("info", resumed_note(run))

    def _remember(self, job: Job) -> None:
        """Drop this tab's jobs from the server when the workspace itself is collected."""
        self._jobs.append(job)
        if self._finalizer is None:
            scheduler = self._scheduler()
            self._finalizer = weakref.finalize(self, _drop_jobs, weakref.ref(scheduler), self._jobs)


__all__ = ["YourModel", "LiveWeights", "Message", "RunPlan", "TrainWorkspace"]
