"""Five `fast` runs in a real browser: the rate changes only when someone changes it, and
no Train chart fades while a run trains.

The learning rate used to change by itself: the server wrote the rate in force into the
"Learning rate now" control at every redraw, and a rerun the browser sent with the value
it still held changed the run's rate back ("Learning rate changed to 0.05 at step
1,362"). The `fast` recipe's rate falls linearly to 0, so the rate in force passes several
of the offered values during every run: each one was a chance for the race.

The fade is measured, not timed: a loop in the page reads, on every animation frame while
the progress bar says the run is under way ("Epoch 1 of 3 · step ...", where an ended run
says "3.00 epochs"), each Train chart's computed opacity times that of all its ancestors,
which is what the eye sees. Every sample must be 1.
Each run starts in slow motion and is switched to full speed once past its first epoch,
so it trains long enough to be sampled and the speed change mid-run is used as a student
would use it. Nothing here waits for a number of seconds: only for states of the page.
"""

from __future__ import annotations

import re

import pytest

from tests.support.browser import screenshot
from tests.support.lesson import open_tab

pytestmark = pytest.mark.browser

RUNS = 5
SUBSET_NOTCHES = 3  # from the smallest training subset: 500 -> 1,000 -> 2,000 -> 5,000

SAMPLER = """() => {
  // Each animation frame while the run trains: every Train chart's opacity as drawn.
  const fade = window.__fade = {samples: 0, faded: 0, worst: 1, frames: 0};
  const drawn = (el) => {
    let o = 1;
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      o *= parseFloat(getComputedStyle(e).opacity);
    }
    return o;
  };
  const tick = () => {
    const main = document.querySelector('[data-testid="stMainBlockContainer"]');
    const bar = main && main.querySelector('[data-testid="stProgress"]');
    const said = bar ? bar.innerText : '';
    if (/(Epoch [\\d,]+ of [\\d,]+ · step|Starting:)/.test(said) && !/paused/.test(said)) {
      fade.frames++;
      for (const chart of main.querySelectorAll('[data-testid="stPlotlyChart"]')) {
        const o = drawn(chart);
        fade.samples++;
        if (o < 0.999) { fade.faded++; fade.worst = Math.min(fade.worst, o); }
      }
    }
    if (!window.__fadeStop) requestAnimationFrame(tick);
  };
  window.__fadeStop = false;
  requestAnimationFrame(tick);
}"""


def _main(page):
    return page.get_by_test_id("stMainBlockContainer")


def _choose_short_fast_runs(page) -> None:
    """The `fast` recipe (the default) on 5,000 training images, in slow motion."""
    main = _main(page)
    main.get_by_text("Train a network").first.wait_for()
    main.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="Fast and good").click()
    main.get_by_role("tab", name="Data").click()
    subset = main.get_by_role("slider", name="Training subset").first
    subset.press("Home")
    for _ in range(SUBSET_NOTCHES):
        subset.press("ArrowRight")
    page.wait_for_function(
        "(el) => el.getAttribute('aria-valuetext') === '5,000'", arg=subset.element_handle()
    )
    main.get_by_role("radio", name="Slow motion").click()
    main.get_by_role("radio", name="Slow motion", checked=True).wait_for()


def _one_run(page, n: int) -> dict:
    """Start, leave slow motion after the first epoch, wait for the result; the fade
    samples taken while it trained."""
    main = _main(page)
    page.evaluate(SAMPLER)
    main.get_by_role("button", name="Start", exact=True).click()
    page.wait_for_function(
        """() => { const b = document.querySelector(
              '[data-testid="stMainBlockContainer"] [data-testid="stProgress"]');
            const m = b && b.innerText.match(/step ([\\d,]+) of ([\\d,]+)/);
            return m && +m[1].replace(/,/g, '') * 3 > +m[2].replace(/,/g, ''); }""",
        timeout=120_000,
    )  # past its first epoch (of three), still in slow motion
    main.get_by_role("radio", name="Full speed").click()
    main.get_by_text("Test accuracy").first.wait_for(timeout=120_000)
    page.evaluate("() => { window.__fadeStop = true; }")
    fade = page.evaluate("() => window.__fade")
    text = main.inner_text()
    assert "Learning rate changed" not in text, f"run {n}: a rate nobody asked for\n{text}"
    # Slow motion was on when it started: the run above is a new one, the start is free.
    main.get_by_role("radio", name="Slow motion").click()
    main.get_by_role("radio", name="Slow motion", checked=True).wait_for()
    return fade


def test_five_fast_runs_keep_their_rate_and_their_charts(page):
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Train", exact=True).click()
    _choose_short_fast_runs(page)
    fades = [_one_run(page, n) for n in range(1, RUNS + 1)]
    for n, fade in enumerate(fades, 1):
        assert fade["frames"] > 0, f"run {n} was never seen training"
        assert fade["faded"] == 0, f"run {n}: a chart faded while it trained: {fade}"
    history = _main(page).get_by_text(re.compile(r"#\d+ ")).all_inner_texts()
    assert any(f"#{RUNS} " in t for t in history), history


CUT = """() => {
  // Elements of the rate's read-out and of Set whose text is wider than their box.
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  const read = [...main.querySelectorAll('[data-testid="stMetric"]')]
    .filter((m) => m.innerText.includes('Rate in force'));
  const set = [...main.querySelectorAll('button')].filter((b) => /(^|\\s)Set$/.test(b.innerText.trim()));
  const all = [...read, ...set].flatMap((el) => [el, ...el.querySelectorAll('*')]);
  return {found: read.length + set.length, cut: all.filter((el) => el.scrollWidth > el.clientWidth + 1)
    .map((el) => el.innerText)};
}"""


@pytest.mark.parametrize("size", [(768, 1024), (1280, 800)], ids=["tablet", "laptop"])
def test_the_rate_in_force_and_set_read_whole(browser, app_url, size):
    """On a tablet and on a laptop beside the sidebar, the live rate's read-out showed
    "0.0…" and its button "S…": neither may be cut."""
    page = open_tab(browser, f"{app_url}/train", viewport={"width": size[0], "height": size[1]})
    try:
        _choose_short_fast_runs(page)
        main = _main(page)
        main.get_by_role("button", name="Start", exact=True).click()
        # The server is shared with the other browser tests: the run may queue first.
        main.get_by_text("Rate in force").first.wait_for(timeout=120_000)
        seen = page.evaluate(CUT)
        assert seen["found"] == 2 and seen["cut"] == [], seen
        main.get_by_role("button", name="Stop", exact=True).click()
    except Exception:
        screenshot(page, f"live_rate_{size[0]}x{size[1]}")
        raise
    finally:
        page.context.close()
