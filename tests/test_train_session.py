"""TrainingSession: the controls drive the run as a teacher expects, within the limits."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nn_core.model import MLP, ModelConfig
from nn_core.presets import PRESETS
from nn_core.train import TrainConfig
from ui.limits import ServerLimits, clamp_settings, limits_from_env
from ui.train.session import TrainingSession, eval_interval, training_window

SMALL = ModelConfig((784, 32, 10))


@pytest.fixture(scope="module")
def data(mnist_sample):
    """The bundled sample as the app sees a data set: read-only arrays."""
    arrays = {
        k: getattr(mnist_sample, k).copy() for k in ("X_train", "y_train", "X_test", "y_test")
    }
    for a in arrays.values():
        a.flags.writeable = False
    return dataclasses.replace(mnist_sample, **arrays)


def make(data, train=None, config=SMALL, **kw) -> TrainingSession:
    """A session on ``data`` with small defaults; ``kw`` goes to TrainingSession.create."""
    train = train or TrainConfig(epochs=20, batch_size=64, optimizer="adam", lr=1e-3, subset=1000)
    return TrainingSession.create(data, config, train, val_index=np.arange(200), **kw)


def test_start_pause_resume_stop(data):
    s = make(data)
    assert s.state == "ready" and s.tick(0.01) == 0  # nothing happens before Start
    s.start()
    assert s.tick(0.02) > 0 and s.state == "running"
    s.pause()
    n = s.step_count
    assert s.tick(0.02) == 0 and s.step_count == n and s.state == "paused"
    s.resume()
    assert s.tick(0.02) > 0 and s.step_count > n
    s.stop()
    assert s.state == "stopped" and s.run.status == "stopped" and not s.live
    assert "Stopped by you" in s.run.message
    assert 0.0 <= s.run.test_accuracy <= 1.0 and s.run.test_loss > 0
    assert s.tick(0.02) == 0  # a stopped run stays stopped
    s.start()
    assert s.state == "stopped"


def test_step_takes_exactly_one_minibatch_and_pauses(data):
    s = make(data)
    assert s.step() == 1 and s.step_count == 1 and s.state == "paused"
    assert s.step() == 1 and s.step_count == 2
    assert len(s.run.log) == 2
    s.start()
    s.tick(0.0)
    assert s.step_count == 3


def test_tick_is_time_boxed(data):
    s = make(data, TrainConfig(epochs=20, batch_size=32, subset=4000))
    s.start()
    assert s.tick(0.0) == 1  # an expired budget still makes progress: one step
    n = s.tick(0.05)
    assert 0 < n < s.trainer.total_steps
    assert s.running and s.step_count == 1 + n


def test_run_to_the_end_records_curves_and_scores(data):
    fast = PRESETS["fast"]
    train = dataclasses.replace(fast.train, epochs=2, subset=2000)
    s = make(data, train, fast.model, standardize=True, preset="fast")
    s.start()
    while s.live:
        s.tick(0.5)
    run = s.run
    assert s.state == run.status == "finished"
    assert run.steps == s.trainer.total_steps == 2 * 16
    assert run.test_accuracy > 0.7  # 2,000 digits, two epochs: well above chance (0.1)
    assert run.val_step and run.val_step[-1] == run.steps  # a held-out check at the end
    assert s.model.config.x_std != 1.0  # standardised on the training images
    assert run.log.arrays()["step"][-1] == run.steps


def test_learning_rate_change_is_recorded_and_used(data):
    s = make(data, TrainConfig(epochs=3, batch_size=64, optimizer="sgd", lr=0.1, subset=1000))
    s.start()
    s.tick(0.0)
    at = s.step_count
    assert s.set_lr(0.01)
    assert not s.set_lr(0.01)  # no change, nothing recorded
    s.tick(0.0)
    assert s.run.lr_changes == [(at, pytest.approx(at / s.trainer.steps_per_epoch), 0.01)]
    lr = s.run.log.arrays()["lr"]
    assert lr[0] == pytest.approx(0.1) and lr[-1] == pytest.approx(0.01)


def test_huge_learning_rate_diverges_with_finite_weights(data):
    train = TrainConfig(epochs=5, batch_size=64, optimizer="sgd", lr=1e4, subset=2000)
    s = make(data, train, ModelConfig((784, 64, 10), init="naive"))
    s.start()
    while s.live:
        s.tick(0.2)
    assert s.state == s.run.status == "diverged"
    assert "learning rate" in s.run.message.lower()
    assert s.step_count < s.trainer.total_steps
    assert all(np.isfinite(w).all() for w in s.model.get_weights())
    assert s.run.test_accuracy is not None


def test_limits_clamp_the_settings(data):
    limits = ServerLimits(
        max_hidden_units=32,
        max_hidden_layers=1,
        max_epochs=2,
        max_train_subset=500,
        max_batch_size=16,
    )
    train = TrainConfig(epochs=10, batch_size=128, subset=None, time_budget=999.0)
    s = make(data, train, ModelConfig((784, 512, 256, 10)), limits=limits)
    assert s.model.config.sizes == (784, 32, 10)
    assert s.trainer.config.epochs == 2 and s.trainer.config.batch_size == 16
    assert len(s.trainer.X) == 500
    assert s.trainer.config.time_budget == limits.max_train_seconds
    _, _, notes = clamp_settings(ModelConfig((784, 512, 256, 10)), train, limits, 8000)
    assert len(notes) == 6 and all(isinstance(n, str) and n for n in notes)


def test_server_time_limit_stops_the_run(data):
    limits = ServerLimits(max_train_seconds=0.05)
    s = make(data, TrainConfig(epochs=50, batch_size=32, subset=4000), limits=limits)
    s.start()
    while s.live:
        s.tick(0.02)
    assert s.state == "stopped" and "limit" in s.run.message
    assert s.step_count < s.trainer.total_steps


def test_shared_arrays_are_only_read(data):
    before = [a.copy() for a in (data.X_train, data.y_train, data.X_test, data.y_test)]
    s = make(data, TrainConfig(epochs=1, batch_size=64, shift=2, subset=3000))
    assert np.shares_memory(s.trainer.X, data.X_train)  # a view of the shared copy
    s.start()
    while s.live:
        s.tick(0.5)
    for a, b in zip(before, (data.X_train, data.y_train, data.X_test, data.y_test), strict=True):
        np.testing.assert_array_equal(a, b)


def test_continue_from_a_given_model_and_refuse_a_misfit(data):
    model = MLP((784, 16, 10), seed=3)
    s = TrainingSession.create(data, SMALL, TrainConfig(subset=500), model=model, started_from="m")
    assert s.model is model and s.run.started_from == "m"
    assert s.run.model_config["sizes"] == [784, 16, 10]
    with pytest.raises(ValueError, match="inputs"):
        TrainingSession.create(data, SMALL, TrainConfig(), model=MLP((100, 8, 10)))


def test_status_and_result_lines(data):
    s = make(data)
    s.start()
    s.tick(0.0)
    assert s.status_line().startswith("Epoch 1 of 20 · step 1 of 320 · ")
    assert "steps/s" in s.status_line()
    s.pause()
    assert s.status_line().endswith("paused")
    s.stop()
    assert "Test accuracy" in s.result_line() and f"{s.step_count:,} steps" in s.result_line()


def test_eval_interval_and_training_window():
    assert eval_interval(128, 469) == 75
    assert eval_interval(1, 60000) == 9600
    assert eval_interval(128, 8) == 4  # small subsets: still twice an epoch
    w = training_window(60000, 1000, seed=0)
    assert w.stop - w.start == 1000 and 0 <= w.start <= 59000
    assert training_window(60000, 1000, seed=0) == w
    assert training_window(5000, None, seed=0) == slice(0, 5000)


def test_limits_from_env_reads_overrides_and_ignores_nonsense():
    limits = limits_from_env({"NN_MAX_HIDDEN_UNITS": "2048", "NN_MAX_EPOCHS": "many"})
    assert limits.max_hidden_units == 2048
    assert limits.max_epochs == ServerLimits().max_epochs
    with pytest.raises(ValueError):
        ServerLimits(max_epochs=0)
