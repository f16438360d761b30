"""The first figures of the Learn page, as SVG (see :mod:`ui.figures.svg` for why not Plotly).

They follow one image into the network: the image with a square of it framed, that
square up close with every byte and the number the network receives, the 784 numbers
laid end to end, the label as a one-hot vector, and the network's layers. Pure
functions: arrays in, :class:`ui.figures.svg.Svg` out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ui.figures import svg
from ui.figures.png import ink_pixels
from ui.figures.theme import ACCENT, MUTED, TEXT, class_color

SIDE = 28
RED = "#d62728"


def image_figure(raw: np.ndarray, title: str, patch: tuple[int, int, int]) -> svg.Svg:
    """One image (bytes 0..255), with the square ``patch`` = (top, left, size) in red."""
    pixels = ink_pixels(np.asarray(raw, dtype=np.float64).reshape(SIDE, SIDE), 255)
    top, left, size = patch
    return svg.image("image", pixels, title=title, size=280, frames=[(top, left, size, RED)])


def patch_figure(raw: np.ndarray, top: int, left: int, size: int, title: str) -> svg.Svg:
    """The square up close: each pixel's byte in bold and, below it, byte / 255, on the
    pixel's own grey, in white or black, whichever reads on it. Row and column numbers
    along the edges say where in the image the square lies."""
    block = np.asarray(raw)[top : top + size, left : left + size].astype(int)
    cell, x0, y0 = 54, 30, svg.TITLE_BAND + 24
    body = [svg.title_text(title)]
    for j in range(size):
        body.append(
            svg.text(x0 + (j + 0.5) * cell, y0 - 8, left + j, size=14, anchor="middle", color=MUTED)
        )
    for i in range(size):
        body.append(
            svg.text(
                x0 - 6,
                y0 + (i + 0.5) * cell,
                top + i,
                size=14,
                anchor="end",
                base="middle",
                color=MUTED,
            )
        )
        for j in range(size):
            v = int(block[i, j])
            grey = 255 - v
            x, y = x0 + j * cell, y0 + i * cell
            tip = f"row {top + i}, column {left + j}: byte {v}"
            body.append(
                svg.rect(
                    x, y, cell - 2, cell - 2, fill=f"rgb({grey},{grey},{grey})", tip=tip, byte=v
                )
            )
            ink = "#ffffff" if v > 110 else TEXT
            body.append(
                svg.text(
                    x + cell / 2 - 1, y + 21, v, size=17, anchor="middle", color=ink, bold=True
                )
            )
            body.append(
                svg.text(
                    x + cell / 2 - 1, y + 41, f"{v / 255:.2f}", size=14, anchor="middle", color=ink
                )
            )
    return svg.Svg("pixel_patch", x0 + size * cell, y0 + size * cell, "".join(body), title)


def flat_strip_figure(
    flat: np.ndarray, title: str = "Flattened: one row of 784 numbers"
) -> svg.Svg:
    """The 784 inputs as one strip, with a dotted line where each image row ends."""
    flat = np.asarray(flat, dtype=np.float64).reshape(-1)
    n, width, strip_h = len(flat), 780, 44
    x0, y0 = 20, svg.TITLE_BAND  # x0: room for half of the last label, "784"
    scale = (width - 2 * x0) / n
    pixels = np.repeat(ink_pixels(flat.reshape(1, -1)), 4, axis=0)  # (4, 784): a thin band
    body = [svg.title_text(title), svg.picture(pixels, x0, y0, n * scale, strip_h)]
    for end in range(SIDE, n, SIDE):
        body.append(
            svg.line(x0 + end * scale, y0, x0 + end * scale, y0 + strip_h, color="#888", dash="2 3")
        )
    body.append(svg.rect(x0, y0, n * scale, strip_h, stroke="#999"))
    for pos in range(0, n + 1, 112):
        x = x0 + pos * scale
        body.append(svg.line(x, y0 + strip_h, x, y0 + strip_h + 5, color=TEXT))
        body.append(svg.text(x, y0 + strip_h + 22, pos, anchor="middle"))
    caption = (
        "position in the input vector (0 … 783); dotted lines: where each row of 28 pixels ends"
    )
    body.append(
        svg.text(width / 2, y0 + strip_h + 46, caption, size=15, anchor="middle", color=MUTED)
    )
    return svg.Svg("flat_strip", width, y0 + strip_h + 54, "".join(body), title)


def one_hot_figure(one_hot: np.ndarray, class_names: Sequence[str], title: str) -> svg.Svg:
    """The label as ten numbers: a green 1 for the true class, grey 0s elsewhere, each
    above its class name."""
    one_hot = np.asarray(one_hot).reshape(-1)
    cell, gap, y0 = 70, 6, svg.TITLE_BAND + 4
    body = [svg.title_text(title)]
    for k, (v, name) in enumerate(zip(one_hot, class_names, strict=True)):
        x = k * (cell + gap)
        on = v > 0.5
        body.append(
            svg.rect(
                x,
                y0,
                cell,
                44,
                fill="#2a8a2a" if on else "#eeeeee",
                tip=f"{name}: {v:g}",
                value=f"{v:g}",
            )
        )
        body.append(
            svg.text(
                x + cell / 2,
                y0 + 23,
                f"{v:g}",
                size=19,
                anchor="middle",
                base="middle",
                color="#fff" if on else TEXT,
                bold=True,
            )
        )
        body.append(svg.text(x + cell / 2, y0 + 66, name, size=14, anchor="middle"))
    return svg.Svg("one_hot", len(one_hot) * (cell + gap), y0 + 76, "".join(body), title)


def _shown_units(size: int, most: int) -> list[int | None]:
    """The units drawn for a layer of ``size``: all when they fit, else the first and
    last few around a gap (None) that says "and many more"."""
    if size <= most:
        return list(range(size))
    head = (most - 1) // 2
    return [*range(head), None, *range(size - (most - 1 - head), size)]


def layer_names(sizes: Sequence[int], activation: str) -> list[str]:
    """Captions such as 'input\n784 pixels', 'hidden 1\n256 relu', 'output\n10 classes'."""
    names = [f"input\n{sizes[0]} pixels"]
    names += [f"hidden {i}\n{s} {activation}" for i, s in enumerate(sizes[1:-1], start=1)]
    return [*names, f"output\n{sizes[-1]} classes"]


def network_figure(
    sizes: Sequence[int], activation: str, class_names: Sequence[str], most: int = 11
) -> svg.Svg:
    """The network as columns of units joined by faint lines (one line, one weight).
    Wide layers show their first and last units around a '⋮'; each column is captioned
    with its name and size; output units carry their class names."""
    captions = layer_names(sizes, activation)
    width, height, top, r = 470, 440, 14, 8
    longest = max(len(str(name)) for name in class_names)
    span = width - 50 - max(60, 30 + 8 * longest)
    xs = [50 + span * x / max(len(sizes) - 1, 1) for x in range(len(sizes))]
    columns = []
    for size in sizes:
        units = _shown_units(int(size), most)
        step = 330 / (most - 1)
        first = top + 165 - step * (len(units) - 1) / 2
        columns.append([(unit, first + step * i) for i, unit in enumerate(units)])
    edges, nodes = [], []
    for x, (left, right) in enumerate(zip(columns[:-1], columns[1:], strict=False)):
        for ua, ya in left:
            for ub, yb in right:
                if ua is not None and ub is not None:
                    edges.append(svg.line(xs[x], ya, xs[x + 1], yb, color="#3c3c3c", opacity=0.18))
    last = len(sizes) - 1
    for x, column in enumerate(columns):
        for unit, y in column:
            if unit is None:
                nodes.append(
                    svg.text(xs[x], y, "⋮", size=24, anchor="middle", base="middle", bold=True)
                )
                continue
            fill = class_color(unit) if x == last else ("#9a9a9a" if x == 0 else ACCENT)
            nodes.append(svg.circle(xs[x], y, r, fill=fill, tip=f"layer {x}, unit {unit}"))
            if x == last and unit < len(class_names):
                nodes.append(
                    svg.text(xs[x] + 14, y, class_names[unit], anchor="start", base="middle")
                )
        for k, part in enumerate(captions[x].split("\n")):
            nodes.append(svg.text(xs[x], top + 372 + 20 * k, part, anchor="middle"))
    label = "The network: " + ", ".join(c.replace("\n", " ") for c in captions)
    return svg.Svg("network", width, height, "".join(edges + nodes), label)
