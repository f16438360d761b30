"""The data explorer in AppTest: every control reachable by its key and wired to its chart."""

from __future__ import annotations

import os

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apptest import SVG, open_page, read_png, svg_figures, svg_texts, svg_values
from tests.support.apptest import plotly_charts as charts
from ui import shared as ui_shared
from ui.data import keys, stats
from ui.figures import png, tiles
from ui.state import K

REAL_DATA = os.environ.get("NN_DATA_DIR")


@pytest.fixture()
def sample_data(bundled_sample_only):
    """Only the bundled MNIST sample (8,000 + 2,000 images): the same on every machine."""
    return bundled_sample_only("mnist")


def grid_ids(at: AppTest) -> set[int]:
    """The image numbers shown in the example grid (read from its tiles' ``data-id``)."""
    tiles = svg_figures(at)["examples"].iter(f"{SVG}rect")
    return {int(r.get("data-id")) for r in tiles if r.get("data-id") is not None}


def test_page_shows_every_view(sample_data):
    at = open_page("data", {keys.PCA_OPEN: True, keys.CLOSER_OPEN: True})
    found = charts(at)
    pictures = svg_figures(at)
    for chart in ("examples", "class_counts", "pixel_histogram", "class_means", "class_variance"):
        assert chart in pictures
    assert {"pca", "compare"} <= set(found)
    assert not {"pixel_patch", "flat_strip", "one_hot"} & set(pictures)  # Learn's, not repeated
    counts = svg_values(pictures["class_counts"])  # train and test, class by class
    assert counts[0::2] == np.bincount(sample_data.y_train, minlength=10).tolist()
    assert counts[1::2] == np.bincount(sample_data.y_test, minlength=10).tolist()
    assert len(grid_ids(at)) == 32
    assert sum(len(t["x"]) for t in found["pca"][0]["data"]) == 1000
    headers = [h.value for h in at.header]
    assert headers == ["Examples", "Classes and pixels"]
    assert svg_texts(pictures["class_variance"])[0] == "Pixel variance within each class"
    assert any("pixels near the border hardly ever vary" in c.value for c in at.caption)


def test_first_screen_sends_little_and_leaves_the_rest_closed(sample_data):
    at = open_page("data")
    assert not charts(at)  # no Plotly on the first screen: its script alone takes a second
    assert len(svg_figures(at)) == 5
    assert len(at.expander) >= 2
    size = sum(len(m.value) for m in at.markdown)
    assert size < 150_000  # was about 800 kB of chart data with heatmaps


def test_more_dots_on_the_pca_map_on_request(sample_data):
    at = open_page("data", {keys.PCA_OPEN: True})
    first = charts(at)["pca"][0]["data"]
    at.button_group(key=keys.PCA_POINTS).set_value(3000).run()
    assert not at.exception, at.exception
    more = charts(at)["pca"][0]["data"]
    assert sum(len(t["x"]) for t in more) == 3000
    ids = set(np.concatenate([np.asarray(t["customdata"]) for t in first]).tolist())
    assert ids < set(np.concatenate([np.asarray(t["customdata"]) for t in more]).tolist())


def test_class_filter_shows_only_that_class(sample_data):
    at = open_page("data")
    assert at.button_group(key=keys.CLASS).value == "All"
    at.button_group(key=keys.CLASS).set_value("3").run()
    assert not at.exception, at.exception
    ids = sorted(grid_ids(at))
    assert len(ids) == 32 and set(sample_data.y_train[ids].tolist()) == {3}
    captions = set(svg_texts(svg_figures(at)["examples"]))
    assert captions == {"3"}


def test_new_draw_changes_the_images_reproducibly(sample_data):
    at = open_page("data")
    first = grid_ids(at)
    at.button(key=keys.NEW_DRAW).click().run()
    assert not at.exception, at.exception
    assert at.session_state[keys.SEED] == 1
    second = grid_ids(at)
    assert second != first
    expected = stats.draw_examples(sample_data.y_train, None, 32, seed=1)
    assert second == set(expected.tolist())


def test_index_picks_the_image_compared_with_its_class(sample_data):
    at = open_page("data", {keys.CLOSER_OPEN: True})
    at.number_input(key=keys.INDEX).set_value(123).run()
    assert not at.exception, at.exception
    spec = charts(at)["compare"][0]
    label = sample_data.y_train[123]
    captions = [a["text"] for a in spec["layout"]["annotations"]]
    assert captions[:2] == ["<b>image #123</b>", f"<b>average {label}</b>"]
    pixels = read_png(spec["data"][0]["source"])
    top, left = tiles.tile_origin(0, cols=3)
    shown = pixels[top : top + 28, left : left + 28, 0]
    expected = png.ink_pixels(sample_data.X_train[123].reshape(28, 28))
    assert np.abs(shown.astype(int) - expected).max() <= 1


def test_presentation_switch_hides_the_captions(sample_data):
    """Turned on in the sidebar, as a teacher does: the figures stay, their notes go."""
    at = open_page("data", {keys.CLOSER_OPEN: True})
    notes = ("Random draw number", "Red: ink where the average")
    figures = set(svg_figures(at)) | set(charts(at))

    def shown(text: str) -> bool:
        return any(text in c.value for c in at.caption)

    assert all(shown(note) for note in notes)
    assert any("already recognisable" in m.value for m in at.markdown)
    at.sidebar.toggle(key=K.PRESENTATION).set_value(True).run()
    assert not at.exception, at.exception
    assert not any(shown(note) for note in notes)
    assert not any("already recognisable" in m.value for m in at.markdown)
    assert set(svg_figures(at)) | set(charts(at)) == figures


@pytest.mark.skipif(not REAL_DATA, reason="set NN_DATA_DIR (e.g. /work/shared) for full data")
def test_switching_to_fashion_mnist_keeps_controls_valid(monkeypatch):
    monkeypatch.setenv("NN_DATA_DIR", REAL_DATA)
    ui_shared.get_dataset.clear()
    at = open_page("data", {keys.CLOSER_OPEN: True})
    at.number_input(key=keys.INDEX).set_value(59_999).run()
    at.button_group(key=keys.CLASS).set_value("7").run()
    at.session_state[K.DATASET] = "fashion-mnist"
    at.run()
    assert not at.exception, at.exception
    if at.info:  # this machine has no Fashion-MNIST: the page shows MNIST instead
        pytest.skip("Fashion-MNIST not found in NN_DATA_DIR")
    assert at.title[0].value == "Explore the data: Fashion-MNIST"
    assert at.button_group(key=keys.CLASS).value == "All"  # "7" is not a clothing class
    at.button_group(key=keys.CLASS).set_value("Bag").run()
    assert not at.exception, at.exception
    bags = ui_shared.get_dataset("fashion-mnist").y_train[sorted(grid_ids(at))]
    assert set(bags.tolist()) == {8}
    assert at.number_input(key=keys.INDEX).value == 59_999
    ui_shared.get_dataset.clear()
