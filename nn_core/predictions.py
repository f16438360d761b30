"""A model's answers on a whole test set, and where they go wrong.

One batched forward pass gives everything an evaluation page needs: the probabilities,
the answer, how sure the network was, and whether it was right. The functions below
only look things up in those arrays, so a teacher can click around (a confusion-matrix
cell, the most confident mistakes, two models side by side) without the network ever
running again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nn_core.losses import log_softmax
from nn_core.metrics import EvalResult, accuracy, confusion_matrix, per_class_accuracy
from nn_core.model import as_batch


@dataclass(frozen=True, eq=False)
class Predictions:
    """What a model answered for each of n test images with k classes."""

    proba: np.ndarray  # (n, k) float32, rows sum to 1
    y_true: np.ndarray  # (n,) int64
    y_pred: np.ndarray  # (n,) int64: the most probable class
    confidence: np.ndarray  # (n,) float32: the probability of that class
    loss: np.ndarray  # (n,) float32: -log P[true class], the cross-entropy of each image

    @property
    def n(self) -> int:
        return len(self.y_true)

    @property
    def k(self) -> int:
        return self.proba.shape[1]

    @property
    def correct(self) -> np.ndarray:
        """(n,) bool: where the answer is the true class."""
        return self.y_pred == self.y_true

    def summary(self) -> EvalResult:
        """Loss, accuracy, per-class accuracy and confusion matrix, as ``evaluate`` gives."""
        cm = confusion_matrix(self.y_true, self.y_pred, self.k)
        return EvalResult(
            loss=float(self.loss.mean(dtype=np.float64)) if self.n else 0.0,
            accuracy=accuracy(self.y_true, self.y_pred),
            per_class=per_class_accuracy(cm),
            confusion=cm,
            n=self.n,
        )


def predict_all(model, X: np.ndarray, y: np.ndarray, batch_size: int = 8192) -> Predictions:
    """Run ``model`` once over X (n, 784) with labels y (n,) and keep every answer.

    The loss comes from the logits through ``log_softmax`` (not from the rounded
    probabilities), so a confidently wrong answer costs its true, large amount.
    """
    X = as_batch(X, model.config.sizes[0])
    y = np.asarray(y, dtype=np.int64)
    logp = [log_softmax(model.infer(X[i : i + batch_size])) for i in range(0, len(X), batch_size)]
    k = model.config.sizes[-1]
    logP = np.concatenate(logp) if logp else np.zeros((0, k), np.float32)  # (n, k)
    proba = np.exp(logP).astype(np.float32)  # (n, k)
    y_pred = logP.argmax(axis=1).astype(np.int64)  # (n,)
    rows = np.arange(len(y))
    return Predictions(
        proba=proba,
        y_true=y,
        y_pred=y_pred,
        confidence=proba[rows, y_pred],
        loss=(-logP[rows, y]).astype(np.float32),
    )


def cell_members(p: Predictions, true_class: int, predicted_class: int) -> np.ndarray:
    """Image numbers behind one confusion-matrix cell, most confident first: (m,) int.

    The cell's count in the matrix is exactly the length of this list.
    """
    idx = np.flatnonzero((p.y_true == true_class) & (p.y_pred == predicted_class))
    return idx[np.argsort(-p.confidence[idx], kind="stable")]


def ranked_mistakes(
    p: Predictions, true_class: int | None = None, predicted_class: int | None = None
) -> np.ndarray:
    """Wrong answers, the most confident first: (m,) image numbers.

    A mistake made at 99% is the interesting kind: either the label is wrong, or the
    network has learned a shortcut that fails on this image. Optional filters keep
    only one true class and/or one predicted class.
    """
    keep = ~p.correct
    if true_class is not None:
        keep &= p.y_true == true_class
    if predicted_class is not None:
        keep &= p.y_pred == predicted_class
    idx = np.flatnonzero(keep)
    return idx[np.argsort(-p.confidence[idx], kind="stable")]


@dataclass(frozen=True)
class Comparison:
    """Two models on the same test images."""

    accuracy_a: float
    accuracy_b: float
    confusion_diff: np.ndarray  # (k, k) int: B's counts minus A's
    only_a_right: np.ndarray  # (m,) image numbers A gets right and B wrong
    only_b_right: np.ndarray  # (m,) image numbers B gets right and A wrong


def compare(a: Predictions, b: Predictions) -> Comparison:
    """Where two models differ. Two accuracies close together can hide hundreds of images
    on which they disagree; the lists show which ones, B's most confident first."""
    if not np.array_equal(a.y_true, b.y_true):
        raise ValueError("the two predictions are not on the same test images")
    diff = confusion_matrix(b.y_true, b.y_pred, b.k) - confusion_matrix(a.y_true, a.y_pred, a.k)
    only_a = np.flatnonzero(a.correct & ~b.correct)
    only_b = np.flatnonzero(b.correct & ~a.correct)
    return Comparison(
        accuracy_a=accuracy(a.y_true, a.y_pred),
        accuracy_b=accuracy(b.y_true, b.y_pred),
        confusion_diff=diff,
        only_a_right=only_a[np.argsort(-b.confidence[only_a], kind="stable")],
        only_b_right=only_b[np.argsort(-b.confidence[only_b], kind="stable")],
    )


def precision_recall(cm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per class, from a (k, k) confusion matrix (rows true, columns predicted):

    precision = of the images the network called c, the share that are c (column);
    recall    = of the images that are c, the share it called c (row).
    A class the network never predicts has no precision: NaN.
    """
    cm = np.asarray(cm, dtype=np.float64)
    hits = np.diag(cm)
    with np.errstate(invalid="ignore", divide="ignore"):
        return hits / cm.sum(axis=0), hits / cm.sum(axis=1)  # (k,), (k,)
