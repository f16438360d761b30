"""The figure of fine-tuning: accuracy before and after, on the drawings and on MNIST.

Pure function: a comparison in, ``go.Figure`` out, no Streamlit. Grey bars are the
network before, blue bars after, one pair per set, so "it learned your handwriting" and
"it forgot some MNIST" are read off the same picture.
"""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go

from nn_core.finetune import BeforeAfter
from ui.figures.theme import ACCENT, base_layout

BEFORE_COLOR = "#9a9a9a"


def before_after_figure(result: Mapping[str, BeforeAfter], height: int = 380) -> go.Figure:
    """Grouped bars: each set's accuracy before (grey) and after (blue) fine-tuning."""
    sets = list(result.values())
    labels = [f"{r.name}<br>({r.n:,})" for r in sets]
    fig = go.Figure()
    for when, colour in (("before", BEFORE_COLOR), ("after", ACCENT)):
        values = [getattr(r, when) for r in sets]
        fig.add_trace(
            go.Bar(
                name=f"{when} fine-tuning",
                x=labels,
                y=values,
                marker_color=colour,
                text=[f"{v:.1%}" for v in values],
                textposition="outside",
                cliponaxis=False,
                hovertemplate=f"%{{x}}, {when}: %{{y:.2%}}<extra></extra>",
            )
        )
    fig.update_yaxes(title="accuracy", range=[0, 1.08], tickformat=".0%")
    fig.update_xaxes(type="category")
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": -0.2})
    return base_layout(fig, "eval_teach", "Accuracy before and after", height)
