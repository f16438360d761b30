"""Layers: the contract every piece of a network keeps, and the pieces that learn.

A network is a pipeline: each layer takes a batch, hands on a batch, and on the way back
passes the error along. ``Layer`` below states that contract once; ``Dense`` (the
weights), ``Dropout``, ``Standardize`` here and the activations (``nn_core.activations``)
all keep it, so the model can treat them alike.

Every layer returns a fresh array, in training as at inference, so nothing handed to a
caller is ever overwritten by the next call.
"""

from __future__ import annotations

import numpy as np

INITS = ("he", "xavier", "naive")


class Layer:
    """One stage of the network, with the same four members as every other stage.

        forward(X, training) -> Y   X: (n, inputs), one example per row; Y: (n, outputs)
        backward(dY) -> dX          the chain rule: from how the loss changes with the
                                    output Y to how it changes with the input X
        params                      name -> array: what the layer learns ({} if nothing)
        grads                       name -> array of the same shape: d loss / d param,
                                    filled by ``backward``, read by the optimiser

    ``forward`` remembers what ``backward`` needs (a Dense layer its input X, an
    activation its output A), so a ``backward`` belongs to the ``forward`` just before
    it. ``training`` turns on what only training does (dropout's random mask); with
    ``training=False`` a layer gives the same answer every time.

    ``backward`` returns None when nobody needs dX: in training the first Dense layer
    skips it (no one changes the pixels), and the model stops there.
    """

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}

    def forward(self, X: np.ndarray, training: bool = False) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dY: np.ndarray) -> np.ndarray | None:
        raise NotImplementedError


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
    return (rng.standard_normal((n_in, n_out)) * std).astype(dtype)  # (n_in, n_out)


class Dense(Layer):
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
        super().__init__()
        rng = np.random.default_rng() if rng is None else rng
        self.params["W"] = init_weights(n_in, n_out, init, rng, dtype)  # (n_in, n_out)
        self.params["b"] = np.zeros(n_out, dtype=dtype)  # (n_out,)
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}  # same shapes
        self.needs_dX = needs_dX
        self._X: np.ndarray | None = None  # (n, n_in): the last input, for dW

    @property
    def W(self) -> np.ndarray:
        return self.params["W"]

    @property
    def b(self) -> np.ndarray:
        return self.params["b"]

    def forward(self, X: np.ndarray, training: bool = False) -> np.ndarray:
        self._X = X  # (n, n_in)
        return X @ self.W + self.b  # (n, n_out)

    def backward(self, dZ: np.ndarray) -> np.ndarray | None:
        # dW and db go into the arrays the optimiser holds (out=): binding new arrays to
        # grads would leave it reading the old ones. Writing in place also saves the copy
        # that ``grads["W"][...] = X.T @ dZ`` makes: 510 us instead of 530 us for 784 x 256
        # at batch 128 (timeit, one BLAS thread), 1.4 % of a 1.4 ms `fast` step.
        np.matmul(self._X.T, dZ, out=self.grads["W"])  # (n_in, n_out); plain: dW = X.T @ dZ
        np.sum(dZ, axis=0, out=self.grads["b"])  # (n_out,); plain: db = dZ.sum(axis=0)
        if not self.needs_dX:
            # The first layer: nobody asks how to change the pixels, so dX = dZ @ W.T, a
            # matrix product as large as dW's, is skipped: about 600 us saved on a `fast`
            # step (784-256-10, batch 128) that takes 1.4 ms without it (timeit, one thread).
            return None
        return dZ @ self.W.T  # (n, n_in)


class Dropout(Layer):
    """During training, silence each unit with probability p and scale the rest by 1/(1-p).

    A network that cannot rely on any single unit must spread what it knows over many,
    which generalises better. Scaling the survivors keeps the expected activation the same,
    so at test time dropout simply does nothing.
    """

    def __init__(self, p: float, rng: np.random.Generator | None = None):
        super().__init__()
        if not 0.0 <= p < 1.0:
            raise ValueError(f"dropout probability must be in [0, 1), got {p}")
        self.p = p
        self.rng = np.random.default_rng() if rng is None else rng
        self._mask: np.ndarray | None = None  # (n, units): 0 or 1/(1-p); None at inference

    def forward(self, X: np.ndarray, training: bool = False) -> np.ndarray:
        if not training or self.p == 0.0:
            self._mask = None  # inference: every unit passes, and so does the gradient
            return X
        keep = self.rng.random(X.shape, dtype=X.dtype) >= self.p  # (n, units) bool
        self._mask = keep * X.dtype.type(1.0 / (1.0 - self.p))  # (n, units): 0 or 1/(1-p)
        return X * self._mask  # (n, units)

    def backward(self, dY: np.ndarray) -> np.ndarray:
        if self._mask is None:
            return dY
        return dY * self._mask  # (n, units): a dropped unit passes no gradient back


class Standardize(Layer):
    """X -> (X - mean) / std, with constants fixed before training and saved in the model.

    Centred inputs of unit scale make the loss surface rounder, so one learning rate
    suits every weight; that is what lets the fast preset use a large step.
    """

    def __init__(self, mean: float, std: float, dtype=np.float32):
        super().__init__()
        self.mean = dtype(mean)
        self.inv_std = dtype(1.0 / std)

    def forward(self, X: np.ndarray, training: bool = False) -> np.ndarray:
        return (X - self.mean) * self.inv_std  # (n, 784)

    def backward(self, dY: np.ndarray | None) -> np.ndarray | None:
        """Only saliency maps ask for this (training stops at the first Dense layer)."""
        return None if dY is None else dY * self.inv_std  # (n, 784)
