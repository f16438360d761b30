"""Layers and the gradient check: every backward pass agrees with finite differences.

All finite-difference checks run in float64, where a central difference with eps = 1e-6
is good to about nine significant digits; backprop must agree to better than 1e-6
(relative error ||numeric - analytic|| / (||numeric|| + ||analytic||)). The helpers
for this are in helpers.py, shared with test_activations.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from nn_core import gradient_check
from nn_core.layers import Dense, Dropout, Standardize, init_weights, scratch
from nn_core.model import MLP
from tests.engine.helpers import ACTIVATION_NAMES, TOL, numeric_grad, rel_error

# --------------------------------------------------------------------------- Dense


@pytest.mark.parametrize("training", [False, True])
def test_dense_backward_matches_finite_differences(training):
    rng = np.random.default_rng(3)
    layer = Dense(5, 4, rng=rng, dtype=np.float64)
    layer.params["b"][:] = rng.normal(0, 1, 4)
    X = rng.normal(0, 1, (3, 5))
    G = rng.normal(0, 1, (3, 4))  # L = sum(G * Z)

    def loss():
        return float(np.sum(G * (X @ layer.W + layer.b)))

    layer.forward(X, training=training)
    dX = layer.backward(G.copy()).copy()
    assert dX.shape == X.shape
    assert rel_error(numeric_grad(loss, X), dX) < TOL
    assert rel_error(numeric_grad(loss, layer.params["W"]), layer.grads["W"]) < TOL
    assert rel_error(numeric_grad(loss, layer.params["b"]), layer.grads["b"]) < TOL


def test_dense_gives_every_unit_its_own_bias_gradient():
    layer = Dense(2, 3, rng=np.random.default_rng(0), dtype=np.float64)
    layer.forward(np.ones((2, 2)))
    dZ = np.array([[1.0, 2.0, 3.0], [10.0, 20.0, 30.0]])
    layer.backward(dZ)
    np.testing.assert_array_equal(layer.grads["b"], [11.0, 22.0, 33.0])


def test_dense_forward_is_x_at_w_plus_b_in_both_modes():
    rng = np.random.default_rng(4)
    layer = Dense(6, 3, rng=rng)
    layer.params["b"][:] = [1, -2, 3]
    X = rng.random((4, 6), dtype=np.float32)
    expected = X @ layer.W + layer.b
    np.testing.assert_allclose(layer.forward(X), expected, rtol=1e-6)
    np.testing.assert_allclose(layer.forward(X, training=True), expected, rtol=1e-6)


def test_dense_first_layer_skips_dx_but_fills_grads():
    rng = np.random.default_rng(5)
    layer = Dense(3, 2, rng=rng, dtype=np.float64, needs_dX=False)
    X = rng.random((4, 3))
    layer.forward(X, training=True)
    assert layer.backward(np.ones((4, 2))) is None
    np.testing.assert_allclose(layer.grads["W"], X.T @ np.ones((4, 2)))
    np.testing.assert_allclose(layer.grads["b"], [4.0, 4.0])


def test_dense_training_reuses_buffers_but_inference_returns_fresh_arrays():
    rng = np.random.default_rng(6)
    layer = Dense(3, 2, rng=rng)
    X1, X2 = rng.random((4, 3), dtype=np.float32), rng.random((4, 3), dtype=np.float32)
    Z1 = layer.forward(X1, training=True)
    Z2 = layer.forward(X2, training=True)
    assert Z1 is Z2  # scratch space: valid only until the next call
    P1 = layer.forward(X1)
    kept = P1.copy()
    P2 = layer.forward(X2)
    assert not np.shares_memory(P1, P2)
    np.testing.assert_array_equal(P1, kept)


def test_dense_params_and_grads_have_matching_keys_shapes_and_dtype():
    layer = Dense(7, 3, rng=np.random.default_rng(0), dtype=np.float32)
    assert set(layer.params) == set(layer.grads) == {"W", "b"}
    for k in "Wb":
        assert layer.params[k].shape == layer.grads[k].shape
        assert layer.params[k].dtype == layer.grads[k].dtype == np.float32
    assert layer.W.shape == (7, 3) and layer.b.shape == (3,)
    assert not layer.b.any()


@pytest.mark.parametrize(
    ("init", "expected_std"),
    [("he", np.sqrt(2 / 400)), ("xavier", np.sqrt(2 / 600)), ("naive", 1.0)],
)
def test_init_weights_scale(init, expected_std):
    W = init_weights(400, 200, init, np.random.default_rng(0), np.float32)
    assert W.shape == (400, 200) and W.dtype == np.float32
    assert abs(W.std() / expected_std - 1) < 0.02
    assert abs(W.mean()) < 0.02 * expected_std


def test_init_weights_rejects_unknown_scheme():
    with pytest.raises(ValueError, match="unknown initialisation 'zeros'"):
        init_weights(3, 2, "zeros", np.random.default_rng(0), np.float32)


def test_scratch_reuses_only_a_matching_buffer():
    buf = np.empty((2, 3), np.float32)
    assert scratch(buf, (2, 3), np.float32) is buf
    assert scratch(buf, (3, 3), np.float32) is not buf
    assert scratch(buf, (2, 3), np.float64) is not buf
    assert scratch(None, (2, 3), np.float32).shape == (2, 3)


# --------------------------------------------------------------------------- Dropout


def test_dropout_rejects_bad_probabilities():
    for p in (-0.1, 1.0, 1.5):
        with pytest.raises(ValueError, match="dropout probability"):
            Dropout(p)


def test_dropout_does_nothing_at_inference_or_with_p_zero():
    X = np.random.default_rng(0).random((5, 4))
    assert Dropout(0.5).forward(X) is X
    assert Dropout(0.0).forward(X, training=True) is X
    np.testing.assert_array_equal(Dropout(0.0).backward(X.copy()), X)


def test_dropout_mask_drops_about_p_and_rescales_survivors():
    p = 0.3
    X = np.ones((400, 250), np.float32)
    layer = Dropout(p, np.random.default_rng(0))
    Y = layer.forward(X, training=True)
    values = np.unique(Y)
    np.testing.assert_allclose(values, [0.0, 1 / (1 - p)], rtol=1e-6)
    dropped = np.mean(Y == 0)
    assert abs(dropped - p) < 0.01
    assert abs(Y.mean() - 1.0) < 0.02  # the expected activation is unchanged
    np.testing.assert_array_equal(X, 1.0)  # the input is not modified


def test_dropout_backward_matches_finite_differences_with_a_fixed_mask():
    rng = np.random.default_rng(7)
    layer = Dropout(0.4, np.random.default_rng(1))
    X = rng.normal(0, 1, (6, 5))
    G = rng.normal(0, 1, X.shape)
    Y = layer.forward(X, training=True)
    mask = layer._mask.copy()  # fixed from here on
    np.testing.assert_allclose(Y, X * mask)
    assert 0 < np.count_nonzero(mask) < mask.size
    analytic = layer.backward(G.copy())
    numeric = numeric_grad(lambda: float(np.sum(G * X * mask)), X)
    assert rel_error(numeric, analytic) < TOL
    np.testing.assert_array_equal(analytic[mask == 0], 0.0)


def test_dropout_masks_follow_the_generator_seed():
    X = np.ones((20, 20))
    a = Dropout(0.5, np.random.default_rng(42)).forward(X, training=True).copy()
    b = Dropout(0.5, np.random.default_rng(42)).forward(X, training=True).copy()
    c = Dropout(0.5, np.random.default_rng(43)).forward(X, training=True).copy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_dropout_backward_after_an_inference_forward_passes_the_gradient_through():
    """Dropout is the identity at inference, so its backward must be the identity too.

    This is what ``MLP.input_gradient`` (saliency) and ``gradient_check`` do on a model
    with dropout: an inference forward followed by a backward.
    """
    G = np.arange(12.0).reshape(3, 4)
    fresh = Dropout(0.5, np.random.default_rng(0))
    fresh.forward(np.ones((3, 4)))  # inference: no mask drawn
    np.testing.assert_array_equal(fresh.backward(G.copy()), G)

    trained = Dropout(0.5, np.random.default_rng(0))
    trained.forward(np.ones((3, 4)), training=True)  # leaves a mask behind
    trained.forward(np.ones((3, 4)))  # then inference
    np.testing.assert_array_equal(trained.backward(G.copy()), G)


# --------------------------------------------------------------------------- Standardize


@pytest.mark.parametrize("training", [False, True])
def test_standardize_forward(training):
    X = np.random.default_rng(0).random((3, 4), dtype=np.float32)
    layer = Standardize(0.25, 0.5)
    kept = X.copy()
    Y = layer.forward(X, training=training)
    np.testing.assert_allclose(Y, (X - 0.25) / 0.5, rtol=1e-6)
    np.testing.assert_array_equal(X, kept)
    assert Y.dtype == np.float32


# --------------------------------------------------------------------------- gradient_check


def small_model(activation: str, standardize: bool, sizes, seed: int = 3) -> MLP:
    kw = {"x_mean": 0.4, "x_std": 0.3} if standardize else {}
    init = "xavier" if activation in ("sigmoid", "tanh") else "he"
    model = MLP(sizes, activation=activation, init=init, seed=seed, **kw)
    rng = np.random.default_rng(seed)
    for layer in model.dense:  # non-zero biases, so their gradients are exercised fully
        layer.params["b"][:] = rng.normal(0, 0.1, layer.b.shape)
    return model


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
@pytest.mark.parametrize("standardize", [False, True], ids=["raw", "standardized"])
@pytest.mark.parametrize("sizes", [(12, 5), (12, 8, 5), (12, 8, 7, 5), (12, 6, 6, 6, 5)])
def test_gradient_check_passes_for_every_activation_and_depth(activation, standardize, sizes):
    model = small_model(activation, standardize, sizes)
    rng = np.random.default_rng(11)
    X, y = rng.random((9, 12)), rng.integers(0, 5, 9)
    errors = gradient_check(model, X, y, per_param=1000)  # every entry of every array
    assert set(errors) == {f"{k}{i}" for i in range(len(sizes) - 1) for k in "Wb"}
    assert max(errors.values()) < TOL, errors


def test_gradient_check_on_mnist_shaped_input_with_sampled_entries():
    model = MLP((784, 16, 10), seed=1)
    rng = np.random.default_rng(0)
    X, y = rng.random((6, 28, 28), dtype=np.float32), rng.integers(0, 10, 6)
    errors = gradient_check(model, X, y, per_param=20)
    assert max(errors.values()) < TOL, errors


def test_gradient_check_leaves_the_model_untouched():
    model = small_model("relu", True, (12, 8, 5))
    before = model.get_weights()
    rng = np.random.default_rng(1)
    gradient_check(model, rng.random((4, 12)), rng.integers(0, 5, 4))
    assert all(w.dtype == np.float32 for w in model.get_weights())
    for a, b in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_gradient_check_notices_a_wrong_gradient(monkeypatch):
    """The check is not vacuous: a 1% error in dW is reported as a large relative error."""
    original = Dense.backward

    def slightly_wrong(self, dZ):
        dX = original(self, dZ)
        self.grads["W"] *= 1.01
        return dX

    monkeypatch.setattr(Dense, "backward", slightly_wrong)
    rng = np.random.default_rng(2)
    errors = gradient_check(small_model("tanh", False, (12, 8, 5)), rng.random((5, 12)), [0] * 5)
    assert errors["W0"] > 1e-3 and errors["W1"] > 1e-3
    assert errors["b0"] < TOL and errors["b1"] < TOL


def test_gradient_check_works_on_a_model_with_dropout():
    """The docstring promises "dropout is off" during the check; a dropout model must work."""
    model = MLP((12, 8, 5), dropout=0.3, seed=0)
    rng = np.random.default_rng(3)
    errors = gradient_check(model, rng.random((6, 12)), rng.integers(0, 5, 6), per_param=1000)
    assert max(errors.values()) < TOL, errors
