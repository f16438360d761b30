"""Every page at a laptop's and a projector's size: screenshots, and what must not overlap.

For each size (1280x800, 1920x1080) each page is opened by its link, its on-demand
sections are opened, and two PNGs are saved in tests/_artifacts/ for a person to look at:
``screen-<page>-<size>.png`` (what the class sees first) and ``full-<page>-<size>.png``
(the whole page). On Learn, Data and Draw the test then measures, with the browser's own
bounding boxes:

- no formula (KaTeX) is wider than its container (it would be cut off);
- no chart title touches its plot area, its tick labels, its axis titles or its legend;
- no legend lies on the plot area (it would hide data);
- tick labels are at least 14 px, and a log axis has at most 8 of them;
- the app's own SVG figures (first screens) keep their labels at 13.5 px or more (titles
  16 px) once scaled to their column, and inside the figure;
- on Draw, at 1280x800, the canvas and the probabilities are above the fold.

Train, Inside, Evaluate and Class are photographed only (they are being rebuilt).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

SIZES = [(1280, 800), (1920, 1080)]
MINE = {"learn": "/", "data": "/data", "draw": "/draw"}
OTHERS = {"train": "/train", "inside": "/inside", "evaluate": "/evaluate", "class": "/class"}
IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
DRAWN = """(least) => {
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;  // still loading
  const main = document.querySelector('[data-testid="stMain"]');
  const charts = main.querySelectorAll('[data-testid="stPlotlyChart"]');
  const figures = charts.length + main.querySelectorAll('svg.nn-figure').length;
  return figures >= least && [...charts].every(c => c.querySelector('.main-svg'));
}"""
LEAST_CHARTS = {"learn": 5, "data": 5, "draw": 0}  # on the first screen, before any click
OPENED_CHARTS = {"learn": 9, "data": 7, "draw": 3}  # with every section open
OPENED_FORMULAS = {"learn": 16, "data": 0, "draw": 0}
CANVAS = "canvas.upper-canvas"

KATEX_OVERFLOW = """() => {
  const bad = [];
  for (const k of document.querySelectorAll('[data-testid="stMain"] .katex')) {
    const box = k.closest('[data-testid="stMarkdownContainer"]') || k.parentElement;
    const a = k.getBoundingClientRect(), b = box.getBoundingClientRect();
    const scroller = k.closest('.katex-display');
    const clipped = scroller && scroller.scrollWidth > scroller.clientWidth + 2;
    if (a.right > b.right + 1 || a.left < b.left - 1 || clipped) bad.push(k.textContent);
  }
  return bad;
}"""

CHART_PROBLEMS = """() => {
  const hit = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 &&
                        a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const problems = [];
  for (const gd of document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')) {
    const name = (gd.layout && gd.layout.meta && gd.layout.meta.chart) || '?';
    const areas = [...gd.querySelectorAll('.nsewdrag')].map(e => e.getBoundingClientRect());
    const ticks = [...gd.querySelectorAll('.xtick text, .ytick text')];
    const legend = gd.querySelector('.legend');
    const title = gd.querySelector('.gtitle');
    if (title && title.textContent) {
      const t = title.getBoundingClientRect();
      for (const a of areas) if (t.bottom > a.top + 1 && hit(t, a)) problems.push(name + ': title on plot');
      for (const k of ticks) if (hit(t, k.getBoundingClientRect())) problems.push(name + ': title on ticks');
      for (const k of gd.querySelectorAll('.g-xtitle, .g-ytitle'))
        if (hit(t, k.getBoundingClientRect())) problems.push(name + ': title on an axis title');
      if (legend && hit(t, legend.getBoundingClientRect())) problems.push(name + ': title on legend');
    }
    if (legend) {
      const l = legend.getBoundingClientRect();
      for (const a of areas) if (hit(l, a)) problems.push(name + ': legend on data');
    }
    for (const k of ticks) {
      const size = parseFloat(getComputedStyle(k).fontSize);
      if (size < 14) { problems.push(name + ': tick label ' + size + 'px'); break; }
    }
    for (const axis of ['xaxis', 'yaxis']) {
      if (gd._fullLayout[axis] && gd._fullLayout[axis].type === 'log') {
        const n = gd.querySelectorAll('.' + axis[0] + 'tick text').length;
        if (n > 8) problems.push(name + ': ' + n + ' labels on a log axis');
      }
    }
  }
  return problems;
}"""


SVG_PROBLEMS = """() => {
  // The app's own SVG figures scale with their column: their text must still read from
  // the back of a room (titles 16 px, every other label 13.5 px, on screen) and no
  // label may stick out of its figure.
  const problems = [];
  for (const fig of document.querySelectorAll('[data-testid="stMain"] svg.nn-figure')) {
    const name = fig.dataset.chart;
    const scale = fig.getBoundingClientRect().width / fig.viewBox.baseVal.width;
    const box = fig.getBoundingClientRect();
    for (const t of fig.querySelectorAll('text')) {
      const size = parseFloat(t.getAttribute('font-size')) * scale;
      const least = t.getAttribute('font-weight') === 'bold' && size > 17 ? 16 : 13.5;
      if (size < least) { problems.push(name + ': "' + t.textContent + '" at ' + size.toFixed(1) + 'px'); break; }
      const r = t.getBoundingClientRect();
      if (r.right > box.right + 2 || r.left < box.left - 2 || r.bottom > box.bottom + 2)
        { problems.push(name + ': "' + t.textContent + '" outside the figure'); break; }
    }
  }
  return problems;
}"""


def settle(page, least: int = 0) -> None:
    """Wait until the script run is over, nothing is a loading placeholder any more, and
    at least ``least`` charts are drawn (so no check below can pass on an empty page)."""
    page.wait_for_function(IDLE, timeout=90_000)
    page.wait_for_function(DRAWN, arg=least, timeout=90_000)
    page.wait_for_timeout(800)  # fonts and the last layout pass
    page.wait_for_function(IDLE, timeout=90_000)


def open_on_demand_sections(page) -> None:
    """Click every closed expander in the page, one at a time (each reruns the page)."""
    main = page.locator('[data-testid="stMain"]')
    for _ in range(6):
        closed = main.locator('[data-testid="stExpander"] details:not([open]) > summary')
        if closed.count() == 0:
            return
        closed.first.click()
        page.wait_for_timeout(300)
        settle(page)


def draw_a_one(page) -> None:
    canvas = page.locator(CANVAS).first
    canvas.wait_for(timeout=60_000)
    page.wait_for_timeout(700)  # a fresh canvas loads its empty drawing first
    box = canvas.bounding_box()
    x = box["x"] + box["width"] / 2
    page.mouse.move(x, box["y"] + box["height"] * 0.15)
    page.mouse.down()
    page.mouse.move(x, box["y"] + box["height"] * 0.85, steps=10)
    page.mouse.up()
    page.get_by_text("Prediction").first.wait_for(timeout=60_000)
    settle(page, 3)  # probabilities, preprocessing, saliency


def shoot(page, snap, name: str, size) -> None:
    """The first screen, then the whole page (Streamlit scrolls inside its main section,
    so the window grows to the page's height for that one)."""
    width, height = size
    snap(page, f"screen-{name}-{width}x{height}")
    full = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": width, "height": min(int(full) + 40, 12_000)})
    page.wait_for_timeout(1200)  # Plotly redraws at the new size
    snap(page, f"full-{name}-{width}x{height}")
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_timeout(600)


@pytest.fixture
def sized(browser, app_url):
    """A fresh tab of the given size (its own session)."""
    contexts = []

    def make(size):
        context = browser.new_context(viewport={"width": size[0], "height": size[1]})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(60_000)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", list(MINE))
def test_my_pages_fit_and_read(sized, app_url, snap, name, size):
    page = sized(size)
    page.goto(app_url + MINE[name])
    page.locator('[data-testid="stMain"] h1').first.wait_for()
    settle(page, LEAST_CHARTS[name])
    if name == "draw":
        draw_a_one(page)
        fold = size[1]
        canvas = page.locator(CANVAS).first.bounding_box()
        probs = page.locator('svg.nn-figure[data-chart="draw_probs"]').bounding_box()
        assert canvas["y"] + canvas["height"] <= fold, "canvas below the fold"
        if size == (1280, 800):
            assert probs["y"] + probs["height"] * 0.75 <= fold, "probabilities below the fold"
        assert canvas["width"] >= 280
    shoot(page, snap, name, size)
    open_on_demand_sections(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    settle(page, OPENED_CHARTS[name])  # the checks below see every chart and formula
    assert page.locator('[data-testid="stMain"] .katex').count() >= OPENED_FORMULAS[name]
    assert page.evaluate(KATEX_OVERFLOW) == []
    assert page.evaluate(CHART_PROBLEMS) == []
    assert page.evaluate(SVG_PROBLEMS) == []
    shoot(page, snap, f"{name}-open", size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", list(OTHERS))
def test_other_pages_are_photographed(sized, app_url, snap, name, size):
    page = sized(size)
    page.goto(app_url + OTHERS[name])
    page.locator('[data-testid="stMain"] h1').first.wait_for()
    settle(page)
    page.wait_for_timeout(1500)
    shoot(page, snap, name, size)
    assert (tests_artifacts := snap.__globals__["ARTIFACTS"]).exists()
    assert (tests_artifacts / f"full-{name}-{size[0]}x{size[1]}.png").stat().st_size > 10_000
