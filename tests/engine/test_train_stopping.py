"""When a training run ends, and how it says so: the epochs run out, the teacher stops
it, the time budget is spent, or the weights diverge.

A classroom run must end on its own and leave a usable model behind. A budget of ten
minutes must mean ten minutes, with the learning rate schedule following the clock; a
learning rate far too large must end in "diverged" with the last good weights and a
sentence naming the learning rate, not in a network full of NaN.
"""

from __future__ import annotations

import math
import types
import warnings

import numpy as np
import pytest

import nn_core.train as train_module
from nn_core import MLP, TrainConfig, Trainer
from tests.engine.helpers import sgd_trainer

# --------------------------------------------------------------------------- status


def test_status_moves_from_ready_to_running_to_finished(small):
    _, trainer = sgd_trainer(small, epochs=1, batch_size=64)
    assert trainer.status == "ready" and not trainer.done and trainer.progress == 0.0
    trainer.step()
    assert trainer.status == "running" and trainer.progress == 0.25
    trainer.run()
    assert trainer.status == "finished" and trainer.done and trainer.progress == 1.0
    assert trainer.message == "Training finished."


def test_stop_ends_the_run(small):
    _, trainer = sgd_trainer(small)
    trainer.run(max_steps=2)
    trainer.stop()
    assert trainer.status == "stopped" and trainer.done and trainer.message == "Stopped."
    assert trainer.step() is None and trainer.run() == []
    assert trainer.step_count == 2
    trainer.stop("again")  # stopping a finished run changes nothing
    assert trainer.message == "Stopped."


# --------------------------------------------------------------------------- time budget


class FakeClock:
    """perf_counter for nn_core.train: every call moves time on by ``tick`` seconds."""

    def __init__(self, tick: float):
        self.now, self.tick = 0.0, tick  # a power of two: all sums below are exact

    def perf_counter(self) -> float:
        self.now += self.tick
        return self.now


def test_time_budget_ends_training_and_the_lr_follows_the_clock(small, monkeypatch):
    tick = 1 / 64
    clock = types.SimpleNamespace(perf_counter=FakeClock(tick).perf_counter)
    monkeypatch.setattr(train_module, "time", clock)
    _, trainer = sgd_trainer(small, lr=0.1, schedule="linear", epochs=100, time_budget=10 * tick)
    metrics = trainer.run()
    # each step takes one tick of fake time: the budget is spent after ten steps
    assert trainer.status == "finished" and len(metrics) == 10
    assert trainer.total_steps == 800 and trainer.progress == 1.0
    assert [m.elapsed for m in metrics] == [tick * k for k in range(1, 11)]
    assert [m.lr for m in metrics] == pytest.approx([0.1 * (1 - k / 10) for k in range(10)])


def test_time_budget_with_the_real_clock(small):
    X, y, _, _ = small
    config = TrainConfig(
        epochs=100_000, batch_size=16, optimizer="sgd", lr=0.1, schedule="linear", time_budget=0.2
    )
    trainer = Trainer(MLP((784, 8, 10), seed=0), X[:64], y[:64], config)
    metrics = trainer.run()
    assert trainer.status == "finished"
    assert len(metrics) < trainer.total_steps  # the clock ended it, not the epochs
    assert trainer.elapsed >= 0.2 and trainer.progress == 1.0
    # the lr of each step is the schedule at the progress made before it (steps or clock)
    elapsed_before = [0.0] + [m.elapsed for m in metrics[:-1]]
    for i, (m, t) in enumerate(zip(metrics, elapsed_before, strict=True)):
        progress = min(max(i / trainer.total_steps, t / 0.2), 1.0)
        assert m.lr == pytest.approx(0.1 * (1 - progress), rel=1e-9, abs=1e-12)
    assert all(b.lr <= a.lr for a, b in zip(metrics, metrics[1:], strict=False))


# --------------------------------------------------------------------------- divergence


def test_a_huge_learning_rate_is_caught_and_the_last_good_weights_kept(small):
    X, y, _, _ = small
    model = MLP((784, 32, 10), seed=0)
    trainer = Trainer(model, X, y, TrainConfig(epochs=20, batch_size=16, optimizer="sgd", lr=0.05))
    snapshots = {0: model.get_weights()}
    for m in trainer.steps(max_steps=60):
        snapshots[m.step] = model.get_weights()
    trainer.set_lr(1e30)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # overflow is the point here
        after = trainer.run()
    assert trainer.status == "diverged" and trainer.done
    assert len(after) < 5
    assert "learning rate" in trainer.message
    assert "1e+30" in trainer.message
    assert all(np.isfinite(w).all() for w in model.get_weights())
    for good, w in zip(snapshots[50], model.get_weights(), strict=True):
        np.testing.assert_array_equal(good, w)  # the snapshot taken every 50 steps
    assert "step 50" in trainer.message
    assert trainer.step() is None and trainer.run() == []


def test_divergence_on_the_second_step_restores_the_initial_weights(small):
    X, y, _, _ = small
    model = MLP((784, 32, 10), seed=0)
    initial = model.get_weights()
    trainer = Trainer(model, X, y, TrainConfig(epochs=3, batch_size=32, optimizer="sgd", lr=1e30))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        metrics = trainer.run()
    assert trainer.status == "diverged"
    assert all(math.isfinite(m.loss) for m in metrics)
    assert "learning rate" in trainer.message
    for a, b in zip(initial, model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_an_exploding_loss_counts_as_divergence(small):
    """lr = 1000 with plain SGD sends the loss from 2.3 past 1e11 within a few steps,
    but it never becomes inf/NaN in float32 (the fused softmax is stable), so the run is
    reported as "finished". A teacher showing "too large a learning rate" gets no warning."""
    X, y, _, _ = small
    model = MLP((784, 32, 10), seed=0)
    trainer = Trainer(model, X, y, TrainConfig(epochs=3, batch_size=32, optimizer="sgd", lr=1e3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        metrics = trainer.run()
    losses = [m.loss for m in metrics]
    assert trainer.status == "diverged", (
        f"status {trainer.status!r}, losses up to {max(losses):.3g}"
    )
    assert "learning rate" in trainer.message
    assert all(np.isfinite(w).all() for w in model.get_weights())
