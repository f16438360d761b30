"""A run set aside and built again (``Trainer.bookmark`` / ``resume``): what carries over.

The server sets a long-paused run aside and keeps only its weights and this bookmark;
a new Trainer on the same config and data then carries on. Everything about *what* it
trains on carries over (step, clock, rate, the epoch's order, the random shifts); the
optimiser's running averages do not, and with plain SGD there are none to lose.
"""

from __future__ import annotations

import pickle

import pytest

from nn_core import MLP, TrainConfig, Trainer
from tests.engine.test_train import assert_same_weights, curve


def setup(small, optimizer="sgd", dropout=0.0):
    """Shifts, a subset, a schedule and validation: every moving part of what is trained on."""
    X, y, Xv, yv = small
    model = MLP((784, 32, 16, 10), dropout=dropout, seed=3)
    config = TrainConfig(
        epochs=2, batch_size=32, optimizer=optimizer, lr=0.05, schedule="cosine", shift=2,
        subset=200, eval_every=5, seed=7,
    )  # fmt: skip
    return model, Trainer(model, X, y, config, X_val=Xv[:100], y_val=yv[:100])


def rebuilt(small, trainer, **kind):
    """A fresh model and Trainer carrying on from ``trainer``'s weights and bookmark, the
    bookmark sent through pickle as it crosses from a worker to the server and back."""
    mark = pickle.loads(pickle.dumps(trainer.bookmark()))
    model, again = setup(small, **kind)
    model.set_weights(trainer.model.get_weights())
    again.resume(mark)
    return model, again


def test_plain_sgd_set_aside_mid_epoch_loses_nothing(small):
    """Dropout is off: its masks come from the model's own generator, drawn afresh."""
    ref_model, ref = setup(small)
    ref.set_lr(0.08)
    expected = ref.run()
    _, trainer = setup(small)
    trainer.set_lr(0.08)  # a rate changed by hand carries over too
    first = trainer.run(max_steps=9)  # 7 batches an epoch: mid-way through the second
    model, again = rebuilt(small, trainer)
    assert (again.step_count, again.base_lr, again.status) == (9, 0.08, "running")
    assert again.elapsed == trainer.elapsed
    assert curve(first + again.run()) == curve(expected)
    assert_same_weights(model, ref_model)


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_an_optimiser_with_memory_carries_on_without_it(small, optimizer):
    _, trainer = setup(small, optimizer, dropout=0.2)
    trainer.run(max_steps=9)
    _, again = rebuilt(small, trainer, optimizer=optimizer, dropout=0.2)
    memory = again.optimizer._v if optimizer == "momentum" else again.optimizer._M
    assert all(not a.any() for a in memory)  # the running averages start again from zero
    rest = again.run()
    assert [m.step for m in rest] == list(range(10, again.total_steps + 1))
    assert again.status == "finished"


@pytest.mark.parametrize("steps", [0, 1])
def test_a_bookmark_before_or_at_the_first_step(small, steps):
    _, trainer = setup(small)
    trainer.run(max_steps=steps)
    _, again = rebuilt(small, trainer)
    assert again.step_count == steps and again.status == ("running" if steps else "ready")
    assert again.run()[0].step == steps + 1
