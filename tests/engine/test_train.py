"""Training: it learns, it is deterministic, it pauses without loss, and it fails loudly.

Every test here trains tiny models on a few hundred images so the whole file stays fast
even when other processes load the CPU.
"""

from __future__ import annotations

import math
import types
import warnings

import numpy as np
import pytest

import nn_core.train as train_module
from nn_core import MLP, StepMetrics, TrainConfig, Trainer, evaluate
from nn_core.augment import random_shift
from nn_core.losses import cross_entropy
from nn_core.optimizers import SCHEDULES, schedule_factor


@pytest.fixture(scope="module")
def small(mnist_sample):
    """256 real training digits and 200 test digits (writable copies)."""
    return (
        mnist_sample.X_train[:256].copy(),
        mnist_sample.y_train[:256].copy(),
        mnist_sample.X_test[:200].copy(),
        mnist_sample.y_test[:200].copy(),
    )


def curve(metrics: list[StepMetrics]) -> list[tuple]:
    """Everything in the metrics except the wall-clock time."""
    return [
        (m.step, m.epoch, m.loss, m.accuracy, m.lr, m.val_loss, m.val_accuracy) for m in metrics
    ]


def assert_same_weights(a: MLP, b: MLP) -> None:
    for x, y in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(x, y)  # bit for bit


def rich_setup(small, seed=7, model_seed=3, **changes):
    """Dropout, shifts, momentum, a schedule, a subset and validation: every moving part."""
    X, y, Xv, yv = small
    model = MLP((784, 32, 16, 10), dropout=0.2, seed=model_seed)
    config = TrainConfig(
        **{
            "epochs": 3,
            "batch_size": 32,
            "optimizer": "momentum",
            "lr": 0.05,
            "schedule": "cosine",
            "shift": 2,
            "subset": 200,
            "eval_every": 5,
            "seed": seed,
            **changes,
        }
    )
    return model, Trainer(model, X, y, config, X_val=Xv[:100], y_val=yv[:100])


# --------------------------------------------------------------------------- it learns


def test_a_tiny_batch_is_learned_by_heart(mnist_sample):
    X, y = mnist_sample.X_train[:20], mnist_sample.y_train[:20]
    model = MLP((784, 64, 10), seed=0)
    config = TrainConfig(epochs=150, batch_size=20, optimizer="adam", lr=0.01)
    metrics = Trainer(model, X, y, config).run()
    assert len(metrics) == 150
    assert metrics[-1].accuracy == 1.0
    assert metrics[-1].loss < 0.05
    assert np.mean(model.predict(X) == y) == 1.0


def test_the_loss_falls_on_real_data(mnist_sample):
    ds = mnist_sample
    model = MLP((784, 32, 10), seed=0)
    trainer = Trainer(model, ds.X_train, ds.y_train, TrainConfig(epochs=3, batch_size=64))
    before = evaluate(model, ds.X_test, ds.y_test)
    metrics = trainer.run(max_steps=300)
    assert len(metrics) == 300 and trainer.status == "running"
    first = np.mean([m.loss for m in metrics[:10]])
    last = np.mean([m.loss for m in metrics[-30:]])
    assert last < 0.5 * first
    after = evaluate(model, ds.X_test, ds.y_test)
    assert after.loss < 0.5 * before.loss
    assert after.accuracy > 0.8


# --------------------------------------------------------------------------- determinism


@pytest.mark.parametrize("distort", [0.0, 0.5])
def test_the_same_seed_gives_identical_weights_and_metrics(small, distort):
    m1, t1 = rich_setup(small, distort=distort)
    m2, t2 = rich_setup(small, distort=distort)
    r1, r2 = t1.run(), t2.run()
    assert len(r1) == t1.total_steps == 21  # ceil(200 / 32) * 3
    assert curve(r1) == curve(r2)
    assert [m.val_loss for m in r1 if m.val_loss is not None]  # validation did happen
    assert_same_weights(m1, m2)


def test_different_seeds_give_different_runs(small):
    base_model, base = rich_setup(small)
    base_metrics = base.run()
    for changes in ({"seed": 8}, {"model_seed": 4}):
        model, trainer = rich_setup(small, **changes)
        metrics = trainer.run()
        assert [m.loss for m in metrics] != [m.loss for m in base_metrics], changes
        assert not np.array_equal(model.dense[0].W, base_model.dense[0].W), changes


# --------------------------------------------------------------------------- pause and resume


def chunks_of_steps(trainer):
    out, sizes = [], [1, 3, 7, 2]
    i = 0
    while not trainer.done:
        out += list(trainer.steps(max_steps=sizes[i % len(sizes)]))
        i += 1
    return out


def abandoned_generators(trainer):
    out = []
    while not trainer.done:
        gen = trainer.steps()
        for _ in range(4):
            m = next(gen, None)
            if m is None:
                break
            out.append(m)
        gen.close()  # the UI simply stops pulling and drops the generator
        del gen
    return out


def run_with_zero_seconds(trainer):
    out = []
    while not trainer.done:
        got = trainer.run(max_seconds=0.0)
        assert len(got) == 1  # the first step of a call is always taken
        out += got
    return out


def mixed(trainer):
    out = [trainer.step()]
    out += trainer.run(max_steps=5)
    out += trainer.run(max_seconds=1e-4)
    gen = trainer.steps(max_steps=3)
    out.append(next(gen))
    out += list(trainer.steps())
    return out


@pytest.mark.parametrize(
    "how", [chunks_of_steps, abandoned_generators, run_with_zero_seconds, mixed]
)
def test_pausing_and_resuming_loses_nothing(small, how):
    ref_model, ref = rich_setup(small)
    expected = ref.run()
    model, trainer = rich_setup(small)
    got = how(trainer)
    assert trainer.status == ref.status == "finished"
    assert curve(got) == curve(expected)
    assert_same_weights(model, ref_model)
    assert [m.step for m in got] == list(range(1, ref.total_steps + 1))
    assert trainer.run() == [] and trainer.step() is None


def test_inference_between_steps_does_not_disturb_training(small):
    ref_model, ref = rich_setup(small)
    ref.run()
    model, trainer = rich_setup(small)
    X = small[2][:30]
    for _ in trainer.steps():
        model.predict_proba(X)
        model.activations(X[:3])
        model.pre_activations(X[:3])
        model.dead_units(X)
        model.layer_stats()
        evaluate(model, X, small[3][:30])
    assert_same_weights(model, ref_model)


# --------------------------------------------------------------------------- learning rate


def sgd_trainer(small, lr=0.1, schedule="constant", epochs=2, batch_size=32, **kw):
    X, y, _, _ = small
    model = MLP((784, 16, 10), seed=0)
    config = TrainConfig(
        epochs=epochs, batch_size=batch_size, optimizer="sgd", lr=lr, schedule=schedule, **kw
    )
    return model, Trainer(model, X, y, config)


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


# --------------------------------------------------------------------------- bookkeeping


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


def test_every_example_is_seen_once_per_epoch():
    X = np.random.default_rng(0).random((10, 6), dtype=np.float32)
    y = np.arange(10)  # one class per example: the labels reveal which rows were used
    trainer = Trainer(MLP((6, 4, 10), seed=0), X, y, TrainConfig(epochs=3, batch_size=3))
    batches = []
    real_next_batch = trainer._next_batch

    def spy():
        Xb, yb = real_next_batch()
        np.testing.assert_array_equal(Xb, X[yb])
        batches.append(yb.copy())
        return Xb, yb

    trainer._next_batch = spy
    metrics = trainer.run()
    assert trainer.steps_per_epoch == 4 and trainer.total_steps == 12 and len(metrics) == 12
    assert [len(b) for b in batches] == [3, 3, 3, 1] * 3
    epochs = [np.concatenate(batches[i : i + 4]) for i in (0, 4, 8)]
    for order in epochs:
        assert sorted(order) == list(range(10))
    assert not all(np.array_equal(epochs[0], e) for e in epochs[1:])  # reshuffled
    assert [m.epoch for m in metrics] == pytest.approx([k / 4 for k in range(1, 13)])


def test_the_first_metrics_describe_the_untrained_model(small):
    X, y, _, _ = small
    model = MLP((784, 16, 10), seed=0)
    expected_loss = cross_entropy(model.forward(X), y)
    expected_acc = float(np.mean(model.predict(X) == y))
    trainer = Trainer(model, X, y, TrainConfig(epochs=1, batch_size=len(X), optimizer="sgd"))
    m = trainer.step()
    assert m.step == 1 and m.epoch == 1.0
    assert m.loss == pytest.approx(expected_loss, rel=1e-5)  # measured before the update
    assert m.accuracy == pytest.approx(expected_acc)
    assert m.elapsed > 0 and m.val_loss is None


def test_subset_picks_distinct_rows_reproducibly(small):
    X, y, _, _ = small

    def subset(seed, n=50):
        trainer = Trainer(MLP((784, 4, 10)), X, y, TrainConfig(subset=n, seed=seed))
        assert trainer.X is X or np.shares_memory(trainer.X, X)  # an index array, no copy
        return trainer

    rows = subset(0).rows
    assert rows.shape == (50,) and len(set(rows.tolist())) == 50
    assert rows.tolist() == sorted(rows.tolist()) and subset(0).n == 50
    np.testing.assert_array_equal(subset(0).rows, rows)
    assert not np.array_equal(subset(1).rows, rows)
    big = subset(0, n=10_000)
    assert big.rows is None and big.n == len(X)  # a subset larger than the data: all of it


def test_a_subset_run_only_ever_sees_its_rows(small):
    X, y, _, _ = small
    trainer = Trainer(MLP((784, 4, 10)), X, y, TrainConfig(subset=40, batch_size=8, epochs=2))
    seen = []
    original = trainer._next_batch

    def spy():
        Xb, yb = original()
        seen.extend(int(np.flatnonzero((row == X).all(axis=1))[0]) for row in Xb)
        return Xb, yb

    trainer._next_batch = spy
    trainer.run()
    assert set(seen) == set(trainer.rows.tolist()) and len(seen) == 80  # 2 epochs of 40


def test_validation_runs_every_eval_every_steps_and_at_the_end(small):
    X, y, Xv, yv = small
    model = MLP((784, 16, 10), seed=0)
    config = TrainConfig(epochs=1, batch_size=26, eval_every=4)  # ceil(256 / 26) = 10 steps
    trainer = Trainer(model, X, y, config, X_val=Xv, y_val=yv)
    metrics = trainer.run()
    assert len(metrics) == 10
    evaluated = [m.step for m in metrics if m.val_loss is not None]
    assert evaluated == [4, 8, 10]
    assert [m.step for m in trainer.val_history] == evaluated
    final = evaluate(model, Xv, yv)
    assert metrics[-1].val_loss == pytest.approx(final.loss)
    assert metrics[-1].val_accuracy == pytest.approx(final.accuracy)
    assert all(m.val_accuracy is None for m in metrics if m.step not in evaluated)


def test_training_leaves_the_callers_data_alone(small):
    X, y, _, _ = small
    X0, y0 = X.copy(), y.copy()
    trainer = Trainer(MLP((784, 8, 10)), X, y, TrainConfig(epochs=1, shift=2, batch_size=64))
    trainer.run()
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)


def test_training_accepts_read_only_data(mnist_sample):
    assert not mnist_sample.X_train.flags.writeable  # data sets are shared, read-only
    config = TrainConfig(epochs=1, batch_size=64, subset=128, shift=1)
    trainer = Trainer(MLP((784, 8, 10)), mnist_sample.X_train, mnist_sample.y_train, config)
    assert len(trainer.run()) == 2


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
    out = np.empty_like(X)
    assert random_shift(X, np.random.default_rng(0), 2, out=out) is out
