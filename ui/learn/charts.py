"""The interactive figures of the Learn page's later sections: one per concept.

Pure functions: numbers in, ``plotly.graph_objects.Figure`` out, no Streamlit. The
curves are computed with the engine's own code (``nn_core``), so what the page shows is
exactly what the network does. Each figure carries ``layout.meta = {"chart": <name>}``
so tests can find it among a page's charts. The first screen's figures are SVG
(:mod:`ui.learn.pictures`); the shape tables are Markdown (:mod:`ui.learn.shapes`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from nn_core.activations import ACTIVATIONS
from nn_core.losses import softmax
from ui.figures.theme import base_layout as _layout
from ui.figures.theme import class_color

SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")

ACTIVATION_TITLES = {
    "relu": "ReLU",
    "leaky_relu": "Leaky ReLU",
    "sigmoid": "Sigmoid",
    "tanh": "Tanh",
}
ACTIVATION_FORMULAS = {  # (f(z), f'(z)) in LaTeX
    "relu": (r"f(z) = \max(0, z)", r"f'(z) = \begin{cases}1 & z > 0\\ 0 & z \le 0\end{cases}"),
    "leaky_relu": (
        r"f(z) = \max(0.01\,z,\ z)",
        r"f'(z) = \begin{cases}1 & z > 0\\ 0.01 & z \le 0\end{cases}",
    ),
    "sigmoid": (r"f(z) = \frac{1}{1 + e^{-z}}", r"f'(z) = f(z)\,\bigl(1 - f(z)\bigr)"),
    "tanh": (r"f(z) = \tanh z", r"f'(z) = 1 - \tanh^2 z"),
}
EXAMPLE_SCORES = (0.8, -0.4, 1.9, 0.3, -1.2, 0.1, -0.6, 3.2, 0.5, 1.1)
"""Scores (logits) a network might give one image of a 7: the softmax example."""


def activation_figure(name: str, z_max: float = 5.0) -> go.Figure:
    """The activation ``name`` and its slope over ``z`` in [-z_max, z_max]."""
    act = ACTIVATIONS[name]()
    z = np.linspace(-z_max, z_max, 401)
    fig = go.Figure(
        [
            go.Scatter(x=z, y=act.f(z.copy()), name="f(z)", line={"width": 4, "color": "#1f5fbf"}),
            go.Scatter(
                x=z,
                y=act.derivative(z),
                name="slope f′(z)",
                line={"width": 3, "color": "#d62728", "dash": "dash"},
            ),
        ]
    )
    fig.update_xaxes(title="z (the unit's input)", zeroline=True, zerolinecolor="#999")
    fig.update_yaxes(zeroline=True, zerolinecolor="#999")
    fig.update_layout(legend={"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom"})
    return _layout(fig, "activation", None, 340)


def softmax_figure(
    scores: Sequence[float], temperature: float, class_names: Sequence[str]
) -> go.Figure:
    """Scores on the left, the probabilities softmax makes of them on the right."""
    scores = np.asarray(scores, dtype=float)
    probs = softmax(scores[None, :], temperature)[0]
    names = list(class_names)
    colors = [class_color(k) for k in range(len(names))]
    fig = go.Figure(
        [
            go.Bar(x=names, y=scores, marker_color=colors, name="score", xaxis="x", yaxis="y"),
            go.Bar(
                x=names,
                y=probs,
                marker_color=colors,
                name="probability",
                text=[f"{p:.0%}" for p in probs],
                textposition="outside",
                textfont={"size": 14},
                constraintext="none",
                cliponaxis=False,
                xaxis="x2",
                yaxis="y2",
            ),
        ]
    )
    fig.update_layout(
        showlegend=False,
        xaxis={"domain": [0, 0.45], "type": "category", "title": "scores z (any number)"},
        xaxis2={"domain": [0.55, 1], "type": "category", "title": "probabilities (sum to 1)"},
        yaxis={"anchor": "x"},
        yaxis2={"anchor": "x2", "range": [0, 1.15], "tickformat": ".0%"},
    )
    return _layout(fig, "softmax", None, 340)


def cross_entropy_figure(p_true: float) -> go.Figure:
    """The loss -log p as the probability p of the true class goes from 0 to 1."""
    p = np.linspace(0.005, 1.0, 400)
    loss = float(-np.log(p_true))
    fig = go.Figure(
        [
            go.Scatter(x=p, y=-np.log(p), name="−log p", line={"width": 4, "color": "#1f5fbf"}),
            go.Scatter(
                x=[p_true],
                y=[loss],
                name="you are here",
                mode="markers+text",
                marker={"size": 16, "color": "#d62728"},
                text=[f"  p = {p_true:.2f} → loss {loss:.2f}  "],
                textposition="middle right" if p_true < 0.6 else "middle left",
                textfont={"size": 17, "color": "#d62728"},
            ),
        ]
    )
    fig.update_xaxes(title="probability the network gives the true class", range=[0, 1.02])
    fig.update_yaxes(title="loss", range=[0, 5.5])
    fig.update_layout(showlegend=False)
    return _layout(fig, "cross_entropy", None, 340)


def _sub(text: str, i: int) -> str:
    return f"{text}{str(i).translate(SUB)}"


def backprop_figure(n_layers: int) -> go.Figure:
    """The chain of computations, forward on top (black) and the gradients back below (red)."""
    nodes = ["X"]
    for i in range(1, n_layers + 1):
        nodes += [_sub("Z", i), _sub("A", i) if i < n_layers else "P"]
    nodes.append("loss")
    fig = go.Figure(
        go.Scatter(
            x=list(range(len(nodes))),
            y=[0] * len(nodes),
            mode="markers+text",
            text=nodes,
            marker={"size": 46, "color": "#eef3fb", "line": {"width": 2, "color": "#1f5fbf"}},
            textfont={"size": 17, "color": "#111"},
            hoverinfo="skip",
        )
    )
    for x in range(len(nodes) - 1):
        forward, backward = _edge_labels(x, n_layers)
        _arrow(fig, x, x + 1, 0.28, forward, "#222")
        _arrow(fig, x + 1, x, -0.28, backward, "#d62728")
    fig.update_xaxes(visible=False, range=[-0.5, len(nodes) - 0.5])
    fig.update_yaxes(visible=False, range=[-1.0, 0.7])
    fig.update_layout(showlegend=False, plot_bgcolor="rgba(0,0,0,0)")
    return _layout(fig, "backprop", None, 300)


def _edge_labels(x: int, n_layers: int) -> tuple[str, str]:
    """Forward operation and backward gradient for the edge leaving node ``x``.

    Softmax and the loss are differentiated together (their combined gradient is the
    famously simple P − Y), so the loss edge carries no gradient label of its own.
    """
    if x == 2 * n_layers:
        return "−log p", ""
    i = x // 2 + 1  # the layer this edge belongs to
    if x % 2 == 1:
        if i == n_layers:
            return "softmax", f"{_sub('dZ', i)} = (P − Y) / n"
        return "f", f"{_sub('dZ', i)} = {_sub('dA', i)} ⊙ f′({_sub('Z', i)})"
    prev = "X" if i == 1 else _sub("A", i - 1)
    grad = f"{_sub('dW', i)} = {prev}ᵀ·{_sub('dZ', i)}"
    if i > 1:
        grad = f"{_sub('dA', i - 1)} = {_sub('dZ', i)}·{_sub('W', i)}ᵀ<br>{grad}"
    return f"·{_sub('W', i)} + {_sub('b', i)}", grad


def _arrow(fig: go.Figure, x0: float, x1: float, y: float, label: str, color: str) -> None:
    fig.add_annotation(
        x=x1 - 0.3 * np.sign(x1 - x0),
        y=y,
        ax=x0 + 0.3 * np.sign(x1 - x0),
        ay=y,
        xref="x",
        yref="y",
        axref="x",
        ayref="y",
        showarrow=True,
        arrowhead=2,
        arrowwidth=2,
        arrowcolor=color,
        text="",
    )
    fig.add_annotation(
        x=(x0 + x1) / 2,
        y=y + (0.12 if y > 0 else -0.12),
        yanchor="bottom" if y > 0 else "top",
        text=label,
        showarrow=False,
        font={"size": 15, "color": color},
    )
