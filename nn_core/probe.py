"""Questions a teacher asks of single hidden units, answered with plain NumPy.

Which units matter? What makes a unit fire? Which units voted for the answer? And does
the network really untangle the classes? A hidden layer's *units* are its columns:
unit j of hidden layer l has incoming weights ``dense[l].W[:, j]`` and outgoing weights
``dense[l + 1].W[j, :]``. Hidden layer 0 is the one that looks at the pixels, so its
784 incoming weights can be drawn as a 28 x 28 picture of what the unit looks for.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nn_core.activations import Activation
from nn_core.model import as_batch


def hidden_activations(model, X, layer: int) -> np.ndarray:
    """What hidden layer ``layer`` (0 = first) outputs for images X: (n, units)."""
    return model.activations(X)[1 + layer]


def weight_norms(model, layer: int = 0) -> np.ndarray:
    """||W[:, j]|| of each unit's incoming weights: (units,). Big norm, strong opinions."""
    return np.linalg.norm(model.dense[layer].W, axis=0)


def class_influence(model, X, layer: int = 0) -> np.ndarray:
    """How much one more unit of activation raises each class score, averaged over X.

    Returns (units, k): the mean of d logit_c / d a_j. With one hidden layer this is
    exactly the outgoing weight matrix; deeper, it is the weight the unit *effectively*
    has on each class once the layers in between have had their say.
    """
    if layer == len(model.dense) - 2:
        return model.dense[-1].W.astype(np.float64)  # (units, k): no layer in between
    outs = model.layer_outputs(X)  # this call's own pass: the shared model keeps nothing
    n, k = len(outs[0]), model.config.sizes[-1]
    out = np.empty((model.config.sizes[1 + layer], k))  # (units, k)
    for c in range(k):
        grad = np.zeros((n, k), dtype=model.dtype)  # (n, k): d logit_c / d logits
        grad[:, c] = 1.0
        out[:, c] = _back_to_hidden(model, outs, grad, layer).mean(axis=0)  # (units,)
    return out


def _back_to_hidden(model, outs: list, grad: np.ndarray, layer: int) -> np.ndarray:
    """Carry a gradient from the logits back to the output of hidden layer ``layer``, for
    the pass kept in ``outs`` (``model.layer_outputs``): (n, units)."""
    if not 0 <= layer < len(model.dense) - 1:
        raise ValueError(f"no hidden layer {layer}")
    return model.pull_back(outs, grad, stop=model.dense[layer + 1])


def unit_importance(model, X, layer: int = 0) -> np.ndarray:
    """How much each unit matters to the output: (units,).

    The average size of what the unit sends towards the class scores:
    mean over images of |a_j| times the length of its (effective) outgoing weights.
    A unit that is rarely active, or whose vote is tiny, scores low.
    """
    A = hidden_activations(model, X, layer)  # (n, units)
    reach = np.linalg.norm(class_influence(model, X, layer), axis=1)  # (units,)
    return np.abs(A).mean(axis=0) * reach


def top_exciting(model, X, layer: int, unit: int, k: int = 8) -> np.ndarray:
    """Indices of the ``k`` images of X that make the unit fire most, strongest first."""
    a = hidden_activations(model, X, layer)[:, unit]  # (n,)
    k = min(k, len(a))
    top = np.argpartition(-a, k - 1)[:k]
    return top[np.argsort(-a[top], kind="stable")]


@dataclass(frozen=True)
class Contributions:
    """Why the network chose a class for one image, unit by unit (first hidden layer)."""

    activation: np.ndarray  # (units,) a_j
    weight: np.ndarray  # (units,) d logit_c / d a_j (the outgoing weight, with one layer)
    contribution: np.ndarray  # (units,) a_j * weight_j
    target: int  # the class c


def contributions(model, x, target: int | None = None, layer: int = 0) -> Contributions:
    """Each unit's share of the score of class ``target`` (default: the predicted class).

    contribution_j = a_j x (outgoing weight from unit j to the class). With one hidden
    layer these shares plus the output bias add up to the class score exactly; deeper,
    the "outgoing weight" is the gradient of the score with respect to the unit.
    """
    outs = model.layer_outputs(as_batch(x, model.config.sizes[0])[:1])  # [(1, 784), ...]
    logits = outs[-1]  # (1, k)
    c = int(logits.argmax()) if target is None else int(target)
    hidden = [
        A for part, A in zip(model.layers, outs[1:], strict=True) if isinstance(part, Activation)
    ]
    a = hidden[layer][0].astype(np.float64)  # (units,) the activations of hidden layer ``layer``
    grad = np.zeros_like(logits)  # (1, k)
    grad[0, c] = 1.0
    weight = _back_to_hidden(model, outs, grad, layer)[0].astype(np.float64)  # (units,)
    return Contributions(a, weight, a * weight, c)


@dataclass(frozen=True)
class Projection:
    """A 2-D map of high-dimensional points: coordinates and how much each axis explains."""

    coords: np.ndarray  # (n, 2)
    explained: np.ndarray  # (2,) share of the variance along each axis


def pca_2d(X: np.ndarray) -> Projection:
    """Project rows of X onto their two directions of largest variance.

    Centre the data, take the covariance C = Xc.T @ Xc / n, and keep the two
    eigenvectors with the largest eigenvalues: the view that spreads the points most.
    """
    X = np.asarray(X, dtype=np.float64)  # (n, d)
    Xc = X - X.mean(axis=0)  # (n, d)
    C = Xc.T @ Xc / max(len(X) - 1, 1)  # (d, d)
    values, vectors = np.linalg.eigh(C)  # ascending
    top = vectors[:, ::-1][:, :2]  # (d, 2)
    for j in range(top.shape[1]):  # fix each axis's sign: the same picture every time
        if top[np.argmax(np.abs(top[:, j])), j] < 0:
            top[:, j] *= -1
    total = values.sum()
    explained = values[::-1][:2] / total if total > 0 else np.zeros(2)
    return Projection(Xc @ top, explained)
