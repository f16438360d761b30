"""Optimisers against a hand computation, weight decay, in-place updates and schedules."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nn_core.model import MLP
from nn_core.optimizers import (
    OPTIMIZERS,
    SCHEDULES,
    SGD,
    Adam,
    make_optimizer,
    schedule_factor,
)

STEPS = 4


def problem(dtype=np.float64):
    """A weight matrix, a bias and their gradients for a few steps (fixed numbers)."""
    rng = np.random.default_rng(0)
    W = rng.normal(0, 1, (3, 2)).astype(dtype)
    b = rng.normal(0, 1, 2).astype(dtype)
    grads = [(rng.normal(0, 1, W.shape), rng.normal(0, 1, b.shape)) for _ in range(STEPS)]
    return W, b, grads


def run(opt_factory, weight_decay=0.0, dtype=np.float64):
    """Apply STEPS updates; return the parameters after each one."""
    W, b, grads = problem(dtype)
    gW, gb = np.zeros_like(W), np.zeros_like(b)
    opt = opt_factory([("W0", W, gW), ("b0", b, gb)], weight_decay)
    history = []
    for dW, db in grads:
        np.copyto(gW, dW)  # a fresh gradient each step, as backprop would give
        np.copyto(gb, db)
        opt.step()
        history.append((W.copy(), b.copy()))
    return history


def hand_sgd(lr, momentum=0.0, weight_decay=0.0):
    W, b, grads = problem()
    vW, vb = np.zeros_like(W), np.zeros_like(b)
    history = []
    for dW, db in grads:
        dW = dW + weight_decay * W  # L2 on weights only
        vW = momentum * vW + dW
        vb = momentum * vb + db
        W = W - lr * vW
        b = b - lr * vb
        history.append((W, b))
    return history


def hand_adam(lr, weight_decay=0.0, b1=0.9, b2=0.999, eps=1e-8, efficient=False):
    """Kingma & Ba, Algorithm 1, written out literally; ``efficient``: the variant at the
    end of their section 2 (bias corrections folded into the step size), which the
    docstring of ``Adam`` describes."""
    W, b, grads = problem()
    state = {"W": [np.zeros_like(W), np.zeros_like(W)], "b": [np.zeros_like(b), np.zeros_like(b)]}
    history = []
    for t, (dW, db) in enumerate(grads, start=1):
        new = {}
        for key, p, g in (("W", W, dW + weight_decay * W), ("b", b, db)):
            m, v = state[key]
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            if efficient:
                lr_t = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
                new[key] = p - lr_t * m / (np.sqrt(v) + eps)
            else:
                m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
                new[key] = p - lr * m_hat / (np.sqrt(v_hat) + eps)
            state[key] = [m, v]
        W, b = new["W"], new["b"]
        history.append((W, b))
    return history


def assert_same_history(got, expected, rtol=1e-12):
    assert len(got) == len(expected) == STEPS
    for (W, b), (W_ref, b_ref) in zip(got, expected, strict=True):
        np.testing.assert_allclose(W, W_ref, rtol=rtol)
        np.testing.assert_allclose(b, b_ref, rtol=rtol)


@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
def test_sgd_matches_hand_computation(weight_decay):
    got = run(lambda params, wd: SGD(params, lr=0.3, weight_decay=wd), weight_decay)
    assert_same_history(got, hand_sgd(0.3, weight_decay=weight_decay))


@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
def test_momentum_matches_hand_computation(weight_decay):
    got = run(lambda params, wd: SGD(params, lr=0.3, momentum=0.9, weight_decay=wd), weight_decay)
    assert_same_history(got, hand_sgd(0.3, momentum=0.9, weight_decay=weight_decay))


@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
def test_adam_matches_hand_computation(weight_decay):
    got = run(lambda params, wd: Adam(params, lr=0.05, weight_decay=wd), weight_decay)
    assert_same_history(got, hand_adam(0.05, weight_decay, efficient=True))
    # Folding the corrections into the step size only rescales eps (by sqrt(1 - b2^t)),
    # so the textbook algorithm agrees to far below the step size of 0.05.
    for (W, b), (W_ref, b_ref) in zip(got, hand_adam(0.05, weight_decay), strict=True):
        np.testing.assert_allclose(W, W_ref, atol=1e-5)
        np.testing.assert_allclose(b, b_ref, atol=1e-5)


def test_adam_first_step_moves_every_weight_by_lr():
    W, b, grads = problem()
    W0, b0 = W.copy(), b.copy()
    opt = Adam([("W0", W, grads[0][0]), ("b0", b, grads[0][1])], lr=0.01)
    opt.step()
    assert opt.t == 1
    np.testing.assert_allclose(W0 - W, 0.01 * np.sign(grads[0][0]), rtol=1e-4)
    np.testing.assert_allclose(b0 - b, 0.01 * np.sign(grads[0][1]), rtol=1e-4)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_weight_decay_pulls_weights_but_not_biases(name):
    W, b, _ = problem()
    W0, b0 = W.copy(), b.copy()
    gW, gb = np.zeros_like(W), np.zeros_like(b)  # no data gradient at all
    opt = make_optimizer(name, [("W0", W, gW), ("b0", b, gb)], lr=0.01, weight_decay=0.1)
    opt.step()
    np.testing.assert_array_equal(b, b0)
    assert (np.abs(W) < np.abs(W0)).all()  # every weight moved towards 0
    if name == "sgd":
        np.testing.assert_allclose(W, W0 * (1 - 0.01 * 0.1), rtol=1e-12)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_no_weight_decay_means_no_change_without_gradient(name):
    W, b, _ = problem()
    W0 = W.copy()
    opt = make_optimizer(name, [("W0", W, np.zeros_like(W)), ("b0", b, np.zeros_like(b))], lr=1.0)
    opt.step()
    np.testing.assert_array_equal(W, W0)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_updates_happen_in_place_on_the_models_arrays(name):
    model = MLP((6, 4, 3), seed=0)
    arrays = [(p, g) for _, p, g in model.parameters()]
    ids = [id(layer.params[k]) for layer in model.dense for k in "Wb"]
    before = model.get_weights()
    opt = make_optimizer(name, model.parameters(), lr=0.1)
    for _, _, g in model.parameters():
        g[...] = 1.0
    opt.step()
    opt.step()
    assert [id(layer.params[k]) for layer in model.dense for k in "Wb"] == ids
    for (p, g), (_, p2, g2) in zip(arrays, model.parameters(), strict=True):
        assert p is p2 and g is g2
        assert p.dtype == np.float32
    for old, new in zip(before, model.get_weights(), strict=True):
        assert (new < old).all()  # a positive gradient pushes every parameter down


def test_changing_lr_between_steps_takes_effect_at_once():
    W = np.ones(3)
    g = np.full(3, 2.0)
    opt = SGD([("W0", W, g)], lr=0.1)
    opt.step()
    np.testing.assert_allclose(W, 1 - 0.2)
    opt.lr = 0.01
    opt.step()
    np.testing.assert_allclose(W, 1 - 0.2 - 0.02)


def test_make_optimizer_builds_the_named_kind():
    params = [("W0", np.zeros((2, 2)), np.zeros((2, 2)))]
    sgd = make_optimizer("sgd", params, lr=0.1)
    assert isinstance(sgd, SGD) and sgd.momentum == 0.0
    mom = make_optimizer("momentum", params, lr=0.1, momentum=0.8)
    assert isinstance(mom, SGD) and mom.momentum == 0.8
    assert make_optimizer("momentum", params, lr=0.1).momentum == 0.9
    adam = make_optimizer("adam", params, lr=0.002, weight_decay=0.01)
    assert isinstance(adam, Adam) and adam.lr == 0.002 and adam.weight_decay == 0.01
    with pytest.raises(ValueError, match="unknown optimizer 'rmsprop'"):
        make_optimizer("rmsprop", params, lr=0.1)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("constant", [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]),
        ("step", [1.0, 1.0, 0.1, 0.1, 0.01, 0.01]),
        ("cosine", [1.0, 0.5 * (1 + math.cos(math.pi * 0.3)), 0.5, 0.5 * (1 + math.cos(math.pi * 0.6)), 0.5 * (1 + math.cos(math.pi * 0.75)), 0.0]),
        ("linear", [1.0, 0.7, 0.5, 0.4, 0.25, 0.0]),
    ],
)  # fmt: skip
def test_schedule_values(name, expected):
    progress = [0.0, 0.3, 0.5, 0.6, 0.75, 1.0]
    got = [schedule_factor(name, p) for p in progress]
    np.testing.assert_allclose(got, expected, atol=1e-12)


@pytest.mark.parametrize("name", SCHEDULES)
def test_schedules_start_at_one_never_rise_and_clamp_progress(name):
    grid = np.linspace(0, 1, 101)
    values = [schedule_factor(name, p) for p in grid]
    assert values[0] == 1.0
    assert all(b <= a for a, b in zip(values, values[1:], strict=False))
    assert schedule_factor(name, -0.5) == schedule_factor(name, 0.0)
    assert schedule_factor(name, 7.0) == schedule_factor(name, 1.0)


def test_unknown_schedule_is_rejected():
    with pytest.raises(ValueError, match="unknown schedule 'exponential'"):
        schedule_factor("exponential", 0.5)


@pytest.mark.parametrize("name", ["momentum", "adam"])
def test_running_averages_of_dead_weights_never_turn_subnormal(name):
    """A weight whose gradient stays zero (a dead ReLU unit) has a running average that
    shrinks every step; it is zeroed before it can reach the slow subnormal range."""
    p = np.ones((4, 4), dtype=np.float32)
    g = np.zeros_like(p)
    opt = make_optimizer(name, [("W1", p, g)], lr=0.1)
    g[:2] = 1.0
    opt.step()  # every average starts non-zero in the first two rows
    g[:] = 0.0
    g[0] = 1e-3  # the first row keeps learning, the others are dead from now on
    smallest_normal = np.finfo(np.float32).tiny
    for _ in range(3000):
        opt.step()
        averages = opt._v if name == "momentum" else opt._M + opt._V
        for a in averages:
            nonzero = np.abs(a[a != 0])
            assert not np.any(nonzero < smallest_normal)  # zero or normal, never subnormal
    momentum = opt._v if name == "momentum" else opt._M  # decays by 0.9 a step (V: 0.999)
    assert all(np.all(m[1] == 0) for m in momentum)  # the dead row decayed to exactly zero
    assert all(np.all(a[0] != 0) for a in averages)  # the live row was never touched
