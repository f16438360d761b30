"""The Data page's Plotly figures: each trace holds the data it was given."""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from ui.data import charts, stats
from ui.figures import png, tiles
from ui.figures.theme import CLASS_COLORS

NAMES = [str(d) for d in range(10)]


def picture(fig: go.Figure) -> np.ndarray:
    """The pixels of a figure's PNG picture (its first trace), decoded by Pillow."""
    source = fig.data[0].source
    assert fig.data[0].type == "image" and source.startswith("data:image/png;base64,")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(source.split(",", 1)[1]))))


def test_example_grid_is_one_picture_with_ids_labels_and_colors():
    rng = np.random.default_rng(0)
    images = rng.random((6, 28, 28))
    labels = np.array([3, 1, 4, 1, 5, 9])
    ids = np.array([100, 101, 102, 103, 104, 105])
    fig = charts.example_grid_figure(images, labels, ids, NAMES, cols=3)
    pixels = picture(fig)
    canvas, _ = tiles.tile(images, 3)
    np.testing.assert_array_equal(pixels, png.ink_pixels(canvas))
    top, left = tiles.tile_origin(4, cols=3)
    np.testing.assert_array_equal(
        pixels[top : top + 28, left : left + 28], png.ink_pixels(images[4])
    )
    assert list(fig.data[1].customdata) == ids.tolist()  # hover and click: the image number
    captions = [a.text for a in fig.layout.annotations]
    assert captions == [f"<b>{n}</b>" for n in "314159"]
    assert fig.layout.annotations[0].font.color == CLASS_COLORS[3]
    assert len(fig.to_json()) < 30_000  # a picture, not 7,000 numbers with hover labels


def test_pca_figure_one_trace_per_class_with_image_ids():
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(10), 3)
    result = stats.pca_projection(rng.random((30, 784)), y, n=30)
    fig = charts.pca_figure(result.coords, result.labels, result.indices, NAMES, result.explained)
    assert [t.name for t in fig.data] == NAMES
    assert sorted(np.concatenate([t.customdata for t in fig.data]).tolist()) == list(range(30))
    assert fig.data[7].marker.color == CLASS_COLORS[7]
    assert "of the variance" in fig.layout.xaxis.title.text
    np.testing.assert_allclose(fig.data[0].x, result.coords[result.labels == 0, 0], atol=1e-3)


def test_compare_figure_shows_image_mean_and_difference():
    image = np.zeros((28, 28))
    image[5:20, 10:14] = 1.0  # a bar
    mean = np.zeros((28, 28))
    mean[5:20, 16:20] = 0.5  # the "average" has ink elsewhere
    fig = charts.compare_figure(image, mean, 42, "1")
    pixels = picture(fig)
    assert [a.text for a in fig.layout.annotations] == [
        "<b>image #42</b>",
        "<b>average 1</b>",
        "<b>difference</b>",
    ]
    top, left = tiles.tile_origin(2, cols=3)
    diff = pixels[top : top + 28, left : left + 28].astype(int)
    red, blue = diff[10, 12], diff[10, 18]
    assert red[0] > red[2] + 100 and blue[2] > blue[0] + 50  # more ink red, less ink blue
    assert diff[0, 0].tolist() == [255, 255, 255]  # no difference: white
