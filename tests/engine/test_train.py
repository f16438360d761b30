"""Training: it learns, it is deterministic, it pauses without loss, and it keeps its books.

Every test here trains tiny models on a few hundred images (``small``, in conftest.py)
so the whole file stays fast even when other processes load the CPU. How runs end is in
test_train_stopping.py; the learning rate, the settings and bad inputs are in
test_train_settings.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from nn_core import MLP, StepMetrics, TrainConfig, Trainer, evaluate
from nn_core.losses import cross_entropy


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


# --------------------------------------------------------------------------- bookkeeping


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
