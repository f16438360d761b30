"""The health recorder: per-layer gradient norms, update ratios, dead units, weight norms.

Tested twice: by calling its hooks around a hand-made training step (so each number can
be checked against its definition), and inside a real ``nn_core.Trainer``.
"""

from __future__ import annotations

import numpy as np
import pytest

from nn_core import MLP, TrainConfig, Trainer
from nn_core.health import HealthRecorder, dead_shares
from nn_core.losses import SoftmaxCrossEntropy
from nn_core.optimizers import SGD
from ui.inside.charts_health import HEALTHY_RATIO, PANEL_TICKS, health_figure, health_ranges


def batch(n=32, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, 784)).astype(np.float32), rng.integers(0, 10, n)


def test_cadence_is_the_first_step_and_every_nth():
    health = HealthRecorder(every=50)
    assert [s for s in range(1, 201) if health.due(s)] == [1, 50, 100, 150, 200]
    with pytest.raises(ValueError):
        HealthRecorder(every=0)


def test_one_manual_step_matches_the_definitions():
    model = MLP((784, 32, 16, 10), seed=1)
    X, y = batch()
    loss = SoftmaxCrossEntropy()
    loss.forward(model.forward(X, training=True), y)
    model.backward(loss.backward())
    grads = [layer.grads["W"].copy() for layer in model.dense]
    before = model.get_weights()[::2]
    hidden = [a.copy() for a in model.activations(X)[1:-1]]
    loss.forward(model.forward(X, training=True), y)  # restore the training batch's memory
    model.backward(loss.backward())

    health = HealthRecorder(every=1)
    assert health.due(7)
    health.before_update(model)
    SGD(model.parameters(), lr=0.5).step()
    health.after_update(model)

    h = health.as_dict()
    assert h["step"] == [7]
    assert h["grad_norm"][0] == pytest.approx([np.linalg.norm(g) for g in grads], rel=1e-6)
    after = model.get_weights()[::2]
    ratios = [np.linalg.norm(a - b) / np.linalg.norm(b) for a, b in zip(after, before, strict=True)]
    assert h["update_ratio"][0] == pytest.approx(ratios, rel=1e-5)
    assert h["weight_norm"][0] == pytest.approx([np.linalg.norm(a) for a in after], rel=1e-6)
    dead = [float(np.mean(~(A > 0).any(axis=0))) for A in hidden]
    assert h["dead_share"][0] == pytest.approx(dead)
    assert len(h["grad_norm"][0]) == 3 and len(h["dead_share"][0]) == 2


def test_dead_units_are_counted():
    model = MLP((784, 20, 10), seed=0)
    model.dense[0].b[:5] = -1e6  # five units can never fire
    X, _ = batch()
    model.forward(X, training=True)
    share = dead_shares(model)[0]
    assert share >= 5 / 20
    assert share == pytest.approx(model.dead_units(X)[0] / 20)  # the model's own count


def test_tanh_units_never_die():
    model = MLP((784, 20, 10), activation="tanh")
    model.forward(batch()[0], training=True)
    assert dead_shares(model) == [0.0]


def test_inside_a_real_trainer(mnist_sample):
    model = MLP((784, 64, 32, 10), seed=0)
    health = HealthRecorder(every=10)
    config = TrainConfig(epochs=1, batch_size=100, optimizer="sgd", lr=0.1, subset=3000)
    Trainer(model, mnist_sample.X_train, mnist_sample.y_train, config, health=health).run()
    h = health.as_dict()
    assert h["step"] == [1, 10, 20, 30]
    for name in ("grad_norm", "update_ratio", "weight_norm"):
        assert np.array(h[name]).shape == (4, 3)
        assert np.all(np.array(h[name]) > 0)
    assert np.array(h["dead_share"]).shape == (4, 2)
    assert np.all(np.array(h["update_ratio"]) < 1)


def test_naive_init_shows_exploding_gradients(mnist_sample):
    """The lesson of the original notebook: N(0, 1) weights give huge first gradients."""
    firsts = {}
    for init in ("he", "naive"):
        health = HealthRecorder(every=1000)
        model = MLP((784, 64, 64, 10), init=init, seed=0)
        config = TrainConfig(epochs=1, batch_size=64, optimizer="sgd", lr=1e-3, subset=640)
        Trainer(model, mnist_sample.X_train, mnist_sample.y_train, config, health=health).run()
        firsts[init] = health.as_dict()["grad_norm"][0]
    assert firsts["naive"][0] > 20 * firsts["he"][0]


def _history(scale: float, records: int = 40) -> dict:
    """A made-up health record: gradients over ten powers of ten, ratios far above 1e-3."""
    fall = np.logspace(0, -10, records)[:, None] * [scale, scale / 10, scale / 100]
    return {
        "step": list(range(1, records + 1)),
        "grad_norm": fall.tolist(),
        "update_ratio": (0.05 + 0 * fall).tolist(),
        "dead_share": [[0.1, 0.2]] * records,
        "weight_norm": [[1.0, 1.0, 1.0]] * records,
    }


def test_health_log_axes_label_their_values_sparingly():
    """Two runs on shared axes; each log panel has 2 to 5 labels for what it shows, and
    the update panel reaches down to the healthy 1e-3 so its dotted line is in view."""
    histories = [_history(1e3), _history(1.0)]
    ranges = health_ranges(histories)
    assert ranges["grad_norm"] == pytest.approx((1e-12, 1e3))
    assert ranges["update_ratio"] == pytest.approx((HEALTHY_RATIO, 0.05))
    fig = health_figure(histories[0], "Run #1 Naive (256, naive init, done)", ranges)
    for axis in (fig.layout.yaxis, fig.layout.yaxis2):
        low, high = (10.0**end for end in axis.range)
        shown = [v for v in axis.tickvals if low <= v <= high]
        assert axis.type == "log" and 2 <= len(shown) <= PANEL_TICKS <= 8
    assert 10 ** fig.layout.yaxis2.range[0] < HEALTHY_RATIO
    note = [a for a in fig.layout.annotations if a.text.startswith("1e-3")][0]
    assert note.yref == "y2" and 10**note.y == pytest.approx(HEALTHY_RATIO)  # log axis: a power
    assert fig.layout.title.text == "Run #1 Naive"  # its details on a second line
    assert fig.layout.title.subtitle.text == "256, naive init, done"
