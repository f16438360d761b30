"""The SVG figures of the Learn page's first screen: each holds the data it was given,
readable from afar."""

from __future__ import annotations

import numpy as np

from tests.support.apptest import SVG, svg_picture, svg_rects, svg_texts
from ui.figures import png
from ui.learn import pictures as learn
from ui.learn import pixels, shapes

NAMES = [str(d) for d in range(10)]


def test_pixels_to_numbers_figures():
    numbers = pixels.image_as_numbers(np.linspace(0, 1, 784), 2)
    image = learn.image_figure(numbers.raw, "raw", (3, 4, 8))
    np.testing.assert_array_equal(svg_picture(image.tree()), png.ink_pixels(numbers.raw, 255))
    frame = [r for r in image.tree().iter(f"{SVG}rect") if r.get("stroke") == learn.RED][0]
    cell = 280 / 28
    assert float(frame.get("x")) == 4 * cell and float(frame.get("width")) == 8 * cell
    patch = learn.patch_figure(numbers.raw, 3, 4, 8, "up close")
    bytes_shown = [int(r.get("data-byte")) for r in svg_rects(patch.tree(), "byte")]
    assert bytes_shown == numbers.raw[3:11, 4:12].reshape(-1).tolist()
    v = int(numbers.raw[3, 4])
    labels = svg_texts(patch.tree())
    assert labels[labels.index(str(v)) + 1] == f"{v / 255:.2f}"  # byte, then byte / 255
    sizes = [int(t.get("font-size")) for t in patch.tree().iter(f"{SVG}text")]
    assert min(sizes) >= 14  # readable, unlike 784 numbers at 7 px
    strip = learn.flat_strip_figure(numbers.flat)
    np.testing.assert_array_equal(svg_picture(strip.tree())[0], png.ink_pixels(numbers.flat))
    hot = learn.one_hot_figure(numbers.one_hot, NAMES, "title")
    assert [r.get("data-value") for r in svg_rects(hot.tree(), "value")] == ["0", "0", "1"] + [
        "0"
    ] * 7
    assert (
        svg_texts(hot.tree())[0] == "title" and svg_texts(hot.tree())[-1] == "9"
    )  # names below the cells


def test_network_figure_shows_subset_and_real_counts():
    fig = learn.network_figure((784, 128, 10), "relu", NAMES, most=11)
    tree = fig.tree()
    units = [c.find(f"{SVG}title").text for c in tree.iter(f"{SVG}circle")]
    assert len(units) == 30  # 11 slots per wide layer, one of them the "⋮" gap; 10 outputs
    assert units[7:10] == ["layer 0, unit 781", "layer 0, unit 782", "layer 0, unit 783"]
    labels = svg_texts(fig.tree())
    assert labels.count("⋮") == 2
    assert {"784 pixels", "128 relu", "10 classes", *NAMES} <= set(labels)
    assert len(list(tree.iter(f"{SVG}line"))) == 10 * 10 + 10 * 10


def test_shape_tables_as_markdown():
    table = shapes.markdown_table(shapes.forward_shapes((784, 256, 10), 64))
    lines = table.splitlines()
    assert lines[0].startswith("| layer | input | W |") and len(lines) == 4
    assert "(784, 256)" in lines[2]
