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
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.support.browser import APP_IDLE, ARTIFACTS
from tests.support.shapes import SHAPES, SIZE, _corners

pytestmark = pytest.mark.browser

CANVAS = "canvas.upper-canvas"
PER_CLASS = 8
BY_TOUCH = "triangle"
TABLET = {"viewport": {"width": 768, "height": 1024}, "has_touch": True, "is_mobile": True}
TRIES = 5  # strokes wiped by a canvas still loading are drawn again, at most this often
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


def outline(page, kind: str, rng) -> list[tuple[float, float]]:
    """A closed outline of ``kind`` in page coordinates, a little different every time."""
    canvas = page.locator(CANVAS).first
    canvas.wait_for(state="visible")
    canvas.scroll_into_view_if_needed()  # the mouse and the finger act in the window
    box = canvas.bounding_box()
    if box is None:  # replaced by a fresh canvas meanwhile
        raise AssertionError("no canvas to draw on yet")
    scale = box["width"] / SIZE
    points = [(box["x"] + x * scale, box["y"] + y * scale) for x, y in _corners(kind, rng)]
    return [*points, points[0]]


def stroke_by_mouse(page, points) -> None:
    page.mouse.move(*points[0])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(x, y, steps=6)
    page.mouse.up()


def along(points, steps: int = 6) -> list[tuple[float, float]]:
    """The points with ``steps`` evenly spaced ones on every side, as a finger moves."""
    path = [points[0]]
    for (x0, y0), (x1, y1) in zip(points[:-1], points[1:], strict=True):
        path += [
            (x0 + (x1 - x0) * t / steps, y0 + (y1 - y0) * t / steps) for t in range(1, steps + 1)
        ]
    return path


def stroke_by_touch(page, points) -> None:
    """One finger down, along the sides, up: the events a touch screen sends."""
    path = along(points)
    cdp = page.context.new_cdp_session(page)
    kinds = ["touchStart"] + ["touchMove"] * (len(path) - 1)
    for kind, (x, y) in zip(kinds, path, strict=True):
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def draw(page, kind: str, rng, until) -> None:
    """Draw ``kind`` until the page shows ``until`` (a locator) read from it."""
    stroke = stroke_by_touch if kind == BY_TOUCH else stroke_by_mouse
    for _ in range(TRIES):
        page.wait_for_function(APP_IDLE, timeout=WAIT_MS)
        try:
            stroke(page, outline(page, kind, rng))
            until()
            return
        except (PlaywrightError, AssertionError):  # a timeout, or a canvas just replaced
            continue
    raise AssertionError(f"the page never read the {kind}")


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
