"""Activations: the formula, silence for huge inputs, and a backward pass that agrees
with finite differences.

A sigmoid written naively overflows for large inputs, and a ReLU has no derivative at 0;
so the values are compared with the formula over a wide range, huge inputs must pass
without a warning, and the finite differences are taken away from the kink, in float64
(test_layers.py explains the tolerance).
"""

from __future__ import annotations

import numpy as np
import pytest

from nn_core.activations import ACTIVATIONS, LeakyReLU, get_activation
from tests.engine.helpers import ACTIVATION_NAMES, TOL, numeric_grad, rel_error


def away_from_zero(rng, shape, margin=0.05):
    """Random values with |z| >= margin, so that no nudge crosses the ReLU kink at 0."""
    Z = rng.normal(0, 1, shape)
    return np.where(np.abs(Z) < margin, np.sign(Z + 1e-12) * margin, Z)


# --------------------------------------------------------------------------- activations


def reference(name: str, Z: np.ndarray) -> np.ndarray:
    if name == "relu":
        return np.where(Z > 0, Z, 0.0)
    if name == "leaky_relu":
        return np.where(Z > 0, Z, 0.01 * Z)
    if name == "sigmoid":
        with np.errstate(over="ignore"):
            return 1.0 / (1.0 + np.exp(-Z))
    return np.tanh(Z)


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_activation_values_match_the_formula(name):
    Z = np.linspace(-6, 6, 101).reshape(1, -1)
    A = get_activation(name).forward(Z.copy())
    np.testing.assert_allclose(A, reference(name, Z), rtol=1e-12, atol=1e-15)
    assert A.shape == Z.shape


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_activation_is_finite_and_silent_for_huge_inputs(name, dtype):
    Z = np.array([[-1e4, -100.0, 0.0, 100.0, 1e4]], dtype=dtype)
    with np.errstate(all="raise"):  # any overflow warning becomes an error
        A = get_activation(name).forward(Z.copy())
        dZ = get_activation(name).derivative(Z)
    assert np.isfinite(A).all() and np.isfinite(dZ).all()
    assert A.dtype == dtype
    if name == "sigmoid":
        assert A[0, 0] == 0.0 and A[0, -1] == 1.0


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
@pytest.mark.parametrize("training", [False, True])
def test_activation_backward_matches_finite_differences(name, training):
    rng = np.random.default_rng(1)
    Z = away_from_zero(rng, (4, 6))
    G = rng.normal(0, 1, Z.shape)  # L = sum(G * f(Z)), so dL/dZ = G * f'(Z)
    act = get_activation(name)
    act.forward(Z.copy(), training=training)
    analytic = act.backward(G.copy())
    numeric = numeric_grad(lambda: float(np.sum(G * get_activation(name).forward(Z.copy()))), Z)
    assert rel_error(numeric, analytic) < TOL


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_activation_derivative_for_plots_matches_finite_differences(name):
    rng = np.random.default_rng(2)
    z = away_from_zero(rng, (50,))
    act = get_activation(name)
    eps = 1e-6
    numeric = (act.f(z + eps) - act.f(z - eps)) / (2 * eps)
    np.testing.assert_allclose(act.derivative(z), numeric, rtol=1e-6, atol=1e-9)


def test_training_forward_reuses_the_input_buffer_and_inference_leaves_it_alone():
    Z = np.array([[-1.0, 2.0]])
    kept = Z.copy()
    A = get_activation("relu").forward(Z, training=False)
    np.testing.assert_array_equal(Z, kept)
    assert not np.shares_memory(A, Z)
    A = get_activation("relu").forward(Z, training=True)
    assert np.shares_memory(A, Z)  # documented: Z's memory is reused for A
    np.testing.assert_array_equal(A, [[0.0, 2.0]])


def test_leaky_relu_keeps_a_small_slope_for_negative_inputs():
    act = LeakyReLU()
    act.forward(np.array([[-3.0, 3.0]]))
    np.testing.assert_allclose(act.backward(np.ones((1, 2))), [[0.01, 1.0]])


def test_get_activation_gives_fresh_objects_and_rejects_unknown_names():
    assert set(ACTIVATIONS) == set(ACTIVATION_NAMES)
    for name in ACTIVATION_NAMES:
        a, b = get_activation(name), get_activation(name)
        assert a is not b and a.name == name
        assert a.params == {} and a.grads == {}
    with pytest.raises(ValueError, match="unknown activation 'softplus'"):
        get_activation("softplus")
