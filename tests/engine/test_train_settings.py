"""What a teacher sets before or during a run, and what the trainer makes of it.

The learning rate can be changed between any two steps and the schedule follows it; a
bad setting or bad data is refused before the first step, in a sentence; the random
shifts that augment the digits stay within their limit and are reproducible.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from nn_core import MLP, TrainConfig, Trainer
from nn_core.augment import random_shift
from nn_core.optimizers import SCHEDULES, schedule_factor
from tests.engine.helpers import sgd_trainer

# --------------------------------------------------------------------------- learning rate


def test_set_lr_is_used_by_the_very_next_step(small):
    model, trainer = sgd_trainer(small, lr=0.1)
    trainer.run(max_steps=3)
    before = model.get_weights()
    trainer.set_lr(0.5)
    m = trainer.step()
    assert m.lr == 0.5 and trainer.optimizer.lr == 0.5
    # plain SGD: the step was exactly W - 0.5 * dW, with the gradient it just computed
    for w0, (_, w1, g) in zip(before, model.parameters(), strict=True):
        np.testing.assert_allclose(w1, w0 - g * np.float32(0.5), rtol=1e-6, atol=1e-8)
        assert not np.allclose(w1, w0 - g * np.float32(0.1), rtol=1e-6, atol=1e-8)
    assert all(m.lr == 0.5 for m in trainer.run(max_steps=3))


def test_set_lr_keeps_the_schedule_scaling(small):
    _, trainer = sgd_trainer(small, lr=0.1, schedule="linear")
    trainer.run(max_steps=4)
    trainer.set_lr(0.02)
    m = trainer.step()
    assert m.lr == pytest.approx(0.02 * (1 - 4 / trainer.total_steps))


@pytest.mark.parametrize("bad", [0.0, -0.1, math.nan, math.inf])
def test_set_lr_rejects_nonsense(small, bad):
    _, trainer = sgd_trainer(small)
    with pytest.raises(ValueError, match="learning rate must be positive"):
        trainer.set_lr(bad)
    assert trainer.base_lr == 0.1


@pytest.mark.parametrize("schedule", SCHEDULES)
def test_the_schedule_sets_every_steps_learning_rate(small, schedule):
    _, trainer = sgd_trainer(small, lr=0.2, schedule=schedule, epochs=3, batch_size=64)
    metrics = trainer.run()
    T = trainer.total_steps
    assert T == 12 and len(metrics) == T
    expected = [0.2 * schedule_factor(schedule, i / T) for i in range(T)]
    assert [m.lr for m in metrics] == pytest.approx(expected, rel=1e-12)


def test_step_schedule_drops_at_half_and_three_quarters(small):
    _, trainer = sgd_trainer(small, lr=1.0, schedule="step", epochs=4, batch_size=64)
    lrs = [m.lr for m in trainer.run()]
    assert lrs == pytest.approx([1.0] * 8 + [0.1] * 4 + [0.01] * 4)


# --------------------------------------------------------------------------- bad inputs


def bad_input(change: str):
    """Six valid digits-shaped examples for a 784-8-10 network, then one thing spoiled."""
    X = np.random.default_rng(0).random((6, 784), dtype=np.float32)
    y, batch_size = np.arange(6), 2
    if change == "label 10":
        y[3] = 10
    elif change == "label -1":
        y[0] = -1
    elif change == "empty X":
        X, y = X[:0], y[:0]
    elif change == "mismatched lengths":
        y = y[:5]
    elif change == "NaN pixel":
        X[2, 400] = np.nan
    elif change == "batch size 2.5":
        batch_size = 2.5
    return X, y, TrainConfig(epochs=1, batch_size=batch_size)


SENTENCES = {  # what each spoiled input must be told, word for word
    "label 10": "label 10 is not a class: labels must be 0..9 for a network with 10 outputs",
    "label -1": "label -1 is not a class: labels must be 0..9",
    "empty X": "there are no training examples (zero rows)",
    "mismatched lengths": "there are 6 examples but 5 labels",
    "NaN pixel": "the data contains NaN or infinite values",
    "batch size 2.5": "the batch size must be a positive whole number, not 2.5",
}


@pytest.mark.parametrize("change", list(SENTENCES))
def test_the_trainer_refuses_bad_inputs_before_training(change):
    """The Trainer itself must check, not only check_training_data when tested alone:
    without the check these fail deep inside (IndexError, ZeroDivisionError) or, for a
    label of -1, not at all."""
    X, y, config = bad_input(change)
    with pytest.raises(ValueError) as info:
        Trainer(MLP((784, 8, 10), seed=0), X, y, config)
    assert SENTENCES[change] in str(info.value)
    assert "learning rate" not in str(info.value)  # a NaN in the data is not the lr's fault


# --------------------------------------------------------------------------- TrainConfig


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"epochs": 0}, "epochs"),
        ({"batch_size": 0}, "batch_size"),
        ({"optimizer": "rmsprop"}, "unknown optimizer"),
        ({"schedule": "exp"}, "unknown schedule"),
        ({"lr": 0.0}, "learning rate"),
        ({"lr": -1.0}, "learning rate"),
        ({"lr": math.nan}, "learning rate"),
        ({"lr": math.inf}, "learning rate"),
        ({"weight_decay": -0.1}, "weight_decay"),
        ({"time_budget": 0.0}, "time_budget"),
        ({"shift": 9}, "shift"),
        ({"shift": -1}, "shift"),
        ({"subset": 0}, "subset"),
        ({"eval_every": 0}, "eval_every"),
    ],
)
def test_train_config_rejects_bad_values(changes, message):
    with pytest.raises(ValueError, match=message):
        TrainConfig(**changes)


def test_train_config_round_trips_through_a_dict():
    config = TrainConfig(epochs=2, optimizer="sgd", lr=0.3, time_budget=5.0, subset=100, seed=9)
    d = config.to_dict()
    assert d["lr"] == 0.3 and d["time_budget"] == 5.0
    assert TrainConfig.from_dict(d) == config
    assert TrainConfig.from_dict({**d, "from_a_newer_version": 1}) == config


# --------------------------------------------------------------------------- random shifts


def test_random_shift_moves_each_image_within_the_limit():
    rng = np.random.default_rng(0)
    n, s = 200, 2
    X = np.zeros((n, 28, 28), np.float32)
    X[:, 14, 14] = np.arange(1, n + 1)  # one bright, distinct pixel per image
    Y = random_shift(X.reshape(n, 784), rng, s).reshape(n, 28, 28)
    assert Y.shape == (n, 28, 28) and Y.dtype == np.float32
    offsets = set()
    for i in range(n):
        (r,), (c,) = np.nonzero(Y[i])
        assert Y[i, r, c] == i + 1
        assert abs(r - 14) <= s and abs(c - 14) <= s
        offsets.add((r - 14, c - 14))
    assert len(offsets) == (2 * s + 1) ** 2  # all 25 shifts occur


def test_random_shift_pads_with_zeros_and_is_reproducible():
    X = np.ones((50, 784), np.float32)
    Y = random_shift(X, np.random.default_rng(1), 3)
    assert set(np.unique(Y)) <= {0.0, 1.0}
    assert (Y.reshape(50, 28, 28)[:, 3:25, 3:25] == 1).all()  # the middle stays covered
    np.testing.assert_array_equal(Y, random_shift(X, np.random.default_rng(1), 3))
    np.testing.assert_array_equal(X, 1.0)


def test_random_shift_of_zero_is_a_copy():
    X = np.random.default_rng(0).random((3, 784), dtype=np.float32)
    Y = random_shift(X, np.random.default_rng(0), 0)
    np.testing.assert_array_equal(Y, X)
    assert not np.shares_memory(Y, X)
