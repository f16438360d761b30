"""The board's figures: pure Plotly builders, readable from the back of a classroom.

Sixty runs on one chart is a wall of spaghetti unless the eye can group them, so each
figure draws one trace per *group* (all runs with the same learning rate, say), not one
per run: the legend stays a handful of entries, a group has one colour, and the runs
inside it are separated by gaps in the line. Numeric settings get an ordered colour
scale, so "the rate went up" reads as "the colour got warmer", stopped before its pale
end so every line still reads on a projected white board.

Every figure carries a ``uirevision``: when the board refreshes, a zoom or a hidden
legend entry stays as the teacher left it instead of snapping back.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from ui import text
from ui.classroom.records import SharedRun
from ui.classroom.tables import final_loss, setting_value, show_value, sort_key
from ui.figures.theme import CLASS_COLORS, INK_SCALE, LEGEND_BELOW, base_layout, log_axis_over

TITLE_FONT = {"size": 18}
AXIS_TITLE_FONT = {"size": 16}
METRICS = {"loss": "training loss", "accuracy": "training accuracy"}
WARMEST = 0.6  # Plasma beyond this is orange to yellow: under 3:1 contrast on white


def groups(runs: Sequence[SharedRun], key: str) -> list[tuple[str, list[SharedRun]]]:
    """Runs grouped by one setting, in the setting's natural order."""
    by_value: dict = {}
    for run in runs:
        by_value.setdefault(setting_value(run, key), []).append(run)
    ordered = sorted(by_value, key=sort_key)
    return [(text.label(show_value(v)), by_value[v]) for v in ordered]  # may be a nickname


def group_colors(n: int, numeric: bool) -> list[str]:
    """``n`` colours: an ordered scale for numbers, the class palette for names."""
    if not numeric and n <= len(CLASS_COLORS):
        return list(CLASS_COLORS[:n])
    if n == 1:
        return [CLASS_COLORS[0]]
    return sample_colorscale("Plasma", [WARMEST * i / (n - 1) for i in range(n)])


def _is_numeric(runs: Sequence[SharedRun], key: str) -> bool:
    values = [setting_value(r, key) for r in runs]
    return any(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def _style(fig: go.Figure, chart: str, title: str, height: int, uirevision: str, legend: str):
    base_layout(
        fig,
        chart=chart,
        title=title,
        height=height,
        title_font=TITLE_FONT,
        uirevision=uirevision,
        legend={**LEGEND_BELOW, "title": {"text": legend}},
        plot_bgcolor="white",
    )
    fig.update_xaxes(title_font=AXIS_TITLE_FONT, showgrid=True, gridcolor="#e6e6e6")
    fig.update_yaxes(title_font=AXIS_TITLE_FONT, showgrid=True, gridcolor="#e6e6e6")
    return fig


def curves_figure(
    runs: Sequence[SharedRun],
    key: str,
    label: str,
    metric: str = "loss",
    uirevision: str = "board",
    height: int = 480,
) -> go.Figure:
    """Every run's training curve against epochs, one legend entry per value of ``key``."""
    fig = go.Figure()
    grouped = groups(runs, key)
    colors = group_colors(len(grouped), _is_numeric(runs, key))
    for (value, members), color in zip(grouped, colors, strict=True):
        xs, ys, who = [], [], []
        for run in members:
            epochs = run.curves.get("epoch", [])
            values = run.curves.get(metric, [])
            scale = 100.0 if metric == "accuracy" else 1.0
            xs += [*epochs, None]
            ys += [None if v is None else v * scale for v in values] + [None]
            who += [text.label(run.nickname)] * len(epochs) + [None]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                name=f"{value} ({len(members)})",
                line={"color": color, "width": 2.5},
                opacity=0.85,
                customdata=who,
                connectgaps=False,
                hovertemplate=f"%{{customdata}}<br>{label} {value}<br>epoch %{{x:.2f}}"
                f"<br>{METRICS.get(metric, metric)} %{{y:.3f}}<extra></extra>",
            )
        )
    fig.update_xaxes(title_text="epoch")
    if metric == "loss":
        losses = log_axis_over(*(t.y for t in fig.data))  # labels for the class's range
        fig.update_yaxes(title_text="loss (log scale)", **losses)
    else:
        fig.update_yaxes(title_text="accuracy %")
    title = f"{METRICS.get(metric, metric).capitalize()} by {label}"
    return _style(fig, f"class_{metric}", title, height, uirevision, label)


def results_figure(
    runs: Sequence[SharedRun],
    key: str,
    label: str,
    metric: str = "final loss",
    uirevision: str = "board",
    height: int = 380,
) -> go.Figure:
    """One dot per run at its setting: the runs that settle the class's question."""
    fig = go.Figure()
    grouped = groups(runs, key)
    colors = group_colors(len(grouped), _is_numeric(runs, key))
    for (value, members), color in zip(grouped, colors, strict=True):
        if metric == "final loss":
            ys = [final_loss(r) for r in members]
        else:
            ys = [None if r.test_accuracy is None else 100 * r.test_accuracy for r in members]
        fig.add_trace(
            go.Box(
                x=[value] * len(members),
                y=ys,
                name=value,
                boxpoints="all",
                jitter=0.3,
                pointpos=0,
                marker={"color": color, "size": 11},
                line={"color": color},
                fillcolor="rgba(0,0,0,0)",
                customdata=[text.label(r.nickname) for r in members],
                hovertemplate="%{customdata}: %{y:.4g}<extra></extra>",
                showlegend=False,
            )
        )
    fig.update_xaxes(title_text=label, type="category")
    fig.update_yaxes(
        title_text="final training loss" if metric == "final loss" else "test accuracy %"
    )
    if metric == "final loss":
        fig.update_yaxes(**log_axis_over(*(t.y for t in fig.data)))
    return _style(
        fig, "class_results", f"{metric.capitalize()} by {label}", height, uirevision, label
    )


def answers_figure(
    choices: Sequence[str], tally: Sequence[int], uirevision: str = "board", height: int = 380
) -> go.Figure:
    """How many students picked each answer before running."""
    fig = go.Figure(
        go.Bar(
            x=list(tally),
            y=[text.label(c) for c in choices],
            orientation="h",
            marker={"color": CLASS_COLORS[0]},
            text=[str(n) for n in tally],
            textposition="auto",
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(title_text="students", dtick=1 if max(tally, default=0) < 10 else None)
    total = sum(tally)
    return _style(
        fig, "class_answers", f"The class predicted ({total} answers)", height, uirevision, ""
    )


def drawings_figure(
    images: np.ndarray,
    labels: np.ndarray,
    correct: np.ndarray | None = None,
    columns: int = 20,
    uirevision: str = "board",
) -> go.Figure:
    """The class handwriting set as one mosaic, each tile's true label above it.

    With ``correct`` the labels are green where the model was right and red where wrong.
    """
    n = len(images)
    rows = max(1, -(-n // columns))
    mosaic = np.zeros((rows * 30, columns * 30), dtype=np.float32)  # 28 px + 2 px gap
    for i, image in enumerate(images):
        r, c = divmod(i, columns)
        mosaic[r * 30 + 2 : r * 30 + 30, c * 30 + 1 : c * 30 + 29] = image
    fig = go.Figure(
        go.Heatmap(
            z=mosaic, colorscale=INK_SCALE, zmin=0, zmax=1, showscale=False, hoverinfo="skip"
        )
    )
    for i, label in enumerate(labels):
        r, c = divmod(i, columns)
        color = "#111111" if correct is None else ("#1a7f37" if correct[i] else "#cf222e")
        fig.add_annotation(
            x=c * 30 + 25, y=r * 30 + 6, text=f"<b>{int(label)}</b>", showarrow=False,
            font={"size": 14, "color": color},
        )  # fmt: skip
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x")
    height = 80 + rows * max(36, 1000 // columns)
    title = f"The class handwriting set ({n} drawings)"
    return _style(fig, "class_drawings", title, height, uirevision, "")
