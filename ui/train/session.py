"""A training run that a web page can drive a little at a time: ``TrainingSession``.

The Train page cannot run a whole training loop in one go: the page would freeze and a
click on Pause would wait until the end. Instead it keeps one ``TrainingSession`` per
browser tab and, a few times a second, asks it to ``tick(0.35)``: train for about a
third of a second, then come back so the page can redraw the curves. All progress lives in the session
(and in its ``nn_core.Trainer``), so pausing, stepping one mini-batch at a time or
changing the learning rate half-way is just a method call between two ticks.

Nothing here imports Streamlit, so the tests drive it directly.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections import deque

import numpy as np

from nn_core.metrics import evaluate
from nn_core.model import MLP, ModelConfig
from nn_core.presets import input_stats
from nn_core.train import TrainConfig, Trainer
from ui.limits import LIMITS, ServerLimits, clamp_settings
from ui.train.runs import Run

LIVE = ("ready", "running", "paused")
EVAL_EXAMPLES = 9600  # training examples between two held-out checks (about 3% extra work)
IDLE_GAP = 2.0  # seconds without a tick that count as "page not open", not as training


def eval_interval(batch_size: int, steps_per_epoch: int) -> int:
    """Steps between two held-out checks: every ~9,600 examples, at least twice an epoch."""
    return max(1, min(math.ceil(EVAL_EXAMPLES / batch_size), math.ceil(steps_per_epoch / 2)))


def training_window(n: int, subset: int | None, seed: int) -> slice:
    """Which training examples a run with ``subset`` uses: a block at a seeded offset.

    A block of the shared array is a view, not a copy, so thirty students asking for
    30,000 examples each cost no memory at all. MNIST's training file is not sorted by
    class, so any block is a fair mix of digits.
    """
    if subset is None or subset >= n:
        return slice(0, n)
    start = int(np.random.default_rng(seed).integers(0, n - subset + 1))
    return slice(start, start + subset)


def describe(model: ModelConfig, train: TrainConfig) -> str:
    """A short label for charts and tables: '256 relu, he init, momentum lr 0.1'."""
    hidden = "-".join(str(h) for h in model.hidden) or "no hidden layer"
    return f"{hidden} {model.activation}, {model.init} init, {train.optimizer} lr {train.lr:g}"


class TrainingSession:
    """One run in progress: its model, its Trainer and its ``Run`` record.

    state: "ready" -> "running" <-> "paused" -> "finished" | "stopped" | "diverged".
    """

    def __init__(self, run: Run, model: MLP, trainer: Trainer, X_test, y_test, limits):
        self.run, self.model, self.trainer = run, model, trainer
        self.X_test, self.y_test, self.limits = X_test, y_test, limits
        self._state = "ready"
        self.previous_model = None  # what the page showed as "your model" before this run
        self.handed_over = False  # the page has made the final model "your model"
        self._last_tick_end: float | None = None
        self._rate_window: deque[tuple[float, int]] = deque(maxlen=8)
        run.model, run.total_steps = model, trainer.total_steps

    @classmethod
    def create(
        cls,
        dataset,
        model_config: ModelConfig,
        train_config: TrainConfig,
        standardize: bool = False,
        *,
        run_id: int = 1,
        preset: str = "custom",
        limits: ServerLimits = LIMITS,
        model: MLP | None = None,
        started_from: str | None = None,
        val_index: np.ndarray | None = None,
    ) -> TrainingSession:
        """Build the model (or continue ``model``) and its Trainer on ``dataset``.

        The data set's arrays are only read: training batches are copied into the
        Trainer's own buffer, so the shared read-only copy is never touched.
        """
        n_train = len(dataset.X_train)
        model_config, train_config, _ = clamp_settings(model_config, train_config, limits, n_train)
        if model is None:
            if standardize:
                stats = input_stats(dataset.X_train)
                model_config = dataclasses.replace(model_config, **stats)
            model = MLP(config=model_config)
        _check_fits(model, dataset)
        window = training_window(n_train, train_config.subset, train_config.seed)
        X, y = dataset.X_train[window], dataset.y_train[window]
        steps_per_epoch = math.ceil(len(X) / train_config.batch_size)
        config = dataclasses.replace(
            train_config,
            subset=None,
            eval_every=eval_interval(train_config.batch_size, steps_per_epoch),
        )
        X_val = y_val = None
        if val_index is not None and len(val_index):
            X_val, y_val = dataset.X_test[val_index], dataset.y_test[val_index]
        trainer = Trainer(model, X, y, config, X_val=X_val, y_val=y_val)
        run = Run(
            id=run_id,
            name=f"#{run_id} {describe(model.config, train_config)}",
            preset=preset,
            dataset=dataset.name,
            model_config=model.config.to_dict(),
            train_config={**config.to_dict(), "subset": train_config.subset},
            standardize=standardize,
            started_from=started_from,
        )
        return cls(run, model, trainer, dataset.X_test, dataset.y_test, limits)

    # --- what the page shows -------------------------------------------------------

    @property
    def state(self) -> str:
        return self._state

    @state.setter
    def state(self, value: str) -> None:
        self._state = self.run.status = value

    @property
    def live(self) -> bool:
        """True until the run has ended: it can still be started, paused or stepped."""
        return self.state in LIVE

    @property
    def running(self) -> bool:
        return self.state == "running"

    @property
    def done(self) -> bool:
        return not self.live

    @property
    def step_count(self) -> int:
        return self.trainer.step_count

    @property
    def epoch(self) -> float:
        return self.trainer.step_count / self.trainer.steps_per_epoch

    @property
    def progress(self) -> float:
        p = self.trainer.progress
        return min(1.0, max(p, self.trainer.elapsed / self.limits.max_train_seconds))

    @property
    def lr(self) -> float:
        """The base learning rate now (the schedule scales it step by step)."""
        return self.trainer.base_lr

    @property
    def steps_per_second(self) -> float:
        """Steps per second of wall-clock time lately, drawing included: what you get."""
        w = self._rate_window
        if len(w) >= 2 and w[-1][0] > w[0][0]:
            return (w[-1][1] - w[0][1]) / (w[-1][0] - w[0][0])
        if self.run.wall_seconds > 0:
            return self.step_count / self.run.wall_seconds
        return 0.0

    @property
    def seconds_left(self) -> float | None:
        """A rough estimate of the wall-clock time until the run ends, or None."""
        rate = self.steps_per_second
        if rate <= 0:
            return None
        left = (self.trainer.total_steps - self.step_count) / rate
        wall_per_train = self.run.wall_seconds / max(self.trainer.elapsed, 1e-9)
        for budget in (self.trainer.config.time_budget, self.limits.max_train_seconds):
            if budget:
                left = min(left, (budget - self.trainer.elapsed) * wall_per_train)
        return max(0.0, left)

    def status_line(self) -> str:
        """'Epoch 2 of 3 · step 812 of 1,407 · 310 steps/s · about 2 s left'."""
        t = self.trainer
        epoch = min(int(self.epoch) + 1, t.config.epochs)
        parts = [
            f"Epoch {epoch} of {t.config.epochs}" if self.live else f"{self.epoch:.2f} epochs",
            f"step {self.step_count:,} of {t.total_steps:,}",
        ]
        if self.running:
            parts.append(f"{self.steps_per_second:,.0f} steps/s")
            left = self.seconds_left
            if left is not None:
                parts.append("under a second left" if left < 1 else f"about {left:,.0f} s left")
        elif self.state == "paused":
            parts.append("paused")
        return " · ".join(parts)

    def result_line(self) -> str:
        """What a finished run achieved, in one sentence."""
        r = self.run
        rate = r.steps / r.wall_seconds if r.wall_seconds else 0.0
        acc = "" if r.test_accuracy is None else f"Test accuracy **{r.test_accuracy:.2%}**"
        n_test = len(self.y_test)
        return (
            f"{acc} (loss {r.test_loss:.3f}) on all {n_test:,} test images. "
            f"{r.steps:,} steps in {r.wall_seconds:.1f} s ({rate:,.0f} steps/s)."
        )

    # --- controls ----------------------------------------------------------------------

    def start(self) -> None:
        """Start (or resume) training; the next ticks take steps."""
        if self.live:
            self.state = "running"
            self._last_tick_end = None

    resume = start

    def pause(self) -> None:
        if self.running:
            self.state = "paused"
            self._rate_window.clear()

    def step(self) -> int:
        """Exactly one mini-batch, then pause so the class can look. Returns steps taken."""
        if not self.live:
            return 0
        self.state = "paused"
        self._rate_window.clear()
        t0 = time.perf_counter()
        n = self._take(self.trainer.steps(max_steps=1))
        self.run.wall_seconds += time.perf_counter() - t0
        self._after_steps()
        return n

    def stop(self, message: str | None = None) -> None:
        """End the run now; the weights reached so far are kept and scored."""
        if self.live:
            self.trainer.stop(message or f"Stopped by you after {self.step_count:,} steps.")
            self._finalize()

    def set_lr(self, lr: float) -> bool:
        """Change the learning rate mid-run; the change is marked on the curves."""
        lr = float(lr)
        if not self.live or math.isclose(lr, self.trainer.base_lr):
            return False
        self.trainer.set_lr(lr)
        self.run.record_lr_change(self.step_count, self.epoch, lr)
        return True

    def tick(self, max_seconds: float | None = None) -> int:
        """Train for about ``max_seconds`` (default: the server's tick) if running.

        Returns the number of steps taken. Always takes at least one step when running,
        and stops the run when it reaches the server's time limit.
        """
        if not self.running:
            return 0
        budget = self.limits.tick_seconds if max_seconds is None else max_seconds
        remaining = self.limits.max_train_seconds - self.trainer.elapsed
        t0 = time.perf_counter()
        n = self._take(self.trainer.steps(max_seconds=max(0.0, min(budget, remaining))))
        t1 = time.perf_counter()
        gap = t1 - (self._last_tick_end or t0)
        self.run.wall_seconds += gap if gap < IDLE_GAP else t1 - t0
        self._last_tick_end = t1
        self._rate_window.append((self.run.wall_seconds, self.step_count))
        if self.trainer.elapsed >= self.limits.max_train_seconds and not self.trainer.done:
            self.trainer.stop(
                f"Stopped at the server's limit of {self.limits.max_train_seconds:g} s of "
                "training per run (so that everybody in the room gets a share of the machine)."
            )
        self._after_steps()
        return n

    # --- internals ---------------------------------------------------------------------

    def _take(self, metrics) -> int:
        log, run, n = self.run.log, self.run, 0
        for m in metrics:
            log.append(m.step, m.epoch, m.loss, m.accuracy, m.lr)
            if m.val_loss is not None:
                run.record_validation(m.step, m.epoch, m.val_loss, m.val_accuracy)
            n += 1
        return n

    def _after_steps(self) -> None:
        self.run.steps, self.run.train_seconds = self.step_count, self.trainer.elapsed
        if self.trainer.done:
            self._finalize()

    def _finalize(self) -> None:
        """Score the final weights on the whole test set and close the record."""
        result = evaluate(self.model, self.X_test, self.y_test)
        self.state = self.trainer.status
        run = self.run
        run.message = self.trainer.message
        run.test_accuracy, run.test_loss = result.accuracy, result.loss
        run.steps, run.train_seconds = self.step_count, self.trainer.elapsed
        self._rate_window.clear()


def _check_fits(model: MLP, dataset) -> None:
    """Refuse a model whose input or output size does not match the data set."""
    n_in, n_classes = dataset.X_train.shape[1], len(dataset.class_names)
    sizes = model.config.sizes
    if sizes[0] != n_in or sizes[-1] != n_classes:
        raise ValueError(
            f"This model takes {sizes[0]} inputs and gives {sizes[-1]} classes; the data set "
            f"has {n_in} pixels per image and {n_classes} classes."
        )
