"""The evaluation engine: predictions, mistakes, comparison, confidence and robustness."""

from __future__ import annotations

import numpy as np
import pytest

from nn_core import calibration, robustness
from nn_core.metrics import evaluate
from nn_core.model import MLP
from nn_core.predictions import (
    Predictions,
    cell_members,
    compare,
    precision_recall,
    predict_all,
    ranked_mistakes,
)
from nn_core.subset import fixed_subset


def fake(proba: np.ndarray, y: np.ndarray) -> Predictions:
    proba = np.asarray(proba, np.float32)
    pred = proba.argmax(axis=1)
    rows = np.arange(len(y))
    return Predictions(proba, np.asarray(y), pred, proba[rows, pred], -np.log(proba[rows, y]))


@pytest.fixture(scope="module")
def small(mnist_sample):
    model = MLP((784, 32, 10), seed=3)
    return model, mnist_sample.X_test[:500], mnist_sample.y_test[:500]


def test_predictions_agree_with_evaluate(small):
    model, X, y = small
    p = predict_all(model, X, y, batch_size=128)
    ref = evaluate(model, X, y)
    got = p.summary()
    assert got.accuracy == ref.accuracy and got.n == 500
    assert np.array_equal(got.confusion, ref.confusion)
    assert got.loss == pytest.approx(ref.loss, rel=1e-5)
    np.testing.assert_allclose(p.proba.sum(axis=1), 1, atol=1e-5)
    assert np.array_equal(p.confidence, p.proba.max(axis=1))


def test_cell_members_match_the_confusion_counts(small):
    model, X, y = small
    p = predict_all(model, X, y)
    cm = p.summary().confusion
    for t in range(10):
        for a in range(10):
            ids = cell_members(p, t, a)
            assert len(ids) == cm[t, a]
            assert np.all(p.y_true[ids] == t) and np.all(p.y_pred[ids] == a)
            assert np.all(np.diff(p.confidence[ids]) <= 0)


def test_ranked_mistakes_are_wrong_filtered_and_most_confident_first():
    y = np.array([0, 1, 2, 1, 0])
    proba = np.array(
        [
            [0.2, 0.7, 0.1],  # wrong 0 -> 1 at 0.7
            [0.1, 0.8, 0.1],  # right
            [0.95, 0.03, 0.02],  # wrong 2 -> 0 at 0.95
            [0.6, 0.3, 0.1],  # wrong 1 -> 0 at 0.6
            [0.1, 0.1, 0.8],  # wrong 0 -> 2 at 0.8
        ]
    )
    p = fake(proba, y)
    assert ranked_mistakes(p).tolist() == [2, 4, 0, 3]
    assert ranked_mistakes(p, true_class=0).tolist() == [4, 0]
    assert ranked_mistakes(p, predicted_class=0).tolist() == [2, 3]
    assert ranked_mistakes(p, 1, 2).tolist() == []


def test_precision_and_recall_from_the_matrix():
    cm = np.array([[8, 2], [1, 9]])
    precision, recall = precision_recall(cm)
    np.testing.assert_allclose(precision, [8 / 9, 9 / 11])
    np.testing.assert_allclose(recall, [0.8, 0.9])
    precision, _ = precision_recall(np.array([[3, 0], [2, 0]]))
    assert np.isnan(precision[1])


def test_comparing_a_model_with_itself_shows_no_difference(small):
    model, X, y = small
    p = predict_all(model, X, y)
    result = compare(p, predict_all(model, X, y))
    assert not result.confusion_diff.any()
    assert len(result.only_a_right) == 0 and len(result.only_b_right) == 0
    assert result.accuracy_a == result.accuracy_b


def test_compare_lists_exactly_the_disagreements():
    y = np.array([0, 1, 0, 1])
    a = fake([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.4, 0.6]], y)  # right, wrong, wrong, right
    b = fake([[0.9, 0.1], [0.1, 0.9], [0.6, 0.4], [0.7, 0.3]], y)  # right, right, right, wrong
    result = compare(a, b)
    assert result.only_a_right.tolist() == [3]
    assert sorted(result.only_b_right.tolist()) == [1, 2]
    assert result.confusion_diff.sum() == 0
    assert result.confusion_diff.tolist() == [[1, -1], [0, 0]]
    with pytest.raises(ValueError):
        compare(a, fake(b.proba, np.array([1, 1, 0, 1])))


def test_coverage_never_rises_with_the_threshold():
    rng = np.random.default_rng(0)
    conf = rng.uniform(0.1, 1.0, 1000)
    correct = rng.uniform(size=1000) < conf  # more confident, more often right
    curve = calibration.coverage_curve(conf, correct)
    assert curve.coverage[0] == 1.0 and np.all(np.diff(curve.coverage) <= 0)
    assert np.nanmax(curve.accuracy) > curve.accuracy[0]  # caution buys accuracy here
    for t in (0.0, 0.37, 0.6, 0.99):
        one = calibration.selective(conf, correct, t)
        point = calibration.coverage_curve(conf, correct, thresholds=[t])
        assert one.answered == int((conf >= t).sum()) == point.answered[0]
        assert one.answered + one.withheld == 1000
        assert one.accuracy == pytest.approx(correct[conf >= t].mean())
        assert point.accuracy[0] == pytest.approx(one.accuracy)
    nobody = calibration.selective(conf, correct, 1.0)
    assert nobody.answered == 0 and np.isnan(nobody.accuracy)


def test_reliability_bins_count_every_answer_and_measure_the_gap():
    conf = np.array([0.95, 0.95, 0.95, 0.95, 0.55, 0.55])
    correct = np.array([1, 1, 0, 0, 1, 0], bool)
    rel = calibration.reliability(conf, correct, n_bins=10)
    assert rel.counts.sum() == 6 and rel.counts[9] == 4 and rel.counts[5] == 2
    assert rel.accuracy[9] == 0.5 and rel.confidence[9] == pytest.approx(0.95)
    assert rel.ece == pytest.approx((4 * 0.45 + 2 * 0.05) / 6)
    assert np.isnan(rel.accuracy[0])


@pytest.mark.parametrize("kind", sorted(robustness.PERTURBATIONS))
def test_each_perturbation_is_identity_at_rest_and_deterministic(kind, mnist_sample):
    X = mnist_sample.X_test[:64]
    spec = robustness.PERTURBATIONS[kind]
    same = robustness.perturb(X, kind, spec.identity)
    np.testing.assert_allclose(same, X, atol=1e-5)
    strong = spec.hi
    once, twice = (robustness.perturb(X, kind, strong, seed=1) for _ in range(2))
    assert np.array_equal(once, twice) and once.shape == X.shape and once.dtype == np.float32
    assert once.min() >= 0 and once.max() <= 1
    assert np.abs(once - X).mean() > 0.01


def test_rotation_by_a_quarter_turn_moves_a_bar():
    img = np.zeros((1, 28, 28), np.float32)
    img[0, 13:15, 4:24] = 1  # a horizontal bar
    turned = robustness.perturb(img.reshape(1, 784), "rotate", 90.0).reshape(28, 28)
    assert turned[4:24, 13:15].mean() > 0.8 and turned[13:15, 4:9].mean() < 0.2


def test_accuracy_curve_drops_for_a_trained_model(mnist_sample):
    from nn_core.pretrained import load_default_model

    model = load_default_model()
    idx = fixed_subset(len(mnist_sample.y_test), 500)
    assert len(idx) == 500 and np.all(np.diff(idx) > 0)
    X, y = mnist_sample.X_test[idx], mnist_sample.y_test[idx]
    strengths, acc = robustness.accuracy_curve(model, X, y, "shift")
    assert strengths[0] == 0 and acc[0] > 0.95 and acc[-1] < 0.5
    assert acc[0] == robustness.accuracy_at(model, X, y, "shift", 0.0)
    with pytest.raises(ValueError):
        robustness.perturb(X, "melt", 1.0)
