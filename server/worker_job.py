"""One run inside a training worker: its model, its Trainer, and its rhythm.

The worker process (``server.worker``) holds one ``WorkerJob`` per run it trains and
gives each a slice of time in turn. The job turns the Trainer's steps into news for the
server: curves as small arrays, the step count, the measured pace, and about once a
second a copy of the weights, so the page can draw the network as it learns. Slow
motion is a rule about the clock (``allowed_steps``), kept here so a test can move the
clock by hand. A long-paused run is set aside (``bookmark``) and built again from it.
"""

from __future__ import annotations

import time
from collections import deque

import numpy as np

from nn_core.health import HealthRecorder
from nn_core.metrics import evaluate
from nn_core.model import MLP, ModelConfig
from nn_core.presets import input_stats
from nn_core.train import TrainConfig, Trainer
from server.job import JobSpec


class WorkerJob:
    """One run inside a worker: its model, its Trainer, and its rhythm."""

    def __init__(self, spec: JobSpec, arrays: dict[str, np.ndarray]):
        self.spec, self.arrays = spec, arrays
        mark = spec.resume or {}
        config = ModelConfig.from_dict(mark.get("model_config", spec.model_config))
        if spec.standardize and spec.weights is None and not mark:
            config = ModelConfig(**{**config.to_dict(), **input_stats(arrays["X_train"])})
        self.model = MLP(config=config)
        weights = mark.get("weights", spec.weights)
        if weights is not None:
            self.model.set_weights(list(weights))
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
        if mark:
            self.trainer.resume(mark["trainer"])
            self.health.history = {k: list(v) for k, v in mark["health"].items()}
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

    def bookmark(self) -> dict:
        """What the server keeps of a set-aside run: its network and where it stood. The
        optimiser's running averages are not in it (``Trainer.bookmark`` says why)."""
        return {
            "weights": self.model.get_weights(),
            "model_config": self.model.config.to_dict(),  # with measured input statistics
            "trainer": self.trainer.bookmark(),
            "health": self.health.as_dict(),
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
