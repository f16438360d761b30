"""Training: a loop that yields one small metrics record per mini-batch.

The loop never draws, prints or sleeps; whoever drives it decides what to show and when.
Because all progress lives in the ``Trainer`` object (the step count, the position in
the shuffled epoch, the optimiser's state), you can stop pulling steps at any moment and
carry on later with nothing lost: that is pause and resume.

    trainer = Trainer(model, X_train, y_train, TrainConfig(epochs=5))
    for m in trainer.steps():          # or trainer.steps(max_seconds=0.2) for one UI tick
        print(m.step, m.loss)

Run ``python -m nn_core.train --help`` (or ``python -m nn_core --help``) for the
command-line trainer.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass

import numpy as np

from nn_core.augment import random_shift
from nn_core.checks import check_training_data
from nn_core.losses import SoftmaxCrossEntropy
from nn_core.metrics import evaluate
from nn_core.optimizers import OPTIMIZERS, SCHEDULES, make_optimizer, schedule_factor
from nn_core.status import RunStatus

SNAPSHOT_EVERY = 50  # steps between copies of known-good weights (for divergence recovery)
EVAL_EXAMPLES = 9600  # training examples between two held-out checks (about 3% extra work)
# A cross-entropy this large means the true class's logit trails the best one by ten
# thousand: the weights have exploded. (The fused softmax keeps the loss finite, so
# waiting for inf or NaN would miss most divergences; even N(0, 1) weights start near 100.)
EXPLODED_LOSS = 1e4


def eval_interval(batch_size: int, steps_per_epoch: int) -> int:
    """Steps between two held-out checks: every ~9,600 examples, at least twice an epoch."""
    return max(1, min(math.ceil(EVAL_EXAMPLES / batch_size), math.ceil(steps_per_epoch / 2)))


@dataclass(frozen=True)
class TrainConfig:
    """How to train; saved inside the model file next to the architecture."""

    epochs: int = 5
    batch_size: int = 64
    optimizer: str = "adam"  # "sgd" | "momentum" | "adam"
    lr: float = 1e-3
    momentum: float = 0.9
    weight_decay: float = 0.0  # L2 strength
    schedule: str = "constant"  # "constant" | "step" | "cosine" | "linear"
    time_budget: float | None = None  # seconds: if set, the schedule follows the clock
    shift: int = 0  # random shifts of up to this many pixels (augmentation)
    distort: float = 0.0  # strength of random affine and stroke-width distortion
    subset: int | None = None  # train on this many examples only (quick classroom runs)
    eval_every: int | None = None  # steps between held-out checks; None: every ~9,600 images
    max_seconds: float | None = None  # hard cap on training time (a shared server's limit)
    target_accuracy: float | None = None  # stop once a held-out check reaches this
    seed: int = 0

    def __post_init__(self) -> None:
        checks = [
            (self.epochs >= 1, f"epochs must be at least 1, got {self.epochs}"),
            (self.batch_size >= 1, f"batch_size must be at least 1, got {self.batch_size}"),
            (
                self.optimizer in OPTIMIZERS,
                f"unknown optimizer {self.optimizer!r}; choose one of {OPTIMIZERS}",
            ),
            (
                self.schedule in SCHEDULES,
                f"unknown schedule {self.schedule!r}; choose one of {SCHEDULES}",
            ),
            (
                math.isfinite(self.lr) and self.lr > 0,
                f"learning rate must be positive, got {self.lr}",
            ),
            (self.weight_decay >= 0, "weight_decay must be >= 0"),
            (0 <= self.momentum < 1, f"momentum must be in [0, 1), got {self.momentum}"),
            (self.distort >= 0, f"distort must be >= 0, got {self.distort}"),
            (self.time_budget is None or self.time_budget > 0, "time_budget must be positive"),
            (0 <= self.shift <= 8, "shift must be between 0 and 8 pixels"),
            (self.subset is None or self.subset >= 1, "subset must be at least 1"),
            (self.eval_every is None or self.eval_every >= 1, "eval_every must be at least 1"),
            (self.max_seconds is None or self.max_seconds > 0, "max_seconds must be positive"),
            (
                self.target_accuracy is None or 0 < self.target_accuracy <= 1,
                "target_accuracy must be a fraction in (0, 1]",
            ),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> TrainConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})


@dataclass(frozen=True)
class StepMetrics:
    """One mini-batch's worth of news. ``val_*`` are set only on evaluation steps."""

    step: int  # 1-based count of updates so far
    epoch: float  # fractional: 2.5 = half-way through the third epoch
    loss: float  # mean cross-entropy of this batch (before the update)
    accuracy: float  # fraction of this batch classified correctly
    lr: float  # the learning rate used for this update
    elapsed: float  # seconds spent training so far (pauses excluded)
    val_loss: float | None = None
    val_accuracy: float | None = None


class Trainer:
    """Mini-batch training of an MLP with softmax cross-entropy.

    X: (n, 784) float32 in [0, 1]; y: (n,) int. Optional X_val, y_val are evaluated
    every ``config.eval_every`` steps and at the end.

    The trainer owns every rule about *what* a run trains on and *when* it ends, so the
    command line and the app cannot disagree: the subset (``config.subset`` rows picked
    at random with the run's seed, kept as an index array so no data is copied), the
    held-out cadence, the hard time cap (``config.max_seconds``) and the target accuracy.

    ``health`` (optional) is told about every step it asks for (``health.due(step)``):
    ``before_update(model)`` sees the fresh gradients, ``after_update(model)`` the new
    weights. That is how the app records gradient norms without slowing every step.

    status: ready -> running -> finished | stopped | diverged (a ``RunStatus``).
    """

    def __init__(
        self, model, X, y, config: TrainConfig | None = None, X_val=None, y_val=None, health=None
    ):
        self.model, self.config, self.health = model, config or TrainConfig(), health
        c = self.config
        self.rng = np.random.default_rng(c.seed)
        check_training_data(  # on the raw arrays: a label of 2.5 must not become 2
            X,
            y,
            n_classes=model.config.sizes[-1],
            batch_size=c.batch_size,
            n_inputs=model.config.sizes[0],
        )
        self.X, self.y = (
            np.asarray(X, dtype=np.float32),
            np.asarray(y, dtype=np.int64),
        )  # (n, 784), (n,)
        self.rows: np.ndarray | None = None  # (subset,) row numbers, or None for all rows
        if c.subset is not None and c.subset < len(self.X):
            self.rows = np.sort(self.rng.choice(len(self.X), size=c.subset, replace=False))
        self.n = len(self.X) if self.rows is None else len(self.rows)
        self.X_val, self.y_val = X_val, y_val
        self.loss_fn = SoftmaxCrossEntropy()
        self.optimizer = make_optimizer(
            c.optimizer, model.parameters(), c.lr, c.momentum, c.weight_decay
        )
        self.base_lr = c.lr
        self.steps_per_epoch = math.ceil(self.n / c.batch_size)
        self.total_steps = self.steps_per_epoch * c.epochs
        self.eval_every = c.eval_every or eval_interval(c.batch_size, self.steps_per_epoch)
        self.step_count, self.elapsed = 0, 0.0
        self.status, self.message = RunStatus.READY, ""
        self._perm, self._pos = self.rng.permutation(self.n), 0  # (n,) this epoch's order
        self._Xb: np.ndarray | None = None  # (batch, 784) scratch: the batch's rows of X
        self._good_weights, self._good_step = model.get_weights(), 0
        self.val_history: list[StepMetrics] = []

    @property
    def done(self) -> bool:
        return self.status.is_over

    @property
    def progress(self) -> float:
        """How far through the run, in [0, 1]: by steps, or by the clock if that is sooner."""
        p = self.step_count / self.total_steps
        if self.config.time_budget:
            p = max(p, self.elapsed / self.config.time_budget)
        return min(p, 1.0)

    def set_lr(self, lr: float) -> None:
        """Change the base learning rate mid-run; the schedule keeps scaling it."""
        if not (math.isfinite(lr) and lr > 0):
            raise ValueError(f"learning rate must be positive, got {lr}")
        self.base_lr = float(lr)

    def stop(self, message: str = "Stopped.") -> None:
        """End the run now; the weights reached so far are kept."""
        if not self.done:
            self.status, self.message = RunStatus.STOPPED, message

    def bookmark(self) -> dict:
        """Where the run stands, in plain data, for a new Trainer on the same config, data
        and weights to carry on (``resume``). It leaves out the optimiser's memory (momentum's
        velocity, Adam's averages), as large as the network: a resumed run builds it up again
        from zero. Plain SGD keeps none, so with it (and no dropout, whose masks are drawn
        afresh) a resumed run takes the very steps it would have taken."""
        return {
            "step_count": self.step_count,
            "elapsed": self.elapsed,
            "base_lr": self.base_lr,
            "rng": self.rng.bit_generator.state,  # shifts, distortions, the next epochs' orders
            "order": self._perm.copy(),  # (n,) this epoch's order
            "position": self._pos,
        }

    def resume(self, mark: dict) -> None:
        """Carry on from ``bookmark()``: same step, clock, rate and order of the examples."""
        self.step_count, self.elapsed = int(mark["step_count"]), float(mark["elapsed"])
        self.base_lr = float(mark["base_lr"])
        self.rng.bit_generator.state = mark["rng"]
        self._perm, self._pos = np.asarray(mark["order"]), int(mark["position"])  # (n,)
        self._good_weights, self._good_step = self.model.get_weights(), self.step_count
        if self.step_count:
            self.status = RunStatus.RUNNING

    @property
    def lr_now(self) -> float:
        """The learning rate the next step will use: the base rate times the schedule."""
        return self.base_lr * schedule_factor(self.config.schedule, self.progress)

    def _next_batch(self) -> tuple[np.ndarray, np.ndarray]:
        """The next mini-batch of the shuffled epoch, gathered into a reused buffer."""
        if self._pos >= self.n:
            self._perm, self._pos = self.rng.permutation(self.n), 0  # (n,)
        idx = self._perm[self._pos : self._pos + self.config.batch_size]  # (b,)
        self._pos += len(idx)
        if self.rows is not None:
            idx = self.rows[idx]  # positions in the subset -> rows of X
        if self._Xb is None or len(self._Xb) != len(idx):
            self._Xb = np.empty((len(idx), self.X.shape[1]), dtype=np.float32)  # (b, 784)
        # Plain form: Xb = X[idx]. Into the buffer: 10 instead of 12 us with glibc's
        # defaults, 10 instead of 218 us where big arrays are fresh mappings (128 of 60,000
        # rows). mode="clip" (the indices are always in range) lets np.take write straight
        # into ``out``; its default, "raise", goes through a temporary copy (29 / 248 us).
        Xb = np.take(self.X, idx, axis=0, out=self._Xb, mode="clip")  # (b, 784)
        if self.config.shift:
            Xb = random_shift(Xb, self.rng, self.config.shift)
        if self.config.distort:
            from nn_core.distort import random_distort

            Xb = random_distort(Xb, self.rng, self.config.distort)
        return Xb, self.y[idx]

    def step(self) -> StepMetrics | None:
        """One update on one mini-batch; None once the run is over."""
        if self.done:
            return None
        t0 = time.perf_counter()
        self.status = RunStatus.RUNNING
        lr = self.lr_now
        Xb, yb = self._next_batch()
        Z = self.model.forward(Xb, training=True)
        loss = self.loss_fn.forward(Z, yb)
        if not math.isfinite(loss) or loss > EXPLODED_LOSS:
            return self._diverged(lr, loss)
        if self.step_count % SNAPSHOT_EVERY == 0:
            self._good_weights, self._good_step = self.model.get_weights(), self.step_count
        acc = float(np.mean(Z.argmax(axis=1) == yb))
        self.model.backward(self.loss_fn.backward())
        watch = self.health is not None and self.health.due(self.step_count + 1)
        if watch:
            self.health.before_update(self.model)
        self.optimizer.lr = lr
        self.optimizer.step()
        if watch:
            self.health.after_update(self.model)
        self.step_count += 1
        self.elapsed += time.perf_counter() - t0
        self._check_end()
        m = StepMetrics(
            self.step_count, self.step_count / self.steps_per_epoch, loss, acc, lr, self.elapsed
        )
        return self._with_validation(m)

    def _check_end(self) -> None:
        """Finish at the last step or the end of the time budget; stop at the time cap."""
        if self.step_count >= self.total_steps or self.progress >= 1.0:
            self.status, self.message = RunStatus.FINISHED, "Training finished."
        elif self.config.max_seconds is not None and self.elapsed >= self.config.max_seconds:
            self.status = RunStatus.STOPPED
            self.message = (
                f"Stopped at the limit of {self.config.max_seconds:g} s of training per run "
                "(so that everybody in the room gets a share of the machine)."
            )

    def _diverged(self, lr: float, loss: float) -> None:
        self.model.set_weights(self._good_weights)
        self.status = RunStatus.DIVERGED
        what = "infinite or NaN" if not math.isfinite(loss) else f"{loss:.3g}"
        self.message = (
            f"The loss exploded to {what} at step {self.step_count + 1} "
            f"(learning rate {lr:.3g}): the steps were too large and the weights "
            f"blew up. Training stopped and the weights from step {self._good_step}, "
            "the last good ones, were kept. Try a smaller learning rate."
        )
        return None

    def _with_validation(self, m: StepMetrics) -> StepMetrics:
        if self.X_val is None or (m.step % self.eval_every and not self.done):
            return m
        r = evaluate(self.model, self.X_val, self.y_val)
        m = dataclasses.replace(m, val_loss=r.loss, val_accuracy=r.accuracy)
        self.val_history.append(m)
        target = self.config.target_accuracy
        if target is not None and r.accuracy >= target and not self.done:
            self.status = RunStatus.FINISHED
            self.message = (
                f"Reached the target of {target:.0%} on held-out images "
                f"({r.accuracy:.1%}) after {m.step:,} steps."
            )
        return m

    def steps(self, max_steps: int | None = None, max_seconds: float | None = None):
        """Yield StepMetrics until the run ends or a step/time limit is reached.

        Stopping early loses nothing: call ``steps()`` again to carry on.
        """
        t_end = None if max_seconds is None else time.perf_counter() + max_seconds
        n = 0
        while not self.done and (max_steps is None or n < max_steps):
            if t_end is not None and n and time.perf_counter() >= t_end:
                return
            m = self.step()
            if m is None:
                return
            n += 1
            yield m

    def run(
        self, max_steps: int | None = None, max_seconds: float | None = None
    ) -> list[StepMetrics]:
        """Take steps (see ``steps``) and return their metrics as a list."""
        return list(self.steps(max_steps, max_seconds))


if __name__ == "__main__":
    # Run as ``python -m nn_core.train``, this file is ``__main__``: the command line imports
    # it again as ``nn_core.train`` and uses only that copy (the second run costs ~5 ms).
    from nn_core.cli import main

    raise SystemExit(main())
