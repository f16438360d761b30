"""The multi-layer perceptron: a stack of Dense layers with activations in between.

    X (n, 784) -> [Standardize] -> Dense -> act -> [Dropout] -> ... -> Dense -> logits (n, 10)

Layer sizes such as ``(784, 128, 10)`` give the depth: one Dense per consecutive pair.
The model knows nothing of losses or optimisers; ``forward`` and ``backward`` are all a
trainer needs, and ``predict_proba``, ``activations`` and friends are what a teacher
wants to put on screen.
"""

from __future__ import annotations

import math

import numpy as np

from nn_core.activations import Activation, ReLU, get_activation
from nn_core.layers import Dense, Dropout, Standardize
from nn_core.losses import softmax
from nn_core.modelconfig import ModelConfig
from nn_core.modelfile import MAX_MEMBERS, MAX_PARAMS, read_model, save_model


def as_batch(X, n_in: int = 784) -> np.ndarray:
    """Accept (n, 784), (n, 28, 28), (784,) or (28, 28); integer pixels (0..255) are scaled
    to [0, 1].

    Returns a float32 (n, n_in) array: one example per row.
    """
    X = np.asarray(X)
    side = math.isqrt(n_in)
    flat = X.ndim in (1, 2) and X.shape[-1] == n_in
    square = X.ndim in (2, 3) and X.shape[-2:] == (side, side) and side * side == n_in
    if not (flat or square):
        raise ValueError(
            f"expected images of {n_in} pixels, (n, {n_in}) or (n, {side}, {side}); got {X.shape}"
        )
    if X.dtype.kind in "iu":
        X = X / np.float32(255)  # same shape, float32 in [0, 1]
    X = X.astype(np.float32, copy=False).reshape(-1, n_in)  # (n, n_in): a flattened image a row
    return X


class MLP:
    """A feedforward network of any depth, float32 by default.

    >>> model = MLP((784, 128, 10))              # He-initialised, ReLU
    >>> P = model.predict_proba(X)                # (n, 10), rows sum to 1
    """

    def __init__(
        self,
        sizes=(784, 128, 10),
        activation="relu",
        init="he",
        dropout=0.0,
        *,
        x_mean=0.0,
        x_std=1.0,
        seed=0,
        config: ModelConfig | None = None,
        dtype=np.float32,
        rng: np.random.Generator | None = None,
    ):
        self.config = config or ModelConfig(
            tuple(sizes), activation, init, dropout, x_mean, x_std, seed
        )
        self.dtype = np.dtype(dtype)
        self.meta: dict = {}
        self.layers = self._build(np.random.default_rng(self.config.seed) if rng is None else rng)

    def _build(self, rng: np.random.Generator) -> list:
        c = self.config
        layers: list = []
        if (c.x_mean, c.x_std) != (0.0, 1.0):
            layers.append(Standardize(c.x_mean, c.x_std, self.dtype.type))
        pairs = list(zip(c.sizes[:-1], c.sizes[1:], strict=True))
        for i, (n_in, n_out) in enumerate(pairs):
            layers.append(
                Dense(n_in, n_out, init=c.init, rng=rng, dtype=self.dtype, needs_dX=i > 0)
            )
            if i < len(pairs) - 1:
                layers.append(get_activation(c.activation))
                if c.dropout > 0:
                    layers.append(Dropout(c.dropout, rng))
        return layers

    @classmethod
    def from_config(cls, config: ModelConfig, dtype=np.float32) -> MLP:
        return cls(config=config, dtype=dtype)

    @property
    def dense(self) -> list[Dense]:
        """The Dense layers, input side first: where all the weights live."""
        return [layer for layer in self.layers if isinstance(layer, Dense)]

    @property
    def n_params(self) -> int:
        return sum(p.size for layer in self.dense for p in layer.params.values())

    def parameters(self) -> list[tuple[str, np.ndarray, np.ndarray]]:
        """(name, param, grad) triples such as ('W1', W, dW): what an optimiser updates."""
        return [
            (f"{k}{i}", layer.params[k], layer.grads[k])
            for i, layer in enumerate(self.dense)
            for k in ("W", "b")
        ]

    def forward(self, X: np.ndarray, training: bool = False) -> np.ndarray:
        """Logits (n, 10) for a float batch X (n, 784), remembering what ``backward`` needs.

        The owner's pass, the first half of a training step: it writes into the layers
        (``training`` also enables dropout and scratch buffers, and the returned array is
        then only valid until the next call). Everything that only reads a model
        (``infer``, ``predict_proba``, ``activations``, saliency) leaves it untouched.
        """
        for layer in self.layers:
            X = layer.forward(X, training)  # (n, units of this layer)
        return X  # (n, 10)

    def backward(self, dZ: np.ndarray, to_input: bool = False) -> np.ndarray | None:
        """Push the loss gradient dZ (n, 10) back through every layer, filling ``grads``.

        With ``to_input`` the gradient is carried all the way to the pixels; training
        never needs that, so by default we skip it. (Saliency maps do not come here:
        ``input_gradient`` is a read and fills no ``grads``.)
        """
        first = self.dense[0]
        first.needs_dX = to_input
        try:
            for layer in reversed(self.layers):
                if dZ is None:
                    break
                dZ = layer.backward(dZ)  # (n, inputs of this layer), or None
        finally:
            first.needs_dX = False
        return dZ

    def infer(self, X: np.ndarray) -> np.ndarray:
        """Logits (n, 10) for a float batch X (n, 784), writing nothing into the model.

        Every read goes through here (or ``layer_outputs``): the bundled model is one
        object that every visitor reads at once, so a read keeps its arrays to itself.
        """
        for layer in self.layers:
            X = layer.infer(X)  # (n, units of this layer)
        return X  # (n, 10)

    def layer_outputs(self, X) -> list[np.ndarray]:
        """What every layer hands on, input first: [X (n, 784), out of layer 1, ..., logits].

        A read, like ``infer``: the list belongs to the caller, and the way back
        (``input_gradient`` here, ``nn_core.probe``) walks it instead of asking the layers
        what they last saw.
        """
        outs = [as_batch(X, self.config.sizes[0])]  # (n, 784)
        for layer in self.layers:
            outs.append(layer.infer(outs[-1]))  # (n, units of this layer)
        return outs

    def pull_back(self, outs: list[np.ndarray], dY: np.ndarray, stop=None) -> np.ndarray:
        """Carry a gradient dY on the last output back through the layers, for a pass
        kept in ``outs`` (from ``layer_outputs``); stop after the layer ``stop`` (by
        default, at the input). A read: no ``grads`` are filled.

        Returns how the same quantity changes with the input of the last layer passed.
        """
        steps = zip(reversed(self.layers), reversed(outs[:-1]), reversed(outs[1:]), strict=True)
        for layer, X_in, Y_out in steps:
            dY = layer.input_gradient(X_in, Y_out, dY)  # (n, inputs of this layer)
            if layer is stop:
                break
        return dY

    def predict_proba(self, X, batch_size: int = 8192) -> np.ndarray:
        """Class probabilities (n, 10) for images X (n, 784) float32 in [0, 1]."""
        X = as_batch(X, self.config.sizes[0])  # (n, 784)
        if len(X) <= batch_size:
            return softmax(self.infer(X))  # (n, 10)
        return np.concatenate(  # (n, 10), from slices of at most batch_size rows
            [softmax(self.infer(X[i : i + batch_size])) for i in range(0, len(X), batch_size)]
        )

    def predict(self, X) -> np.ndarray:
        """The most probable class of each row: (n,) int."""
        return self.predict_proba(X).argmax(axis=1)  # (n,)

    def activations(self, X) -> list[np.ndarray]:
        """What every layer outputs for a batch: [input, hidden 1, ..., probabilities].

        Hidden entries are post-activation (n, units); the last is softmax (n, 10).
        """
        outs = self.layer_outputs(X)
        hidden = [
            A
            for layer, A in zip(self.layers, outs[1:], strict=True)
            if isinstance(layer, Activation)
        ]
        return [outs[0], *hidden, softmax(outs[-1])]  # the last: (n, 10)

    def pre_activations(self, X) -> list[np.ndarray]:
        """Z = X @ W + b of every Dense layer, before the non-linearity: [(n, units), ...]."""
        outs = self.layer_outputs(X)
        return [
            Z for layer, Z in zip(self.layers, outs[1:], strict=True) if isinstance(layer, Dense)
        ]

    def input_gradient(self, X, classes=None) -> np.ndarray:
        """Saliency: d log P[class] / d pixel, (n, 784). Which pixels would change the
        network's mind most? ``classes`` defaults to each row's predicted class.

        A read: the forward pass is kept in a local list and walked back from there, so
        the layers' ``grads`` (the last training step's) are left as they were.
        """
        outs = self.layer_outputs(X)
        n = len(outs[0])
        P = softmax(outs[-1])  # (n, 10)
        k = P.argmax(axis=1) if classes is None else np.broadcast_to(classes, n)  # (n,)
        dZ = -P  # (n, 10)
        dZ[np.arange(n), k] += 1  # d log P_k / dZ = onehot_k - P
        return self.pull_back(outs, dZ.astype(self.dtype))  # (n, 784)

    def dead_units(self, X) -> list[int]:
        """Per hidden layer, how many ReLU units output 0 for every example in X.

        Such a unit passes no gradient, so it can never recover: a symptom of too high a
        learning rate or a bad initialisation. Leaky ReLU, tanh and sigmoid always keep a
        non-zero slope, so their units cannot die: the count is 0 for them.
        """
        hidden = self.activations(X)[1:-1]  # [(n, units), ...]
        if self.config.activation != "relu":
            return [0] * len(hidden)
        return [int(np.sum(~(A > 0).any(axis=0))) for A in hidden]  # any(axis=0): (units,)

    def layer_stats(self) -> list[dict]:
        """Per Dense layer: weight mean/std/min/max and the norms of the last gradients."""
        return [
            {
                "layer": i,
                "shape": layer.W.shape,
                "w_mean": float(layer.W.mean()),
                "w_std": float(layer.W.std()),
                "w_min": float(layer.W.min()),
                "w_max": float(layer.W.max()),
                "grad_norm_W": float(np.linalg.norm(layer.grads["W"])),
                "grad_norm_b": float(np.linalg.norm(layer.grads["b"])),
            }
            for i, layer in enumerate(self.dense)
        ]

    def get_weights(self) -> list[np.ndarray]:
        """Copies of [W0, b0, W1, b1, ...]: a snapshot that later training cannot touch."""
        return [p.copy() for _, p, _ in self.parameters()]

    def set_weights(self, weights: list[np.ndarray]) -> None:
        """Copy [W0, b0, ...] into the model in place (optimiser state stays attached)."""
        params = self.parameters()
        if len(weights) != len(params):
            raise ValueError(f"expected {len(params)} arrays, got {len(weights)}")
        for (name, p, _), w in zip(params, weights, strict=True):
            if w.shape != p.shape:
                raise ValueError(f"{name}: expected shape {p.shape}, got {w.shape}")
            np.copyto(p, w)

    def astype(self, dtype) -> MLP:
        """A copy of the model in another precision (the gradient check wants float64)."""
        twin = MLP(config=self.config, dtype=dtype)
        twin.set_weights([w.astype(dtype) for w in self.get_weights()])
        twin.meta = dict(self.meta)
        return twin

    def save(self, path, meta: dict | None = None, dtype=None) -> None:
        """Write weights, configuration and metadata to one ``.npz`` (path or file object).

        ``dtype`` (e.g. np.float16) stores the weights in another precision.
        """
        save_model(self, path, meta, dtype)

    @classmethod
    def load(cls, source, **limits) -> MLP:
        """Read a model saved by ``save``: a path, a file object or raw bytes.

        Raises ModelFileError with a plain-words reason for anything that is not one.
        ``max_params=`` caps the size of network the file may describe, ``max_members=``
        the entries of its zip (a shared server sets both from its limits; see
        ``load_model``).
        """
        return load_model(source, **limits)

    def __repr__(self) -> str:
        return f"MLP({self.config.describe()}, {self.n_params:,} parameters)"


def load_model(
    source, *, max_params: int = MAX_PARAMS, max_members: int = MAX_MEMBERS, check=None
) -> MLP:
    """Load a model from a path, file object or bytes; ModelFileError if it is not one.

    ``max_params`` caps the size of the network the file may describe and
    ``max_members`` the entries of its zip: a shared server sets both from its own
    limits, so an upload can never ask for more memory or time than that. ``check(config)``
    judges the declared network before any weight is read (see ``read_model``).
    ``nn_core.modelfile.read_model`` checks the whole file before this builds anything.
    """
    config, weights, meta = read_model(
        source, max_params=max_params, max_members=max_members, check=check
    )
    model = MLP(config=config)
    model.set_weights(weights)
    model.meta = meta
    return model


__all__ = ["MLP", "ModelConfig", "ReLU", "as_batch", "load_model"]
