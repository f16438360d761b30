"""Numerical gradient check: is backpropagation telling the truth?

Backpropagation computes every gradient at once with the chain rule; a single wrong sign
or a missing sum would still let training limp along. The check is to nudge one weight
at a time and watch the loss:

    dL/dw  ~  (L(w + eps) - L(w - eps)) / (2 * eps)

This central difference is slow (two forward passes per weight) but needs no calculus,
so agreeing with it is strong evidence that the analytic gradients are right. It runs
in float64: in float32 the rounding error of the loss alone would swamp the comparison.
"""

from __future__ import annotations

import numpy as np

from nn_core.losses import SoftmaxCrossEntropy


def _loss(model, X, y) -> float:
    return SoftmaxCrossEntropy().forward(model.infer(X), y)


def analytic_gradients(model, X, y) -> dict[str, np.ndarray]:
    """Backpropagated gradients of the mean cross-entropy, by parameter name ('W0', 'b0', ...)."""
    loss = SoftmaxCrossEntropy()
    loss.forward(model.forward(X), y)
    model.backward(loss.backward())
    return {name: g.copy() for name, _, g in model.parameters()}


def gradient_check(
    model, X, y, eps: float = 1e-6, per_param: int = 30, rng: np.random.Generator | None = None
) -> dict[str, float]:
    """Relative error between backprop and finite differences, per parameter array.

    X: (n, 784) floats, y: (n,) ints. ``per_param`` entries of each array are checked
    (all of them if the array is smaller). The model is copied to float64 and left
    untouched; dropout is off (its random masks would change between the two nudges).

    Relative error = ||numeric - analytic|| / (||numeric|| + ||analytic||): below 1e-6
    means the gradients agree to about six significant digits.
    """
    rng = np.random.default_rng(0) if rng is None else rng
    m64 = model.astype(np.float64)
    X64 = np.asarray(X, dtype=np.float64).reshape(len(y), -1)  # one example per row
    analytic = analytic_gradients(m64, X64, y)
    errors = {}
    for name, p, _ in m64.parameters():
        flat = p.reshape(-1)  # a view: nudging flat[i] nudges p
        picks = rng.choice(flat.size, size=min(per_param, flat.size), replace=False)
        numeric = np.empty(len(picks))
        for j, i in enumerate(picks):
            old = flat[i]
            flat[i] = old + eps
            up = _loss(m64, X64, y)
            flat[i] = old - eps
            down = _loss(m64, X64, y)
            flat[i] = old
            numeric[j] = (up - down) / (2 * eps)
        exact = analytic[name].reshape(-1)[picks]
        denom = np.linalg.norm(numeric) + np.linalg.norm(exact)
        errors[name] = float(np.linalg.norm(numeric - exact) / denom) if denom > 0 else 0.0
    return errors
