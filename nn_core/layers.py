"""Layers: the contract every piece of a network keeps, and the pieces that learn.

A network is a pipeline: each layer takes a batch, hands on a batch, and on the way back
passes the error along. ``Layer`` below states that contract once; ``Dense`` (the
weights), ``Dropout``, ``Standardize`` here and the activations (``nn_core.activations``)
all keep it, so the model can treat them alike.

Two ways through a layer, because a network has one owner and many readers:

* ``forward`` and ``backward`` are the owner's: a training step remembers what the way
  back needs (a Dense layer its input, an activation its output) and, during training,
  writes into preallocated scratch arrays (``out=``) instead of allocating new ones at
  every step. Each such line says its plain form beside it.
* ``infer`` and ``input_gradient`` are everybody's: a prediction, the activations on the
  Inside page, a saliency map on Draw. They read the weights and write nothing at all,
  neither a cache nor a gradient, and return arrays of their own. The bundled model is
  one object shared by every visitor, so two readers at the same instant cannot see each
  other's numbers, and no lock is needed.

Why bother: with glibc's default allocator a fresh array costs almost nothing (the plain
forms take the same 1.4 ms per `fast` step), but where every array of 128 KB or more is
a fresh mapping from the system (glibc with fixed ``mallopt`` thresholds, as a web server
may set them; allocators that map every large block) each one costs page faults: there
the plain forms made a `fast` step 2.4 ms instead of 1.4 ms, and a `best` step 11.5 ms
instead of 7.3 ms (784-256-10 / 784-512-512-10, batch 128, one BLAS thread, the fastest
of three rounds). Each trick's own figure is beside it, measured with timeit likewise.
"""

from __future__ import annotations

import numpy as np

INITS = ("he", "xavier", "naive")


def scratch(buf: np.ndarray | None, shape: tuple[int, ...], dtype) -> np.ndarray:
    """Reuse ``buf`` when it already has this shape, else allocate: cheap memory reuse."""
    if buf is None or buf.shape != shape or buf.dtype != dtype:
        return np.empty(shape, dtype=dtype)  # shape, unfilled: the caller writes into it
    return buf


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
    it. ``training`` turns on what only training does (dropout's random mask, scratch
    arrays that the next call overwrites); with ``training=False`` a layer gives the
    same answer every time, in an array of its own.

    ``backward`` returns None when nobody needs dX: in training the first Dense layer
    skips it (no one changes the pixels), and the model stops there.

    Those two write into the layer: they are for the model's owner, who trains it. A
    read of someone else's model (a shared one) goes through two twins that write
    nothing and keep nothing:

        infer(X) -> Y               what forward(X) gives outside training
        input_gradient(X, Y, dY) -> dX
                                    the chain rule back to the input, for a pass whose
                                    input X and output Y the caller kept itself
    """

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}

    def forward(self, X: np.ndarray, training: bool = False) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dY: np.ndarray) -> np.ndarray | None:
        raise NotImplementedError

    def infer(self, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def input_gradient(self, X: np.ndarray, Y: np.ndarray, dY: np.ndarray) -> np.ndarray:
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
        self._Z: np.ndarray | None = None  # (n, n_out) scratch: the training output
        self._dX: np.ndarray | None = None  # (n, n_in) scratch: the gradient sent back

    @property
    def W(self) -> np.ndarray:
        return self.params["W"]

    @property
    def b(self) -> np.ndarray:
        return self.params["b"]

    def forward(self, X: np.ndarray, training: bool = False) -> np.ndarray:
        self._X = X  # (n, n_in)
        if not training:
            return self.infer(X)  # (n, n_out)
        # Plain form: Z = X @ W + b. Into scratch: the same 520 us with glibc's defaults,
        # 520 instead of 610 us where big arrays are fresh mappings (784 x 256, batch 128).
        self._Z = scratch(self._Z, (X.shape[0], self.W.shape[1]), self.W.dtype)  # (n, n_out)
        np.matmul(X, self.W, out=self._Z)
        self._Z += self.b
        return self._Z

    def backward(self, dZ: np.ndarray) -> np.ndarray | None:
        # dW and db go into the arrays the optimiser holds (out=): binding new arrays to
        # grads would leave it reading the old ones. Writing in place also saves the copy
        # that ``grads["W"][...] = X.T @ dZ`` makes: 510 instead of 530 us for 784 x 256
        # at batch 128 (timeit, one BLAS thread), 510 instead of 925 us where big arrays
        # are fresh mappings.
        np.matmul(self._X.T, dZ, out=self.grads["W"])  # (n_in, n_out); plain: dW = X.T @ dZ
        np.sum(dZ, axis=0, out=self.grads["b"])  # (n_out,); plain: db = dZ.sum(axis=0)
        if not self.needs_dX:
            # The first layer: nobody asks how to change the pixels, so dX = dZ @ W.T, a
            # matrix product as large as dW's, is skipped: about 600 us saved on a `fast`
            # step (784-256-10, batch 128) that takes 1.4 ms without it (timeit, one thread).
            return None
        # Plain form: dX = dZ @ W.T. Into scratch: the same 15 us with glibc's defaults,
        # 15 instead of 118 us where big arrays are fresh mappings (128 x 10 -> 128 x 512).
        self._dX = scratch(self._dX, self._X.shape, dZ.dtype)  # (n, n_in)
        return np.matmul(dZ, self.W.T, out=self._dX)

    def infer(self, X: np.ndarray) -> np.ndarray:
        return X @ self.W + self.b  # (n, n_out)

    def input_gradient(self, X: np.ndarray, Y: np.ndarray, dZ: np.ndarray) -> np.ndarray:
        return dZ @ self.W.T  # (n, n_in): dX, and no dW or db (a read learns nothing)


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
        self._Y: np.ndarray | None = None  # (n, units) scratch: the training output

    def forward(self, X: np.ndarray, training: bool = False) -> np.ndarray:
        if not training or self.p == 0.0:
            self._mask = None  # inference: every unit passes, and so does the gradient
            return X
        # Plain form: mask = (rng.random(X.shape) >= p) / (1 - p); Y = X * mask. Into
        # scratch: 72 instead of 74 us with glibc's defaults, 72 instead of 246 us where
        # big arrays are fresh mappings (128 x 256).
        self._mask = scratch(self._mask, X.shape, X.dtype)  # (n, units)
        self.rng.random(out=self._mask, dtype=X.dtype)
        np.greater_equal(self._mask, self.p, out=self._mask)  # 1.0 = keep, 0.0 = drop
        self._mask *= 1.0 / (1.0 - self.p)
        self._Y = scratch(self._Y, X.shape, X.dtype)  # (n, units)
        return np.multiply(X, self._mask, out=self._Y)

    def backward(self, dY: np.ndarray) -> np.ndarray:
        if self._mask is None:
            return dY
        # Plain form: dX = dY * mask (a dropped unit passes no gradient back). dY is the
        # caller's scratch, so it is reused: as for the activations' backward, 9 instead
        # of 70 us where big arrays are fresh mappings (128 x 256).
        return np.multiply(dY, self._mask, out=dY)  # (n, units)

    def infer(self, X: np.ndarray) -> np.ndarray:
        return X  # (n, units): every unit passes outside training

    def input_gradient(self, X: np.ndarray, Y: np.ndarray, dY: np.ndarray) -> np.ndarray:
        return dY  # (n, units): and so does the gradient


class Standardize(Layer):
    """X -> (X - mean) / std, with constants fixed before training and saved in the model.

    Centred inputs of unit scale make the loss surface rounder, so one learning rate
    suits every weight; that is what lets the fast preset use a large step.
    """

    def __init__(self, mean: float, std: float, dtype=np.float32):
        super().__init__()
        self.mean = dtype(mean)
        self.inv_std = dtype(1.0 / std)
        self._Y: np.ndarray | None = None  # (n, 784) scratch: the training output

    def forward(self, X: np.ndarray, training: bool = False) -> np.ndarray:
        if not training:
            return self.infer(X)  # (n, 784)
        # Plain form as above. Into scratch: 16 instead of 18 us with glibc's defaults,
        # 16 instead of 165 us where big arrays are fresh mappings (128 x 784).
        self._Y = scratch(self._Y, X.shape, X.dtype)  # (n, 784)
        np.subtract(X, self.mean, out=self._Y)
        self._Y *= self.inv_std
        return self._Y

    def backward(self, dY: np.ndarray | None) -> np.ndarray | None:
        """Only ``MLP.backward(..., to_input=True)`` asks for this (training stops at the
        first Dense layer)."""
        # Plain form: dX = dY * inv_std. dY is the caller's scratch, so it is reused.
        return None if dY is None else np.multiply(dY, self.inv_std, out=dY)  # (n, 784)

    def infer(self, X: np.ndarray) -> np.ndarray:
        return (X - self.mean) * self.inv_std  # (n, 784)

    def input_gradient(self, X: np.ndarray, Y: np.ndarray, dY: np.ndarray) -> np.ndarray:
        return dY * self.inv_std  # (n, 784): d/dX of (X - mean) / std is 1 / std
