"""Figures of a run's health over time: gradient norms, update ratios, dead units.

Pure functions: the recorder's dict (``nn_core.health.HealthRecorder.as_dict``) in,
``go.Figure`` out. Two runs are compared on the *same* axes (``health_ranges``), so
a gradient a thousand times larger really looks a thousand times larger.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui.palette import base_layout

LAYER_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")
HEALTHY_RATIO = 1e-3  # the classic rule of thumb for the size of one update
PANELS = (
    ("grad_norm", "gradient norm ||dW||"),
    ("update_ratio", "update / weight"),
    ("dead_share", "dead ReLU units"),
)


def _positive_range(series: Sequence[np.ndarray]) -> list[float] | None:
    """A shared log10 range covering every positive value of the given series."""
    values = np.concatenate([np.ravel(s) for s in series if np.size(s)]) if series else []
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values) & (values > 0)]
    if not values.size:
        return None
    return [float(np.log10(values.min())) - 0.2, float(np.log10(values.max())) + 0.2]


def health_ranges(histories: Sequence[dict]) -> dict[str, list[float] | None]:
    """Common y ranges (log10) for gradient norms and update ratios of several runs."""
    return {
        name: _positive_range([np.asarray(h[name], dtype=float) for h in histories if h[name]])
        for name in ("grad_norm", "update_ratio")
    }


def health_figure(
    health: dict, title: str, ranges: dict | None = None, height: int = 720
) -> go.Figure:
    """Three panels over the training steps, one line per layer."""
    fig = make_subplots(
        rows=3,
        cols=1,
        shared_xaxes=True,
        subplot_titles=[label for _, label in PANELS],
        vertical_spacing=0.09,
    )
    steps = np.asarray(health["step"])
    for row, (name, label) in enumerate(PANELS, start=1):
        values = np.asarray(health[name], dtype=float)  # (records, layers)
        if values.ndim != 2 or not values.size:
            continue
        for layer in range(values.shape[1]):
            fig.add_trace(
                go.Scatter(
                    x=steps,
                    y=values[:, layer],
                    mode="lines+markers",
                    name=f"layer {layer + 1}",
                    legendgroup=f"layer {layer + 1}",
                    showlegend=row == 1,
                    line={"color": LAYER_COLORS[layer % len(LAYER_COLORS)], "width": 3},
                    hovertemplate=f"layer {layer + 1}, step %{{x}}: %{{y:.3g}}<extra></extra>",
                ),
                row=row,
                col=1,
            )
        if name == "dead_share":
            fig.update_yaxes(title_text="share", range=[0, 1], tickformat=".0%", row=row, col=1)
        else:
            span = (ranges or {}).get(name)
            fig.update_yaxes(title_text=label.split(" ")[0], type="log", row=row, col=1)
            if span:
                fig.update_yaxes(range=span, row=row, col=1)
    if health["step"]:
        fig.add_hline(
            y=HEALTHY_RATIO, line_dash="dot", line_color="#555", row=2, col=1,
            annotation_text="1e-3: a healthy pace", annotation_position="top left",
        )  # fmt: skip
    fig.update_xaxes(title_text="training step", row=3, col=1)
    return base_layout(fig, "inside.health", title, height, title_space=90)
