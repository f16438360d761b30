"""One mini-batch through the network and back, with every intermediate array kept.

Training hides backpropagation inside a loop that reuses its buffers; a class wants to
stop the clock after each line and look at the numbers. ``trace_minibatch`` runs the
engine's own layers (``Dense``, the activations, ``SoftmaxCrossEntropy``, ``SGD``) on a
copy of the model, one layer at a time, and keeps a copy of what each one produced:

    forward      Z = A_prev @ W + b,  A = f(Z),  P = softmax(Z_out),  L = mean(-log P[y])
    backward     dZ_out = (P - Y) / n;  per layer  dW = A_prev.T @ dZ,  db = sum(dZ),
                 dA_prev = dZ @ W.T,  dZ_prev = dA_prev * f'(Z_prev)
    update       W = W - lr * dW,  b = b - lr * db

Because the very same objects do the work, the gradients in the trace are exactly the
gradients training would use: nothing is re-derived for the display.
``gradient_table`` then checks a few of them against finite differences in float64.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nn_core.activations import Activation
from nn_core.gradcheck import analytic_gradients, gradient_check
from nn_core.layers import Dense
from nn_core.losses import SoftmaxCrossEntropy
from nn_core.model import as_batch
from nn_core.optimizers import SGD


@dataclass(frozen=True)
class LayerTrace:
    """One Dense layer (and its activation) in both directions, for a batch of n examples."""

    index: int  # 0 = the first Dense layer
    A_prev: np.ndarray  # (n, n_in): what the layer receives
    W: np.ndarray  # (n_in, n_out), before the update
    b: np.ndarray  # (n_out,)
    Z: np.ndarray  # (n, n_out) pre-activations
    A: np.ndarray | None  # (n, n_out) after the activation; None for the output layer
    dA: np.ndarray | None  # (n, n_out) gradient reaching A; None for the output layer
    dZ: np.ndarray  # (n, n_out)
    dW: np.ndarray  # (n_in, n_out)
    db: np.ndarray  # (n_out,)
    W_after: np.ndarray  # (n_in, n_out), after the update
    b_after: np.ndarray  # (n_out,)

    @property
    def is_output(self) -> bool:
        return self.A is None


@dataclass(frozen=True)
class BackpropTrace:
    """Everything one training step computes, input side first."""

    X: np.ndarray  # (n, 784) the raw pixels
    y: np.ndarray  # (n,) true labels
    X_in: np.ndarray  # (n, 784) what the first Dense layer sees (standardised if the model is)
    layers: list[LayerTrace]
    P: np.ndarray  # (n, k) softmax probabilities
    loss: float  # mean cross-entropy before the update
    loss_after: float  # on the same batch, after the update
    lr: float
    activation: str

    @property
    def logits(self) -> np.ndarray:
        return self.layers[-1].Z  # (n, k)

    def gradients(self) -> dict[str, np.ndarray]:
        """{'W0': dW, 'b0': db, ...}: named like ``model.parameters()``."""
        out = {}
        for layer in self.layers:
            out[f"W{layer.index}"], out[f"b{layer.index}"] = layer.dW, layer.db
        return out


def trace_minibatch(model, X, y, lr: float = 0.1) -> BackpropTrace:
    """Forward, backward and one plain SGD step on a copy of ``model``; the model is untouched.

    Dropout, if the model has any, is off: the trace shows the network as it predicts.
    """
    net = model.astype(model.dtype)
    X = as_batch(X, net.config.sizes[0])  # (n, 784)
    y = np.asarray(y, dtype=np.int64)  # (n,)
    forward = []  # (Dense, A_prev, Z, A or None) per Dense layer
    A, X_in, pending = X, None, None
    for layer in net.layers:
        out = layer.forward(A)
        if isinstance(layer, Dense):
            if X_in is None:
                X_in = A
            pending = [layer, A, out.copy(), None]
            forward.append(pending)
        elif isinstance(layer, Activation):
            pending[3] = out.copy()
        A = out
    loss_fn = SoftmaxCrossEntropy()
    loss = loss_fn.forward(A, y)
    P = loss_fn.P.copy()  # (n, k)

    index_of = {id(f[0]): i for i, f in enumerate(forward)}
    backward: dict[int, tuple] = {}  # Dense index -> (dZ, dW, db)
    dA_of: dict[int, np.ndarray] = {}  # hidden layer index -> gradient reaching its output
    grad = loss_fn.backward()  # dZ of the output layer: (P - Y) / n, (n, k)
    for layer in reversed(net.layers):
        if isinstance(layer, Dense):
            i = index_of[id(layer)]
            dZ = grad.copy()
            grad = layer.backward(grad)  # dW = A_prev.T @ dZ, db = sum(dZ), dA_prev = dZ @ W.T
            backward[i] = (dZ, layer.grads["W"].copy(), layer.grads["b"].copy())
            if grad is None:
                break  # the first layer: nobody asks how to change the pixels
            grad = grad.copy()  # the layer reuses its dX buffer
            dA_of[i - 1] = grad.copy()
        else:
            grad = layer.backward(grad)  # activation: dZ = dA * f'(Z); dropout: off

    SGD(net.parameters(), lr=lr).step()
    loss_after = loss_fn.forward(net.infer(X), y)

    layers = []
    for i, (layer, A_prev, Z, A_out) in enumerate(forward):
        dZ, dW, db = backward[i]
        layers.append(
            LayerTrace(
                index=i,
                A_prev=A_prev,
                W=model.dense[i].W.copy(),
                b=model.dense[i].b.copy(),
                Z=Z,
                A=A_out,
                dA=dA_of.get(i),
                dZ=dZ,
                dW=dW,
                db=db,
                W_after=layer.W.copy(),
                b_after=layer.b.copy(),
            )
        )
    return BackpropTrace(
        X=X,
        y=y,
        X_in=X_in,
        layers=layers,
        P=P,
        loss=float(loss),
        loss_after=float(loss_after),
        lr=float(lr),
        activation=net.config.activation,
    )


@dataclass(frozen=True)
class GradientRow:
    """One weight: backprop's answer against the finite-difference answer."""

    name: str  # "W0", "b1", ...
    position: tuple[int, ...]  # (row, column) in W, (unit,) in b
    analytic: float
    numeric: float
    relative_error: float


def gradient_table(
    model, X, y, per_layer: int = 2, eps: float = 1e-6, seed: int = 0
) -> tuple[list[GradientRow], dict[str, float]]:
    """A few weights per parameter array, checked one by one in float64, and the per-array
    relative errors of ``nn_core.gradient_check`` on the same batch.

    Weights are drawn at random among the tenth with the largest gradients on this batch:
    a weight fed by a blank pixel has nothing to check, and for a gradient of 1e-10 the
    rounding error of the loss itself (about 1e-16 of it) swamps any comparison.
    """
    rng = np.random.default_rng(seed)
    m64 = model.astype(np.float64)
    X64 = as_batch(X, m64.config.sizes[0]).astype(np.float64)  # (n, 784)
    y = np.asarray(y, dtype=np.int64)
    analytic = analytic_gradients(m64, X64, y)
    loss = SoftmaxCrossEntropy()
    rows = []
    for name, p, _ in m64.parameters():
        flat, g = p.reshape(-1), analytic[name].reshape(-1)  # views: nudging flat nudges p
        tenth = max(per_layer, -(-flat.size // 10))
        candidates = np.argsort(-np.abs(g), kind="stable")[:tenth]  # the largest gradients
        for i in rng.choice(candidates, size=min(per_layer, candidates.size), replace=False):
            old = flat[i]
            flat[i] = old + eps
            up = loss.forward(m64.infer(X64), y)
            flat[i] = old - eps
            down = loss.forward(m64.infer(X64), y)
            flat[i] = old
            numeric = (up - down) / (2 * eps)
            denom = abs(numeric) + abs(g[i])
            error = abs(numeric - g[i]) / denom if denom > 0 else 0.0
            where = tuple(int(j) for j in np.unravel_index(i, p.shape))
            rows.append(GradientRow(name, where, float(g[i]), float(numeric), float(error)))
    per_array = gradient_check(model, X64, y, eps=eps, per_param=10, rng=rng)
    return rows, per_array
