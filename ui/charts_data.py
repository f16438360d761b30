"""Figures for the data explorer (and the first figures on the Learn page).

Pure functions: arrays in, ``plotly.graph_objects.Figure`` out, no Streamlit. Each figure
carries ``layout.meta = {"chart": <name>}`` so tests can find it among a page's charts.

Pictures are sent to the browser as pictures: a PNG made here with NumPy and zlib, shown
by one Plotly ``image`` trace. A grid of 32 digits drawn as a heatmap was 35,000 numbers
plus as many hover labels (about 0.5 MB of JSON the browser had to parse and paint); as
a PNG it is a few kilobytes, and the browser draws it like any image. Where a number
matters (a pixel's value, an image's index) it is shown large or on hover, not as
thousands of tiny cells.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ui.palette import (
    HEAT_SCALE,
    INK_SCALE,
    TEXT,
    base_layout,
    class_color,
    colorbar_trace,
    colour_pixels,
    ink_pixels,
    log_ticks,
    picture_axes,
    picture_trace,
)

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


def example_grid_figure(
    images: np.ndarray, labels: np.ndarray, ids: np.ndarray, class_names: Sequence[str], cols=8
) -> go.Figure:
    """The example grid: each image captioned with its class name, in the class colour."""
    labels = np.asarray(labels)
    captions = [class_names[k] for k in labels]
    colors = [class_color(k) for k in labels]
    rows = max(1, -(-len(labels) // cols))
    return tiled_figure(
        images, captions, cols=cols, chart="examples", colors=colors, ids=ids, height=150 * rows
    )


def class_images_figure(
    images: np.ndarray,
    class_names: Sequence[str],
    *,
    chart: str,
    title: str,
    colorscale=INK_SCALE,
    colorbar: bool = False,
    hover: Sequence[str] | None = None,
) -> go.Figure:
    """One small image per class in a row of ten (mean images, variance maps)."""
    images = np.asarray(images).reshape(-1, SIDE, SIDE)
    zmax = float(images.max()) or 1.0
    return tiled_figure(
        images,
        list(class_names),
        cols=len(images),
        chart=chart,
        title=title,
        colors=[class_color(k) for k in range(len(images))],
        colorscale=colorscale,
        zmax=zmax,
        colorbar=colorbar,
        height=210,
        hover=hover,
    )


def class_means_figure(means: np.ndarray, class_names: Sequence[str]) -> go.Figure:
    """The average image of every class."""
    return class_images_figure(
        means, class_names, chart="class_means", title="Average image of each class"
    )


def class_variance_figure(variances: np.ndarray, class_names: Sequence[str]) -> go.Figure:
    """Where the images of one class differ from each other (dark = varies a lot)."""
    hover = [f"mean variance {v:.3f}" for v in np.asarray(variances).mean(axis=1)]
    return class_images_figure(
        variances,
        class_names,
        chart="class_variance",
        title="Pixel variance within each class",
        colorscale=HEAT_SCALE,
        colorbar=True,
        hover=hover,
    )


def class_counts_figure(
    train_counts: np.ndarray, test_counts: np.ndarray, class_names: Sequence[str]
) -> go.Figure:
    """Images per class in the training and the test set, side by side."""
    names = list(class_names)
    fig = go.Figure(
        [
            go.Bar(name="train", x=names, y=np.asarray(train_counts), marker_color="#1f5fbf"),
            go.Bar(name="test", x=names, y=np.asarray(test_counts), marker_color="#c05a00"),
        ]
    )
    fig.update_layout(barmode="group", legend={"x": 1.01, "xanchor": "left", "y": 1})
    fig.update_xaxes(type="category")
    fig.update_yaxes(title="images")
    return base_layout(fig, "class_counts", "How many images of each class", 380)


def pixel_histogram_figure(counts: np.ndarray, edges: np.ndarray) -> go.Figure:
    """How often each brightness occurs, on a log scale (background pixels dominate)."""
    counts = np.asarray(counts)
    centers = (edges[:-1] + edges[1:]) / 2
    fig = go.Figure(
        go.Bar(
            x=centers,
            y=counts,
            width=np.diff(edges),
            marker_color="#444",
            hovertemplate="brightness %{x:.2f}<br>%{y:,} pixels<extra></extra>",
        )
    )
    positive = counts[counts > 0]
    ticks = log_ticks(1, float(positive.max()) if positive.size else 10)
    fig.update_xaxes(title="pixel value (0 = background, 1 = full ink)", range=[0, 1])
    fig.update_yaxes(
        title="pixels (log scale)",
        type="log",
        tickvals=ticks,
        tickformat="~s",
        range=[np.log10(ticks[0]) - 0.1, np.log10(ticks[-1]) + 0.1],
    )
    return base_layout(fig, "pixel_histogram", "Pixel brightness", 380)


def pca_figure(
    coords: np.ndarray,
    labels: np.ndarray,
    ids: np.ndarray,
    class_names: Sequence[str],
    explained: np.ndarray,
) -> go.Figure:
    """Each image as a dot in 2-D, coloured by class; hover shows which image it is.

    Coordinates go out as float32 and rounded: the browser needs a position on screen,
    not sixteen digits.
    """
    labels = np.asarray(labels)
    coords = np.round(np.asarray(coords, dtype=np.float32), 3)
    fig = go.Figure()
    for k, name in enumerate(class_names):
        mask = labels == k
        fig.add_trace(
            go.Scatter(
                x=coords[mask, 0],
                y=coords[mask, 1],
                mode="markers",
                name=name,
                customdata=np.asarray(ids)[mask].astype(np.int32),
                marker={"size": 7, "color": class_color(k), "opacity": 0.8},
                hovertemplate=f"<b>{name}</b><br>image #%{{customdata}}<extra></extra>",
            )
        )
    fig.update_xaxes(title=f"direction 1 ({explained[0]:.1%} of the variance)")
    fig.update_yaxes(title=f"direction 2 ({explained[1]:.1%} of the variance)")
    fig.update_layout(
        legend={
            "title": {"text": "class", "font": {"size": 15}},
            "itemsizing": "constant",
            "x": 1.01,
            "y": 1,
        },
        dragmode="select",
    )
    return base_layout(fig, "pca", None, 560)


def image_figure(
    image: np.ndarray, title: str | None, *, zmax: float = 1.0, patch=None, height: int = 380
) -> go.Figure:
    """One image as a picture; ``patch`` = (top, left, size) frames a square of it in red."""
    image = np.asarray(image).reshape(SIDE, SIDE)
    fig = go.Figure(picture_trace(ink_pixels(image, zmax)))
    shapes = [_rect(-0.5, -0.5, SIDE, "#999", 1)]
    if patch is not None:
        top, left, size = patch
        shapes.append(_rect(left - 0.5, top - 0.5, size, "#d62728", 3))
    fig.update_layout(shapes=shapes)
    picture_axes(fig, SIDE, SIDE)
    return base_layout(fig, "image", title, height)


def _rect(x0: float, y0: float, size: int, color: str, width: int) -> dict:
    line = {"width": width, "color": color}
    return {"type": "rect", "x0": x0, "y0": y0, "x1": x0 + size, "y1": y0 + size, "line": line}


def patch_figure(raw: np.ndarray, top: int, left: int, size: int, title: str | None = None):
    """A ``size`` x ``size`` square of an image, large, each pixel with its byte (0..255)
    and, below it, that byte divided by 255: the number the network receives."""
    block = np.asarray(raw)[top : top + size, left : left + size]
    text = [[f"<b>{v}</b><br>{v / 255:.2f}" for v in row] for row in block.tolist()]
    fig = go.Figure(
        go.Heatmap(
            z=block,
            x=list(range(left, left + size)),
            y=list(range(top, top + size)),
            text=text,
            texttemplate="%{text}",
            textfont={"size": 15},
            colorscale=INK_SCALE,
            zmin=0,
            zmax=255,
            showscale=False,
            xgap=1,
            ygap=1,
            hovertemplate="row %{y}, column %{x}<br>byte %{z}<extra></extra>",
        )
    )
    fig.update_xaxes(dtick=1, constrain="domain")  # column numbers, below the squares
    fig.update_yaxes(autorange="reversed", dtick=1, scaleanchor="x")  # row numbers
    return base_layout(fig, "pixel_patch", title, 440, plot_bgcolor="#888")


def flat_strip_figure(
    flat: np.ndarray, title: str = "Flattened: one row of 784 numbers", height: int = 190
) -> go.Figure:
    """The 784-long input vector as one strip; dotted lines mark where each image row ends."""
    flat = np.asarray(flat).reshape(1, -1)
    fig = go.Figure(
        go.Heatmap(
            z=flat,
            colorscale=INK_SCALE,
            zmin=0,
            zmax=1,
            showscale=False,
            hovertemplate="x[%{x}] = %{z:.3f}<extra></extra>",
        )
    )
    fig.update_layout(
        shapes=[
            {
                "type": "line",
                "x0": end - 0.5,
                "x1": end - 0.5,
                "y0": 0,
                "y1": 1,
                "yref": "paper",
                "line": {"width": 1, "color": "#888", "dash": "dot"},
            }
            for end in range(SIDE, flat.shape[1], SIDE)
        ]
    )
    fig.update_xaxes(
        title="position in the input vector (0 … 783)", tickvals=list(range(0, 785, 112))
    )
    fig.update_yaxes(visible=False)
    return base_layout(fig, "flat_strip", title, height)


def one_hot_figure(
    one_hot: np.ndarray, class_names: Sequence[str], title: str | None = None, height: int = 110
) -> go.Figure:
    """The label as a vector of ten numbers: 1 for the true class, 0 elsewhere.

    The class names are the x-axis labels, below the cells, so a title above never
    meets them."""
    one_hot = np.asarray(one_hot).reshape(1, -1)
    fig = go.Figure(
        go.Heatmap(
            z=one_hot,
            x=list(class_names),
            text=[[f"{v:g}" for v in one_hot[0]]],
            texttemplate="%{text}",
            textfont={"size": 18},
            colorscale=[[0, "#eeeeee"], [1, "#2a8a2a"]],
            zmin=0,
            zmax=1,
            showscale=False,
            xgap=3,
            hovertemplate="%{x}: %{z}<extra></extra>",
        )
    )
    fig.update_xaxes(type="category")
    fig.update_yaxes(visible=False)
    return base_layout(fig, "one_hot", title, height + (52 if title else 0))


DIFFERENCE_SCALE = [[0.0, "#2166ac"], [0.5, "#ffffff"], [1.0, "#b2182b"]]
"""Blue where the image has less ink than its class's average, red where it has more."""


def compare_figure(image: np.ndarray, mean: np.ndarray, index: int, class_name: str):
    """One image, the average image of its class, and their difference, side by side:
    what makes this particular image typical, and what makes it its own."""
    image = np.asarray(image, dtype=np.float64).reshape(SIDE, SIDE)
    mean = np.asarray(mean, dtype=np.float64).reshape(SIDE, SIDE)
    canvas, owner = tile(np.stack([image, mean, image - mean]), cols=3)
    ink = colour_pixels(np.where(owner == 2, np.nan, canvas), INK_SCALE)
    diff = colour_pixels(np.where(owner == 2, canvas, np.nan), DIFFERENCE_SCALE, -1, 1)
    pixels = np.where((owner == 2)[..., None], diff, ink)
    captions = [f"image #{index}", f"average {class_name}", "difference"]
    fig = tiled_figure(
        np.stack([image, mean, image - mean]),
        captions,
        cols=3,
        chart="compare",
        ids=[index, index, index],
        height=330,
        hover=["the image", "its class's average", "image − average: red more ink, blue less"],
        pixels=pixels,
    )
    fig.add_trace(colorbar_trace(DIFFERENCE_SCALE, -1, 1))
    return fig
