"""The engine side of the Inside page: unit probes, edits on a copy, the backprop trace."""

from __future__ import annotations

import numpy as np
import pytest

from nn_core import probe, surgery
from nn_core.backprop_steps import gradient_table, trace_minibatch
from nn_core.gradcheck import analytic_gradients
from nn_core.losses import softmax
from nn_core.metrics import evaluate
from nn_core.model import MLP


@pytest.fixture(scope="module")
def images(mnist_sample):
    return mnist_sample.X_test[:400], mnist_sample.y_test[:400]


def test_trace_gradients_are_the_engines_own(images):
    X, y = images
    model = MLP((784, 32, 16, 10), x_mean=0.13, x_std=0.31, seed=3)
    before = model.get_weights()
    trace = trace_minibatch(model, X[:8], y[:8], lr=0.1)
    expected = analytic_gradients(model.astype(model.dtype), X[:8], y[:8])
    for name, grad in trace.gradients().items():
        np.testing.assert_array_equal(grad, expected[name])
    for w, w0 in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(w, w0)  # the model itself is untouched
    np.testing.assert_allclose(trace.P, softmax(trace.logits), rtol=1e-5)
    first, out = trace.layers[0], trace.layers[-1]
    np.testing.assert_allclose(first.dW, first.A_prev.T @ first.dZ, rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(out.W_after, out.W - 0.1 * out.dW, rtol=1e-6, atol=1e-7)
    assert first.Z.shape == (8, 32) and out.dZ.shape == (8, 10) and out.A is None
    assert trace.layers[1].dA.shape == (8, 16) and first.dA.shape == (8, 32)
    assert trace.loss_after < trace.loss  # one small step downhill


def test_gradient_table_agrees_with_finite_differences(images):
    X, y = images
    rows, per_array = gradient_table(MLP((784, 16, 10), seed=0), X[:8], y[:8], per_layer=3)
    assert len(rows) == 12 and set(per_array) == {"W0", "b0", "W1", "b1"}
    assert all(r.relative_error < 1e-5 and r.analytic != 0 for r in rows)
    assert max(per_array.values()) < 1e-5


def test_one_hidden_layer_influence_is_the_outgoing_weights(images):
    X, _ = images
    model = MLP((784, 20, 10), seed=1)
    np.testing.assert_allclose(probe.class_influence(model, X, 0), model.dense[1].W)
    c = probe.contributions(model, X[0])
    score = model.forward(X[:1])[0, c.target]
    assert c.contribution.sum() + model.dense[1].b[c.target] == pytest.approx(score, rel=1e-4)


def test_deep_influence_matches_a_finite_difference(images):
    X, _ = images
    model = MLP((784, 12, 8, 10), seed=2).astype(np.float64)
    unit, eps = 3, 1e-6
    active = model.activations(X[:80])[1][:, unit] > 0
    Xa = X[:80][active]  # where the unit fires, raising its bias raises its output
    nudged = model.astype(np.float64)
    nudged.dense[0].b[unit] += eps
    slope = (nudged.forward(Xa) - model.forward(Xa)) / eps  # (n, 10)
    influence = probe.class_influence(model, Xa, 0)  # (12, 10)
    assert active.sum() > 5
    np.testing.assert_allclose(influence[unit], slope.mean(axis=0), rtol=1e-4, atol=1e-8)


def test_top_exciting_and_importance(images):
    X, _ = images
    model = MLP((784, 24, 10), seed=0)
    top = probe.top_exciting(model, X, 0, unit=5, k=6)
    a = model.activations(X)[1][:, 5]
    assert list(a[top]) == sorted(a, reverse=True)[:6]
    importance = probe.unit_importance(model, X, 0)
    assert importance.shape == (24,) and np.all(importance >= 0)
    assert surgery.ranked_units(importance, 3) == tuple(np.argsort(-importance)[:3])


def test_pca_finds_the_direction_of_largest_spread():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((500, 3)) * [10.0, 1.0, 0.1]
    p = probe.pca_2d(X)
    assert p.coords.shape == (500, 2)
    assert p.explained[0] > 0.95 and p.explained[0] > p.explained[1]


def test_edits_work_on_a_copy_and_replay_exactly(images):
    X, y = images
    model = MLP((784, 32, 10), seed=0)
    original = model.get_weights()
    edits = [
        surgery.Edit("off", layer=0, units=(1, 2, 3)),
        surgery.Edit("scale", layer=0, units=(4,), amount=2.0),
        surgery.Edit("noise", layer=1, amount=0.5, seed=7),
        surgery.Edit("prune", amount=0.5),
    ]
    a, b = surgery.apply_edits(model, edits), surgery.apply_edits(model, edits)
    for w, w0 in zip(model.get_weights(), original, strict=True):
        np.testing.assert_array_equal(w, w0)
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)
    silenced = surgery.apply_edits(model, edits[:1])
    assert np.all(silenced.dense[1].W[[1, 2, 3]] == 0)
    assert np.all(silenced.activations(X)[1][:, [1, 2, 3]] == 0)
    W0 = a.dense[0].W
    assert np.mean(W0 == 0) >= 0.5 and np.mean(W0 == 0) < 0.6
    assert all(e.describe() for e in edits)


def test_switching_off_the_most_important_units_hurts_most(mnist_sample):
    from nn_core import load_default_model

    model = load_default_model()
    X, y = mnist_sample.X_test, mnist_sample.y_test
    importance = probe.unit_importance(model, X[:500], 0)
    base = evaluate(model, X, y).accuracy
    cut = {}
    for most in (True, False):
        units = surgery.ranked_units(importance, 20, most=most)
        edited = surgery.apply_edits(model, [surgery.Edit("off", 0, units)])
        cut[most] = evaluate(edited, X, y).accuracy
    assert cut[True] < cut[False] <= base + 1e-9
    assert cut[True] < base - 0.02


def test_teach_moves_the_probability_towards_the_true_label(images):
    X, _ = images
    model = MLP((784, 32, 10), seed=0)
    before = model.predict_proba(X[0])[0]
    wrong = int(np.argmin(before))
    taught = surgery.apply_edits(
        model, [surgery.Edit("teach", amount=0.5, image=X[0], label=wrong)]
    )
    after = taught.predict_proba(X[0])[0]
    assert after[wrong] > before[wrong]
    with pytest.raises(ValueError):
        surgery.Edit("melt")
