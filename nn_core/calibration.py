"""How sure is the network, and should we believe it?

Softmax always produces a winner, even for a scribble. Two questions follow:

- **Selective answers.** If the network says "not sure" whenever its top probability
  is below a threshold, it answers fewer images (coverage) but gets more of those
  right (accuracy). The curve of one against the other shows what the caution buys.
- **Calibration.** Among all answers given with about 90% confidence, are about 90%
  right? A reliability diagram sorts answers into confidence bins and compares each
  bin's average confidence with its accuracy. Bars below the diagonal mean an
  over-confident network, which is what small networks trained to zero loss become.

Inputs are ``confidence`` (n,), the top probability of each answer, and ``correct``
(n,) bool, both from ``nn_core.predictions.Predictions``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def answers(confidence: np.ndarray, threshold: float) -> np.ndarray:
    """(n,) bool: True where the network answers, False where it says "not sure".

    The rule used everywhere (the Evaluate page and the Draw page): answer when the
    top probability reaches the threshold.
    """
    return np.asarray(confidence) >= threshold


@dataclass(frozen=True)
class SelectiveResult:
    """The outcome of one threshold on n images."""

    threshold: float
    answered: int
    withheld: int
    accuracy: float  # on the answered images; NaN when none is answered
    coverage: float  # answered / n


def selective(confidence: np.ndarray, correct: np.ndarray, threshold: float) -> SelectiveResult:
    """What happens at one threshold: how many answers, how many "not sure", how good."""
    mask = answers(confidence, threshold)
    answered = int(mask.sum())
    n = len(mask)
    acc = float(np.asarray(correct)[mask].mean()) if answered else float("nan")
    return SelectiveResult(float(threshold), answered, n - answered, acc, answered / max(n, 1))


@dataclass(frozen=True)
class CoverageCurve:
    """Accuracy against coverage as the threshold rises: arrays of the same length t."""

    thresholds: np.ndarray  # (t,) increasing
    coverage: np.ndarray  # (t,) share of images answered: never increases with the threshold
    accuracy: np.ndarray  # (t,) accuracy on the answered images; NaN where none is answered
    answered: np.ndarray  # (t,) int


def coverage_curve(
    confidence: np.ndarray, correct: np.ndarray, thresholds: np.ndarray | None = None
) -> CoverageCurve:
    """Coverage and accuracy for every threshold (default 0, 0.01, ..., 1).

    Sorting the answers by confidence once makes every threshold a single lookup:
    the answered images are a prefix of the sorted list, and the number right among
    them is a cumulative sum.
    """
    if thresholds is None:
        thresholds = np.linspace(0.0, 1.0, 101)
    thresholds = np.asarray(thresholds, dtype=np.float64)  # (t,)
    order = np.argsort(-np.asarray(confidence, dtype=np.float64), kind="stable")
    conf_desc = np.asarray(confidence, dtype=np.float64)[order]  # (n,) decreasing
    right = np.concatenate([[0], np.cumsum(np.asarray(correct)[order])])  # (n + 1,)
    n = len(conf_desc)
    # answered(t) = #{conf >= t}: searchsorted on the increasing, negated confidences
    answered = np.searchsorted(-conf_desc, -thresholds, side="right")  # (t,)
    with np.errstate(invalid="ignore", divide="ignore"):
        acc = np.where(answered > 0, right[answered] / answered, np.nan)
    return CoverageCurve(thresholds, answered / max(n, 1), acc, answered.astype(np.int64))


@dataclass(frozen=True)
class Reliability:
    """A reliability diagram: answers grouped into equal-width confidence bins."""

    edges: np.ndarray  # (b + 1,) bin edges from 0 to 1
    confidence: np.ndarray  # (b,) mean confidence in each bin; NaN for an empty bin
    accuracy: np.ndarray  # (b,) accuracy in each bin; NaN for an empty bin
    counts: np.ndarray  # (b,) int answers in each bin
    ece: float  # expected calibration error: the count-weighted mean |accuracy - confidence|


def reliability(confidence: np.ndarray, correct: np.ndarray, n_bins: int = 10) -> Reliability:
    """Sort answers into ``n_bins`` confidence bins and compare confidence with accuracy.

    With ten classes no answer is below 10% confident, so the first bin stays empty.
    """
    conf = np.asarray(confidence, dtype=np.float64)
    right = np.asarray(correct, dtype=np.float64)
    edges = np.linspace(0.0, 1.0, n_bins + 1)  # (b + 1,)
    which = np.clip(np.searchsorted(edges, conf, side="right") - 1, 0, n_bins - 1)  # (n,)
    counts = np.bincount(which, minlength=n_bins)  # (b,)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_conf = np.bincount(which, conf, n_bins) / counts
        acc = np.bincount(which, right, n_bins) / counts
    gaps = np.abs(np.nan_to_num(acc - mean_conf))
    ece = float((counts * gaps).sum() / max(len(conf), 1))
    return Reliability(edges, mean_conf, acc, counts.astype(np.int64), ece)
