"""What the browser lesson does again and again, as a person would do it.

Every helper waits for a state on the page (a banner, a button, a chart's data), never
for a number of seconds. A few steps are tried again when the page was redrawn under the
click (a drop-down list closed by a board refresh): the outcome is checked each time, so
a retry can only turn a lost click into the same result, never hide a wrong one.
"""

from __future__ import annotations

import re
import shutil
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.support.browser import APP_IDLE, ARTIFACTS

DEADLINE_MS = 60_000
SVG = "{http://www.w3.org/2000/svg}"  # the namespace of a parsed SVG figure's tags
TRIES = 5


def open_tab(browser, url: str, **device):
    page = browser.new_context(**device).new_page()
    page.set_default_timeout(DEADLINE_MS)
    page.goto(url)
    return page


def shot(page, name: str) -> None:
    """A screenshot of what the person sees now, for a person to look at afterwards."""
    page.wait_for_function(APP_IDLE, timeout=DEADLINE_MS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"lesson_{name}.png"))


@contextmanager
def evidence(pages: dict, log: Path | None = None):
    """On a failure, what every page showed goes to the artifacts: a screenshot, the
    page's text and whether the browser still thought a run was going, for the person
    reading a red run to see where the lesson stood; and the server's log if given."""
    try:
        yield
    except BaseException:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        if log is not None and log.exists():
            shutil.copy(log, ARTIFACTS / "lesson_failed_server.log")
        for name, page in pages.items():
            try:
                page.screenshot(path=str(ARTIFACTS / f"lesson_failed_{name}.png"))
                main = page.get_by_test_id("stMain").inner_text(timeout=5_000)
                idle = page.evaluate(APP_IDLE)
                text = f"{page.url}\napp idle: {idle}\n\n{main}"
                (ARTIFACTS / f"lesson_failed_{name}.txt").write_text(text)
            except Exception:  # a page that cannot say more: the failure itself stands
                continue
        raise


def join(page, nickname: str) -> None:
    """The class link asks for a nickname on the page itself; Enter joins."""
    box = page.get_by_role("textbox", name="Nickname for the class board")
    box.fill(nickname)
    box.press("Enter")
    box.wait_for(state="detached")


def step_banner(page, number: int, title: str):
    return page.get_by_text(re.compile(rf"Step {number} of 8: {re.escape(title)}")).first


def next_step(teacher, number: int) -> None:
    """Press Next step; wait for the bar's own line ("... · step 4 · 6 min: ..."), not
    its "Next: step 4" caption, which is on the page before the press."""
    teacher.get_by_role("button", name="Next step").click()
    teacher.get_by_text(re.compile(rf" · step {number} · ")).first.wait_for()


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the drop-down labelled ``label``.

    The list shows its first options only, so the person types to filter it. A board
    refresh can redraw the page while the list is open and close it; then the person
    opens it again. Done only when the drop-down's box holds the option."""
    picker = page.get_by_test_id("stSelectbox").filter(has_text=label)
    for _ in range(TRIES):
        page.wait_for_function(APP_IDLE, timeout=DEADLINE_MS)
        picker.click()
        page.keyboard.type(option)
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=5_000)
            expect(picker.get_by_role("combobox")).to_have_value(option, timeout=5_000)
            return
        except (PlaywrightTimeout, AssertionError):
            page.keyboard.press("Escape")
    raise AssertionError(f"{label!r} never showed {option!r}")


def train_and_share(page) -> str:
    """On the Train page: Start, wait for the run's end, press Share with the class;
    returns what the run ended as ("blew up" or "finished")."""
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_role("button", name="Start", exact=True).click()
    share = main.get_by_role("button", name="Share with the class")
    share.wait_for(timeout=3 * DEADLINE_MS)
    ended = "blew up" if main.get_by_text("The run blew up.").count() else "finished"
    share.click()
    main.get_by_role("button", name="Shared with the class").wait_for()
    return ended


def legend_shows(teacher, entry: str, chart: str = "class_loss") -> None:
    """Wait until a board chart's legend holds ``entry`` (the caption's count can be on
    the page a moment before the chart has drawn the runs it counts)."""
    teacher.wait_for_function(
        f"""(entry) => {{
            const plot = [...document.querySelectorAll('.js-plotly-plot')]
                .find(p => p.layout?.meta?.chart === '{chart}');
            return !!plot && plot.data.some(t => t.showlegend !== false && t.name === entry);
        }}""",
        arg=entry,
        timeout=DEADLINE_MS,
    )


def chart_drawn(teacher, chart: str) -> None:
    """Wait until the figure named ``chart`` is on the page: a Plotly chart drawn, or an
    SVG figure's image decoded (``ui.figures.svg``)."""
    teacher.wait_for_function(
        f"""() => [...document.querySelectorAll('.js-plotly-plot')]
            .some(p => p.layout?.meta?.chart === '{chart}')
            || [...document.querySelectorAll('img.nn-figure[data-chart="{chart}"]')]
            .some(img => img.complete && img.naturalWidth > 0)""",
        timeout=DEADLINE_MS,
    )


def figure_svg(page, chart: str):
    """The SVG figure named ``chart`` as the browser holds it: its ``<img>``'s data URI,
    decoded and parsed (``ui.figures.svg``); what a test reads instead of pixels."""
    from ui.figures.svg import Svg

    img = page.locator(f'img.nn-figure[data-chart="{chart}"]').first
    return Svg.read(img.evaluate("i => i.outerHTML"))


def figure_texts(page, chart: str) -> list[str]:
    """Every text of the SVG figure ``chart``, in order; the image holds nothing but
    text and pictures of its own (no link, no other document, nothing fetched)."""
    root = figure_svg(page, chart)
    tags = {e.tag.rsplit("}", 1)[-1] for e in root.iter()}
    assert tags <= {"svg", "text", "image", "rect", "line", "title", "g", "circle"}, tags
    assert all(i.get("href", "").startswith("data:image/png") for i in root.iter(f"{SVG}image"))
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def draw_a_one(page) -> None:
    """One vertical stroke with the mouse on the Draw page's canvas, until the page reads
    it (a stroke made while a fresh canvas loads its empty drawing is wiped: drawn again)."""
    canvas = page.locator("canvas.upper-canvas").first
    prediction = page.get_by_test_id("stMetric").filter(has_text="Prediction")
    for _ in range(TRIES):
        page.wait_for_function(APP_IDLE, timeout=DEADLINE_MS)
        box = canvas.bounding_box()
        x = box["x"] + box["width"] / 2
        page.mouse.move(x, box["y"] + 0.15 * box["height"])
        page.mouse.down()
        page.mouse.move(x, box["y"] + 0.85 * box["height"], steps=12)
        page.mouse.up()
        try:
            prediction.wait_for(timeout=10_000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError("the Draw page never read the stroke")
