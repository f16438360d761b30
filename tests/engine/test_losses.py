"""Softmax and cross-entropy: correct, numerically stable, and with the right gradient."""

from __future__ import annotations

import numpy as np
import pytest

from nn_core.losses import SoftmaxCrossEntropy, cross_entropy, log_softmax, one_hot, softmax

DTYPES = [np.float32, np.float64]


def rel_error(a, b) -> float:
    a, b = np.ravel(a), np.ravel(b)
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))


def huge_logits(dtype) -> tuple[np.ndarray, np.ndarray]:
    Z = np.array(
        [
            [1e4, -1e4, 0, 0, 0],  # sure and right
            [1e4, -1e4, 0, 0, 0],  # sure and wrong (label 1): loss 2e4
            [-1e4, -1e4, -1e4, -1e4, -1e4],  # all equal, very negative
            [1e4, 1e4, 1e4, 1e4, 1e4],  # all equal, very positive
        ],
        dtype=dtype,
    )
    return Z, np.array([0, 1, 3, 2])


def naive_cross_entropy(Z, y) -> float:
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    return float(-np.log(P[np.arange(len(y)), y]).mean())


@pytest.mark.parametrize("dtype", DTYPES)
def test_huge_logits_give_finite_loss_and_gradient(dtype):
    Z, y = huge_logits(dtype)
    loss_fn = SoftmaxCrossEntropy()
    with np.errstate(over="raise", invalid="raise", divide="ignore"):
        loss = loss_fn.forward(Z, y)
        dZ = loss_fn.backward()
    assert np.isfinite(loss)
    assert np.isfinite(dZ).all() and dZ.shape == Z.shape
    # per-row losses: 0, 2e4, log 5, log 5
    expected = (0 + 2e4 + 2 * np.log(5)) / 4
    assert loss == pytest.approx(expected, rel=1e-6)
    assert cross_entropy(Z, y) == pytest.approx(expected, rel=1e-6)
    np.testing.assert_allclose(dZ.sum(axis=1), 0, atol=1e-6)  # each row of P - Y sums to 0


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_and_log_softmax_are_finite_for_huge_logits(dtype):
    Z, _ = huge_logits(dtype)
    with np.errstate(over="raise", invalid="raise"):
        P = softmax(Z)
        logP = log_softmax(Z)
    assert np.isfinite(P).all() and np.isfinite(logP).all()
    np.testing.assert_allclose(P.sum(axis=1), 1, rtol=1e-6)
    np.testing.assert_allclose(P[2], 0.2, rtol=1e-6)
    np.testing.assert_allclose(P[0], [1, 0, 0, 0, 0], atol=1e-30)
    assert logP[1, 1] == pytest.approx(-2e4, rel=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_rows_sum_to_one_and_match_the_definition(dtype):
    Z = np.random.default_rng(0).normal(0, 3, (50, 10)).astype(dtype)
    P = softmax(Z)
    assert P.shape == Z.shape and P.dtype == dtype
    assert (P > 0).all()
    np.testing.assert_allclose(P.sum(axis=1), 1, rtol=1e-6)
    Z64 = Z.astype(np.float64)
    expected = np.exp(Z64) / np.exp(Z64).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(P, expected, rtol=1e-5)
    np.testing.assert_allclose(np.exp(log_softmax(Z)), P, rtol=1e-5)


def test_softmax_ignores_a_constant_shift_and_keeps_the_argmax():
    Z = np.random.default_rng(1).normal(0, 2, (20, 10))
    np.testing.assert_allclose(softmax(Z + 123.0), softmax(Z), rtol=1e-12)
    np.testing.assert_array_equal(softmax(Z).argmax(axis=1), Z.argmax(axis=1))


def test_softmax_of_a_single_row():
    z = np.array([1.0, 2.0, 3.0])
    p = softmax(z)
    assert p.shape == (3,)
    np.testing.assert_allclose(p, np.exp(z) / np.exp(z).sum())


def entropy(P) -> np.ndarray:
    return -(P * np.log(P)).sum(axis=-1)


def test_temperature_flattens_or_sharpens_and_keeps_the_ranking():
    Z = np.random.default_rng(2).normal(0, 2, (30, 10))
    np.testing.assert_allclose(softmax(Z, temperature=1.0), softmax(Z), rtol=1e-15)
    np.testing.assert_allclose(softmax(Z, temperature=2.5), softmax(Z / 2.5), rtol=1e-12)
    temperatures = [0.25, 0.5, 1.0, 2.0, 4.0, 100.0]
    entropies = [entropy(softmax(Z, temperature=t)) for t in temperatures]
    for lower, higher in zip(entropies, entropies[1:], strict=False):
        assert (higher > lower).all()  # hotter = flatter = more uncertain
    for t in temperatures:
        P = softmax(Z, temperature=t)
        np.testing.assert_allclose(P.sum(axis=1), 1, rtol=1e-12)
        np.testing.assert_array_equal(P.argmax(axis=1), Z.argmax(axis=1))
    np.testing.assert_allclose(softmax(Z, temperature=1e6), 0.1, atol=1e-5)  # near uniform
    cold = softmax(Z, temperature=1e-3)  # near one-hot on the arg-max
    np.testing.assert_allclose(cold, np.eye(10)[Z.argmax(axis=1)], atol=1e-6)


def test_cross_entropy_matches_the_textbook_formula():
    rng = np.random.default_rng(3)
    Z, y = rng.normal(0, 2, (16, 10)), rng.integers(0, 10, 16)
    expected = naive_cross_entropy(Z, y)
    assert cross_entropy(Z, y) == pytest.approx(expected, rel=1e-12)
    assert SoftmaxCrossEntropy().forward(Z, y) == pytest.approx(expected, rel=1e-12)


def test_uniform_logits_cost_log_k():
    assert cross_entropy(np.zeros((4, 10)), np.arange(4)) == pytest.approx(np.log(10))


def test_backward_is_p_minus_y_over_n():
    rng = np.random.default_rng(4)
    Z, y = rng.normal(0, 1, (8, 10)), rng.integers(0, 10, 8)
    loss_fn = SoftmaxCrossEntropy()
    loss_fn.forward(Z, y)
    dZ = loss_fn.backward()
    np.testing.assert_allclose(dZ, (softmax(Z) - one_hot(y, 10, np.float64)) / 8, rtol=1e-12)


def test_backward_matches_finite_differences():
    rng = np.random.default_rng(5)
    Z, y = rng.normal(0, 2, (6, 10)), rng.integers(0, 10, 6)
    loss_fn = SoftmaxCrossEntropy()
    loss_fn.forward(Z, y)
    analytic = loss_fn.backward()
    eps, numeric = 1e-6, np.zeros_like(Z)
    for idx in np.ndindex(Z.shape):
        Zp, Zm = Z.copy(), Z.copy()
        Zp[idx] += eps
        Zm[idx] -= eps
        numeric[idx] = (cross_entropy(Zp, y) - cross_entropy(Zm, y)) / (2 * eps)
    assert rel_error(numeric, analytic) < 1e-6


def test_backward_returns_a_fresh_array():
    Z, y = np.zeros((2, 3)), np.array([0, 2])
    loss_fn = SoftmaxCrossEntropy()
    loss_fn.forward(Z, y)
    P = loss_fn.P.copy()
    dZ = loss_fn.backward()
    dZ[:] = 99.0  # the caller may scribble on it (layers reuse it as scratch)
    np.testing.assert_array_equal(loss_fn.P, P)
    np.testing.assert_allclose(loss_fn.backward().sum(axis=1), 0, atol=1e-12)


@pytest.mark.parametrize("dtype", DTYPES)
def test_loss_keeps_the_precision_of_the_logits(dtype):
    Z, y = np.zeros((3, 10), dtype=dtype), np.array([1, 2, 3])
    loss_fn = SoftmaxCrossEntropy()
    loss = loss_fn.forward(Z, y)
    assert isinstance(loss, float)
    assert loss_fn.backward().dtype == dtype


def test_one_hot():
    Y = one_hot(np.array([2, 0, 9]), 10)
    assert Y.shape == (3, 10) and Y.dtype == np.float32
    np.testing.assert_array_equal(Y.argmax(axis=1), [2, 0, 9])
    np.testing.assert_array_equal(Y.sum(axis=1), 1)
    assert one_hot(np.array([1]), 3, np.float64).dtype == np.float64
