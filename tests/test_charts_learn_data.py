"""Figure builders: each returns a Plotly figure whose traces hold the data it was given."""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go
import pytest
from PIL import Image

from nn_core.activations import ACTIVATIONS
from nn_core.model import MLP
from nn_core.presets import PRESETS
from ui import charts_data, charts_learn, dataview
from ui.figures import png, presentation, theme, tiles
from ui.figures.theme import CLASS_COLORS

NAMES = [str(d) for d in range(10)]


def _meta(fig: go.Figure) -> str:
    return fig.layout.meta["chart"]


def picture(fig: go.Figure) -> np.ndarray:
    """The pixels of a figure's PNG picture (its first trace), decoded by Pillow."""
    source = fig.data[0].source
    assert fig.data[0].type == "image" and source.startswith("data:image/png;base64,")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(source.split(",", 1)[1]))))


def labels_on_screen(axis: dict) -> list[float]:
    """The tick labels a log axis dict shows: those inside its range (log10 units)."""
    low, high = (10.0**end for end in axis["range"])
    return [v for v in axis["tickvals"] if low <= v <= high]


# --- the shared look ------------------------------------------------------------------


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
    fig = charts_learn.softmax_figure(charts_learn.EXAMPLE_SCORES, 1.0, NAMES)
    fig.update_layout(title={"text": "t", "font": {"size": 20}})
    big = presentation.enlarge(go.Figure(fig), 1.5)
    assert big.layout.height == round(fig.layout.height * 1.5)
    assert big.layout.font.size == round(fig.layout.font.size * 1.5)
    assert big.layout.title.font.size == 30
    assert big.layout.xaxis2.tickfont.size == round(fig.layout.xaxis2.tickfont.size * 1.5)
    assert big.data[1].textfont.size == round(fig.data[1].textfont.size * 1.5)


# --- Learn page --------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_figure_plots_function_and_slope(name):
    fig = charts_learn.activation_figure(name)
    f, df = fig.data
    z = np.asarray(f.x)
    act = ACTIVATIONS[name]()
    np.testing.assert_allclose(f.y, act.f(z.copy()), rtol=1e-6)
    np.testing.assert_allclose(df.y, act.derivative(z), rtol=1e-6)
    assert _meta(fig) == "activation"


def test_activation_figures_differ():
    relu = charts_learn.activation_figure("relu").data[0].y
    tanh = charts_learn.activation_figure("tanh").data[0].y
    assert not np.allclose(relu, tanh)
    assert set(charts_learn.ACTIVATION_FORMULAS) == set(ACTIVATIONS)


def test_softmax_figure_probabilities_follow_temperature():
    scores = charts_learn.EXAMPLE_SCORES
    cold = np.asarray(charts_learn.softmax_figure(scores, 0.2, NAMES).data[1].y)
    warm = np.asarray(charts_learn.softmax_figure(scores, 1.0, NAMES).data[1].y)
    hot = np.asarray(charts_learn.softmax_figure(scores, 5.0, NAMES).data[1].y)
    for p in (cold, warm, hot):
        assert p.sum() == pytest.approx(1) and p.argmax() == int(np.argmax(scores))
    assert cold.max() > warm.max() > hot.max()
    e = np.exp(np.asarray(scores))
    np.testing.assert_allclose(warm, e / e.sum(), rtol=1e-9)


def test_cross_entropy_figure_marks_the_point():
    fig = charts_learn.cross_entropy_figure(0.25)
    curve, point = fig.data
    np.testing.assert_allclose(curve.y, -np.log(curve.x))
    assert point.x[0] == 0.25 and point.y[0] == pytest.approx(np.log(4))


def test_backprop_figure_and_shape_tables_follow_depth():
    fig = charts_learn.backprop_figure(2)
    assert list(fig.data[0].text) == ["X", "Z₁", "A₁", "Z₂", "P", "loss"]
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "dW₁ = Xᵀ·dZ₁" in texts and "dW₂ = A₁ᵀ·dZ₂" in texts
    rows = charts_learn.forward_shapes((784, 256, 64, 10), 32)
    assert [r["W"] for r in rows] == ["(784, 256)", "(256, 64)", "(64, 10)"]
    assert rows[0]["input"] == "X: (32, 784)" and "softmax" in rows[-1]["A = f(Z)"]
    back = charts_learn.backward_shapes((784, 128, 10), 32)
    assert [r["layer"] for r in back] == ["2", "1"]
    assert back[0]["dW = inputᵀ·dZ"] == "A1ᵀ·dZ2: (128, 10)"
    assert back[1]["dA below = dZ·Wᵀ"] == "not needed"


def test_learn_names_the_network_on_screen():
    default = charts_learn.network_shown(None)
    assert default.config.sizes == PRESETS["default"].model.sizes == (784, 256, 10)
    assert default.sentence.startswith("the default network")

    class InUse:  # what ui.models.model_in_use returns, reduced to what Learn reads
        def __init__(self, model, sentence, is_bundled):
            self.model, self.sentence, self.is_bundled = model, sentence, is_bundled

    mine = MLP((784, 64, 10), activation="tanh")
    shown = charts_learn.network_shown(InUse(mine, "your model (run #3)", False))
    assert shown.config.sizes == (784, 64, 10) and shown.sentence == "your model (run #3)"
    bundled = charts_learn.network_shown(InUse(MLP((784, 32, 10)), "the bundled model", True))
    assert bundled.config.sizes == (784, 256, 10)  # Learn explains what a student will train


def test_lesson_ends_on_draw_only_for_digits():
    digits = charts_learn.lesson_words("mnist")
    assert "handwriting" in digits.next_steps and digits.links[-1][0] == "app_pages/draw.py"
    clothes = charts_learn.lesson_words("fashion-mnist")
    assert "handwriting" not in clothes.next_steps and "digit" not in clothes.noun
    pages = [page for page, _, _ in clothes.links]
    assert "app_pages/draw.py" not in pages and "app_pages/evaluate.py" in pages


# --- Data explorer -----------------------------------------------------------------


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


def test_example_grid_is_one_picture_with_ids_labels_and_colors():
    rng = np.random.default_rng(0)
    images = rng.random((6, 28, 28))
    labels = np.array([3, 1, 4, 1, 5, 9])
    ids = np.array([100, 101, 102, 103, 104, 105])
    fig = charts_data.example_grid_figure(images, labels, ids, NAMES, cols=3)
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
    result = dataview.pca_projection(rng.random((30, 784)), y, n=30)
    fig = charts_data.pca_figure(
        result.coords, result.labels, result.indices, NAMES, result.explained
    )
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
    fig = charts_data.compare_figure(image, mean, 42, "1")
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
