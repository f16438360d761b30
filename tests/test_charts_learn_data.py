"""Figure builders: each returns a Plotly figure whose traces hold the data it was given."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from nn_core.activations import ACTIVATIONS
from ui import charts_data, charts_learn, dataview
from ui.palette import CLASS_COLORS

NAMES = [str(d) for d in range(10)]


def _meta(fig: go.Figure) -> str:
    return fig.layout.meta["chart"]


# --- Learn page --------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_figure_plots_function_and_slope(name):
    fig = charts_learn.activation_figure(name)
    f, df = fig.data
    z = np.asarray(f.x)
    act = ACTIVATIONS[name]()
    np.testing.assert_allclose(f.y, act.f(z.copy()), rtol=1e-6)
    np.testing.assert_allclose(df.y, act.derivative(z), rtol=1e-6)
    assert _meta(fig) == "activation"


def test_activation_figures_differ():
    relu = charts_learn.activation_figure("relu").data[0].y
    tanh = charts_learn.activation_figure("tanh").data[0].y
    assert not np.allclose(relu, tanh)
    assert set(charts_learn.ACTIVATION_FORMULAS) == set(ACTIVATIONS)


def test_softmax_figure_probabilities_follow_temperature():
    scores = charts_learn.EXAMPLE_SCORES
    cold = np.asarray(charts_learn.softmax_figure(scores, 0.2, NAMES).data[1].y)
    warm = np.asarray(charts_learn.softmax_figure(scores, 1.0, NAMES).data[1].y)
    hot = np.asarray(charts_learn.softmax_figure(scores, 5.0, NAMES).data[1].y)
    for p in (cold, warm, hot):
        assert p.sum() == pytest.approx(1) and p.argmax() == int(np.argmax(scores))
    assert cold.max() > warm.max() > hot.max()
    e = np.exp(np.asarray(scores))
    np.testing.assert_allclose(warm, e / e.sum(), rtol=1e-9)


def test_cross_entropy_figure_marks_the_point():
    fig = charts_learn.cross_entropy_figure(0.25)
    curve, point = fig.data
    np.testing.assert_allclose(curve.y, -np.log(curve.x))
    assert point.x[0] == 0.25 and point.y[0] == pytest.approx(np.log(4))


def test_network_figure_shows_subset_and_real_counts():
    fig = charts_learn.network_figure((784, 128, 10), "relu", NAMES, max_nodes=11)
    layers = [t for t in fig.data if t.name and t.name.startswith("layer")]
    assert [len(t.y) for t in layers] == [10, 10, 10]  # 11 slots, one is the "⋮" gap
    assert list(layers[0].customdata[-3:]) == [781, 782, 783]
    assert list(layers[2].text) == NAMES
    texts = [a.text for a in fig.layout.annotations]
    assert sum(t == "<b>⋮</b>" for t in texts) == 2
    assert any("784" in t for t in texts) and any("128 relu" in t for t in texts)
    edges = fig.data[0]
    assert edges.x.count(None) == 10 * 10 + 10 * 10


def test_backprop_figure_and_shape_tables_follow_depth():
    fig = charts_learn.backprop_figure(2)
    assert list(fig.data[0].text) == ["X", "Z₁", "A₁", "Z₂", "P", "loss"]
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "dW₁ = Xᵀ·dZ₁" in texts and "dW₂ = A₁ᵀ·dZ₂" in texts
    rows = charts_learn.forward_shapes((784, 256, 64, 10), 32)
    assert [r["W"] for r in rows] == ["(784, 256)", "(256, 64)", "(64, 10)"]
    assert rows[0]["input"] == "X: (32, 784)" and "softmax" in rows[-1]["A = f(Z)"]
    back = charts_learn.backward_shapes((784, 128, 10), 32)
    assert [r["layer"] for r in back] == ["2", "1"]
    assert back[0]["dW = inputᵀ·dZ"] == "A1ᵀ·dZ2: (128, 10)"
    assert back[1]["dA below = dZ·Wᵀ"] == "not needed"


# --- Data explorer -----------------------------------------------------------------


def test_tile_places_images_and_owners():
    images = np.stack([np.full((28, 28), v, np.float32) for v in (0.1, 0.2, 0.3)])
    canvas, owner = charts_data.tile(images, cols=2)
    assert canvas.shape == owner.shape
    assert set(np.unique(owner).tolist()) == {-1, 0, 1, 2}
    for i, v in enumerate((0.1, 0.2, 0.3)):
        assert np.allclose(canvas[owner == i], v) and (owner == i).sum() == 784
    assert np.isnan(canvas[owner == -1]).all()


def test_example_grid_carries_labels_ids_and_colors():
    rng = np.random.default_rng(0)
    images = rng.random((6, 28, 28))
    labels = np.array([3, 1, 4, 1, 5, 9])
    ids = np.array([100, 101, 102, 103, 104, 105])
    fig = charts_data.example_grid_figure(images, labels, ids, NAMES, cols=3)
    heat = fig.data[0]
    assert set(np.unique(heat.customdata).tolist()) == {-1, *ids.tolist()}
    captions = [a.text for a in fig.layout.annotations]
    assert captions == [f"<b>{n}</b>" for n in "314159"]
    assert fig.layout.annotations[0].font.color == CLASS_COLORS[3]


def test_statistics_figures_hold_the_statistics():
    counts = charts_data.class_counts_figure(np.arange(10) + 5, np.arange(10), NAMES)
    assert list(counts.data[0].y) == list(range(5, 15)) and list(counts.data[1].x) == NAMES
    hist_counts, edges = np.array([5, 3, 1, 0]), np.linspace(0, 1, 5)
    hist = charts_data.pixel_histogram_figure(hist_counts, edges)
    assert list(hist.data[0].y) == [5, 3, 1, 0]
    np.testing.assert_allclose(hist.data[0].x, [0.125, 0.375, 0.625, 0.875])
    means = np.random.default_rng(0).random((10, 784))
    fig = charts_data.class_means_figure(means, NAMES)
    z = np.asarray(fig.data[0].z, dtype=float)
    assert np.nansum(z) == pytest.approx(means.sum(), rel=1e-5)
    var = charts_data.class_variance_figure(means * 0.1, NAMES)
    assert _meta(var) == "class_variance" and var.data[0].showscale


def test_pca_figure_one_trace_per_class_with_image_ids():
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(10), 3)
    result = dataview.pca_projection(rng.random((30, 784)), y, n=30)
    fig = charts_data.pca_figure(
        result.coords, result.labels, result.indices, NAMES, result.explained
    )
    assert [t.name for t in fig.data] == NAMES
    assert sorted(np.concatenate([t.customdata for t in fig.data]).tolist()) == list(range(30))
    assert fig.data[7].marker.color == CLASS_COLORS[7]
    assert "of the variance" in fig.layout.xaxis.title.text


def test_preprocessing_figures():
    steps = dataview.preprocessing_steps(np.linspace(0, 1, 784), 2)
    raw = charts_data.pixel_grid_figure(steps.raw, "raw", zmax=255, values=True)
    assert np.array_equal(np.asarray(raw.data[0].z), steps.raw)
    assert raw.data[0].text[27][27] == "255" and raw.data[0].text[0][0] == ""
    strip = charts_data.flat_strip_figure(steps.flat)
    assert np.asarray(strip.data[0].z).shape == (1, 784)
    hot = charts_data.one_hot_figure(steps.one_hot, NAMES)
    assert list(np.asarray(hot.data[0].z)[0]) == [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
