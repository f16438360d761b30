"""The SVG writer behind the first screens' figures: well-formed markup a browser and a
test can both read, bars on a shared axis, ticks a class can read from afar."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.support.apptest import SVG
from ui.figures import svg, theme


def texts(fig: svg.Svg) -> list[str]:
    return [t.text or "" for t in fig.tree().iter(f"{SVG}text")]


def rects(fig: svg.Svg, attribute: str) -> list[ET.Element]:
    return [r for r in fig.tree().iter(f"{SVG}rect") if r.get(f"data-{attribute}") is not None]


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
