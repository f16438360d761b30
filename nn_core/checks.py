"""Checking what a training run is given, before it starts, in plain sentences.

A network handed bad data does not complain: it trains, the loss wanders, and the
student concludes that neural networks are mysterious. A label of -1 silently picks the
last column of the probabilities, a single NaN pixel turns every weight into NaN within
one step (which looks exactly like a learning rate that is too high), and a batch size
of 0 divides by zero somewhere deep inside. So :class:`~nn_core.train.Trainer` calls
:func:`check_training_data` first, and every problem gets a sentence that names the
actual cause.

:func:`no_better_than_chance` is the check at the other end of a run: did the network
learn anything at all?
"""

from __future__ import annotations

import numpy as np

__all__ = ["check_training_data", "no_better_than_chance"]

CHANCE_MARGIN = 1.5
"""A run is "no better than chance" below this many times the guessing accuracy 1/k."""


def _is_whole_number(x) -> bool:
    """True for 3 or np.int64(3); False for True, 3.0 and "3" (a bool is not a count)."""
    return isinstance(x, int | np.integer) and not isinstance(x, bool | np.bool_)


def _check_shapes(X: np.ndarray, y: np.ndarray, n_inputs: int | None) -> None:
    if X.ndim != 2:
        raise ValueError(
            f"the images must be a 2-D array, one flattened image per row; got shape {X.shape}"
        )
    if n_inputs is not None and X.shape[1] != n_inputs:
        raise ValueError(
            f"each example has {X.shape[1]} values but the network's input layer expects {n_inputs}"
        )
    if y.ndim != 1:
        raise ValueError(f"the labels must be a 1-D array, one per example; got shape {y.shape}")
    if len(X) != len(y):
        raise ValueError(f"there are {len(X):,} examples but {len(y):,} labels")
    if len(X) == 0:
        raise ValueError("there are no training examples (zero rows)")


def _check_labels(y: np.ndarray, n_classes: int) -> None:
    """Labels index the columns of the probabilities: whole numbers 0..k-1, nothing else."""
    if y.dtype.kind not in "iu":
        raise ValueError(
            f"the labels must be whole numbers (class numbers 0..{n_classes - 1}); "
            f"got {y.dtype} values"
        )
    low, high = int(y.min()), int(y.max())
    if low < 0 or high >= n_classes:
        bad = low if low < 0 else high
        raise ValueError(
            f"label {bad} is not a class: labels must be 0..{n_classes - 1} "
            f"for a network with {n_classes} outputs"
        )


def _check_values(X: np.ndarray) -> None:
    if X.dtype.kind not in "biuf":
        raise ValueError(f"the data must hold numbers; got {X.dtype} values")
    # np.isfinite makes one bool per value: about 70 ms and a 47 MB temporary for the
    # 60,000 x 784 float32 MNIST array on the 2-core server, once per run (measured with
    # timeit; slicing it into blocks saves ~25 ms, not worth the loop). Integers cannot
    # be NaN: skipped.
    if X.dtype.kind == "f" and not np.isfinite(X).all():
        raise ValueError(
            "the data contains NaN or infinite values; the network cannot learn from them"
        )


def check_training_data(X, y, n_classes: int, batch_size, n_inputs: int | None = None) -> None:
    """Raise ValueError, with one plain sentence, if a run cannot learn from (X, y).

    X: (n, n_inputs) numbers, all finite. y: (n,) whole numbers in 0..n_classes-1.
    batch_size: a positive whole number (True is not a batch size). ``n_inputs=None``
    accepts any row width. Costs one pass over X (no Python loop over examples).
    """
    if not _is_whole_number(n_classes) or n_classes < 1:
        raise ValueError(
            f"the number of classes must be a positive whole number, not {n_classes!r}"
        )
    if not _is_whole_number(batch_size) or batch_size < 1:
        raise ValueError(f"the batch size must be a positive whole number, not {batch_size!r}")
    X, y = np.asarray(X), np.asarray(y)
    _check_shapes(X, y, n_inputs)
    _check_labels(y, n_classes)
    _check_values(X)


def no_better_than_chance(accuracy: float, n_classes: int) -> bool:
    """True when ``accuracy`` is about what guessing would get, so nothing was learned.

    With k classes, answering at random (or always the same class, on balanced data)
    scores 1/k: 10% for digits. A network that ends near that number has not learned
    anything, however long it trained; typically the learning rate was far too high
    (SGD at lr 10 ends at about 9%), the inputs were not scaled, or the weights started
    badly. We call a run "no better than chance" below 1.5/k (15% for ten classes):
    far enough above 1/k that noise cannot fake it, far below what even a poor working
    network reaches (logistic regression on MNIST gets over 90%). NaN counts as chance.
    """
    if not _is_whole_number(n_classes) or n_classes < 1:
        raise ValueError(
            f"the number of classes must be a positive whole number, not {n_classes!r}"
        )
    return not accuracy >= CHANCE_MARGIN / n_classes
