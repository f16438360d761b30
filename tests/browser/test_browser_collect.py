"""A student alone on a tablet makes a data set by drawing, trains on it, and the network
reads new drawings of it right.

One tab on a 768 x 1024 touch tablet: on Draw, *Collect*, a collection of circles,
squares and triangles is made; circles and squares are drawn with the mouse, triangles
with a finger (touch events sent through the DevTools protocol, as a touch screen sends
them), eight of each. The sidebar then offers the collection, Train trains on it with
the *Small data* recipe, and Draw's Read mode names a new drawing of each class.

Every wait is for a state of the page: the Add button enabled once the stroke is read,
the class's count gone up, the run's result shown, the prediction on screen. A stroke
made while a fresh canvas is still loading is wiped; the test then draws it again.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from playwright.sync_api import expect

from tests.support import drawing
from tests.support.browser import APP_IDLE, ARTIFACTS
from tests.support.drawing import CANVAS, stroke_by_mouse, stroke_by_touch
from tests.support.shapes import SHAPES

pytestmark = pytest.mark.browser

PER_CLASS = 8
BY_TOUCH = "triangle"
TABLET = {"viewport": {"width": 768, "height": 1024}, "has_touch": True, "is_mobile": True}
WAIT_MS = 30_000  # the longest a page state may take to appear before the test fails


@pytest.fixture
def tablet(browser, app_url):
    """A fresh touch-tablet tab at the Draw page."""
    context = browser.new_context(**TABLET)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(f"{app_url}/draw")
    page.locator(CANVAS).first.wait_for(timeout=60_000)
    page.wait_for_function(APP_IDLE, timeout=60_000)
    yield page
    context.close()


def draw(page, kind: str, rng, until) -> None:
    """Draw ``kind`` (by touch for ``BY_TOUCH``) until the page shows ``until`` read."""
    stroke = stroke_by_touch if kind == BY_TOUCH else stroke_by_mouse
    drawing.draw(page, kind, rng, stroke, until, WAIT_MS)


def make_collection(page) -> None:
    main = page.get_by_test_id("stMain")
    main.get_by_text("Collect a data set").click()
    main.get_by_label("Class names").fill(", ".join(SHAPES))
    main.get_by_label("Its name").fill("Our shapes")
    main.get_by_role("button", name="Create").click()
    main.get_by_text("What will you draw next?").wait_for()


def count_of(page, kind: str):
    return page.get_by_test_id("stMetric").filter(has_text=kind).get_by_test_id("stMetricValue")


def collect(page, rng) -> None:
    main = page.get_by_test_id("stMain")
    add = main.get_by_role("button", name="Add to the collection")
    for kind in SHAPES:
        main.get_by_test_id("stButtonGroup").get_by_text(kind, exact=True).click()
        page.wait_for_function(APP_IDLE)
        for n in range(1, PER_CLASS + 1):
            draw(page, kind, rng, lambda: expect(add).to_be_enabled(timeout=8_000))
            add.click()
            expect(count_of(page, kind)).to_have_text(str(n))


def train_on_it(page) -> None:
    page.get_by_test_id("stSidebarCollapsedControl").or_(
        page.get_by_test_id("stExpandSidebarButton")
    ).first.click()
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Our shapes").click()
    sidebar.get_by_text(re.compile(r"Our shapes\*?\*? · \d+ train / \d+ test")).wait_for()
    sidebar.get_by_role("link", name="Train").click()
    sidebar.hover()  # a tablet's sidebar covers the page: close it, as a student would
    page.get_by_test_id("stSidebarCollapseButton").click()
    main = page.get_by_test_id("stMain")
    main.get_by_text(re.compile(r"24 drawings: \d+ to learn from, \d+ held out")).wait_for()
    page.wait_for_function(APP_IDLE)
    preset = main.get_by_test_id("stSelectbox").first
    preset.locator("input").fill("Small data")  # typed, as on a keyboard: one option left
    preset.locator("input").press("Enter")
    expect(preset.get_by_role("combobox")).to_have_value("Small data")
    page.wait_for_function(APP_IDLE)
    main.get_by_role("button", name="Start", exact=True).click()
    main.get_by_text("Try it on your handwriting").wait_for(timeout=180_000)


def read_each(page, rng) -> dict[str, str]:
    page.get_by_test_id("stMain").get_by_text("Try it on your handwriting").click()
    page.locator(CANVAS).first.wait_for()
    prediction = page.get_by_test_id("stMetric").filter(has_text="Prediction")
    read = {}
    for kind in SHAPES:
        page.get_by_role("button", name="Clear").click()
        expect(prediction).to_have_count(0)
        draw(page, kind, rng, lambda: prediction.wait_for(timeout=8_000))
        page.wait_for_function(APP_IDLE)
        read[kind] = prediction.get_by_test_id("stMetricValue").inner_text().strip()
    return read


def test_a_student_draws_a_data_set_trains_on_it_and_it_reads_new_drawings(tablet, snap):
    rng = np.random.default_rng(5)
    try:
        make_collection(tablet)
        collect(tablet, rng)
        latest = tablet.locator('img.nn-figure[data-chart="collection-latest"]')
        latest.scroll_into_view_if_needed()
        latest.screenshot(path=str(ARTIFACTS / "collect-tablet-latest.png"))
        train_on_it(tablet)
        read = read_each(tablet, np.random.default_rng(6))
    finally:
        snap(tablet, "collect-tablet")
    assert read == {kind: kind for kind in SHAPES}
    assert tablet.get_by_test_id("stException").count() == 0
