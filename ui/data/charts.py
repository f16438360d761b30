"""The Data page's interactive figures: the PCA map, the images selected on it, one
image against its class.

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

from ui.figures.png import colorbar_trace, colour_pixels
from ui.figures.theme import INK_SCALE, base_layout, class_color
from ui.figures.tiles import SIDE, tile, tiled_figure


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
