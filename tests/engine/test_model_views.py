"""What the MLP shows a teacher: each layer's activations and pre-activations, units
that never fire, weight and gradient statistics, and saliency (the input gradient).

The Inside page draws the activations and the Draw page the saliency, so these must be
the network's own numbers: each view is checked against the same numbers computed
another way (by hand from the weights, with plain NumPy, or by finite differences).
The ``model`` fixture is in conftest.py, shared with test_model.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from nn_core import MLP
from nn_core.losses import log_softmax
from tests.engine.helpers import images

# --------------------------------------------------------------------------- inside views


def test_activations_list_shapes_and_contents(model):
    X = images(9)
    acts = model.activations(X)
    assert [a.shape for a in acts] == [(9, 784), (9, 32), (9, 16), (9, 10)]
    np.testing.assert_array_equal(acts[0], X)
    assert all((a >= 0).all() for a in acts[1:-1])  # ReLU outputs
    np.testing.assert_allclose(acts[-1], model.predict_proba(X), rtol=1e-6)
    np.testing.assert_allclose(acts[-1].sum(axis=1), 1, rtol=1e-5)


def test_activations_accept_image_layouts_and_uint8(model):
    pixels = np.random.default_rng(0).integers(0, 256, (2, 28, 28), dtype=np.uint8)
    acts = model.activations(pixels)
    assert acts[0].shape == (2, 784) and acts[0].dtype == np.float32
    assert acts[0].max() <= 1.0
    assert [a.shape for a in model.activations(pixels[0])] == [(1, 784), (1, 32), (1, 16), (1, 10)]


def test_pre_activations_are_the_dense_outputs(model):
    X = images(4)
    Zs = model.pre_activations(X)
    assert [z.shape for z in Zs] == [(4, 32), (4, 16), (4, 10)]
    acts = model.activations(X)
    for Z, A in zip(Zs[:-1], acts[1:-1], strict=True):
        np.testing.assert_allclose(A, np.maximum(Z, 0), rtol=1e-6)
    np.testing.assert_allclose(Zs[0], X @ model.dense[0].W + model.dense[0].b, rtol=1e-5)
    np.testing.assert_allclose(Zs[-1], model.forward(X), rtol=1e-6)


def test_pre_activations_include_standardization():
    m = MLP((784, 8, 10), x_mean=0.2, x_std=0.4, seed=0)
    X = images(3)
    expected = ((X - 0.2) / 0.4) @ m.dense[0].W + m.dense[0].b
    np.testing.assert_allclose(m.pre_activations(X)[0], expected, rtol=1e-4, atol=1e-5)


def test_dead_units_counts_a_unit_that_never_fires():
    m = MLP((784, 6, 5, 10), seed=0)
    rng = np.random.default_rng(0)
    W0 = rng.random((784, 6)).astype(np.float32) * 0.01  # non-negative inputs: all alive
    b0 = np.ones(6, np.float32)
    W0[:, 2], b0[2] = 0.0, -1.0  # unit 2 of layer 1: always -1 before ReLU
    W1 = rng.random((6, 5)).astype(np.float32) * 0.1
    b1 = np.ones(5, np.float32)
    W1[:, 4], b1[4] = -1.0, -0.5  # unit 4 of layer 2: negative for non-negative inputs
    W2, b2 = m.dense[2].W.copy(), m.dense[2].b.copy()
    m.set_weights([W0, b0, W1, b1, W2, b2])
    X = images(50)
    assert m.dead_units(X) == [1, 1]
    assert all(isinstance(k, int) for k in m.dead_units(X))
    b0[2] = 0.5  # revive it
    m.set_weights([W0, b0, W1, b1, W2, b2])
    assert m.dead_units(X) == [0, 1]


def test_layer_stats(model):
    stats = model.layer_stats()
    assert len(stats) == 3
    keys = {"layer", "shape", "w_mean", "w_std", "w_min", "w_max", "grad_norm_W", "grad_norm_b"}
    for i, (s, layer) in enumerate(zip(stats, model.dense, strict=True)):
        assert set(s) == keys
        assert s["layer"] == i and s["shape"] == layer.W.shape
        assert s["w_mean"] == pytest.approx(float(layer.W.mean()))
        assert s["w_std"] == pytest.approx(float(layer.W.std()))
        assert s["w_min"] == float(layer.W.min()) and s["w_max"] == float(layer.W.max())
        assert s["grad_norm_W"] == pytest.approx(float(np.linalg.norm(layer.grads["W"])))
        assert all(isinstance(s[k], float) for k in keys - {"layer", "shape"})


def test_layer_stats_report_the_last_gradients():
    m = MLP((784, 8, 10), seed=0)
    assert m.layer_stats()[0]["grad_norm_W"] == 0.0
    m.forward(images(4), training=True)
    m.backward(np.ones((4, 10), np.float32))
    stats = m.layer_stats()
    assert stats[0]["grad_norm_W"] > 0 and stats[1]["grad_norm_b"] == pytest.approx(4 * np.sqrt(10))


# --------------------------------------------------------------------------- gradients


def test_backward_fills_grads_and_returns_nothing_by_default():
    m = MLP((784, 8, 10), seed=0)
    m.forward(images(3), training=True)
    assert m.backward(np.ones((3, 10), np.float32)) is None
    assert m.dense[0].needs_dX is False
    assert np.linalg.norm(m.dense[0].grads["W"]) > 0


def log_p(m: MLP, X: np.ndarray, k: np.ndarray) -> np.ndarray:
    return log_softmax(m.forward(X))[np.arange(len(X)), k]


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu"])
def test_input_gradient_matches_finite_differences(activation):
    m = MLP((20, 12, 7, 5), activation=activation, seed=2, dtype=np.float64)
    rng = np.random.default_rng(3)
    X = rng.random((3, 20)).astype(np.float32).astype(np.float64)  # exact in float32 too
    k = m.predict(X)
    G = m.input_gradient(X)
    assert G.shape == (3, 20)
    eps, numeric = 1e-6, np.zeros_like(X)
    for i, j in np.ndindex(X.shape):
        Xp, Xm = X.copy(), X.copy()
        Xp[i, j] += eps
        Xm[i, j] -= eps
        numeric[i, j] = (log_p(m, Xp, k)[i] - log_p(m, Xm, k)[i]) / (2 * eps)
    err = np.linalg.norm(numeric - G) / (np.linalg.norm(numeric) + np.linalg.norm(G))
    assert err < 1e-6
    assert m.dense[0].needs_dX is False  # restored afterwards


def test_input_gradient_for_chosen_classes():
    m = MLP((20, 12, 5), seed=2, dtype=np.float64)
    X = np.random.default_rng(4).random((2, 20)).astype(np.float32).astype(np.float64)
    eps = 1e-6
    for classes in (3, np.array([0, 4])):
        G = m.input_gradient(X, classes=classes)
        k = np.broadcast_to(classes, 2)
        Xp = X.copy()
        Xp[:, 5] += eps
        Xm = X.copy()
        Xm[:, 5] -= eps
        numeric = (log_p(m, Xp, k) - log_p(m, Xm, k)) / (2 * eps)
        np.testing.assert_allclose(G[:, 5], numeric, rtol=1e-5, atol=1e-9)


def test_input_gradient_of_an_mnist_model_has_image_shape(model):
    G = model.input_gradient(images(2).reshape(2, 28, 28))
    assert G.shape == (2, 784) and np.isfinite(G).all() and np.abs(G).sum() > 0


def test_input_gradient_of_a_standardized_model():
    """The fast and best presets standardise their inputs; saliency must still work.

    d/dX of f((X - mean) / std) is f'(.) / std: the gradient with respect to the
    standardised input, divided by std.
    """
    plain = MLP((20, 12, 5), seed=2, dtype=np.float64)
    std = MLP((20, 12, 5), seed=2, dtype=np.float64, x_mean=0.5, x_std=0.25)
    X = np.random.default_rng(5).random((3, 20)).astype(np.float32).astype(np.float64)
    G = std.input_gradient(X, classes=1)
    assert G is not None, "input_gradient returned None for a model with standardised inputs"
    expected = plain.input_gradient((X - 0.5) / 0.25, classes=1) / 0.25
    np.testing.assert_allclose(G, expected, rtol=1e-5)


def test_input_gradient_of_a_model_with_dropout():
    """Saliency is an inference-time view: dropout must be the identity, before and after
    the model has been trained (a training step leaves a mask behind)."""
    plain = MLP((20, 12, 5), seed=2, dtype=np.float64)
    drop = MLP((20, 12, 5), seed=2, dtype=np.float64, dropout=0.5)
    X = np.random.default_rng(6).random((3, 20)).astype(np.float32).astype(np.float64)
    expected = plain.input_gradient(X, classes=0)
    np.testing.assert_allclose(drop.input_gradient(X, classes=0), expected, rtol=1e-10)
    drop.forward(np.ones((3, 20)), training=True)  # a training step draws a mask
    np.testing.assert_allclose(drop.input_gradient(X, classes=0), expected, rtol=1e-10)
