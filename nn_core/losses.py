"""Softmax and cross-entropy: turning ten scores into probabilities, and grading them.

Softmax maps logits Z (n, 10) to probabilities P with P[i, k] = exp(Z[i, k]) / sum_j exp(Z[i, j]).
Cross-entropy then charges -log P[i, y_i]: nothing when the network is sure and right,
a lot when it is sure and wrong.

Computed separately, both are fragile: exp(1000) overflows and log(0) is -inf. Fused,
they are stable, because subtracting the largest logit of each row changes nothing
mathematically but keeps every exponent <= 0, and the log of a softmax simplifies to
``Z - logsumexp(Z)``. The gradient of the pair is then beautifully simple:
dZ = (P - Y) / n, with Y the one-hot labels.
"""

from __future__ import annotations

import numpy as np


def log_softmax(Z: np.ndarray) -> np.ndarray:
    """log P for logits Z: (n, k) -> (n, k), finite even for logits of +-1e4."""
    shifted = Z - Z.max(axis=1, keepdims=True)  # (n, k), every entry <= 0
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # (n, k) - (n, 1)


def softmax(Z: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Probabilities P: (n, k), rows summing to 1.

    Dividing the logits by a temperature T > 1 flattens the distribution (the network
    sounds less sure); T < 1 sharpens it towards the arg-max.
    """
    if not temperature > 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    Z = np.asarray(Z) / temperature  # (n, k)
    E = np.exp(Z - Z.max(axis=-1, keepdims=True))  # (n, k), each row's largest entry is 1
    return E / E.sum(axis=-1, keepdims=True)  # (n, k) / (n, 1)


def one_hot(y: np.ndarray, k: int = 10, dtype=np.float32) -> np.ndarray:
    """Labels (n,) -> (n, k) rows with a single 1: the target probability distribution."""
    Y = np.zeros((len(y), k), dtype=dtype)  # (n, k)
    Y[np.arange(len(y)), y] = 1
    return Y


def cross_entropy(Z: np.ndarray, y: np.ndarray) -> float:
    """Mean cross-entropy of logits Z: (n, k) against integer labels y: (n,)."""
    logP = log_softmax(Z)  # (n, k)
    return float(-logP[np.arange(len(y)), y].mean())  # logP[rows, y]: (n,)


class SoftmaxCrossEntropy:
    """The output layer's loss: forward(Z, y) -> mean loss, backward() -> dZ = (P - Y) / n."""

    def __init__(self) -> None:
        self.P: np.ndarray | None = None
        self._y: np.ndarray | None = None

    def forward(self, Z: np.ndarray, y: np.ndarray) -> float:
        logP = log_softmax(Z)  # (n, k)
        self.P = np.exp(logP)  # (n, k)
        self._y = y  # (n,)
        return float(-logP[np.arange(len(y)), y].mean())  # logP[rows, y]: (n,)

    def backward(self) -> np.ndarray:
        P, y = self.P, self._y
        return (P - one_hot(y, P.shape[1], P.dtype)) / len(y)  # (n, k): dZ = (P - Y) / n
