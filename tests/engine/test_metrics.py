"""Scores: confusion matrix, per-class accuracy and evaluate() against direct computations."""

from __future__ import annotations

import numpy as np
import pytest

from nn_core import EvalResult, confusion_matrix, evaluate
from nn_core.metrics import accuracy, per_class_accuracy
from nn_core.model import MLP

Y_TRUE = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2, 3])
Y_PRED = np.array([0, 0, 1, 1, 1, 2, 3, 2, 0, 3])


def test_confusion_matrix_on_hand_made_labels():
    cm = confusion_matrix(Y_TRUE, Y_PRED, k=4)
    expected = np.array(
        [
            [2, 1, 0, 0],  # true 0: two right, one taken for a 1
            [0, 2, 0, 0],
            [1, 0, 2, 1],  # true 2: two right, one taken for 0, one for 3
            [0, 0, 0, 1],
        ]
    )
    np.testing.assert_array_equal(cm, expected)
    assert cm.sum() == len(Y_TRUE)
    np.testing.assert_array_equal(cm.sum(axis=1), np.bincount(Y_TRUE, minlength=4))
    np.testing.assert_array_equal(cm.sum(axis=0), np.bincount(Y_PRED, minlength=4))


def test_confusion_matrix_default_is_ten_classes_and_rows_are_true_labels():
    cm = confusion_matrix([4, 4, 4], [9, 9, 4])
    assert cm.shape == (10, 10)
    assert cm[4, 9] == 2 and cm[4, 4] == 1 and cm[9, 4] == 0
    assert cm.sum() == 3


def test_confusion_matrix_of_nothing_is_zero():
    cm = confusion_matrix(np.zeros(0, int), np.zeros(0, int), k=3)
    np.testing.assert_array_equal(cm, np.zeros((3, 3)))


def test_per_class_accuracy_on_hand_made_labels():
    per_class = per_class_accuracy(confusion_matrix(Y_TRUE, Y_PRED, k=5))
    np.testing.assert_allclose(per_class[:4], [2 / 3, 1.0, 0.5, 1.0])
    assert np.isnan(per_class[4])  # class 4 never occurs: no accuracy to speak of


def test_accuracy():
    assert accuracy(Y_TRUE, Y_PRED) == pytest.approx(7 / 10)
    assert accuracy([1, 2], [1, 2]) == 1.0
    assert isinstance(accuracy(Y_TRUE, Y_PRED), float)


@pytest.fixture(scope="module")
def scored():
    rng = np.random.default_rng(0)
    model = MLP((784, 32, 10), seed=1)
    X = rng.random((300, 784), dtype=np.float32)
    y = rng.integers(0, 10, 300)
    return model, X, y


def test_evaluate_matches_a_direct_computation(scored):
    model, X, y = scored
    r = evaluate(model, X, y)
    assert isinstance(r, EvalResult)
    P = model.predict_proba(X).astype(np.float64)
    pred = P.argmax(axis=1)
    cm = np.zeros((10, 10), int)
    np.add.at(cm, (y, pred), 1)
    assert r.n == 300
    assert r.loss == pytest.approx(float(-np.log(P[np.arange(300), y]).mean()), rel=1e-5)
    assert r.accuracy == pytest.approx(float(np.mean(pred == y)))
    np.testing.assert_array_equal(r.confusion, cm)
    with np.errstate(invalid="ignore"):
        np.testing.assert_allclose(r.per_class, np.diag(cm) / cm.sum(axis=1))


def test_evaluate_does_not_depend_on_the_batch_size(scored):
    model, X, y = scored
    whole = evaluate(model, X, y)
    pieces = evaluate(model, X, y, batch_size=7)  # 7 does not divide 300
    assert pieces.loss == pytest.approx(whole.loss, rel=1e-6)
    assert pieces.accuracy == whole.accuracy
    np.testing.assert_array_equal(pieces.confusion, whole.confusion)


def test_evaluate_a_model_that_is_always_right():
    model = MLP((4, 3), seed=0)
    model.set_weights([np.eye(4, 3, dtype=np.float32) * 50, np.zeros(3, np.float32)])
    X = np.eye(4, dtype=np.float32)[:3]
    r = evaluate(model, X, np.array([0, 1, 2]))
    assert r.accuracy == 1.0
    assert r.loss < 1e-10
    np.testing.assert_array_equal(r.confusion, np.diag([1, 1, 1]))
    np.testing.assert_array_equal(r.per_class, [1.0, 1.0, 1.0])


def test_evaluate_leaves_the_model_unchanged(scored):
    model, X, y = scored
    before = model.get_weights()
    evaluate(model, X, y)
    for a, b in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
