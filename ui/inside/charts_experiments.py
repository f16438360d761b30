"""Figures for the experiments: accuracy per class before and after an edit, and the
probabilities of a drawing before and after one step of teaching.

Pure functions: arrays in, ``go.Figure`` out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ui.figures.theme import base_layout

BEFORE, AFTER = "#9e9e9e", "#d62728"


def _pair(
    names: Sequence[str], before: np.ndarray, after: np.ndarray, labels: tuple[str, str]
) -> go.Figure:
    fig = go.Figure()
    for values, name, color in ((before, labels[0], BEFORE), (after, labels[1], AFTER)):
        fig.add_trace(
            go.Bar(
                x=list(names), y=np.asarray(values, dtype=float), name=name, marker_color=color,
                hovertemplate="%{x}: %{y:.1%}<extra>" + name + "</extra>",
            )
        )  # fmt: skip
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": -0.3})
    fig.update_xaxes(title="class", type="category")
    return fig


def per_class_figure(
    names: Sequence[str], before: np.ndarray, after: np.ndarray, height: int = 380
) -> go.Figure:
    """Accuracy within each class, untouched network against edited network."""
    fig = _pair(names, before, after, ("untouched", "edited"))
    low = float(np.nanmin(np.concatenate([before, after]))) if len(before) else 0.0
    fig.update_yaxes(title="accuracy", tickformat=".0%", range=[min(0.8, max(0.0, low - 0.05)), 1])
    return base_layout(fig, "inside.per_class", "Accuracy per class", height)


def teach_figure(
    names: Sequence[str], before: np.ndarray, after: np.ndarray, label: str, height: int = 360
) -> go.Figure:
    """The drawing's ten probabilities before and after one step towards ``label``."""
    fig = _pair(names, before, after, ("before the step", "after the step"))
    fig.update_yaxes(title="probability", tickformat=".0%", range=[0, 1])
    return base_layout(fig, "inside.teach", f"One step towards '{label}'", height)
