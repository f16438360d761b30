"""ui/draw/figures.py: the Draw page's figures carry exactly the data they claim to show.

The figures are SVG (:mod:`ui.figures.svg`); the tests read them as XML, as the browser would:
values from ``data-*`` attributes, pixels from the PNG pictures, labels from ``<text>``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from nn_core.data import DATASETS
from nn_core.preprocess import canvas_to_mnist_steps
from tests.support.apptest import SVG, read_png
from ui.draw import figures
from ui.figures import svg, tiles
from ui.figures.png import ink_pixels
from ui.figures.theme import class_color

DIGITS = DATASETS["mnist"].class_names
CLOTHES = DATASETS["fashion-mnist"].class_names


def canvas_with_block(top: int, left: int, h: int, w: int, size: int = 280) -> np.ndarray:
    rgba = np.zeros((size, size, 4), np.uint8)
    rgba[top : top + h, left : left + w] = 255
    return rgba


@pytest.fixture(scope="module")
def steps():
    """A tall block drawn off-centre: a crude "1" whose every step is easy to predict."""
    return canvas_to_mnist_steps(canvas_with_block(40, 180, 160, 24))


def texts(fig: svg.Svg) -> list[ET.Element]:
    return list(fig.tree().iter(f"{SVG}text"))


def bars(fig: svg.Svg) -> list[ET.Element]:
    return [r for r in fig.tree().iter(f"{SVG}rect") if r.get("data-value") is not None]


def pictures(fig: svg.Svg) -> list[np.ndarray]:
    return [read_png(i.get("href")) for i in fig.tree().iter(f"{SVG}image")]


def is_bold(t: ET.Element) -> bool:
    return t.get("font-weight") == "bold"


# --- the ten probabilities ----------------------------------------------------------------


def test_probability_bars():
    probs = np.array([0.01, 0.02, 0.05, 0.02, 0.6, 0.1, 0.05, 0.05, 0.004, 0.096])
    fig = figures.probability_figure(probs, DIGITS)
    assert fig.chart == "draw_probs" and fig.tree().get("data-chart") == "draw_probs"
    shown = bars(fig)
    np.testing.assert_allclose([float(r.get("data-value")) for r in shown], probs)
    assert [r.get("data-name") for r in shown] == list(DIGITS)
    ys = [float(r.get("y")) for r in shown]
    assert ys == sorted(ys)  # the first class at the top
    widths = np.array([float(r.get("width")) for r in shown])
    np.testing.assert_allclose(widths / widths[4], probs / 0.6, atol=0.01)  # length ∝ probability
    assert shown[4].get("fill") == class_color(4)
    assert shown[3].get("fill") == figures.fade(class_color(3), figures.FADED)
    outlined = [i for i, r in enumerate(shown) if r.get("stroke") == "#111"]
    assert outlined == [4]
    assert shown[4].find(f"{SVG}title").text == "4: 60.0%"
    labels = [t.text for t in texts(fig)]
    assert labels[0] == "Probability of each class"
    assert {"0%", "25%", "50%", "75%", "100%"} <= set(labels)
    assert "60%" in labels and "1%" in labels and "0%" in labels  # 0 % only as a tick
    assert labels.count("0%") == 1  # 0.4 % shows no label at its bar
    assert [t.text for t in texts(fig) if is_bold(t)] == ["Probability of each class", "4", "60%"]


def test_probability_bars_name_clothes_and_fit_them():
    fig = figures.probability_figure(np.eye(10)[9], CLOTHES)
    names = [t for t in texts(fig) if t.text in CLOTHES]
    assert [t.text for t in names] == list(CLOTHES)
    assert [t.text for t in names if is_bold(t)] == ["Ankle boot"]
    # the names end where the bars start, and there is room for 11 letters before them
    start = float(bars(fig)[0].get("x"))
    assert all(t.get("text-anchor") == "end" and float(t.get("x")) < start for t in names)
    assert float(names[0].get("x")) >= 0.5 * 16 * len("T-shirt/top")
    digits = figures.probability_figure(np.eye(10)[9], DIGITS)
    assert float(bars(digits)[0].get("x")) < start  # digits need less room: longer bars


def test_probability_figure_is_readable_at_its_size():
    fig = figures.probability_figure(np.eye(10)[3], DIGITS, height=290)
    assert 420 <= fig.width <= 460 and fig.height == 290
    sizes = {t.text: float(t.get("font-size")) for t in texts(fig)}
    assert min(sizes.values()) >= 15 and sizes["Probability of each class"] >= 19
    bottom = max(float(r.get("y")) + float(r.get("height")) for r in bars(fig))
    assert bottom < float(next(t for t in texts(fig) if t.text == "50%").get("y")) - 10
    full = float(bars(fig)[3].get("x")) + float(bars(fig)[3].get("width"))
    assert full + 6 + 4 * 0.6 * 15 <= fig.width  # "100%" fits at the end of a full bar


def test_fade():
    assert figures.fade("#1f77b4", 0.5) == "rgba(31, 119, 180, 0.5)"


# --- the preprocessing strip -------------------------------------------------------------


def test_preview_shrinks_only_big_images():
    big = np.zeros((280, 140), np.float32)
    big[100:180, 40:100] = 1
    small, scale = figures.preview(big)
    assert small.shape == (70, 35) and scale == pytest.approx(0.25)
    assert small.mean() == pytest.approx(big.mean(), rel=1e-4)  # area averaging keeps the ink
    tiny = np.ones((20, 12), np.float32)
    same, scale = figures.preview(tiny)
    assert scale == 1.0 and np.array_equal(same, tiny)


def test_preprocess_strip_shows_every_step(steps):
    fig = figures.preprocess_figure(steps)
    assert fig.chart == "draw_steps"
    drawing, crop, box20, centred = pictures(fig)
    np.testing.assert_array_equal(drawing, ink_pixels(figures.preview(steps.grey)[0]))
    assert drawing.shape == (70, 70)  # the 280x280 drawing, quartered
    np.testing.assert_array_equal(crop, ink_pixels(figures.preview(steps.crop)[0]))
    assert crop.shape == (70, 10)  # the 160x24 crop, same proportions
    np.testing.assert_array_equal(box20, ink_pixels(steps.box20))
    np.testing.assert_array_equal(centred, ink_pixels(steps.centred))
    assert centred[14, 14] < 128 and centred[0, 0] == 255  # black ink on white paper
    labels = [t.text for t in texts(fig)]
    assert labels == list(figures.STEP_TITLES)


def test_preprocess_cells_are_equal_squares_keeping_proportions(steps):
    fig = figures.preprocess_figure(steps, cell=100, gap=20)
    images = list(fig.tree().iter(f"{SVG}image"))
    boxes = [[float(i.get(k)) for k in ("x", "y", "width", "height")] for i in images]
    assert boxes[0] == pytest.approx([0, 26, 100, 100])
    thin = pytest.approx(100 * 10 / 70, abs=0.06)  # SVG coordinates are written to 0.1 px
    assert boxes[1][3] == 100 and boxes[1][2] == thin
    assert boxes[1][0] + boxes[1][2] / 2 == pytest.approx(120 + 50, abs=0.06)  # centred
    assert boxes[3] == pytest.approx([360, 26, 100, 100])
    frames = [r for r in fig.tree().iter(f"{SVG}rect") if r.get("stroke") == figures.FRAME]
    assert [[float(r.get(k)) for k in ("x", "y", "width", "height")] for r in frames] == boxes
    titles = texts(fig)
    assert [float(t.get("x")) for t in titles] == [50, 170, 290, 410]  # over each cell
    assert all(float(t.get("y")) < 26 for t in titles)  # above the pictures
    assert fig.width == 460


def test_preprocess_marks_the_ink_box_and_the_centre(steps):
    fig = figures.preprocess_figure(steps, cell=140, gap=10)  # 2 px per preview pixel
    box = [r for r in fig.tree().iter(f"{SVG}rect") if r.get("stroke") == figures.WRONG][0]
    assert box.get("data-bbox") == "40 180 200 204"  # (top, left, bottom, right) on the canvas
    x, y, w, h = (float(box.get(k)) for k in ("x", "y", "width", "height"))
    assert (x, y - 26) == (180 / 4 * 2, 40 / 4 * 2)  # a quarter of the canvas, 2 px a pixel
    assert (w, h) == (24 / 4 * 2, 160 / 4 * 2)
    centre = [g for g in fig.tree().iter(f"{SVG}g") if g.find(f"{SVG}title") is not None][0]
    assert centre.find(f"{SVG}title").text == "centre (14, 14)"
    across, down = centre.iter(f"{SVG}line")
    assert across.get("stroke") == figures.WRONG == down.get("stroke")
    x0 = 3 * (140 + 10)
    px = 140 / 28
    mid_x = (float(across.get("x1")) + float(across.get("x2"))) / 2
    mid_y = (float(down.get("y1")) + float(down.get("y2"))) / 2
    assert mid_x == pytest.approx(x0 + 14.5 * px, abs=0.05)  # the middle of pixel (14, 14)
    assert mid_y == pytest.approx(26 + 14.5 * px, abs=0.05)


# --- the saliency map --------------------------------------------------------------------


def test_saliency_pixels_compose_grey_ink_and_colour():
    limit = 2.0
    image = np.array([[0.0, 1.0, 0.0, 1.0, 0.0]])
    saliency = np.array([[0.0, 0.0, limit, 5 * limit, -limit]])
    rgb = figures.saliency_pixels(image, saliency, limit).astype(int)
    assert rgb.shape == (1, 5, 3)
    assert rgb[0, 0].tolist() == [255, 255, 255]  # no ink, no saliency: paper
    assert rgb[0, 1].tolist() == [90, 90, 90]  # full ink, no saliency: soft grey #5a5a5a
    red = 0.95 * np.array([178, 24, 43]) + 0.05 * 255  # 95 % red over white paper
    assert rgb[0, 2].tolist() == np.rint(red).astype(int).tolist()
    assert rgb[0, 3].tolist() == np.rint(0.95 * np.array([178, 24, 43]) + 0.05 * 90).tolist()
    assert rgb[0, 4].tolist() == np.rint(0.95 * np.array([33, 102, 172]) + 0.05 * 255).tolist()
    small = figures.saliency_pixels(np.zeros((1, 1)), np.full((1, 1), 0.1 * limit), limit)
    assert small.tolist() == [[[255, 255, 255]]]  # near zero: see-through


def test_saliency_overlay_is_one_picture_with_a_key():
    rng = np.random.default_rng(0)
    image = rng.random((28, 28)).astype(np.float32)
    saliency = rng.normal(size=(28, 28)).astype(np.float32)
    fig = figures.saliency_figure(image, saliency, "3")
    assert fig.chart == "draw_saliency"
    limit = figures.saliency_range(saliency)
    overlay, key = pictures(fig)
    np.testing.assert_array_equal(overlay, figures.saliency_pixels(image, saliency, limit))
    assert overlay.shape == (28, 28, 3)
    frame = [r for r in fig.tree().iter(f"{SVG}rect") if r.get("data-limit")][0]
    assert float(frame.get("data-limit")) == pytest.approx(limit, rel=1e-5)
    assert key.shape[0] == 1 and key.shape[2] == 3  # one row of colours: the gradient
    left, mid, right = key[0, 0].astype(int), key[0, key.shape[1] // 2], key[0, -1].astype(int)
    assert left[2] > left[0] and right[0] > right[2] and mid.tolist() == [255, 255, 255]
    labels = [t.text for t in texts(fig)]
    assert labels == ["P(3)", "less", "0", "more"]
    image_el = next(fig.tree().iter(f"{SVG}image"))
    assert float(image_el.get("width")) == float(image_el.get("height"))  # square pixels


def test_saliency_range_ignores_a_few_extreme_pixels():
    g = np.full((28, 28), 0.01)
    g[0, :3] = [50.0, -80.0, 60.0]
    assert figures.saliency_range(g) == pytest.approx(0.01)
    assert figures.saliency_range(np.zeros((28, 28))) == 1.0


# --- my drawings --------------------------------------------------------------------------


def test_my_drawings_thumbnails():
    n = 25
    rng = np.random.default_rng(1)
    images = rng.random((n, 28, 28)).astype(np.float32)
    labels = np.arange(n) % 10
    predictions = labels.copy()
    predictions[-1] = (labels[-1] + 1) % 10  # the newest drawing was misread
    fig = figures.my_drawings_figure(images, labels, predictions, DIGITS)
    assert fig.chart == "draw_my_drawings"
    captions = texts(fig)
    assert len(captions) == 20  # only the latest twenty
    assert captions[0].text == "5" and captions[-1].text == "4→5"
    colours = [t.get("fill") for t in captions]
    assert colours[-1] == figures.WRONG and set(colours[:-1]) == {figures.RIGHT}
    (picture,) = pictures(fig)  # the thumbnails are one picture
    top, left = tiles.tile_origin(19, cols=10)
    np.testing.assert_array_equal(picture[top : top + 28, left : left + 28], ink_pixels(images[-1]))
    ids = [int(r.get("data-id")) for r in fig.tree().iter(f"{SVG}rect") if r.get("data-id")]
    assert ids == list(range(n - 20, n))  # numbered within the whole set
    assert fig.width <= 780


def test_my_drawings_make_room_for_long_names():
    labels = np.array([9, 0, 1])
    fig = figures.my_drawings_figure(np.zeros((3, 28, 28)), labels, np.array([9, 0, 2]), CLOTHES)
    assert [t.text for t in texts(fig)] == ["Ankle boot", "T-shirt/top", "Trouser→Pullover"]
    frames = [r for r in fig.tree().iter(f"{SVG}rect") if r.get("data-id")]
    pitch = float(frames[1].get("x")) - float(frames[0].get("x"))  # tile to tile
    assert pitch >= 0.5 * 15 * len("Trouser→Pullover")  # captions do not run into each other
    assert fig.width <= 780
