"""The board's figures: pure Plotly builders, readable from the back of a classroom.

Sixty runs on one chart is a wall of spaghetti unless the eye can group them, so each
figure draws one trace per *group* (all runs with the same learning rate, say), not one
per run: the legend stays a handful of entries, a group has one colour, and the runs
inside it are separated by gaps in the line. Settings with an order (learning rate,
width, batch size) get an ordered colour-blind-safe scale, so "the rate went up" reads as
"the line got lighter"; kinds (optimizer, initialisation) a palette whose colours no
kind of colour blindness confuses (``ui.figures.palettes``). A run that blew up ends in
a cross, and its hover says at which step. Text is at least 16 px, larger in
presentation mode (``ui.classroom.views`` enlarges the shared figure once).

A full class (300 runs, 3,000 drawings) must cost little, so every figure is built from
arrays in one go: a group's runs are one line of ``float32`` values with gaps (sent as
packed binary, not as text numbers), each run is drawn with ``BOARD_POINTS`` points (a
line across half a screen cannot show more), whose run a line is shows on the dot at
its end, and past ``MAX_GROUPS`` groups the rest share one grey entry. Nothing here
grows a figure one call per run. (The handwriting set is not a chart but one picture:
``ui.classroom.mosaic``.)

Every figure carries a ``uirevision``: when the board refreshes, a zoom or a hidden
legend entry stays as the teacher left it instead of snapping back.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ui import text
from ui.classroom.records import SharedRun
from ui.classroom.tables import (
    blew_up_at,
    is_ordered,
    run_title,
    setting_value,
    show_value,
    sort_key,
)
from ui.figures.palettes import ordered_colors, qualitative_colors
from ui.figures.theme import LEGEND_BELOW, base_layout, log_axis_over

TITLE_FONT = {"size": 19}
AXIS_TITLE_FONT = {"size": 17}
TEXT_SIZE = 16  # px, the least for any text on the projected board: ticks, legends
METRICS = {"loss": "training loss", "accuracy": "training accuracy"}
MAX_GROUPS = 40  # legend entries: a whole class coloured by student, and one for the rest
OTHERS_COLOR = "#767676"  # the rest: a grey still 4.5:1 on white
BOARD_POINTS = 24  # points drawn per run (the store keeps up to 300): 120 kB a chart at 300 runs
BLEW_UP = "✕ blew up"  # the legend entry of the crosses that end runs that blew up


def groups(runs: Sequence[SharedRun], key: str) -> list[tuple[str, list[SharedRun]]]:
    """Runs grouped by one setting, in the setting's natural order."""
    by_value: dict = {}
    for run in runs:
        by_value.setdefault(setting_value(run, key), []).append(run)
    ordered = sorted(by_value, key=sort_key)
    return [(text.label(show_value(v)), by_value[v]) for v in ordered]  # may be a nickname


def group_colors(n: int, ordered: bool) -> list[str]:
    """``n`` colours: an ordered scale for a setting with an order, a qualitative palette
    for kinds (both colour-blind-safe)."""
    return ordered_colors(n) if ordered else qualitative_colors(n)


def _is_ordered(runs: Sequence[SharedRun], key: str) -> bool:
    """A setting with an order: a known one (``tables.ORDERED``), or any whose values are
    numbers (a setting the board does not know yet)."""
    if is_ordered(key):
        return True
    values = [setting_value(r, key) for r in runs]
    return any(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def coloured_groups(runs: Sequence[SharedRun], key: str) -> list[tuple[str, list, str]]:
    """(legend name, runs, colour) per group; past ``MAX_GROUPS`` the last groups share
    one grey entry, "12 others", so a legend never outgrows the chart."""
    grouped = groups(runs, key)
    numeric = _is_ordered(runs, key)
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


def style(fig: go.Figure, chart: str, title: str, height: int, uirevision: str, legend: str):
    base_layout(
        fig,
        chart=chart,
        title=title,
        height=height,
        title_font=TITLE_FONT,
        uirevision=uirevision,
        legend={
            **LEGEND_BELOW,
            "title": {"text": legend, "font": {"size": TEXT_SIZE}},
            "font": {"size": TEXT_SIZE},
        },
        hoverlabel={"font": {"size": TEXT_SIZE}},
        plot_bgcolor="white",
    )
    for axes in (fig.update_xaxes, fig.update_yaxes):
        axes(title_font=AXIS_TITLE_FONT, tickfont_size=TEXT_SIZE, gridcolor="#e6e6e6")
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


def _ends(grouped, metric: str, what: str, key: str) -> list[go.Scatter]:
    """A dot at the end of every run, in its group's colour, naming whose run it is; a
    cross instead where the run blew up, named in the legend, the step in its hover."""
    ends = {False: ([], [], [], []), True: ([], [], [], [])}
    for _, members, color in grouped:
        for run in members:
            epochs, values = run_curve(run, metric, points=1 << 30)
            finite = np.flatnonzero(np.isfinite(values))
            if finite.size:
                step = blew_up_at(run)
                x, y, who, colors = ends[step is not None]
                x.append(epochs[finite[-1]])
                y.append(values[finite[-1]])
                blew = "" if step is None else f"<br>blew up at step {step:,}"
                who.append(text.label(run_title(run, key)) + blew)
                colors.append(color)
    traces = []
    for blown, (x, y, who, colors) in ends.items():
        if blown and not x:
            continue
        traces.append(
            go.Scatter(
                x=np.array(x, np.float32),
                y=np.array(y, np.float32),
                mode="markers",
                name=f"{BLEW_UP} ({len(x)})" if blown else "ends",
                marker={
                    "color": colors,
                    "size": 14 if blown else 7,
                    "symbol": "x" if blown else "circle",
                    "line": {"width": 1, "color": "black"} if blown else {"width": 0},
                },
                customdata=who,
                hovertemplate=f"%{{customdata}}<br>epoch %{{x:.2f}}<br>{what} %{{y:.3f}}"
                "<extra></extra>",
                showlegend=blown,
            )
        )
    return traces


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
    fig = go.Figure([*traces, *_ends(grouped, metric, what, key)])
    fig.update_xaxes(title_text="epoch")
    if metric == "loss":
        losses = log_axis_over(*(t.y for t in fig.data))  # labels for the class's range
        fig.update_yaxes(title_text="loss (log scale)", **losses)
    else:
        fig.update_yaxes(title_text="accuracy %")
    title = f"{what.capitalize()} by {label}"
    return style(fig, f"class_{metric}", title, height, uirevision, label)
