"""The Inside page in a real browser: the weight grid redraws itself while a run trains,
and every view renders at classroom and projector sizes (screenshots in tests/_artifacts).

Deterministic by construction: the test reads the grid's own image data and the run's
step from the chart (Plotly's data in the page), and waits, with a generous deadline,
until *both* the step and the pixels have changed; it never assumes a speed.
"""

from __future__ import annotations

import re
import time

import pytest

from tests.support.browser import screenshot, start_slow_run, wait_for_app_idle

pytestmark = pytest.mark.browser

LIVE = re.compile(r"Live: run #\d+, step ([\d,]+)")
GRID_STATE = """() => {
    for (const el of document.querySelectorAll('.js-plotly-plot')) {
        const meta = el.layout && el.layout.meta;
        if (!meta || meta.chart !== 'inside.weight_grid' || !el.data) continue;
        const z = el.data[0].z;
        let sum = 0, i = 0;
        if (z && z.bdata) { sum = z.bdata; } else {
            for (const row of z) { for (const v of row) { sum = (sum * 31 + v + i) % 1000000007; i++; } }
        }
        const title = el.layout.title && el.layout.title.text;
        return {title: String(title || ''), pixels: String(sum)};
    }
    return null;
}"""


def _main(page):
    return page.get_by_test_id("stMainBlockContainer")


def _nav(page, name: str) -> None:
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name=name, exact=True).click()


def _wait_for(predicate, timeout: float = 60.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def _live_step(page) -> tuple[int, str] | None:
    state = page.evaluate(GRID_STATE)
    match = state and LIVE.search(state["title"])
    return (int(match.group(1).replace(",", "")), state["pixels"]) if match else None


def test_weight_grid_changes_while_a_run_trains(page, snap):
    _nav(page, "Train")
    start_slow_run(page)

    _nav(page, "Inside")
    _main(page).get_by_text("Inside the network").first.wait_for()
    first = _wait_for(lambda: _live_step(page), what="the live weight grid")
    later = _wait_for(
        lambda: (now := _live_step(page)) and now[0] > first[0] and now[1] != first[1] and now,
        what="the grid to redraw with newer weights",
    )
    assert later[0] > first[0] and later[1] != first[1]
    page.mouse.move(0, 0)
    snap(page, "inside_live")


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)])
def test_every_view_renders(browser, app_url, size):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{app_url}/inside")
        _main(page).get_by_text("Inside the network").first.wait_for()
        least = {"Weights": 5, "Activations": 6, "Health": 0, "Experiments": 1, "Backprop": 0}
        for view, n in least.items():
            _main(page).get_by_role("tab", name=view, exact=True).click()
            wait_for_app_idle(page, timeout=60)
            charts = page.get_by_test_id("stPlotlyChart")
            deadline = time.monotonic() + 60  # the first view may still be on its way
            while charts.count() < n and time.monotonic() < deadline:
                page.wait_for_timeout(200)
            time.sleep(1.0)  # let Plotly finish drawing
            assert page.get_by_test_id("stException").count() == 0, view
            assert charts.count() >= n, view
            page.mouse.move(0, 0)
            screenshot(page, f"inside_{view.lower()}_{size[0]}x{size[1]}")
    finally:
        context.close()
