"""Figures of one image's journey through the network, and of thousands at once.

Pure functions: arrays in, ``go.Figure`` out. The activations of a layer are what the
next layer sees; the scores and probabilities are the network's answer; the PCA maps
show the same test images as raw pixels and as the last hidden layer sees them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui.figures.theme import ACCENT, INK_SCALE, NOTE_SPACE, base_layout, class_color, titled

POSITIVE, NEGATIVE = "#b2182b", "#2166ac"


def image_figure(x: np.ndarray, title: str, height: int = 300) -> go.Figure:
    """The image being looked at, 28 x 28, ink black on white paper."""
    fig = go.Figure(
        go.Heatmap(
            z=np.asarray(x, dtype=float).reshape(28, 28),
            colorscale=INK_SCALE,
            zmin=0,
            zmax=1,
            showscale=False,
            hovertemplate="pixel (%{y}, %{x}): %{z:.2f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", scaleanchor="x", title="pixel row")
    fig.update_xaxes(title="pixel column")
    return base_layout(fig, "inside.image", title, height)


def layer_activations_figure(
    hidden: Sequence[np.ndarray], height_per_layer: int = 200
) -> go.Figure:
    """One bar per unit for every hidden layer: how strongly each unit fires for the image."""
    n = len(hidden)
    fig = make_subplots(
        rows=n,
        cols=1,
        subplot_titles=[f"hidden layer {i + 1}: {len(a)} units" for i, a in enumerate(hidden)],
        vertical_spacing=min(0.2, 0.6 / max(n, 1)),
    )
    for i, a in enumerate(hidden):
        fig.add_trace(
            go.Bar(
                x=np.arange(len(a)),
                y=a,
                marker_color=ACCENT,
                showlegend=False,
                hovertemplate="unit %{x}: %{y:.3f}<extra></extra>",
            ),
            row=i + 1,
            col=1,
        )
        fig.update_xaxes(title_text="unit", row=i + 1, col=1)
        fig.update_yaxes(title_text="activation", row=i + 1, col=1)
    return base_layout(
        fig, "inside.activations", "Every hidden unit's activation", 90 + height_per_layer * n, 80
    )


def scores_figure(
    logits: np.ndarray, probs: np.ndarray, class_names: Sequence[str], height: int = 340
) -> go.Figure:
    """The raw class scores (logits) beside the softmax probabilities they become."""
    names = list(class_names)
    colors = [class_color(k) for k in range(len(names))]
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=["scores (logits)", "probabilities (softmax)"],
        horizontal_spacing=0.2,  # room for the right chart's axis title at 1280 px
    )
    fig.add_trace(
        go.Bar(x=names, y=logits, marker_color=colors, showlegend=False,
               hovertemplate="%{x}: %{y:.3f}<extra></extra>"),
        row=1, col=1,
    )  # fmt: skip
    fig.add_trace(
        go.Bar(x=names, y=probs, marker_color=colors, showlegend=False,
               hovertemplate="%{x}: %{y:.1%}<extra></extra>"),
        row=1, col=2,
    )  # fmt: skip
    fig.update_xaxes(title_text="class", type="category")
    fig.update_yaxes(title_text="score", row=1, col=1)
    fig.update_yaxes(title_text="probability", range=[0, 1], tickformat=".0%", row=1, col=2)
    return base_layout(fig, "inside.scores", "The network's answer", height, 80)


def contributions_figure(
    units: Sequence[int], contributions: np.ndarray, class_name: str, height: int = 320
) -> go.Figure:
    """Activation x outgoing weight of the chosen units: their share of the class score."""
    values = np.asarray(contributions, dtype=float)
    fig = go.Figure(
        go.Bar(
            x=[f"unit {u}" for u in units],
            y=values,
            marker_color=[POSITIVE if v >= 0 else NEGATIVE for v in values],
            hovertemplate="%{x}: %{y:+.3f}<extra></extra>",
        )
    )
    fig.update_xaxes(title="most active first-layer units", type="category")
    fig.update_yaxes(title=f"adds to the score of {class_name}")
    title = titled(f"Their votes for {class_name}", "activation × outgoing weight")
    return base_layout(fig, "inside.contributions", title, height, title_space=NOTE_SPACE)


def projection_figure(
    coords: np.ndarray,
    labels: np.ndarray,
    indices: np.ndarray,
    class_names: Sequence[str],
    explained: np.ndarray,
    chart: str,
    title: str,
    height: int = 460,
) -> go.Figure:
    """A PCA map, one colour per class; hovering a dot names the test image."""
    fig = go.Figure()
    for k, name in enumerate(class_names):
        mine = labels == k
        fig.add_trace(
            go.Scatter(
                x=coords[mine, 0],
                y=coords[mine, 1],
                mode="markers",
                name=str(name),
                marker={"size": 5, "color": class_color(k), "opacity": 0.75},
                customdata=indices[mine],
                hovertemplate=f"test image #%{{customdata}}<br>label {name}<extra></extra>",
            )
        )
    fig.update_xaxes(title=f"first direction ({explained[0]:.0%} of the spread)")
    fig.update_yaxes(title=f"second direction ({explained[1]:.0%})")
    return base_layout(fig, chart, title, height, legend={"itemsizing": "constant"})
