"""The SVG figures of the first screens (Learn, Data): each holds the data it was given,
readable from afar, in markup a browser and a test can both read."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from tests.apptest_support import SVG, read_png
from ui import charts_learn, dataview
from ui.explore import pictures as explore
from ui.figures import png, svg, theme, tiles
from ui.figures.theme import CLASS_COLORS
from ui.learn import pictures as learn

NAMES = [str(d) for d in range(10)]


def texts(fig: svg.Svg) -> list[str]:
    return [t.text or "" for t in fig.tree().iter(f"{SVG}text")]


def rects(fig: svg.Svg, attribute: str) -> list[ET.Element]:
    return [r for r in fig.tree().iter(f"{SVG}rect") if r.get(f"data-{attribute}") is not None]


def picture(fig: svg.Svg, index: int = 0) -> np.ndarray:
    return read_png(list(fig.tree().iter(f"{SVG}image"))[index].get("href"))


# --- the SVG writer -------------------------------------------------------------------


def test_the_page_shows_an_image_of_well_formed_svg_scaled_to_its_column():
    fig = svg.Svg("demo", 400, 300, svg.text(1, 2, "a < b & c"), "Demo")
    img = fig.img()
    root = svg.Svg.read(img)  # what the browser decodes from the image's data URI
    assert ET.tostring(root) == ET.tostring(fig.tree())
    assert root.get("data-chart") == "demo" and root.get("viewBox") == "0 0 400 300"
    assert (root.get("width"), root.get("height")) == ("400", "300")  # its natural size
    assert 'class="nn-figure" data-chart="demo" alt="Demo"' in img
    assert "width:100%" in img and f"max-width:{400 * svg.GROW:.0f}px" in img
    assert f"max-width:{520 * svg.GROW:.0f}px" in fig.img(1.3)  # presentation: larger
    assert texts(fig) == ["a < b & c"]  # escaped, so read back as written


def test_nice_ticks_and_labels():
    assert svg.nice_ticks(6742) == [0, 2000, 4000, 6000, 8000]
    assert svg.nice_ticks(1.0) == pytest.approx([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    assert svg.nice_ticks(0) == [0.0, 1.0]
    assert [svg.tick_label(v) for v in (0, 0.5, 2000, 12000, 3e6)] == [
        "0", "0.5", "2k", "12k", "3M",
    ]  # fmt: skip


def test_bars_hold_their_values_on_a_shared_axis():
    series = [svg.Series("train", "#111111", [5, 10]), svg.Series("test", "#222222", [1, 2])]
    fig = svg.bars("b", ["cat", "dog"], series, title="Counts")
    bars = rects(fig, "value")
    assert [float(r.get("data-value")) for r in bars] == [5, 1, 10, 2]
    heights = [float(r.get("height")) for r in bars]
    assert heights[2] == pytest.approx(2 * heights[0]) and heights[1] == pytest.approx(
        heights[0] / 5
    )
    labels = texts(fig)
    assert labels[0] == "Counts" and {"cat", "dog", "train", "test"} <= set(labels)


def test_log_bars_keep_few_labels_and_show_small_counts():
    fig = svg.bars("h", list("abcd"), [svg.Series("n", "#000000", [1e7, 100, 1, 0])], log=True)
    ticks = [t for t in texts(fig) if t and t[0].isdigit()]
    assert len(ticks) <= theme.MAX_LOG_TICKS
    heights = [float(r.get("height")) for r in rects(fig, "value")]
    assert heights[0] > heights[1] > heights[2] == heights[3] == 0


# --- Learn ------------------------------------------------------------------------------


def test_pixels_to_numbers_figures():
    steps = dataview.preprocessing_steps(np.linspace(0, 1, 784), 2)
    image = learn.image_figure(steps.raw, "raw", (3, 4, 8))
    np.testing.assert_array_equal(picture(image), png.ink_pixels(steps.raw, 255))
    frame = [r for r in image.tree().iter(f"{SVG}rect") if r.get("stroke") == learn.RED][0]
    cell = 280 / 28
    assert float(frame.get("x")) == 4 * cell and float(frame.get("width")) == 8 * cell
    patch = learn.patch_figure(steps.raw, 3, 4, 8, "up close")
    bytes_shown = [int(r.get("data-byte")) for r in rects(patch, "byte")]
    assert bytes_shown == steps.raw[3:11, 4:12].reshape(-1).tolist()
    v = int(steps.raw[3, 4])
    labels = texts(patch)
    assert labels[labels.index(str(v)) + 1] == f"{v / 255:.2f}"  # byte, then byte / 255
    sizes = [int(t.get("font-size")) for t in patch.tree().iter(f"{SVG}text")]
    assert min(sizes) >= 14  # readable, unlike 784 numbers at 7 px
    strip = learn.flat_strip_figure(steps.flat)
    np.testing.assert_array_equal(picture(strip)[0], png.ink_pixels(steps.flat))
    hot = learn.one_hot_figure(steps.one_hot, NAMES, "title")
    assert [r.get("data-value") for r in rects(hot, "value")] == ["0", "0", "1"] + ["0"] * 7
    assert texts(hot)[0] == "title" and texts(hot)[-1] == "9"  # names below the cells


def test_network_figure_shows_subset_and_real_counts():
    fig = learn.network_figure((784, 128, 10), "relu", NAMES, most=11)
    tree = fig.tree()
    units = [c.find(f"{SVG}title").text for c in tree.iter(f"{SVG}circle")]
    assert len(units) == 30  # 11 slots per wide layer, one of them the "⋮" gap; 10 outputs
    assert units[7:10] == ["layer 0, unit 781", "layer 0, unit 782", "layer 0, unit 783"]
    labels = texts(fig)
    assert labels.count("⋮") == 2
    assert {"784 pixels", "128 relu", "10 classes", *NAMES} <= set(labels)
    assert len(list(tree.iter(f"{SVG}line"))) == 10 * 10 + 10 * 10


def test_shape_tables_as_markdown():
    table = charts_learn.markdown_table(charts_learn.forward_shapes((784, 256, 10), 64))
    lines = table.splitlines()
    assert lines[0].startswith("| layer | input | W |") and len(lines) == 4
    assert "(784, 256)" in lines[2]


# --- Data -------------------------------------------------------------------------------


def test_example_grid_is_one_picture_with_ids_labels_and_colours():
    rng = np.random.default_rng(0)
    images = rng.random((6, 28, 28))
    labels = np.array([3, 1, 4, 1, 5, 9])
    ids = np.arange(100, 106)
    fig = explore.example_grid_figure(images, labels, ids, NAMES, cols=3)
    canvas, _ = tiles.tile(images, 3)
    np.testing.assert_array_equal(picture(fig), png.ink_pixels(canvas))
    shown = rects(fig, "id")
    assert [int(r.get("data-id")) for r in shown] == ids.tolist()
    assert shown[4].find(f"{SVG}title").text == "5, training image #104"
    captions = [t for t in fig.tree().iter(f"{SVG}text")]
    assert [t.text for t in captions] == list("314159")
    assert captions[0].get("fill") == CLASS_COLORS[3]
    assert len(fig.markup()) < 30_000  # a picture, not 7,000 numbers with hover labels


def test_statistics_figures_hold_the_statistics():
    counts = explore.class_counts_figure(np.arange(10) + 5, np.arange(10), NAMES)
    values = [float(r.get("data-value")) for r in rects(counts, "value")]
    assert values[0::2] == list(range(5, 15)) and values[1::2] == list(range(10))
    hist = explore.pixel_histogram_figure(np.array([5, 3, 1, 0]), np.linspace(0, 1, 5))
    assert [float(r.get("data-value")) for r in rects(hist, "value")] == [5, 3, 1, 0]
    means = np.random.default_rng(0).random((10, 784))
    fig = explore.class_means_figure(means, NAMES)
    top, left = tiles.tile_origin(7, cols=10)
    tile7 = picture(fig)[top : top + 28, left : left + 28]
    np.testing.assert_array_equal(tile7, png.ink_pixels(means[7].reshape(28, 28), means.max()))
    var = explore.class_variance_figure(means * 0.1, NAMES)
    assert texts(var)[0] == "Pixel variance within each class"
    assert picture(var).ndim == 3  # the heat scale, in colour
    tips = [t.text for t in var.tree().iter(f"{SVG}title")]
    assert len(tips) == 10 and tips[0].startswith("0: mean variance")
    assert any("dark blue" in t for t in texts(var))  # the colour key
