"""Layers with learnable or random behaviour: Dense, Dropout and input standardisation.

Every layer follows one small contract, so the model can treat them all alike:

    forward(X, training) -> Y      row-major batches: one example per row
    backward(dY) -> dX             returns None where nobody needs dX (the input layer)
    params, grads                  dicts of arrays with matching keys and shapes

During training the layers write into preallocated scratch arrays instead of allocating
new ones at every step. Outside training (``training=False``) they always return fresh
arrays, so a prediction handed to a caller can never be overwritten by the next one.
"""

from __future__ import annotations

import numpy as np

INITS = ("he", "xavier", "naive")


def scratch(buf: np.ndarray | None, shape: tuple[int, ...], dtype) -> np.ndarray:
    """Reuse ``buf`` when it already has this shape, else allocate: cheap memory reuse."""
    if buf is None or buf.shape != shape or buf.dtype != dtype:
        return np.empty(shape, dtype=dtype)
    return buf


def init_weights(n_in: int, n_out: int, init: str, rng: np.random.Generator, dtype) -> np.ndarray:
    """Draw a (n_in, n_out) weight matrix.

    The scale matters more than it looks. With N(0, 1) weights ("naive", as in the
    original notebook) a unit summing 784 inputs gets pre-activations with a standard
    deviation of about sqrt(784) * (pixel scale), so softmax saturates and learning
    stalls. He initialisation uses std = sqrt(2 / n_in), which keeps the variance of
    ReLU activations steady from layer to layer; Xavier (Glorot) uses
    std = sqrt(2 / (n_in + n_out)), the right balance for tanh and sigmoid.
    """
    if init == "he":
        std = np.sqrt(2.0 / n_in)
    elif init == "xavier":
        std = np.sqrt(2.0 / (n_in + n_out))
    elif init == "naive":
        std = 1.0
    else:
        raise ValueError(f"unknown initialisation {init!r}; choose one of {INITS}")
    return (rng.standard_normal((n_in, n_out)) * std).astype(dtype)


class Dense:
    """A fully connected layer: Z = X @ W + b.

    X: (n, n_in)   W: (n_in, n_out)   b: (n_out,)   Z: (n, n_out)

    Backward, by the chain rule, for a batch of n examples:
        dW = X.T @ dZ      each weight collects its input times the error it caused
        db = sum(dZ)       over the batch: one gradient per output unit
        dX = dZ @ W.T      the error sent back to the previous layer
    The original notebook summed dZ over *all* units into one shared bias gradient;
    here every unit has its own, as it must.
    """

    def __init__(self, n_in, n_out, *, init="he", rng=None, dtype=np.float32, needs_dX=True):
        rng = np.random.default_rng() if rng is None else rng
        self.params = {
            "W": init_weights(n_in, n_out, init, rng, dtype),
            "b": np.zeros(n_out, dtype=dtype),
        }
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.needs_dX = needs_dX
        self._X: np.ndarray | None = None
        self._Z: np.ndarray | None = None
        self._dX: np.ndarray | None = None

    @property
    def W(self) -> np.ndarray:
        return self.params["W"]

    @property
    def b(self) -> np.ndarray:
        return self.params["b"]

    def forward(self, X: np.ndarray, training: bool = False) -> np.ndarray:
        self._X = X
        if not training:
            return X @ self.W + self.b
        self._Z = scratch(self._Z, (X.shape[0], self.W.shape[1]), self.W.dtype)
        np.matmul(X, self.W, out=self._Z)
        self._Z += self.b
        return self._Z

    def backward(self, dZ: np.ndarray) -> np.ndarray | None:
        np.matmul(self._X.T, dZ, out=self.grads["W"])
        np.sum(dZ, axis=0, out=self.grads["b"])
        if not self.needs_dX:
            return None  # the first layer: nobody asks how to change the pixels
        self._dX = scratch(self._dX, self._X.shape, dZ.dtype)
        return np.matmul(dZ, self.W.T, out=self._dX)


class Dropout:
    """During training, silence each unit with probability p and scale the rest by 1/(1-p).

    A network that cannot rely on any single unit must spread what it knows over many,
    which generalises better. Scaling the survivors keeps the expected activation the same,
    so at test time dropout simply does nothing.
    """

    def __init__(self, p: float, rng: np.random.Generator | None = None):
        if not 0.0 <= p < 1.0:
            raise ValueError(f"dropout probability must be in [0, 1), got {p}")
        self.p = p
        self.rng = np.random.default_rng() if rng is None else rng
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self._mask: np.ndarray | None = None
        self._Y: np.ndarray | None = None

    def forward(self, X: np.ndarray, training: bool = False) -> np.ndarray:
        if not training or self.p == 0.0:
            self._mask = None  # inference: every unit passes, and so does the gradient
            return X
        self._mask = scratch(self._mask, X.shape, X.dtype)
        self.rng.random(out=self._mask, dtype=X.dtype)
        np.greater_equal(self._mask, self.p, out=self._mask)  # 1.0 = keep, 0.0 = drop
        self._mask *= 1.0 / (1.0 - self.p)
        self._Y = scratch(self._Y, X.shape, X.dtype)
        return np.multiply(X, self._mask, out=self._Y)

    def backward(self, dY: np.ndarray) -> np.ndarray:
        if self._mask is None:
            return dY
        return np.multiply(dY, self._mask, out=dY)


class Standardize:
    """X -> (X - mean) / std, with constants fixed before training and saved in the model.

    Centred inputs of unit scale make the loss surface rounder, so one learning rate
    suits every weight; that is what lets the fast preset use a large step.
    """

    def __init__(self, mean: float, std: float, dtype=np.float32):
        self.mean = dtype(mean)
        self.inv_std = dtype(1.0 / std)
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self._Y: np.ndarray | None = None

    def forward(self, X: np.ndarray, training: bool = False) -> np.ndarray:
        if not training:
            return (X - self.mean) * self.inv_std
        self._Y = scratch(self._Y, X.shape, X.dtype)
        np.subtract(X, self.mean, out=self._Y)
        self._Y *= self.inv_std
        return self._Y

    def backward(self, dY: np.ndarray | None) -> np.ndarray | None:
        """Only saliency maps ask for this (training stops at the first Dense layer)."""
        return None if dY is None else np.multiply(dY, self.inv_std, out=dY)
