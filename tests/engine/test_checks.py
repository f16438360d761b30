"""check_training_data and no_better_than_chance: a plain sentence for every bad input."""

from __future__ import annotations

import numpy as np
import pytest

from nn_core.checks import check_training_data, no_better_than_chance


def good(n: int = 50, width: int = 784) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.random((n, width), dtype=np.float32), rng.integers(0, 10, n)


def refused(fragment: str, X=None, y=None, n_classes=10, batch_size=32, n_inputs=784) -> None:
    X0, y0 = good()
    with pytest.raises(ValueError) as info:
        check_training_data(
            X0 if X is None else X, y0 if y is None else y, n_classes, batch_size, n_inputs
        )
    assert fragment in str(info.value)


def test_good_data_passes_in_every_usual_form():
    X, y = good()
    check_training_data(X, y, 10, 32, n_inputs=784)
    check_training_data(X.astype(np.float64), y.astype(np.uint8), 10, np.int64(1))
    check_training_data((X * 255).astype(np.uint8), y, 10, 64, n_inputs=784)
    check_training_data(X[:, :5].tolist(), y.tolist(), 10, 1)  # lists, any width


def test_mismatched_lengths():
    X, y = good()
    refused("there are 50 examples but 49 labels", y=y[:-1])


def test_zero_examples():
    refused("no training examples", X=np.zeros((0, 784), np.float32), y=np.zeros(0, np.int64))


@pytest.mark.parametrize(
    ("bad", "fragment"), [(-1, "label -1"), (10, "label 10"), (255, "label 255")]
)
def test_labels_outside_the_classes(bad, fragment):
    y = good()[1]
    y[7] = bad
    refused(fragment, y=y)
    refused("must be 0..9", y=y)


def test_non_integer_labels():
    y = good()[1].astype(np.float64)
    y[0] = 2.5
    refused("whole numbers", y=y)
    refused("whole numbers", y=np.array(["3"] * 50))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_values_are_named_as_such_not_as_a_learning_rate(bad):
    X = good()[0]
    X[13, 400] = bad
    with pytest.raises(ValueError) as info:
        check_training_data(X, good()[1], 10, 32, 784)
    assert "the data contains NaN or infinite values" in str(info.value)
    assert "learning rate" not in str(info.value)


def test_text_data():
    refused("must hold numbers", X=np.full((50, 784), "x"))


@pytest.mark.parametrize(
    ("X", "fragment"),
    [
        (np.zeros((50, 28, 28), np.float32), "2-D"),
        (np.zeros(50, np.float32), "2-D"),
        (
            np.zeros((50, 100), np.float32),
            "each example has 100 values but the network's input layer expects 784",
        ),
    ],
)
def test_the_shape_must_fit_the_input_layer(X, fragment):
    refused(fragment, X=X)


def test_labels_must_be_one_dimensional():
    refused("1-D", y=good()[1].reshape(50, 1))


@pytest.mark.parametrize("batch_size", [0, -3, 2.5, "64", True, False, None, 64.0])
def test_batch_size_must_be_a_positive_whole_number(batch_size):
    refused("batch size must be a positive whole number", batch_size=batch_size)


def test_full_mnist_sized_data_is_checked_in_one_vectorised_pass():
    """60,000 x 784: passes, and a single NaN in the last row is still found."""
    X = np.zeros((60_000, 784), np.float32)
    y = np.arange(60_000) % 10
    check_training_data(X, y, 10, 128, 784)
    X[-1, -1] = np.nan
    with pytest.raises(ValueError, match="NaN or infinite"):
        check_training_data(X, y, 10, 128, 784)


@pytest.mark.parametrize(
    ("accuracy", "n_classes", "expected"),
    [
        (0.089, 10, True),  # SGD at lr 10 on MNIST
        (0.10, 10, True),
        (0.149, 10, True),
        (0.15, 10, False),
        (0.98, 10, False),
        (0.5, 2, True),
        (0.74, 2, True),
        (0.80, 2, False),
        (float("nan"), 10, True),
    ],
)
def test_no_better_than_chance(accuracy, n_classes, expected):
    assert no_better_than_chance(accuracy, n_classes) is expected


def test_no_better_than_chance_needs_a_class_count():
    with pytest.raises(ValueError, match="number of classes"):
        no_better_than_chance(0.5, 0)
