"""The SVG figures of the Data page's first screen: each holds the data it was given,
readable from afar."""

from __future__ import annotations

import numpy as np

from tests.support.apptest import SVG, svg_picture, svg_rects, svg_texts
from ui.data import pictures
from ui.figures import png, tiles
from ui.figures.theme import CLASS_COLORS

NAMES = [str(d) for d in range(10)]


def test_example_grid_is_one_picture_with_ids_labels_and_colours():
    rng = np.random.default_rng(0)
    images = rng.random((6, 28, 28))
    labels = np.array([3, 1, 4, 1, 5, 9])
    ids = np.arange(100, 106)
    fig = pictures.example_grid_figure(images, labels, ids, NAMES, cols=3)
    canvas, _ = tiles.tile(images, 3)
    np.testing.assert_array_equal(svg_picture(fig.tree()), png.ink_pixels(canvas))
    shown = svg_rects(fig.tree(), "id")
    assert [int(r.get("data-id")) for r in shown] == ids.tolist()
    assert shown[4].find(f"{SVG}title").text == "5, training image #104"
    captions = [t for t in fig.tree().iter(f"{SVG}text")]
    assert [t.text for t in captions] == list("314159")
    assert captions[0].get("fill") == CLASS_COLORS[3]
    assert len(fig.markup()) < 30_000  # a picture, not 7,000 numbers with hover labels


def test_statistics_figures_hold_the_statistics():
    counts = pictures.class_counts_figure(np.arange(10) + 5, np.arange(10), NAMES)
    values = [float(r.get("data-value")) for r in svg_rects(counts.tree(), "value")]
    assert values[0::2] == list(range(5, 15)) and values[1::2] == list(range(10))
    hist = pictures.pixel_histogram_figure(np.array([5, 3, 1, 0]), np.linspace(0, 1, 5))
    assert [float(r.get("data-value")) for r in svg_rects(hist.tree(), "value")] == [5, 3, 1, 0]
    means = np.random.default_rng(0).random((10, 784))
    fig = pictures.class_means_figure(means, NAMES)
    top, left = tiles.tile_origin(7, cols=10)
    tile7 = svg_picture(fig.tree())[top : top + 28, left : left + 28]
    np.testing.assert_array_equal(tile7, png.ink_pixels(means[7].reshape(28, 28), means.max()))
    var = pictures.class_variance_figure(means * 0.1, NAMES)
    assert svg_texts(var.tree())[0] == "Pixel variance within each class"
    assert svg_picture(var.tree()).ndim == 3  # the heat scale, in colour
    tips = [t.text for t in var.tree().iter(f"{SVG}title")]
    assert len(tips) == 10 and tips[0].startswith("0: mean variance")
    assert any("dark blue" in t for t in svg_texts(var.tree()))  # the colour key
