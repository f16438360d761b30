"""One look for every chart in the app, chosen to be read from the back of a classroom,
and the one way pictures (digits, averages, maps) become PNG images for the browser.

A projector washes colours out and a class sits five to fifteen metres away, so the
rules are few and strict: tick labels of at least 15 px and titles of 19 px, in near
black; no pale yellow or cyan for anything thin (text, lines, small markers); titles
on the left with their own room above the plot, so neither a legend nor the chart's
hover toolbar (top right) can sit on them. Every figure builder ends with
:func:`base_layout`, so a change here changes the whole app at once.

Each class keeps one colour everywhere, so a "7" is the same colour on every page.
The ten are D3's familiar "category10", with the two that vanish on a projector (the
olive yellow and the cyan) and the pale orange and pink darkened until a thin line or a
caption in that colour still reads on white.
"""

from __future__ import annotations

import base64
import struct
import zlib

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


def base_layout(
    fig: go.Figure, chart: str, title: str | None, height: int, title_space: int = 50, **extra
) -> go.Figure:
    """The layout every figure shares: its name for tests (``layout.meta.chart``), an
    optional title on the left with room of its own, a fixed height, thin margins, and
    the classroom font sizes on every axis the figure has."""
    top = max(title_space, 52) if title else 10
    legend = {"font": {"size": 15, "color": TEXT}, **extra.pop("legend", {})}  # caller wins
    margin = {"l": 10, "r": 10, "t": top, "b": 10, **extra.pop("margin", {})}
    fig.update_layout(
        meta={"chart": chart},
        title=(
            {
                "text": title,
                "x": 0,
                "xref": "paper",
                "xanchor": "left",
                "y": 1,
                "yref": "container",
                "yanchor": "top",
                "pad": {"t": 8},
                "font": {"size": TITLE_SIZE, "color": TEXT},
            }
            if title
            else None
        ),
        height=height,
        margin=margin,
        font=FONT,
        legend=legend,
        hoverlabel={"font": {"size": 15}},
        **extra,
    )
    axis = {
        "tickfont": {"size": TICK_SIZE, "color": TEXT},
        "title_font": {"size": 16, "color": MUTED},
        "gridcolor": GRID,
        "automargin": True,
    }
    fig.update_xaxes(**axis)
    fig.update_yaxes(**axis)
    return fig


# --- pictures: arrays sent to the browser as PNG images ------------------------------------------------------------------


def png_bytes(pixels: np.ndarray) -> bytes:
    """A PNG file of ``pixels``: (h, w) grey or (h, w, 3) RGB, uint8.

    The format is simple enough to write by hand: a header, the rows (each preceded by
    a 0, "no filter") compressed with zlib, and an end marker; every chunk carries its
    length and a CRC.
    """
    pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
    h, w = pixels.shape[:2]
    colour_type = 2 if pixels.ndim == 3 else 0  # RGB or grey
    rows = np.hstack([np.zeros((h, 1), np.uint8), pixels.reshape(h, -1)])  # (h, 1 + w*c)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", w, h, 8, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows.tobytes(), 6))
        + chunk(b"IEND", b"")
    )


def png_uri(pixels: np.ndarray) -> str:
    """``pixels`` as a ``data:`` URI, ready for ``go.Image(source=...)``."""
    return "data:image/png;base64," + base64.b64encode(png_bytes(pixels)).decode("ascii")


def _hex(color: str) -> np.ndarray:
    return np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)


def colour_pixels(values: np.ndarray, scale=INK_SCALE, zmin: float = 0.0, zmax: float = 1.0):
    """Values -> (h, w, 3) uint8 through a colour scale of ``[[position, "#rrggbb"], ...]``
    (linear between the stops, as Plotly does); NaN becomes white paper."""
    values = np.asarray(values, dtype=np.float64)
    t = np.clip((values - zmin) / ((zmax - zmin) or 1.0), 0, 1)
    stops = np.array([float(pos) for pos, _ in scale])
    colours = np.stack([_hex(c) for _, c in scale])  # (stops, 3)
    rgb = np.stack([np.interp(t, stops, colours[:, c]) for c in range(3)], axis=-1)
    rgb[np.isnan(values)] = PAPER
    return np.rint(rgb).astype(np.uint8)


def ink_pixels(values: np.ndarray, zmax: float = 1.0) -> np.ndarray:
    """Values in [0, zmax] -> (h, w) grey uint8, black ink on white paper; NaN is paper."""
    values = np.asarray(values, dtype=np.float64)
    grey = PAPER - np.rint(np.clip(values / (zmax or 1.0), 0, 1) * 255)
    return np.where(np.isnan(values), PAPER, grey).astype(np.uint8)


def picture_trace(pixels: np.ndarray) -> go.Image:
    """One picture, pixel (0, 0) at the top left, each pixel one unit on both axes."""
    return go.Image(source=png_uri(pixels), x0=0, y0=0, dx=1, dy=1, hoverinfo="skip")


def picture_axes(fig: go.Figure, width: int, height: int) -> None:
    fig.update_xaxes(visible=False, range=[-0.5, width - 0.5], constrain="domain")
    fig.update_yaxes(visible=False, range=[height - 0.5, -0.5], scaleanchor="x", constrain="domain")
    fig.update_layout(plot_bgcolor="rgba(0,0,0,0)")


def colorbar_trace(scale, zmin: float, zmax: float) -> go.Scatter:
    """A colour bar for a picture (which has none of its own): an invisible marker."""
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        marker={
            "colorscale": scale,
            "cmin": zmin,
            "cmax": zmax,
            "color": [zmin],
            "showscale": True,
            "colorbar": {"thickness": 14, "len": 0.9, "tickfont": {"size": 14}},
        },
        hoverinfo="skip",
        showlegend=False,
    )


LOG_TICKS = {
    "type": "log",
    "tickvals": [v * 10.0**e for e in range(-6, 4) for v in (1, 3)],
    "tickformat": "~g",
}
"""A log axis for values over a few powers of ten (losses, learning rates): labels at 1
and 3 of each power only, seven at most over 0.003 .. 3 (Plotly's default labels every
digit, a wall of numbers from the back of the room)."""
