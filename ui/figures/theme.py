"""One look for every chart in the app, chosen to be read from the back of a classroom.

A projector washes colours out and a class sits five to fifteen metres away, so the
rules are few and strict: tick labels of at least 15 px and titles of 19 px, in near
black; no pale yellow or cyan for anything thin (text, lines, small markers); titles
on the left with their own room above the plot, so neither a legend nor the chart's
hover toolbar (top right) can sit on them; legends outside the plot; a log axis shows
at most eight labels, chosen for the values it holds (:func:`log_axis`). Every figure
builder ends with :func:`base_layout` (or builds from :func:`layout`), so a change here
changes the whole app at once.

Each class keeps one colour everywhere, so a "7" is the same colour on every page.
The ten are D3's familiar "category10", with the two that vanish on a projector (the
olive yellow and the cyan) and the pale orange and pink darkened until a thin line or a
caption in that colour still reads on white.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

CLASS_COLORS: tuple[str, ...] = (
    "#1f77b4", "#d35f00", "#2a8a2a", "#d62728", "#7b4fb3",
    "#8c564b", "#c2378f", "#5f5f5f", "#857f00", "#0b7f8c",
)  # fmt: skip

TEXT = "#111111"  # the theme's text colour (.streamlit/config.toml)
MUTED = "#444444"  # secondary text (axis titles): still dark enough for a projector
GRID = "#d0d0d0"  # grid lines: visible, never louder than the data
ACCENT = "#1f5fbf"  # the theme's primary colour
TICK_SIZE = 15  # px: every tick label
TITLE_SIZE = 19  # px: every chart title
FONT = {"size": 16, "color": TEXT}  # annotations, legends, hover labels
MAX_LOG_TICKS = 8  # a log axis with more labels is a wall of numbers
PAPER = 255  # the background of a picture: white

INK_SCALE = [[0.0, "#ffffff"], [1.0, "#000000"]]
"""Pixel colour scale: 0 is white paper, 1 is black ink (reads well when projected)."""

DIVERGING_SCALE = "RdBu_r"
"""For signed values (weights, gradients): blue below zero, white at zero, red above."""

HEAT_SCALE = [[0.0, "#ffffff"], [0.35, "#9ecae1"], [0.7, "#2171b5"], [1.0, "#08306b"]]
"""For non-negative statistics such as variances: white where nothing happens, deep blue
where a lot does. (Viridis ends in a pale yellow that a projector turns into white.)"""


def class_color(k: int) -> str:
    """The colour of class ``k`` (0..9)."""
    return CLASS_COLORS[int(k) % len(CLASS_COLORS)]


def log_ticks(low: float, high: float, most: int = MAX_LOG_TICKS) -> list[float]:
    """Powers of ten covering ``low`` .. ``high`` (both > 0), every second or third one
    when there would be more than ``most`` labels."""
    first = int(np.floor(np.log10(max(low, 1e-300))))
    last = int(np.ceil(np.log10(max(high, low, 1e-300))))
    step = 1
    while (last - first) // step + 1 > most:
        step += 1
    return [10.0**e for e in range(first, last + 1, step)]


LOG_STEPS = ((1, 2, 3, 5), (1, 2, 5), (1, 3), (1,))
"""Label positions within one power of ten, from many to few: a loss going from 2 to 0.3
wants 0.5 and 0.3 labelled, one going from 2 to 0.0001 only powers of ten. (Finer steps,
4-5-6-8, crowd together at the top of each power of ten on a log axis.)"""


def log_axis(low: float | None, high: float | None, most: int = MAX_LOG_TICKS) -> dict:
    """A log axis over ``low`` .. ``high`` (the data's positive extremes) that shows at
    most ``most`` labels, as many as fit: the finest of :data:`LOG_STEPS` that stays
    within ``most``, or every n-th power of ten over very many decades.

    The axis range is set here too, with a little room around the data, so the labels
    chosen are exactly the labels on screen (Plotly's own range would add some). A chart
    that grows while a run trains recomputes this at every redraw and so never passes
    ``most`` however far the loss falls. No data (``None``): an unlabelled log axis.
    """
    if low is None or high is None or not 0 < low <= high < np.inf:
        return {"type": "log", "tickmode": "array", "tickvals": [], "ticktext": []}
    span = max(np.log10(high / low), 0.6)  # a constant still gets a few labels around it
    middle = (np.log10(low) + np.log10(high)) / 2
    bottom, top = middle - span * 0.55, middle + span * 0.55  # 5 % room on each side
    ticks = _ticks_between(10.0**bottom, 10.0**top, most)
    return {
        "type": "log",
        "range": [float(bottom), float(top)],
        "tickmode": "array",
        "tickvals": ticks,
        "ticktext": [tick_label(t) for t in ticks],
    }


def _ticks_between(low: float, high: float, most: int) -> list[float]:
    """The labels of a log axis from ``low`` to ``high``: at most ``most`` of them."""
    decades = range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)
    for steps in LOG_STEPS:
        ticks = [m * 10.0**e for e in decades for m in steps if low <= m * 10.0**e <= high]
        if len(ticks) <= most:
            return ticks
    powers = [e for e in decades if low <= 10.0**e <= high]
    every = 1
    while len([e for e in powers if e % every == 0]) > most:
        every += 1  # every second, third... power, on round ones: 1, 1e-5, 1e-10
    return [10.0**e for e in powers if e % every == 0]


def tick_label(value: float) -> str:
    """``0.3``, ``2``, ``1e-5``: short labels (Plotly would write 0.00001)."""
    return f"{value:.3g}".replace("e-0", "e-").replace("e+0", "e").replace("e+", "e")


def positive_range(*series) -> tuple[float, float] | None:
    """(smallest, largest) positive finite value over all ``series``, or None: what a log
    axis has to show (zeros and gaps cannot be drawn on one)."""
    values = [np.ravel(np.asarray(s, dtype=np.float64)) for s in series if np.size(s)]
    values = np.concatenate(values) if values else np.empty(0)
    values = values[np.isfinite(values) & (values > 0)]
    return (float(values.min()), float(values.max())) if values.size else None


def log_axis_over(*series, most: int = MAX_LOG_TICKS) -> dict:
    """:func:`log_axis` over the positive values of the given series (the traces' y)."""
    return log_axis(*(positive_range(*series) or (None, None)), most=most)


def hex_rgb(color: str) -> np.ndarray:
    """``"#rrggbb"`` -> its three channels as floats in 0..255."""
    return np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)


def contrast_with_white(color: str) -> float:
    """The WCAG contrast ratio of ``#rrggbb`` or ``rgb(r, g, b)`` against white: 1 for
    white itself, 21 for black. Thin lines and text need 3 or more to survive a projector."""
    if color.startswith("#"):
        rgb = hex_rgb(color) / 255
    else:
        rgb = np.array([float(v) for v in color[color.index("(") + 1 : -1].split(",")[:3]]) / 255
    linear = np.where(rgb <= 0.03928, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(1.05 / (linear @ [0.2126, 0.7152, 0.0722] + 0.05))


LEGEND_BELOW = {
    "orientation": "h",
    "x": 0,
    "xanchor": "left",
    "yref": "container",
    "y": 0,
    "yanchor": "bottom",
}
"""A legend in a row under the whole chart. Measured from the figure's bottom edge, not
from the plot, Plotly makes room for it under the axis title: a legend placed at, say,
-0.2 of the plot's height lands on that title as soon as its entries wrap onto two lines."""

AXIS_TITLE_FONT = {"size": 16, "color": MUTED}
AXIS = {
    "tickfont": {"size": TICK_SIZE, "color": TEXT},
    "title": {"font": AXIS_TITLE_FONT},
    "gridcolor": GRID,
    "automargin": True,
}
"""Every axis: classroom-sized tick labels and axis title, quiet grid lines. (Nested
dicts: Plotly resolves its ``title_font`` shorthand path by path, slower for a live
chart that is built anew every second or two.)"""


def axis(title: str, **extra) -> dict:
    """One axis of a figure built in one go: :data:`AXIS` with its title and settings."""
    return {**AXIS, "title": {"text": title, "font": AXIS_TITLE_FONT}, **extra}


def layout(chart: str, title: str | dict | None, height: int, title_space=50, **extra) -> dict:
    """The layout every figure shares, as a plain dict (a live chart builds its figure
    in one go from it): its name for tests (``meta.chart``), an optional title on the
    left with room of its own, a fixed height, thin margins, classroom font sizes."""
    top = max(title_space, 52) if title else 10
    legend = {"font": {"size": 15, "color": TEXT}, **extra.pop("legend", {})}  # caller wins
    margin = {"l": 10, "r": 10, "t": top, "b": 10, **extra.pop("margin", {})}
    return {
        "meta": {"chart": chart},
        "title": _title(title),
        "height": height,
        "margin": margin,
        "font": FONT,
        "legend": legend,
        "hoverlabel": {"font": {"size": 15}},
        **extra,
    }


def titled(title: str, note: str) -> dict:
    """A short title and, under it in the size of a tick label, what to look for: a
    chart in half a column of a laptop is under 300 px wide, where one long title would
    be cut off. Pass it as ``title``; the figure needs ``title_space=NOTE_SPACE``."""
    return {"text": title, "subtitle": {"text": note, "font": {"size": TICK_SIZE, "color": MUTED}}}


NOTE_SPACE = 80  # px above the plot for a title and its note


def _title(title: str | dict | None) -> dict | None:
    """Top left of the whole figure, not of its plot: a chart in a narrow column keeps
    the width of its axis labels for its title too."""
    if not title:
        return None
    text = title if isinstance(title, dict) else {"text": title}
    return {
        **text,
        "x": 0,
        "xref": "container",
        "xanchor": "left",
        "y": 1,
        "yref": "container",
        "yanchor": "top",
        "pad": {"t": 8, "l": 10},
        "font": {"size": TITLE_SIZE, "color": TEXT},
    }


def base_layout(
    fig: go.Figure, chart: str, title: str | dict | None, height: int, title_space=50, **extra
) -> go.Figure:
    """:func:`layout` applied to a built figure, and :data:`AXIS` to every axis it has.

    The same as ``fig.update_layout(**layout(...))``, ``fig.update_xaxes(**AXIS)`` and
    ``fig.update_yaxes(**AXIS)``, in one assignment of the whole layout: Plotly checks
    every key of an update against the figure and its template, path by path, and a
    page of Plotly figures, built anew for every visitor, spent most of its time there.
    The layout is read without its template, which the assignment puts back (Plotly's
    default: the app sets no other)."""
    fig.layout.template = None  # reading the layout would otherwise copy the whole template
    current = fig.layout.to_plotly_json()
    axes = {name for name in current if name.startswith(("xaxis", "yaxis"))} | {"xaxis", "yaxis"}
    styled = {**current, **{name: _merged(current.get(name, {}), AXIS) for name in axes}}
    fig.layout = _merged(styled, _nested(layout(chart, title, height, title_space, **extra)))
    return fig


def _nested(update: dict) -> dict:
    """Plotly's shorthand keys spelled out, as ``update_layout`` reads them:
    ``title_font`` -> ``{"title": {"font": ...}}`` (``plot_bgcolor`` stays one name)."""
    from plotly.basedatatypes import BaseFigure

    out: dict = {}
    for key, value in update.items():
        path = BaseFigure._str_to_dict_path(key)
        for name in reversed(path[1:]):
            value = {name: value}
        out = _merged(out, {path[0]: value})
    return out


def _merged(base: dict, update: dict) -> dict:
    """``base`` with ``update`` laid over it, nested dicts merged as Plotly's update does."""
    out = dict(base)
    for key, value in update.items():
        both = isinstance(value, dict) and isinstance(out.get(key), dict)
        out[key] = _merged(out[key], value) if both else value
    return out
