"""One colour per class, shared by every chart, so a "7" is the same colour everywhere.

The ten colours are the classic D3 "category10" set: saturated enough to tell apart on a
washed-out classroom projector, and familiar from many textbooks' scatter plots.
"""

from __future__ import annotations

import plotly.graph_objects as go

CLASS_COLORS: tuple[str, ...] = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)  # fmt: skip

INK_SCALE = [[0.0, "#ffffff"], [1.0, "#000000"]]
"""Pixel colour scale: 0 is white paper, 1 is black ink (reads well when projected)."""

DIVERGING_SCALE = "RdBu_r"
"""For signed values (weights, gradients): blue below zero, white at zero, red above."""

HEAT_SCALE = "Viridis"
"""For non-negative statistics such as variances, where brighter means more."""


def class_color(k: int) -> str:
    """The colour of class ``k`` (0..9)."""
    return CLASS_COLORS[int(k) % len(CLASS_COLORS)]


FONT = {"size": 15}  # readable from the back of a classroom


def base_layout(
    fig: go.Figure, chart: str, title: str | None, height: int, title_space: int = 50, **extra
) -> go.Figure:
    """The layout every figure shares: its name for tests (``layout.meta.chart``), an
    optional title, a fixed height, thin margins and the classroom font size."""
    fig.update_layout(
        meta={"chart": chart},
        title={"text": title} if title else None,
        height=height,
        margin={"l": 10, "r": 10, "t": title_space if title else 10, "b": 10},
        font=FONT,
        **extra,
    )
    return fig
