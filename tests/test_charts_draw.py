"""ui/charts_draw.py: the Draw page's figures carry exactly the data they claim to show."""

from __future__ import annotations

import numpy as np
import pytest

from nn_core.data import DATASETS
from nn_core.preprocess import canvas_to_mnist_steps
from ui import charts_draw
from ui.palette import class_color


def canvas_with_block(top: int, left: int, h: int, w: int, size: int = 280) -> np.ndarray:
    rgba = np.zeros((size, size, 4), np.uint8)
    rgba[top : top + h, left : left + w] = 255
    return rgba


@pytest.fixture(scope="module")
def steps():
    """A tall block drawn off-centre: a crude "1" whose every step is easy to predict."""
    return canvas_with_block(40, 180, 160, 24)


def test_probability_bars(steps):
    probs = np.array([0.01, 0.02, 0.05, 0.02, 0.6, 0.1, 0.05, 0.05, 0.05, 0.05])
    fig = charts_draw.probability_figure(probs, DATASETS["mnist"].class_names)
    assert fig.layout.meta["chart"] == "draw_probs"
    bar = fig.data[0]
    np.testing.assert_allclose(bar.x, probs)
    assert bar.y[4] == "<b>4</b>" and bar.y[3] == "3"
    assert bar.marker.color[4] == class_color(4)
    assert bar.marker.color[3] == charts_draw.fade(class_color(3), charts_draw.FADED)
    outlines = bar.marker.line.color
    assert outlines[4] == "#111" and all(c != "#111" for i, c in enumerate(outlines) if i != 4)
    assert bar.text[4] == "60%" and bar.text[0] == "1%"


def test_probability_bars_name_clothes():
    names = DATASETS["fashion-mnist"].class_names
    fig = charts_draw.probability_figure(np.eye(10)[9], names)
    assert fig.data[0].y[9] == "<b>Ankle boot</b>" and "Trouser" in fig.data[0].y


def test_probability_labels_are_readable():
    fig = charts_draw.probability_figure(np.eye(10)[3], DATASETS["mnist"].class_names)
    assert fig.data[0].textfont.size >= 14 and fig.data[0].constraintext == "none"
    assert fig.layout.yaxis.tickfont.size >= 14 and fig.layout.title.font.size >= 16


def test_fade():
    assert charts_draw.fade("#1f77b4", 0.5) == "rgba(31, 119, 180, 0.5)"


def test_preview_shrinks_only_big_images():
    big = np.zeros((280, 140), np.float32)
    big[100:180, 40:100] = 1
    small, scale = charts_draw.preview(big)
    assert small.shape == (70, 35) and scale == pytest.approx(0.25)
    assert small.mean() == pytest.approx(big.mean(), rel=1e-4)  # area averaging keeps the ink
    tiny = np.ones((20, 12), np.float32)
    same, scale = charts_draw.preview(tiny)
    assert scale == 1.0 and np.array_equal(same, tiny)


def test_preprocess_strip_shows_every_step(steps):
    s = canvas_to_mnist_steps(steps)
    fig = charts_draw.preprocess_figure(s)
    assert fig.layout.meta["chart"] == "draw_steps"
    heatmaps = [t for t in fig.data if t.type == "heatmap"]
    assert len(heatmaps) == 4
    assert np.asarray(heatmaps[0].z).shape == (70, 70)  # the 280x280 drawing, quartered
    np.testing.assert_array_equal(heatmaps[1].z, charts_draw.preview(s.crop)[0])
    assert np.asarray(heatmaps[1].z).shape == (70, 10)  # the 160x24 crop, same proportions
    np.testing.assert_array_equal(heatmaps[2].z, s.box20)
    np.testing.assert_array_equal(heatmaps[3].z, s.centred)
    assert [h.xaxis for h in heatmaps] == ["x", "x2", "x3", "x4"]
    titles = [a.text for a in fig.layout.annotations]
    assert titles == list(charts_draw.STEP_TITLES)
    ink_box = [sh for sh in fig.layout.shapes if sh.line.color == charts_draw.WRONG][0]
    assert (ink_box.x0, ink_box.y0) == (180 / 4 - 0.5, 40 / 4 - 0.5)
    assert (ink_box.x1, ink_box.y1) == (204 / 4 - 0.5, 200 / 4 - 0.5)
    centre = [t for t in fig.data if t.type == "scatter"][0]
    assert centre.xaxis == "x4" and (centre.x[0], centre.y[0]) == (14.0, 14.0)


def test_saliency_overlay():
    rng = np.random.default_rng(0)
    image = rng.random((28, 28)).astype(np.float32)
    saliency = rng.normal(size=(28, 28)).astype(np.float32)
    fig = charts_draw.saliency_figure(image, saliency, "3")
    assert fig.layout.meta["chart"] == "draw_saliency"
    under, over = fig.data
    np.testing.assert_array_equal(under.z, image)
    np.testing.assert_array_equal(over.z, saliency)
    limit = charts_draw.saliency_range(saliency)
    assert over.zmin == -limit and over.zmax == limit
    assert "P(3)" in over.colorbar.title.text
    colours = dict((round(pos, 2), c) for pos, c in over.colorscale)
    assert colours[0.0].startswith("rgba(33") and colours[1.0].startswith("rgba(178")  # blue, red
    assert all(c.endswith(", 0.0)") for pos, c in colours.items() if 0.4 < pos < 0.6)


def test_saliency_range_ignores_a_few_extreme_pixels():
    g = np.full((28, 28), 0.01)
    g[0, :3] = [50.0, -80.0, 60.0]
    assert charts_draw.saliency_range(g) == pytest.approx(0.01)
    assert charts_draw.saliency_range(np.zeros((28, 28))) == 1.0


def test_class_set_thumbnails():
    n = 25
    images = np.zeros((n, 28, 28), np.float32)
    labels = np.arange(n) % 10
    predictions = labels.copy()
    predictions[-1] = (labels[-1] + 1) % 10  # the newest drawing was misread
    fig = charts_draw.class_set_figure(images, labels, predictions, DATASETS["mnist"].class_names)
    assert fig.layout.meta["chart"] == "draw_class_set"
    captions = [a.text for a in fig.layout.annotations]
    assert len(captions) == 20  # only the latest twenty
    assert captions[0] == "<b>5</b>" and captions[-1] == "<b>4→5</b>"
    colours = [a.font.color for a in fig.layout.annotations]
    assert colours[-1] == charts_draw.WRONG and set(colours[:-1]) == {charts_draw.RIGHT}
    assert fig.data[0].type == "image"  # the thumbnails are one picture
    ids = np.asarray(fig.data[1].customdata)
    assert ids.tolist() == list(range(n - 20, n))  # numbered within the whole set
