"""Figures of test images: a confusion cell's images, the mistakes with their ten
probabilities, perturbed examples, and the images two models disagree on.

Pure functions: arrays in, ``go.Figure`` out, no Streamlit. Grids of small images reuse
the Data page's tiling (one heatmap trace for the whole grid: quick to draw). Every
figure lists the test-image numbers it shows in ``layout.meta.ids``, so a test can check
exactly which images are on screen.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui.figures.theme import INK_SCALE, base_layout
from ui.figures.tiles import tiled_figure

RIGHT, WRONG, OTHER = "#2ca02c", "#d62728", "#b8b8b8"
ROW_HEIGHT = 125  # pixels per row of a tiled grid


def _with_ids(fig: go.Figure, ids: Sequence[int]) -> go.Figure:
    fig.layout.meta = {**fig.layout.meta, "ids": [int(i) for i in ids]}
    return fig


def image_grid_figure(
    images: np.ndarray,
    ids: np.ndarray,
    captions: Sequence[str],
    colors: Sequence[str],
    *,
    chart: str,
    title: str,
    cols: int = 8,
) -> go.Figure:
    """Test images (m, 784) in a grid, each with a short coloured caption above it."""
    ids = np.asarray(ids)
    rows = max(1, -(-len(ids) // cols))
    fig = tiled_figure(
        np.asarray(images).reshape(-1, 28, 28),
        list(captions),
        cols=cols,
        chart=chart,
        title=title,
        colors=list(colors),
        ids=ids,
        height=ROW_HEIGHT * rows + 50,
    )
    return _with_ids(fig, ids)


def mistakes_figure(
    images: np.ndarray,
    proba: np.ndarray,
    y_true: np.ndarray,
    ids: np.ndarray,
    class_names: Sequence[str],
    cols: int = 3,
    title: str = "The most confident mistakes",
) -> go.Figure:
    """Each mistake as its image beside its ten probability bars.

    images (m, 784), proba (m, k), y_true (m,), ids (m,). The network's answer is red,
    the true class green, the rest grey: a tall red bar beside a short green one is a
    network that was sure, and wrong.
    """
    m = len(ids)
    rows = max(1, -(-m // cols))
    names = list(class_names)
    titles = []
    for i in range(rows * cols):
        if i < m:
            guess = int(np.argmax(proba[i]))
            titles += [f"#{int(ids[i])}: a {names[int(y_true[i])]}", f"read as {names[guess]}"]
        else:
            titles += ["", ""]
    fig = make_subplots(
        rows=rows,
        cols=2 * cols,
        column_widths=[0.28, 0.72] * cols,
        subplot_titles=titles,
        horizontal_spacing=0.025,
        vertical_spacing=0.3 / rows,
    )
    for i in range(m):
        r, c = i // cols + 1, 2 * (i % cols) + 1
        fig.add_trace(
            go.Heatmap(
                z=np.asarray(images[i]).reshape(28, 28),
                colorscale=INK_SCALE,
                zmin=0,
                zmax=1,
                showscale=False,
                hoverinfo="skip",
            ),
            row=r,
            col=c,
        )
        guess, true = int(np.argmax(proba[i])), int(y_true[i])
        colors = [WRONG if k == guess else RIGHT if k == true else OTHER for k in range(len(names))]
        fig.add_trace(
            go.Bar(
                x=np.asarray(proba[i], dtype=float),
                y=names,
                orientation="h",
                marker_color=colors,
                hovertemplate="%{y}: %{x:.1%}<extra></extra>",
            ),
            row=r,
            col=c + 1,
        )
        fig.update_xaxes(visible=False, row=r, col=c)
        axis = (r - 1) * 2 * cols + c  # plotly numbers subplot axes row by row: x, x2, x3, ...
        anchor = "x" if axis == 1 else f"x{axis}"
        fig.update_yaxes(visible=False, autorange="reversed", scaleanchor=anchor, row=r, col=c)
        fig.update_xaxes(range=[0, 1], tickvals=[0, 0.5, 1], tickformat=".0%", row=r, col=c + 1)
        fig.update_yaxes(autorange="reversed", dtick=1, tickfont={"size": 14}, row=r, col=c + 1)
    fig.update_annotations(font_size=15)
    fig = base_layout(fig, "eval_mistakes", title, 300 * rows + 60, showlegend=False)
    fig.update_layout(bargap=0.15)
    return _with_ids(fig, ids)
