"""Small images in a grid, as one picture: the layout every grid in the app shares.

A grid of 32 digits, ten class averages, the class's own drawings: each is composed
here into one array (:func:`tile`), sent as one PNG, and captioned above each tile. One
layout for every grid means a tile sits at the same place whichever figure shows it,
and tests can find tile ``i`` at :func:`tile_origin`. :func:`tiled_figure` is the same
grid as a Plotly figure, for the grids a visitor clicks (a tile carries its image's id).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ui.figures import svg
from ui.figures.png import colorbar_trace, colour_pixels, ink_pixels, picture_axes, picture_trace
from ui.figures.theme import INK_SCALE, TEXT, base_layout

SIDE = 28
GAP = 2  # empty pixels between tiles
LABEL_BAND = 9  # pixel rows above each tile that hold its caption


# --- grids of small images --------------------------------------------------------------


def tile(images: np.ndarray, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """Lay ``images`` ``(n, 28, 28)`` out in a grid with ``cols`` columns.

    Returns ``(canvas, owner)``: the composed picture (NaN between tiles, so the gaps
    show the background) and, for every pixel, the index of the image it belongs to
    (-1 in the gaps).
    """
    images = np.asarray(images, dtype=np.float32).reshape(-1, SIDE, SIDE)
    n = len(images)
    rows = max(1, -(-n // cols))
    cell_h, cell_w = SIDE + LABEL_BAND, SIDE + GAP
    canvas = np.full((rows * cell_h, cols * cell_w - GAP), np.nan, dtype=np.float32)
    owner = np.full(canvas.shape, -1, dtype=np.int64)
    for i, img in enumerate(images):
        top, left = (i // cols) * cell_h + LABEL_BAND, (i % cols) * cell_w
        canvas[top : top + SIDE, left : left + SIDE] = img
        owner[top : top + SIDE, left : left + SIDE] = i
    return canvas, owner


def tile_origin(i: int, cols: int) -> tuple[int, int]:
    """(top, left) pixel of tile ``i`` in the picture made by :func:`tile`."""
    return (i // cols) * (SIDE + LABEL_BAND) + LABEL_BAND, (i % cols) * (SIDE + GAP)


def grid(
    chart: str,
    images: np.ndarray,
    captions: Sequence[str],
    *,
    cols: int,
    scale: float,
    colors: Sequence[str] | None = None,
    tips: Sequence[str] | None = None,
    ids: Sequence[int] | None = None,
    title: str | None = None,
    colour_scale=INK_SCALE,
    zmax: float = 1.0,
    legend: str = "",
) -> svg.Svg:
    """``images`` (n, 28, 28) in a grid of ``cols`` columns as an SVG figure, each tile
    captioned (in ``colors``) and named by a ``<title>``; ``scale`` is screen pixels per
    image pixel. Values run from 0 to ``zmax`` through ``colour_scale``."""
    canvas, _ = tile(images, cols)
    if colour_scale is INK_SCALE:
        pixels = ink_pixels(canvas, zmax)  # grey: a third of the bytes of RGB
    else:
        pixels = colour_pixels(canvas, colour_scale, 0.0, zmax)
    origins = [tile_origin(i, cols) for i in range(len(captions))]
    return svg.tiles(
        chart,
        pixels,
        origins,
        captions,
        side=SIDE,
        scale=scale,
        colors=colors,
        tips=tips,
        ids=ids,
        title=title,
        legend=legend,
    )


def tiled_figure(
    images: np.ndarray,
    captions: Sequence[str],
    *,
    cols: int,
    chart: str,
    title: str | None = None,
    colors: Sequence[str] | None = None,
    ids: Sequence[int] | None = None,
    colorscale=INK_SCALE,
    zmin: float = 0.0,
    zmax: float = 1.0,
    colorbar: bool = False,
    height: int = 420,
    hover: Sequence[str] | None = None,
    pixels: np.ndarray | None = None,
) -> go.Figure:
    """Small images in a grid, each with a caption above it (coloured per class).

    The grid is one PNG; an invisible marker over each tile carries its id
    (``customdata``, e.g. the image's index in the data set) for hovering and clicking,
    with ``hover`` as extra text. ``pixels`` (the RGB picture of :func:`tile`'s canvas)
    replaces the colour scale when a grid mixes scales.
    """
    canvas, _ = tile(images, cols)
    if pixels is None and colorscale == INK_SCALE and zmin == 0:
        pixels = ink_pixels(canvas, zmax)  # grey: a third of the bytes of RGB
    elif pixels is None:
        pixels = colour_pixels(canvas, colorscale, zmin, zmax)
    ids = np.arange(len(captions)) if ids is None else np.asarray(ids)
    origins = [tile_origin(i, cols) for i in range(len(captions))]
    extra = [f"<br>{h}" for h in hover] if hover is not None else [""] * len(captions)
    fig = go.Figure(picture_trace(pixels))
    fig.add_trace(
        go.Scatter(
            x=[left + SIDE / 2 - 0.5 for _, left in origins],
            y=[top + SIDE / 2 - 0.5 for top, _ in origins],
            customdata=ids.tolist(),
            text=[f"#{int(k)}{e}" for k, e in zip(ids, extra, strict=True)],
            mode="markers",
            marker={"size": 40, "symbol": "square", "opacity": 0},
            hovertemplate="%{text}<extra></extra>",
            showlegend=False,
        )
    )
    shapes, annotations = [], []
    for i, caption in enumerate(captions):
        top, left = origins[i]
        shapes.append(
            {
                "type": "rect",
                "x0": left - 0.5,
                "y0": top - 0.5,
                "x1": left + SIDE - 0.5,
                "y1": top + SIDE - 0.5,
                "line": {"width": 1, "color": "#aaa"},
            }
        )
        annotations.append(
            {
                "x": left + SIDE / 2 - 0.5,
                "y": top - 1,
                "yanchor": "bottom",
                "text": f"<b>{caption}</b>",
                "showarrow": False,
                "font": {"size": 15, "color": colors[i] if colors else TEXT},
            }
        )
    fig.update_layout(shapes=shapes, annotations=annotations)
    if colorbar:
        fig.add_trace(colorbar_trace(colorscale, zmin, zmax))
    picture_axes(fig, canvas.shape[1], canvas.shape[0])
    return base_layout(fig, chart, title, height)
