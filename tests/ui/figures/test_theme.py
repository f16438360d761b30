"""The shared look of every figure: PNG pictures, colours that read on white, log axes a
class can read, tiles, and presentation mode's larger sizes."""

from __future__ import annotations

import io

import numpy as np
import plotly.graph_objects as go
import pytest
from PIL import Image
from plotly.subplots import make_subplots

from ui.figures import png, presentation, theme, tiles
from ui.figures.theme import CLASS_COLORS
from ui.learn.charts import EXAMPLE_SCORES, softmax_figure

NAMES = [str(d) for d in range(10)]


def labels_on_screen(axis: dict) -> list[float]:
    """The tick labels a log axis dict shows: those inside its range (log10 units)."""
    low, high = (10.0**end for end in axis["range"])
    return [v for v in axis["tickvals"] if low <= v <= high]


def test_png_round_trip_grey_and_colour():
    rng = np.random.default_rng(0)
    grey = rng.integers(0, 256, (13, 29), dtype=np.uint8)
    rgb = rng.integers(0, 256, (7, 5, 3), dtype=np.uint8)
    for pixels in (grey, rgb):
        decoded = np.asarray(Image.open(io.BytesIO(png.png_bytes(pixels))))
        np.testing.assert_array_equal(decoded, pixels)


def test_colour_scales_map_values_to_pixels():
    values = np.array([[0.0, 0.5, 1.0, np.nan]])
    np.testing.assert_array_equal(png.ink_pixels(values), [[255, 127, 0, 255]])
    rgb = png.colour_pixels(values, [[0, "#ffffff"], [1, "#000080"]])
    assert rgb[0, 0].tolist() == [255, 255, 255] and rgb[0, 2].tolist() == [0, 0, 128]
    assert rgb[0, 1].tolist() == [128, 128, 192] and rgb[0, 3].tolist() == [255, 255, 255]


def test_class_colours_read_on_white():
    """No pale yellow or cyan: every class colour, used for captions and thin lines,
    keeps at least a 3:1 contrast with the white page."""
    assert len(set(CLASS_COLORS)) == 10
    assert min(theme.contrast_with_white(c) for c in CLASS_COLORS) >= 3.0


def test_contrast_is_the_wcag_ratio():
    assert theme.contrast_with_white("#000000") == pytest.approx(21.0)
    assert theme.contrast_with_white("#ffffff") == pytest.approx(1.0)
    assert theme.contrast_with_white("rgb(252, 187, 45)") == pytest.approx(1.71, abs=0.01)
    assert theme.contrast_with_white("#767676") == pytest.approx(4.54, abs=0.01)


def test_log_axis_over_five_decades_has_at_most_eight_labels():
    """1e-5 .. 3: a fixed 1-and-3-per-decade list put twelve labels here."""
    axis = theme.log_axis(1e-5, 3)
    shown = labels_on_screen(axis)
    assert axis["type"] == "log" and 4 <= len(shown) <= theme.MAX_LOG_TICKS
    assert 10 ** axis["range"][0] <= 1e-5 and 10 ** axis["range"][1] >= 3  # all data shown
    assert axis["ticktext"][0] == "1e-5" and "1" in axis["ticktext"]


def test_log_axis_of_a_growing_curve_never_passes_eight_labels():
    """A live loss chart: the loss falls from 2.3 towards zero while a run trains and the
    axis is rebuilt at every redraw. However far it falls, 2 to 8 labels."""
    for low in 2.3 * 10.0 ** -np.linspace(0, 14, 300):
        shown = labels_on_screen(theme.log_axis(low, 2.3))
        assert 2 <= len(shown) <= theme.MAX_LOG_TICKS, low


def test_log_axis_of_a_constant_or_nothing():
    shown = labels_on_screen(theme.log_axis(0.1, 0.1))  # a constant learning rate
    assert 0.1 in shown and len(shown) >= 2
    empty = theme.log_axis(None, None)
    assert empty["type"] == "log" and empty["tickvals"] == []
    assert theme.positive_range([0, np.nan, None], []) is None
    assert theme.positive_range([0.0, 2.0, None], [0.5, -1]) == (0.5, 2.0)


def test_base_layout_sets_the_classroom_sizes():
    fig = go.Figure(go.Scatter(x=[1], y=[2]))
    fig = theme.base_layout(fig, "demo", "A title", 300)
    assert fig.layout.meta == {"chart": "demo"} and fig.layout.height == 300
    assert fig.layout.title.font.size >= 16 and fig.layout.title.x == 0
    assert fig.layout.xaxis.tickfont.size >= 14 and fig.layout.yaxis.tickfont.size >= 14
    assert fig.layout.margin.t >= 50  # the title has its own room above the plot
    untitled = theme.base_layout(go.Figure(), "demo", None, 200)
    assert untitled.layout.title.text is None and untitled.layout.margin.t == 10


@pytest.mark.parametrize("high", [9, 7_840_000, 1e12, 1e30])
def test_log_ticks_at_most_eight(high):
    ticks = theme.log_ticks(1, high)
    assert len(ticks) <= 8 and ticks[0] == 1 and ticks[-1] >= high / 1000
    assert all(b / a >= 10 for a, b in zip(ticks, ticks[1:], strict=False))


def test_presentation_enlarges_heights_and_text():
    fig = softmax_figure(EXAMPLE_SCORES, 1.0, NAMES)
    fig.update_layout(title={"text": "t", "font": {"size": 20}})
    big = presentation.enlarge(go.Figure(fig), 1.5)
    assert big.layout.height == round(fig.layout.height * 1.5)
    assert big.layout.font.size == round(fig.layout.font.size * 1.5)
    assert big.layout.title.font.size == 30
    assert big.layout.xaxis2.tickfont.size == round(fig.layout.xaxis2.tickfont.size * 1.5)
    assert big.data[1].textfont.size == round(fig.data[1].textfont.size * 1.5)


def test_tile_places_images_and_owners():
    images = np.stack([np.full((28, 28), v, np.float32) for v in (0.1, 0.2, 0.3)])
    canvas, owner = tiles.tile(images, cols=2)
    assert canvas.shape == owner.shape
    assert set(np.unique(owner).tolist()) == {-1, 0, 1, 2}
    for i, v in enumerate((0.1, 0.2, 0.3)):
        assert np.allclose(canvas[owner == i], v) and (owner == i).sum() == 784
        top, left = tiles.tile_origin(i, cols=2)
        assert owner[top, left] == i and owner[top + 27, left + 27] == i
    assert np.isnan(canvas[owner == -1]).all()


def _three_updates(fig, chart, title, height, **extra):
    """What base_layout does, the slow way Plotly offers: the reference it must match."""
    fig.update_layout(**theme.layout(chart, title, height, **extra))
    fig.update_xaxes(**theme.AXIS)
    fig.update_yaxes(**theme.AXIS)
    return fig


@pytest.mark.parametrize(
    ("build", "extra"),
    [
        (
            lambda: go.Figure(go.Heatmap(z=[[1, 2], [3, 4]]), layout={"xaxis": {"range": [0, 1]}}),
            {},
        ),
        (
            lambda: make_subplots(rows=1, cols=3).add_trace(go.Bar(y=[1, 2]), row=1, col=3),
            {"title_font": {"size": 18}, "plot_bgcolor": "white", "legend": {"x": 0}},
        ),
        (lambda: go.Figure(layout={"yaxis": {"title": {"text": "loss"}, "type": "log"}}), {}),
    ],
)
def test_base_layout_is_the_three_updates_in_one(build, extra):
    fast = theme.base_layout(build(), "demo", "A title", 300, **extra).to_plotly_json()
    slow = _three_updates(build(), "demo", "A title", 300, **extra).to_plotly_json()
    assert fast == slow
