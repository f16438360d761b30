"""The Evaluate page in Chromium: clicking a confusion-matrix cell shows its images."""

from __future__ import annotations

import re
import time

import pytest

from tests.support.browser import wait_for_app_idle

pytestmark = pytest.mark.browser

CELL_TITLE = re.compile(r"True (\d), answered (\d)")


def cell_title(page) -> tuple[int, int]:
    """(true, answered) from the title of the cell's image grid."""
    text = page.locator(".js-plotly-plot .gtitle", has_text=CELL_TITLE).first.text_content()
    t, a = CELL_TITLE.search(text).groups()
    return int(t), int(a)


def wait_for_title(page, want: str, timeout: float = 30.0) -> bool:
    """Until the cell's image grid is titled ``want...`` (and no older grid is left).
    Polled from here: Playwright's
    in-page ``wait_for_function`` never saw these titles appear on this page, though
    they were there within half a second."""
    deadline = time.monotonic() + timeout
    script = (
        "() => [...document.querySelectorAll('.js-plotly-plot .gtitle')].map(t => t.textContent)"
    )
    while time.monotonic() < deadline:
        cells = [t for t in page.evaluate(script) if CELL_TITLE.search(t)]
        if cells and all(title.startswith(want) for title in cells):  # the old grid gone too
            return True
        page.wait_for_timeout(100)
    return False


def a_mistake_cell(page, besides: tuple[int, int]) -> tuple[int, int]:
    """An off-diagonal cell with images (read from the heatmap's own counts), not ``besides``."""
    z = page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')]
            .find(p => p.textContent.includes('Confusion matrix'))._fullData[0].z"""
    )
    cells = [(int(z[t][a]), t, a) for t in range(10) for a in range(10) if t != a]
    count, t, a = max(c for c in cells if (c[1], c[2]) != besides)
    assert count > 0
    return t, a


def test_clicking_a_confusion_cell_lists_its_images(page, app_url, snap):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(app_url + "/evaluate")
    page.wait_for_selector("h1:has-text('Evaluate')")
    matrix = page.locator(".js-plotly-plot", has_text="Confusion matrix").first
    matrix.wait_for()
    wait_for_app_idle(page)
    snap(page, "evaluate_first_view_1280")
    matrix.scroll_into_view_if_needed()
    before = cell_title(page)
    for true, answered in ((2, 2), a_mistake_cell(page, before)):  # right, then wrong
        want = f"True {true}, answered {answered}"
        for _ in range(3):  # a click that lands while the page still reruns can be lost
            box = matrix.locator(".nsewdrag").first.bounding_box()
            page.mouse.click(
                box["x"] + box["width"] * (answered + 0.5) / 10,
                box["y"] + box["height"] * (true + 0.5) / 10,
            )
            if wait_for_title(page, want, timeout=20.0):  # a second click re-selects the same
                break
        else:
            raise AssertionError(f"no grid titled {want!r} after three clicks")
        wait_for_app_idle(page)
        assert cell_title(page) == (true, answered) != before
        captions = page.locator(".js-plotly-plot", has_text=CELL_TITLE).first
        deadline = time.monotonic() + 30  # Plotly may still be drawing the grid
        while captions.locator(".annotation").count() < 1 and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        assert captions.locator(".annotation").count() >= 1  # its images, each captioned
    page.set_viewport_size({"width": 1920, "height": 1080})
    wait_for_app_idle(page)
    snap(page, "evaluate_cell_1920")
