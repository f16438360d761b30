"""Figures as SVG: for the pictures and bar charts a page shows the moment it opens.

Why not Plotly everywhere? Plotly's script is 4.7 MB. A fresh browser on a classroom
laptop needs about a second to compile and start it before the first chart appears, so
a page whose first screen holds one Plotly chart cannot be on screen within 2 s, however
little the chart shows. The first screens of Learn and Data show pictures, a grid of
digits, a network diagram and a few bars: an SVG of a few kilobytes draws them at once,
sharp at any size on a projector. The page shows it as an image (:meth:`Svg.img`, which
says why); the parts keep a ``<title>`` naming what they show (a bar's value, a pixel's
byte): the figure's own description of itself, and what tests read back. Interactive
charts (selection, sliders that redraw a curve) stay Plotly and open further down or on
demand.

Every figure here is an :class:`Svg`: its name for tests (``data-chart``, like Plotly's
``layout.meta.chart``), its natural width and its markup. Coordinates are in the
figure's own pixels (the ``viewBox``); the browser scales the whole figure to the width
of its column, up to a little more than its natural width (more again when presenting).
"""

from __future__ import annotations

import base64
import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ui.figures.png import png_uri
from ui.figures.theme import GRID, MUTED, TEXT, TICK_SIZE, TITLE_SIZE, log_ticks

TITLE_BAND = 34  # px above the plot for a title
GROW = 1.35  # a figure may grow this much beyond its natural width in a wide column


@dataclass(frozen=True)
class Svg:
    """One figure: ``chart`` names it for tests, ``width`` x ``height`` is its size in
    pixels at 100 %, ``body`` is everything inside the ``<svg>`` element."""

    chart: str
    width: float
    height: float
    body: str
    label: str = ""

    def markup(self) -> str:
        """The figure as a stand-alone SVG document, at its natural size. Text is set in
        the reader's own sans-serif: an SVG shown as an image cannot use the page's web
        fonts, and naming one here would make the figure differ from machine to machine."""
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="nn-figure" '
            f'data-chart="{self.chart}" role="img" aria-label="{esc(self.label)}" '
            f'viewBox="0 0 {self.width:g} {self.height:g}" width="{self.width:g}" '
            f'height="{self.height:g}" font-family="sans-serif">{self.body}</svg>'
        )

    def img(self, scale: float = 1.0) -> str:
        """The ``<img>`` the page shows: as wide as its column but no wider than ``GROW``
        times ``scale`` times its natural width, so on a projector's wide page the figure
        grows with the text around it.

        Why an image and not the SVG inline? Inline, every one of a figure's hundreds of
        elements goes through the Markdown renderer's HTML parser and becomes a React
        node: on Learn that cost 0.35 s of a fresh page load on a slow machine (1.80 ->
        1.44 s) and 0.12 s on a quick one (interleaved runs of
        ``bench/bench_page_load.py``'s measurement). As an image the browser
        decodes it in one go. What is lost is the tooltip over each bar; the figures
        write their numbers on them instead.
        """
        uri = "data:image/svg+xml;base64," + base64.b64encode(self.markup().encode()).decode()
        return (
            f'<img class="nn-figure" data-chart="{self.chart}" alt="{esc(self.label)}" '
            f'src="{uri}" style="width:100%;max-width:{self.width * scale * GROW:.0f}px;'
            f'height:auto;display:block">'
        )

    @staticmethod
    def read(img: str) -> ET.Element:
        """The SVG inside an ``<img>`` written by :meth:`img`, parsed: what tests read
        instead of pixels."""
        uri = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', img).group(1)
        return ET.fromstring(base64.b64decode(uri))

    def tree(self) -> ET.Element:
        """The figure parsed as XML."""
        return ET.fromstring(self.markup())


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


# --- primitives: each returns one element as a string ---------------------------------


def text(x, y, s, *, size=TICK_SIZE, anchor="start", color=TEXT, bold=False, base="auto"):
    """A label; ``anchor`` is start, middle or end, ``base`` the vertical alignment."""
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{color}" '
        f'text-anchor="{anchor}" dominant-baseline="{base}"{weight}>{esc(s)}</text>'
    )


def rect(x, y, w, h, *, fill="none", stroke="none", width=1, tip=None, **attrs):
    """A rectangle; ``tip`` names what it shows (its ``<title>``); ``attrs`` become
    ``data-*`` attributes (values tests read back)."""
    extra = "".join(f' data-{k}="{esc(v)}"' for k, v in attrs.items())
    inner = f"<title>{esc(tip)}</title>" if tip else ""
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="{width}"{extra}>{inner}</rect>'
    )


def line(x0, y0, x1, y1, *, color=GRID, width=1, dash=None, opacity=1.0):
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" stroke="{color}" '
        f'stroke-width="{width}" stroke-opacity="{opacity:g}"{dashes}/>'
    )


def circle(cx, cy, r, *, fill, stroke="#333", tip=None):
    inner = f"<title>{esc(tip)}</title>" if tip else ""
    return (
        f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:g}" fill="{fill}" stroke="{stroke}">'
        f"{inner}</circle>"
    )


def picture(pixels: np.ndarray, x, y, w, h, *, tip=None, palette=None, crisp=True) -> str:
    """``pixels`` (grey or RGB uint8, or indices into ``palette``) as a PNG, stretched to
    ``w`` x ``h`` with crisp square pixels (no blur: a digit is 28 x 28 squares, and the
    class should see them); ``crisp=False`` smooths instead, for a picture shrunk so far
    that hard pixels would drop parts of its strokes."""
    inner = f"<title>{esc(tip)}</title>" if tip else ""
    rendering = "pixelated" if crisp else "auto"
    return (
        f'<image href="{png_uri(pixels, palette)}" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" '
        f'height="{h:.1f}" preserveAspectRatio="none" style="image-rendering:{rendering}">'
        f"{inner}</image>"
    )


def title_text(title: str | None) -> str:
    return text(0, 22, title, size=TITLE_SIZE, bold=True) if title else ""


# --- figures ---------------------------------------------------------------------------


def image(chart: str, pixels: np.ndarray, *, title=None, size=280, frames=(), tip=None) -> Svg:
    """One picture, ``size`` pixels wide; ``frames`` = ``[(top, left, side, colour), ...]``
    in the picture's own pixels draws squares around parts of it."""
    h, w = pixels.shape[:2]
    top = TITLE_BAND if title else 0
    cell = size / w
    body = [title_text(title), picture(pixels, 0, top, size, h * cell, tip=tip)]
    body.append(rect(0, top, size, h * cell, stroke="#999"))
    for row, col, side, colour in frames:
        body.append(
            rect(col * cell, top + row * cell, side * cell, side * cell, stroke=colour, width=3)
        )
    return Svg(chart, size + 2, top + h * cell + 2, "".join(body), title or chart)


def tiles(
    chart: str,
    pixels: np.ndarray,
    origins: Sequence[tuple[int, int]],
    captions: Sequence[str],
    *,
    side: int,
    scale: float,
    colors: Sequence[str] | None = None,
    tips: Sequence[str] | None = None,
    ids: Sequence[int] | None = None,
    title: str | None = None,
    legend: str = "",
) -> Svg:
    """A grid of small images composed into one picture (``pixels``), each with a caption
    above its ``(top, left)`` origin and a tooltip over it. ``scale`` is screen pixels
    per image pixel; ``legend`` is a line of text under the grid (e.g. a colour key)."""
    top = TITLE_BAND if title else 0
    h, w = pixels.shape[:2]
    body = [title_text(title), picture(pixels, 0, top, w * scale, h * scale)]
    for i, ((row, col), caption) in enumerate(zip(origins, captions, strict=True)):
        x, y = col * scale, top + row * scale
        tip = tips[i] if tips else caption
        ident = {"id": int(ids[i])} if ids is not None else {}
        body.append(rect(x, y, side * scale, side * scale, stroke="#aaa", tip=tip, **ident))
        colour = colors[i] if colors else TEXT
        body.append(
            text(x + side * scale / 2, y - 4, caption, anchor="middle", color=colour, bold=True)
        )
    height = top + h * scale
    if legend:
        body.append(text(0, height + 20, legend, size=14, color=MUTED))
        height += 28
    return Svg(chart, w * scale, height, "".join(body), title or chart)


def nice_ticks(high: float, most: int = 6) -> list[float]:
    """0, then round steps (1, 2 or 5 times a power of ten) up to at least ``high``."""
    if high <= 0:
        return [0.0, 1.0]
    raw = high / (most - 1)
    power = 10.0 ** np.floor(np.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return [k * step for k in range(int(np.ceil(high / step - 1e-9)) + 1)]


def tick_label(value: float) -> str:
    """12000 -> '12k', 0.5 -> '0.5': short enough for an axis read from afar."""
    for size, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


@dataclass(frozen=True)
class Series:
    """One set of bars: a name for the legend, a colour, and one value per category."""

    name: str
    color: str
    values: Sequence[float]


def bars(
    chart: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str | None = None,
    y_title: str = "",
    x_title: str = "",
    log: bool = False,
    width: float = 560,
    height: float = 340,
    every: int = 1,
    tip=lambda category, name, value: f"{category} · {name}: {value:,.0f}",
) -> Svg:
    """Vertical bars, one group per category, one bar per series in the group, on a
    linear axis from 0 or a log axis (for counts over several powers of ten). Only
    every ``every``-th category is labelled (a histogram's many bins)."""
    values = np.array([s.values for s in series], dtype=np.float64)  # (series, categories)
    left, bottom = 62, 40 + (24 if x_title else 0)
    top = (TITLE_BAND if title else 8) + (26 if len(series) > 1 else 0)
    plot_w, plot_h = width - left - 8, height - top - bottom
    if log:
        ticks = log_ticks(1, max(float(values.max()), 10))
        lo, hi = np.log10(ticks[0]), np.log10(ticks[-1])

        def y_of(v):
            return top + plot_h * (1 - (np.log10(max(v, ticks[0])) - lo) / (hi - lo))
    else:
        ticks = nice_ticks(float(values.max()))

        def y_of(v):
            return top + plot_h * (1 - v / ticks[-1])

    body = [title_text(title)]
    for t in ticks:  # grid lines first, so bars sit on top of them
        y = y_of(t)
        body.append(line(left, y, left + plot_w, y))
        body.append(text(left - 6, y, tick_label(t), anchor="end", base="middle"))
    if y_title:
        body.append(
            f'<text transform="translate(14 {top + plot_h / 2:.1f}) rotate(-90)" '
            f'font-size="15" fill="{MUTED}" text-anchor="middle">{esc(y_title)}</text>'
        )
    group = plot_w / len(categories)
    bar_w = group * 0.8 / len(series)
    for k, category in enumerate(categories):
        for j, s in enumerate(series):
            v = float(values[j, k])
            x, y = left + group * (k + 0.1) + j * bar_w, y_of(v)
            tip_text = tip(category, s.name, v)
            body.append(rect(x, y, bar_w, top + plot_h - y, fill=s.color, tip=tip_text, value=v))
        if k % every == 0:
            body.append(
                text(left + group * (k + 0.5), top + plot_h + 20, category, anchor="middle")
            )
    body.append(line(left, top + plot_h, left + plot_w, top + plot_h, color=TEXT))
    if x_title:
        body.append(
            text(left + plot_w / 2, height - 6, x_title, size=15, anchor="middle", color=MUTED)
        )
    x = left
    for s in series if len(series) > 1 else ():
        y = top - 18
        body.append(rect(x, y - 7, 14, 14, fill=s.color))
        body.append(text(x + 20, y, s.name, base="middle"))
        x += 40 + 9 * len(s.name)
    return Svg(chart, width, height, "".join(body), title or chart)
