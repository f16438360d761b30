"""The board's figures: pure Plotly builders, readable from the back of a classroom.

Sixty runs on one chart is a wall of spaghetti unless the eye can group them, so each
figure draws one trace per *group* (all runs with the same learning rate, say), not one
per run: the legend stays a handful of entries, a group has one colour, and the runs
inside it are separated by gaps in the line. Numeric settings get an ordered colour
scale, so "the rate went up" reads as "the colour got warmer", stopped before its pale
end so every line still reads on a projected white board.

A full class (300 runs, 3,000 drawings) must cost little, so every figure is built from
arrays in one go: a group's runs are one line of ``float32`` values with gaps (sent as
packed binary, not as text numbers), each run is drawn with ``BOARD_POINTS`` points (a
line across half a screen cannot show more), whose run a line is shows on the dot at
its end, and past ``MAX_GROUPS`` groups the rest share one grey entry. The handwriting
set is one picture (``ui.classroom.mosaic``). Nothing here grows a figure one call per
run or per drawing.

Every figure carries a ``uirevision``: when the board refreshes, a zoom or a hidden
legend entry stays as the teacher left it instead of snapping back.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from ui import text
from ui.classroom import mosaic
from ui.classroom.records import SharedRun
from ui.classroom.tables import final_loss, setting_value, show_value, sort_key
from ui.figures.png import png_uri
from ui.figures.theme import CLASS_COLORS, LEGEND_BELOW, base_layout, log_axis_over

TITLE_FONT = {"size": 18}
AXIS_TITLE_FONT = {"size": 16}
METRICS = {"loss": "training loss", "accuracy": "training accuracy"}
WARMEST = 0.6  # Plasma beyond this is orange to yellow: under 3:1 contrast on white
MAX_GROUPS = 40  # legend entries: a whole class coloured by student, and one for the rest
OTHERS_COLOR = "#767676"  # the rest: a grey still 4.5:1 on white
BOARD_POINTS = 40  # points drawn per run (the store keeps up to 300): 150 kB a chart at 300 runs
CAPTION_MARGIN = 90  # px left of the handwriting picture for its labels


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


def coloured_groups(runs: Sequence[SharedRun], key: str) -> list[tuple[str, list, str]]:
    """(legend name, runs, colour) per group; past ``MAX_GROUPS`` the last groups share
    one grey entry, "12 others", so a legend never outgrows the chart."""
    grouped = groups(runs, key)
    numeric = _is_numeric(runs, key)
    if len(grouped) <= MAX_GROUPS:
        colors = group_colors(len(grouped), numeric)
        return [(v, members, c) for (v, members), c in zip(grouped, colors, strict=True)]
    kept, rest = grouped[: MAX_GROUPS - 1], grouped[MAX_GROUPS - 1 :]
    colors = group_colors(len(kept), numeric)
    others = (f"{len(rest)} others", [run for _, members in rest for run in members])
    return [
        *((v, members, c) for (v, members), c in zip(kept, colors, strict=True)),
        (*others, OTHERS_COLOR),
    ]


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


def run_curve(run: SharedRun, metric: str, points: int = BOARD_POINTS):
    """One run's curve, thinned to ``points``: epochs (k,) and values (k,) float32, a gap
    (NaN) where a value is missing; accuracy in percent."""
    epochs = np.array(run.curves.get("epoch", []), dtype=np.float32)  # (n,)
    values = np.array(run.curves.get(metric, []), dtype=np.float32)  # (n,) None -> NaN
    n = min(len(epochs), len(values))
    keep = np.unique(np.linspace(0, n - 1, min(n, points)).round().astype(np.int64))  # (k,)
    scale = 100.0 if metric == "accuracy" else 1.0
    return epochs[keep], values[keep] * np.float32(scale)


def _lines(members: Sequence[SharedRun], metric: str):
    """All of a group's runs as one line: x (m,) and y (m,) float32, NaN between runs."""
    gap = np.full(1, np.nan, np.float32)
    xs, ys = [], []
    for run in members:
        x, y = run_curve(run, metric)
        xs += [x, gap]
        ys += [y, gap]
    return np.concatenate(xs), np.concatenate(ys)


def _ends(grouped, metric: str, what: str) -> go.Scatter:
    """A dot at the end of every run, in its group's colour, naming whose run it is."""
    x, y, who, colors = [], [], [], []
    for _, members, color in grouped:
        for run in members:
            epochs, values = run_curve(run, metric, points=1 << 30)
            finite = np.flatnonzero(np.isfinite(values))
            if finite.size:
                x.append(epochs[finite[-1]])
                y.append(values[finite[-1]])
                who.append(text.label(run.nickname))
                colors.append(color)
    return go.Scatter(
        x=np.array(x, np.float32),
        y=np.array(y, np.float32),
        mode="markers",
        marker={"color": colors, "size": 7},
        customdata=who,
        hovertemplate=f"%{{customdata}}<br>epoch %{{x:.2f}}<br>{what} %{{y:.3f}}<extra></extra>",
        showlegend=False,
    )


def curves_figure(
    runs: Sequence[SharedRun],
    key: str,
    label: str,
    metric: str = "loss",
    uirevision: str = "board",
    height: int = 480,
) -> go.Figure:
    """Every run's training curve against epochs, one legend entry per value of ``key``."""
    what = METRICS.get(metric, metric)
    grouped = coloured_groups(runs, key)
    traces = []
    for value, members, color in grouped:
        x, y = _lines(members, metric)
        traces.append(
            go.Scatter(
                x=x,
                y=y,
                mode="lines",
                name=f"{value} ({len(members)})",
                line={"color": color, "width": 2.5},
                opacity=0.85,
                connectgaps=False,
                hovertemplate=f"{label} {value}<br>epoch %{{x:.2f}}"
                f"<br>{what} %{{y:.3f}}<extra></extra>",
            )
        )
    fig = go.Figure([*traces, _ends(grouped, metric, what)])
    fig.update_xaxes(title_text="epoch")
    if metric == "loss":
        losses = log_axis_over(*(t.y for t in fig.data))  # labels for the class's range
        fig.update_yaxes(title_text="loss (log scale)", **losses)
    else:
        fig.update_yaxes(title_text="accuracy %")
    title = f"{what.capitalize()} by {label}"
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
    traces = []
    for value, members, color in coloured_groups(runs, key):
        if metric == "final loss":
            ys = [final_loss(r) for r in members]
        else:
            ys = [None if r.test_accuracy is None else 100 * r.test_accuracy for r in members]
        traces.append(
            go.Box(
                x=[value] * len(members),
                y=np.array(ys, dtype=np.float64),  # None -> NaN, left out of the box
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
    fig = go.Figure(traces)
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
    uirevision: str = "board",
) -> go.Figure:
    """The class handwriting set as one picture, the drawings of each label together,
    the label and its count at the left of its block.

    With ``correct`` the ink is black where the model was right and red where wrong.
    """
    picture = mosaic.compose(images, labels, correct)
    h, w = picture.pixels.shape
    image = go.Image(
        source=png_uri(picture.pixels, picture.palette), x0=0, y0=0, dx=1, dy=1, hoverinfo="skip"
    )
    notes = [
        {
            "xref": "paper",
            "x": 0,
            "xanchor": "right",
            "xshift": -8,
            "y": top - 0.5,
            "yanchor": "top",
            "text": f"<b>{label}</b>: {count}" + (f"<br>{wrong} misread" if wrong else ""),
            "showarrow": False,
            "align": "right",
            "font": {"size": 15},
        }
        for label, count, wrong, top in picture.groups
    ]
    fig = go.Figure(image, layout={"annotations": notes})
    fig.update_xaxes(visible=False, range=[-0.5, w - 0.5], constrain="domain")
    fig.update_xaxes(constraintoward="left")
    fig.update_yaxes(visible=False, range=[h - 0.5, -0.5], scaleanchor="x", constrain="domain")
    fig.update_yaxes(constraintoward="top")
    height = 70 + int(np.clip(900 * h / w, 240, 900))  # as wide as a laptop's board column
    title = f"The class handwriting set ({len(images)} drawings)"
    _style(fig, "class_drawings", title, height, uirevision, "")
    return fig.update_layout(margin={"l": CAPTION_MARGIN})
