"""The Draw page in a real browser: digits drawn with the mouse on the canvas are read right.

The canvas component renders inside an open shadow root; Playwright's CSS locators pierce
it, so ``canvas.upper-canvas`` (the layer Fabric.js listens to) is found directly. Each
digit is drawn with ``page.mouse`` from a cleared canvas; after each stroke the test waits
for the probability figure (the SVG ``draw_probs``, its bars' ``data-value``) to change,
then reads the answer from the "Prediction" metric.
"""

from __future__ import annotations

import math
import re

import pytest

from tests.support.browser import SVG_OF

pytestmark = pytest.mark.browser

IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
METRIC = '[data-testid="stMetricValue"]'
CANVAS = "canvas.upper-canvas"
MOUNT_SETTLE_MS = 700
"""A freshly mounted canvas loads its (empty) initial drawing asynchronously; a stroke made
in the first instants can be wiped by that load. No person draws that fast after pressing
Clear, but a test does, so it waits this long before the first stroke."""

PROBS_FIGURE = 'img.nn-figure[data-chart="draw_probs"]'
PROBABILITIES = f"""() => {{
  const img = document.querySelector('{PROBS_FIGURE}');
  if (!img) return null;
  const fig = ({SVG_OF})(img);
  return [...fig.querySelectorAll('rect[data-value]')].map(r => r.dataset.value).join(' ');
}}"""
# Every new stroke changes the ten probabilities; once the bar figure shows new ones, the
# script run that read the stroke has also updated the "Prediction" metric above it.
NEW_PROBABILITIES = (
    f"(before) => {{ const now = ({PROBABILITIES})(); return now && now !== before; }}"
)


def loop(cx: float, cy: float, rx: float, ry: float, n: int = 24) -> list[tuple[float, float]]:
    """A closed polyline of ``n`` segments around an ellipse, starting at the top."""
    return [
        (cx + rx * math.sin(2 * math.pi * k / n), cy - ry * math.cos(2 * math.pi * k / n))
        for k in range(n + 1)
    ]


# Digits as strokes, in fractions of the canvas (x right, y down).
ONE = [[(0.5, 0.15), (0.5, 0.85)]]
SEVEN = [[(0.25, 0.2), (0.75, 0.2)], [(0.75, 0.2), (0.42, 0.85)]]
ZERO = [loop(0.5, 0.5, 0.22, 0.33)]
SMALL_SEVEN_IN_A_CORNER = [[(0.62, 0.6), (0.88, 0.6)], [(0.88, 0.6), (0.72, 0.92)]]
SCRIBBLE = [  # a hash sign: no digit at all
    [(0.35, 0.15), (0.3, 0.85)],
    [(0.7, 0.15), (0.65, 0.85)],
    [(0.15, 0.38), (0.85, 0.35)],
    [(0.15, 0.62), (0.85, 0.6)],
]


@pytest.fixture
def draw_page(page, app_url):
    """The Draw page (the fixture's home-page visit has set up the app's navigation)."""
    page.goto(f"{app_url}/draw")
    page.locator(CANVAS).first.wait_for(timeout=60_000)
    page.wait_for_function(IDLE, timeout=60_000)
    page.wait_for_timeout(MOUNT_SETTLE_MS)
    return page


def stroke(page, points: list[tuple[float, float]], steps: int = 8) -> None:
    """Pen down at the first point, through the others, pen up; then wait for the answer."""
    before = page.evaluate(PROBABILITIES)
    box = page.locator(f"{CANVAS}:not([data-old])").bounding_box()
    xy = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    page.mouse.move(*xy[0])
    page.mouse.down()
    for x, y in xy[1:]:
        page.mouse.move(x, y, steps=steps)
    page.mouse.up()
    page.wait_for_function(NEW_PROBABILITIES, arg=before, timeout=30_000)


def draw_digit(page, strokes) -> str:
    """Draw every stroke and return the predicted label the page shows."""
    for points in strokes:
        stroke(page, points)
    page.wait_for_function(IDLE, timeout=30_000)
    return page.locator(METRIC).first.inner_text().strip()


def clear(page) -> None:
    """Press Clear; return once the fresh canvas (a new element) is there to draw on.

    Drawing on the old canvas while it is being replaced would be lost, so the old one
    is marked first and the test waits for an unmarked one.
    """
    page.locator(CANVAS).first.evaluate("el => { el.dataset.old = 'yes'; }")
    page.get_by_role("button", name="Clear").click()
    page.wait_for_function(f"() => !document.querySelector('{METRIC}')", timeout=30_000)
    page.wait_for_function(IDLE, timeout=30_000)
    page.locator(f"{CANVAS}:not([data-old])").wait_for(timeout=30_000)
    page.wait_for_timeout(MOUNT_SETTLE_MS)


def test_empty_canvas_shows_a_hint(draw_page):
    main = draw_page.locator('[data-testid="stMain"]')
    assert main.get_by_text("Draw one digit in the black square").is_visible()
    assert draw_page.locator(METRIC).count() == 0
    assert draw_page.locator('[data-testid="stException"]').count() == 0
    box = draw_page.locator(CANVAS).first.bounding_box()
    assert (round(box["width"]), round(box["height"])) == (280, 280)


@pytest.mark.parametrize(
    ("strokes", "expected"),
    [(ONE, "1"), (SEVEN, "7"), (ZERO, "0"), (SMALL_SEVEN_IN_A_CORNER, "7")],
    ids=["vertical-stroke-1", "two-stroke-7", "loop-0", "small-7-in-a-corner"],
)
def test_drawn_digit_is_recognised(draw_page, strokes, expected):
    assert draw_digit(draw_page, strokes) == expected
    assert draw_page.locator('[data-testid="stException"]').count() == 0


def test_clear_between_digits_and_the_whole_page(draw_page, snap):
    page = draw_page
    assert draw_digit(page, ONE) == "1"
    clear(page)
    assert page.get_by_text("Draw one digit in the black square").is_visible()
    assert draw_digit(page, SEVEN) == "7"
    main = page.locator('[data-testid="stMain"]')
    assert main.get_by_alt_text("Probability of each class").is_visible()
    assert main.get_by_text("How the network sees your drawing").is_visible()
    page.wait_for_function(  # probabilities, preprocessing, saliency
        "() => document.querySelectorAll('[data-testid=\"stMain\"] img.nn-figure').length >= 3",
        timeout=30_000,
    )
    assert page.locator(PROBS_FIGURE).count() == 1
    assert len(page.evaluate(PROBABILITIES).split()) == 10
    # keep the drawing in my drawings, so the screenshot shows that section at work
    page.get_by_role("radiogroup", name="What did you draw?").get_by_role(
        "radio", name="7", exact=True
    ).click()
    page.wait_for_function(IDLE, timeout=30_000)
    page.get_by_role("button", name="Add this drawing to my drawings").click()
    page.get_by_text("Read correctly by this model").wait_for(timeout=30_000)
    page.wait_for_function(IDLE, timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(int(height) + 40, 6000)})
    page.wait_for_timeout(1500)  # the page lays itself out again at the new size
    assert snap(page, "draw").stat().st_size > 50_000


def set_threshold_to_the_top(page) -> None:
    """On the Evaluate page, push the "not sure" threshold to 100 %: every drawing is then
    "not sure". The threshold lives in the session, so the Draw page must be reached
    through the app's own navigation, not a new page load (a new session)."""
    main = page.locator('[data-testid="stMain"]')
    main.get_by_role("radio", name=re.compile("Not sure")).click()
    page.wait_for_function(IDLE, timeout=60_000)
    slider = main.get_by_role("slider", name=re.compile("not sure", re.IGNORECASE))
    slider.focus()
    slider.press("End")
    page.wait_for_function(IDLE, timeout=60_000)
    main.get_by_text("below the same threshold").wait_for(timeout=60_000)


def test_an_unsure_answer_keeps_the_canvas_and_the_bars_above_the_fold(page, app_url):
    """A laptop (1280x800): the warning must not push the probabilities out of sight."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{app_url}/evaluate")
    set_threshold_to_the_top(page)
    nav = page.get_by_test_id("stSidebarNavItems")
    nav.get_by_role("link", name="Draw", exact=True).click()
    page.locator(CANVAS).first.wait_for(timeout=60_000)
    page.wait_for_function(IDLE, timeout=60_000)
    page.wait_for_timeout(MOUNT_SETTLE_MS)
    for points in SCRIBBLE:
        stroke(page, points)
    page.wait_for_function(IDLE, timeout=30_000)
    main = page.locator('[data-testid="stMain"]')
    warning = main.locator('[data-testid="stAlert"]', has_text="Not sure:")
    warning.wait_for(timeout=30_000)
    assert main.get_by_text(re.compile("below 100%")).count() == 1  # the threshold in force
    page.wait_for_timeout(500)  # the last layout pass
    canvas = page.locator(CANVAS).first.bounding_box()
    bars = page.locator(PROBS_FIGURE).bounding_box()
    assert canvas["y"] + canvas["height"] <= 800, "canvas below the fold"
    assert bars["y"] + bars["height"] <= 800, "probabilities below the fold"
    assert warning.bounding_box()["y"] >= bars["y"] + bars["height"]  # under the bars
    assert page.locator('[data-testid="stException"]').count() == 0
