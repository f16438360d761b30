"""Scores for a trained network: loss, accuracy, per-class accuracy, confusion matrix."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nn_core.losses import log_softmax
from nn_core.model import as_batch


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """The fraction of examples whose predicted class is the true one."""
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, k: int = 10) -> np.ndarray:
    """(k, k) counts: row = true class, column = predicted class.

    The diagonal holds the correct answers; a bright off-diagonal cell such as (4, 9)
    says "fours taken for nines", which tells a teacher more than any single number.
    """
    y_true, y_pred = np.asarray(y_true, dtype=np.int64), np.asarray(y_pred, dtype=np.int64)
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        if y.size and (y.min() < 0 or y.max() >= k):
            raise ValueError(f"{name} holds labels outside 0..{k - 1}")
    idx = y_true * k + y_pred
    return np.bincount(idx, minlength=k * k).reshape(k, k)  # flat cell index -> (true, predicted)


def per_class_accuracy(cm: np.ndarray) -> np.ndarray:
    """Accuracy within each true class: (k,), NaN for a class with no examples."""
    totals = cm.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.diag(cm) / totals


@dataclass(frozen=True)
class EvalResult:
    loss: float
    accuracy: float
    per_class: np.ndarray  # (k,)
    confusion: np.ndarray  # (k, k), rows true, columns predicted
    n: int


def evaluate(model, X: np.ndarray, y: np.ndarray, batch_size: int = 8192) -> EvalResult:
    """Score ``model`` on held-out data X (n, 784), y (n,) in batches (bounded memory)."""
    k = model.config.sizes[-1]
    X = as_batch(X, model.config.sizes[0])
    losses, preds = [], []
    for i in range(0, len(X), batch_size):
        Z = model.infer(X[i : i + batch_size])
        yb = y[i : i + batch_size]
        losses.append(-log_softmax(Z)[np.arange(len(yb)), yb].sum())
        preds.append(Z.argmax(axis=1))
    y_pred = np.concatenate(preds) if preds else np.zeros(0, dtype=np.int64)
    cm = confusion_matrix(y, y_pred, k)
    return EvalResult(
        loss=float(np.sum(losses) / max(len(y), 1)),
        accuracy=accuracy(y, y_pred),
        per_class=per_class_accuracy(cm),
        confusion=cm,
        n=len(y),
    )
