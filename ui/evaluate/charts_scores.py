"""Figures of the scores: accuracy per class, the confusion matrix and its difference.

Pure functions: arrays in, ``go.Figure`` out, no Streamlit. Each figure is named in
``layout.meta.chart`` (through ``ui.figures.theme.base_layout``) so the page tests find it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ui.figures.theme import DIVERGING_SCALE, base_layout, class_color

MATRIX_SCALE = [[0.0, "#ffffff"], [0.15, "#fde0c5"], [0.5, "#f59e72"], [1.0, "#9e1b0f"]]
"""White for nothing, deep red for many: mistakes read as heat."""


def per_class_figure(
    per_class: np.ndarray, class_names: Sequence[str], overall: float, height: int = 380
) -> go.Figure:
    """Accuracy of each true class (bars in the class colours), the overall one dashed."""
    acc = np.nan_to_num(np.asarray(per_class, dtype=float))  # (k,)
    fig = go.Figure(
        go.Bar(
            x=list(class_names),
            y=acc,
            marker_color=[class_color(k) for k in range(len(acc))],
            text=[f"{a:.1%}" for a in acc],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y:.2%}<extra></extra>",
        )
    )
    fig.add_hline(
        y=overall,
        line={"dash": "dash", "color": "#333", "width": 2},
        annotation={"text": f"all<br>{overall:.1%}", "font": {"size": 14}},
        annotation_position="right",  # outside the bars, whose own labels sit on top
    )
    low = max(0.0, min(float(acc.min()), overall) - 0.05)
    fig.update_yaxes(title="accuracy", range=[low, 1.0], tickformat=".0%")
    fig.update_xaxes(title="true class", type="category")
    return base_layout(fig, "eval_per_class", "Accuracy per class", height, margin={"r": 60})


def confusion_figure(
    cm: np.ndarray,
    class_names: Sequence[str],
    normalise: bool = False,
    height: int = 600,
    chosen: tuple[int, int] | None = None,
) -> go.Figure:
    """The confusion matrix: rows are true classes, columns the network's answers.

    ``z`` holds the counts (or, normalised, each row's rates). The colour scale tops out
    at the largest *mistake*, so the diagonal saturates and the mistakes stay visible;
    without that, ninety-eight percent on the diagonal would wash every mistake to white.
    Each cell's ``customdata`` is ``[true, predicted]``, on the heatmap and on the
    invisible markers that make the cells clickable. The ``chosen`` cell (true,
    predicted), whose images are shown below the matrix, is framed.
    """
    cm = np.asarray(cm)
    k = len(cm)
    names = list(class_names)
    if normalise:
        with np.errstate(invalid="ignore", divide="ignore"):
            z = np.nan_to_num(cm / cm.sum(axis=1, keepdims=True))  # (k, k) row rates
        text = [[f"{v:.1%}" if v else "" for v in row] for row in z]
    else:
        z = cm
        text = [[str(int(v)) if v else "" for v in row] for row in z]
    off = np.where(np.eye(k, dtype=bool), 0, z)
    top = float(off.max()) or float(np.max(z)) or 1.0
    cells = np.stack(np.meshgrid(np.arange(k), np.arange(k), indexing="ij"), axis=-1)  # (k, k, 2)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=names,
            y=names,
            text=text,
            texttemplate="%{text}",
            textfont={"size": 14},
            customdata=cells,
            colorscale=MATRIX_SCALE,
            zmin=0,
            zmax=top,
            xgap=1,
            ygap=1,
            colorbar={"title": {"text": "rate" if normalise else "images"}},
            hoverinfo="skip",
        )
    )
    # Plotly heatmaps cannot be selected; an invisible marker on every cell can. Clicking
    # a cell selects its marker, whose customdata says which cell it is.
    flat = cells.reshape(-1, 2)  # (k * k, 2) rows of [true, predicted]
    fig.add_trace(
        go.Scatter(
            x=[names[p] for p in flat[:, 1]],
            y=[names[t] for t in flat[:, 0]],
            customdata=flat,
            text=[f"{int(cm[t, a]):,} images" for t, a in flat],
            mode="markers",
            marker={"symbol": "square", "size": 36, "color": "rgba(0,0,0,0)"},
            selected={"marker": {"opacity": 1}},
            unselected={"marker": {"opacity": 1}},
            hovertemplate="true %{y}, answered %{x}<br>%{text}<extra></extra>",
            showlegend=False,
        )
    )
    fig.update_layout(clickmode="event+select", dragmode=False)
    if chosen is not None:
        t, a = chosen  # category axes: cell i spans i - 0.5 .. i + 0.5
        fig.add_shape(
            type="rect", x0=a - 0.5, x1=a + 0.5, y0=t - 0.5, y1=t + 0.5,
            line={"color": "#111111", "width": 3}, name="chosen",
        )  # fmt: skip
    fig.update_xaxes(title="predicted class", type="category", side="bottom")
    fig.update_yaxes(title="true class", type="category", autorange="reversed")
    title = "Confusion matrix (share of each true class)" if normalise else "Confusion matrix"
    return base_layout(fig, "eval_confusion", title, height)


def confusion_diff_figure(
    diff: np.ndarray, class_names: Sequence[str], name_a: str, name_b: str, height: int = 560
) -> go.Figure:
    """B's confusion counts minus A's. Off the diagonal, red means B makes more of that
    mistake, blue fewer; on the diagonal, red means B gets more of that class right."""
    diff = np.asarray(diff)
    names = list(class_names)
    top = float(np.abs(diff).max()) or 1.0
    fig = go.Figure(
        go.Heatmap(
            z=diff,
            x=names,
            y=names,
            text=[[f"{int(v):+d}" if v else "" for v in row] for row in diff],
            texttemplate="%{text}",
            textfont={"size": 14},
            colorscale=DIVERGING_SCALE,
            zmin=-top,
            zmax=top,
            xgap=1,
            ygap=1,
            colorbar={"title": {"text": "B − A"}},
            hovertemplate="true %{y}, answered %{x}<br>B − A: %{z}<extra></extra>",
        )
    )
    fig.update_xaxes(title="predicted class", type="category")
    fig.update_yaxes(title="true class", type="category", autorange="reversed")
    title = f"Confusion matrix of {name_b} minus {name_a}"
    return base_layout(fig, "eval_confusion_diff", title, height)
