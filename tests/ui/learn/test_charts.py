"""The Learn page's Plotly figures and shape tables: each holds the numbers the engine
computes for it."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from nn_core.activations import ACTIVATIONS
from ui.learn import charts, shapes

NAMES = [str(d) for d in range(10)]


def _meta(fig: go.Figure) -> str:
    return fig.layout.meta["chart"]


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_figure_plots_function_and_slope(name):
    fig = charts.activation_figure(name)
    f, df = fig.data
    z = np.asarray(f.x)
    act = ACTIVATIONS[name]()
    np.testing.assert_allclose(f.y, act.f(z.copy()), rtol=1e-6)
    np.testing.assert_allclose(df.y, act.derivative(z), rtol=1e-6)
    assert _meta(fig) == "activation"


def test_activation_figures_differ():
    relu = charts.activation_figure("relu").data[0].y
    tanh = charts.activation_figure("tanh").data[0].y
    assert not np.allclose(relu, tanh)
    assert set(charts.ACTIVATION_FORMULAS) == set(ACTIVATIONS)


def test_softmax_figure_probabilities_follow_temperature():
    scores = charts.EXAMPLE_SCORES
    cold = np.asarray(charts.softmax_figure(scores, 0.2, NAMES).data[1].y)
    warm = np.asarray(charts.softmax_figure(scores, 1.0, NAMES).data[1].y)
    hot = np.asarray(charts.softmax_figure(scores, 5.0, NAMES).data[1].y)
    for p in (cold, warm, hot):
        assert p.sum() == pytest.approx(1) and p.argmax() == int(np.argmax(scores))
    assert cold.max() > warm.max() > hot.max()
    e = np.exp(np.asarray(scores))
    np.testing.assert_allclose(warm, e / e.sum(), rtol=1e-9)


def test_cross_entropy_figure_marks_the_point():
    fig = charts.cross_entropy_figure(0.25)
    curve, point = fig.data
    np.testing.assert_allclose(curve.y, -np.log(curve.x))
    assert point.x[0] == 0.25 and point.y[0] == pytest.approx(np.log(4))


def test_backprop_figure_and_shape_tables_follow_depth():
    fig = charts.backprop_figure(2)
    assert list(fig.data[0].text) == ["X", "Z₁", "A₁", "Z₂", "P", "loss"]
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "dW₁ = Xᵀ·dZ₁" in texts and "dW₂ = A₁ᵀ·dZ₂" in texts
    rows = shapes.forward_shapes((784, 256, 64, 10), 32)
    assert [r["W"] for r in rows] == ["(784, 256)", "(256, 64)", "(64, 10)"]
    assert rows[0]["input"] == "X: (32, 784)" and "softmax" in rows[-1]["A = f(Z)"]
    back = shapes.backward_shapes((784, 128, 10), 32)
    assert [r["layer"] for r in back] == ["2", "1"]
    assert back[0]["dW = inputᵀ·dZ"] == "A1ᵀ·dZ2: (128, 10)"
    assert back[1]["dA below = dZ·Wᵀ"] == "not needed"
