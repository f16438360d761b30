"""Figures of a run's health over time: gradient norms, update ratios, dead units.

Pure functions: the recorder's dict (``nn_core.health.HealthRecorder.as_dict``) in,
``go.Figure`` out. Two runs are compared on the *same* axes (``health_ranges``), so
a gradient a thousand times larger really looks a thousand times larger, and labelled
alike: at most eight labels per log axis, chosen for the values on it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui.figures.theme import CLASS_COLORS, NOTE_SPACE, base_layout, log_axis, positive_range, titled

LAYER_COLORS = CLASS_COLORS[:6]  # blue, orange, green, red...: dark enough to project
HEALTHY_RATIO = 1e-3  # the classic rule of thumb for the size of one update
PANEL_TICKS = 5  # labels on a log panel a third of the figure high: more would touch
PANELS = (
    ("grad_norm", "gradient norm ||dW||"),
    ("update_ratio", "update / weight"),
    ("dead_share", "dead ReLU units"),
)


def health_ranges(histories: Sequence[dict]) -> dict[str, tuple[float, float] | None]:
    """Common (low, high) values for gradient norms and update ratios of several runs."""
    return {
        name: _span(name, [np.asarray(h[name], dtype=float) for h in histories if h[name]])
        for name in ("grad_norm", "update_ratio")
    }


def _span(name: str, series: Sequence[np.ndarray]) -> tuple[float, float] | None:
    """What a log panel must show: every positive value, and for update ratios the
    healthy pace too, so its dotted line is always there to compare with."""
    if name == "update_ratio" and series:
        series = [*series, np.array([HEALTHY_RATIO])]
    return positive_range(*series)


def health_figure(
    health: dict, title: str, ranges: dict | None = None, height: int = 720
) -> go.Figure:
    """Three panels over the training steps, one line per layer. A title with details in
    brackets shows them on a second line: two runs side by side have half a page each."""
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
            span = (ranges or {}).get(name) or _span(name, [values])
            labels = log_axis(*(span or (None, None)), most=PANEL_TICKS)
            fig.update_yaxes(title_text=label.split(" ")[0], **labels, row=row, col=1)
    if health["step"]:
        fig.add_hline(y=HEALTHY_RATIO, line_dash="dot", line_color="#555", row=2, col=1)
        fig.add_annotation(  # placed by hand: on a log axis its y is a power of ten
            text="1e-3: a healthy pace", x=0, xref="x domain", xanchor="left",
            y=float(np.log10(HEALTHY_RATIO)), yanchor="bottom", showarrow=False, row=2, col=1,
        )  # fmt: skip
    fig.update_xaxes(title_text="training step", row=3, col=1)
    name, _, details = title.partition(" (")
    if details:  # "Run #2 ... (256, he init, done)": two lines, to fit half a page
        title = titled(name, details.removesuffix(")"))
    return base_layout(fig, "inside.health", title, height, title_space=NOTE_SPACE + 30)
