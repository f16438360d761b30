"""The Data page's statistics: plain NumPy, checked against hand-made data."""

from __future__ import annotations

import numpy as np
import pytest

from ui.data import stats


@pytest.fixture()
def toy():
    """200 random 'images' in 10 classes, 20 each, with class c brighter at pixel c."""
    rng = np.random.default_rng(1)
    y = np.repeat(np.arange(10), 20)
    X = rng.random((200, 784), dtype=np.float32) * 0.5
    X[np.arange(200), y] += 0.5
    return X, y


def test_draw_examples_is_seeded_and_filtered(toy):
    _, y = toy
    a = stats.draw_examples(y, None, 32, seed=3)
    assert len(a) == 32 == len(set(a.tolist()))
    assert np.array_equal(a, stats.draw_examples(y, None, 32, seed=3))
    assert not np.array_equal(a, stats.draw_examples(y, None, 32, seed=4))
    sevens = stats.draw_examples(y, 7, 32, seed=0)
    assert len(sevens) == 20  # only 20 sevens exist: no repeats, no other class
    assert set(y[sevens].tolist()) == {7}


def test_class_counts_means_variances(toy):
    X, y = toy
    assert stats.class_counts(y).tolist() == [20] * 10
    assert stats.class_counts(np.array([3, 3, 9])).tolist() == [0, 0, 0, 2, 0, 0, 0, 0, 0, 1]
    means = stats.class_means(X, y)
    assert means.shape == (10, 784)
    np.testing.assert_allclose(means[4], X[y == 4].mean(axis=0), rtol=1e-6)
    assert means.argmax(axis=1).tolist() == list(range(10))  # each class's bright pixel
    var = stats.class_variances(X, y)
    assert var.shape == (10, 784)
    np.testing.assert_allclose(var[2], X[y == 2].var(axis=0), rtol=1e-5)


def test_missing_class_gives_zeros_not_nan(toy):
    X, y = toy
    keep = y != 5
    means = stats.class_means(X[keep], y[keep])
    assert np.isfinite(means).all() and not means[5].any()


def test_pixel_histogram_counts_every_pixel(toy):
    X, _ = toy
    counts, edges = stats.pixel_histogram(X, bins=20)
    assert counts.sum() == X.size and len(edges) == 21
    assert edges[0] == 0 and edges[-1] == 1
    sub_counts, _ = stats.pixel_histogram(X, bins=20, max_rows=50)
    assert sub_counts.sum() == 50 * 784


def test_pca_orders_variance_and_projects_to_2d(toy):
    X, y = toy
    coords, components, mean, explained = stats.pca(X)
    assert coords.shape == (200, 2) and components.shape == (2, 784)
    assert np.all(np.diff(explained) <= 1e-12) and explained.sum() == pytest.approx(1)
    np.testing.assert_allclose(np.linalg.norm(components, axis=1), 1, rtol=1e-6)
    np.testing.assert_allclose(coords, (X - mean) @ components.T, rtol=1e-4, atol=1e-5)


def test_pca_finds_the_direction_of_largest_spread():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 5)) * np.array([0.1, 5.0, 0.1, 1.0, 0.1])
    _, components, _, explained = stats.pca(X)
    assert np.abs(components[0]).argmax() == 1 and np.abs(components[1]).argmax() == 3
    assert explained[0] > 0.9


def test_pca_projection_keeps_track_of_images(toy):
    X, y = toy
    result = stats.pca_projection(X, y, n=50, seed=2)
    assert result.coords.shape == (50, 2)
    assert np.array_equal(result.labels, y[result.indices])
    assert len(set(result.indices.tolist())) == 50


def test_selected_ids_reads_customdata():
    event = {
        "selection": {
            "points": [{"customdata": 12}, {"customdata": [40]}, {"customdata": 12}, {"x": 1}]
        }
    }
    assert stats.selected_ids(event, n=100) == [12, 40]  # each image once
    assert stats.selected_ids(event, n=20) == [12]  # 40 belongs to a bigger data set
    assert stats.selected_ids(None, n=100) == []


def test_variance_sentence_is_true_for_either_data_set():
    quiet_border = np.full((10, 28, 28), 0.05)
    quiet_border[:, :3, :] = quiet_border[:, -3:, :] = 0
    quiet_border[:, :, :3] = quiet_border[:, :, -3:] = 0
    border, overall = stats.blank_share(quiet_border.reshape(10, 784))
    assert border == 1.0 and overall == pytest.approx(1 - 22 * 22 / 784)
    digits = stats.variance_sentence(quiet_border.reshape(10, 784), "digits")
    assert "100% of the pixels near the border hardly ever vary" in digits
    busy = np.full((10, 784), 0.05)  # clothes fill the frame: the border varies too
    clothes = stats.variance_sentence(busy, "clothes")
    assert "never vary" not in clothes and "hardly ever vary" not in clothes
    assert "even the border varies" in clothes
