"""Every page at a laptop's and a projector's size: screenshots, and what must not overlap.

For each size (1280x800, 1920x1080) every page is opened, what it shows on request is
opened too, and PNGs are saved in tests/_artifacts/ for a person to look at:
``screen-<page>-<size>.png`` (what the class sees first) and ``full-<page>-<size>.png``
(the whole page). On every page, and on every tab or section of one, the test then
measures with the browser's own bounding boxes:

- no formula (KaTeX) is wider than its container (it would be cut off);
- no chart title (nor the note under it) sticks out of its chart or touches its plot
  area, its tick labels, its axis titles or its legend;
- no legend lies on the plot area (it would hide data), its tick labels or axis titles;
- tick labels are at least 14 px, titles 16 px, and a log axis has at most 8 labels;
- the app's own SVG figures keep their labels at 14 px or more once scaled to their
  column (titles, those drawn at the figure's title size, 16 px), inside the figure;
- on Draw, at 1280x800, the canvas and the probabilities are above the fold.

Learn, Data and Draw are checked with every on-demand section open; Inside tab by tab
and Evaluate section by section, with the bundled pretrained model. Train shows no chart
before a run, Inside's Health tab none without one, and the Class page none until a class
has shared a run: one more visit per size starts a class, trains a run in slow motion,
stops it (its charts then hold still: nothing races the run's end), shares it, and checks
Train, Inside's Health tab and the class board. This file runs its own server, so the
class it starts lives in a throwaway database.
"""

from __future__ import annotations

import pytest

from tests.support.app_server import launch_app, stop_app
from tests.support.browser import SVG_OF, chromium_path, put_key_away, start_slow_run
from ui.figures.svg import TITLE_SIZE

pytestmark = pytest.mark.browser

SIZES = [(1280, 800), (1920, 1080)]
FIRST = {"learn": "/", "data": "/data", "draw": "/draw"}
INSIDE_TABS = {"Weights": 5, "Activations": 6, "Health": 0, "Experiments": 1, "Backprop": 0}
EVALUATE_SECTIONS = {  # button text: (the section's heading, least charts)
    "Scores and confusion": ("Confusion matrix", 2),
    "Mistakes": ("The most confident mistakes", 1),
    "Robustness": ("How it breaks", 1),
    "Not sure": ("Saying “not sure”", 1),
    "Calibration": ("Is its confidence honest?", 1),
    "Compare models": ("Compare two models", 1),
}
IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
DRAWN = """(least) => {
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;  // still loading
  const main = document.querySelector('[data-testid="stMain"]');
  const shown = e => e.getClientRects().length > 0;  // not in a hidden tab
  const charts = [...main.querySelectorAll('[data-testid="stPlotlyChart"]')].filter(shown);
  const figures = charts.length + [...main.querySelectorAll('img.nn-figure')].filter(shown).length;
  return figures >= least && charts.every(c => c.querySelector('.main-svg'));
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
    if (a.right > b.right + 1 || a.left < b.left - 1 || clipped) bad.push('formula cut: ' + k.textContent);
  }
  return bad;
}"""

CHART_PROBLEMS = """() => {
  const hit = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 &&
                        a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const box = e => e.getBoundingClientRect();
  const problems = [];
  for (const gd of document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')) {
    if (!gd.getClientRects().length) continue;  // in a closed tab
    const name = (gd.layout && gd.layout.meta && gd.layout.meta.chart) || '?';
    const chart = box(gd);
    const areas = [...gd.querySelectorAll('.nsewdrag')].map(box);
    const classed = re => [...gd.querySelectorAll('g')].filter(g => re.test(g.getAttribute('class')));
    const ticks = classed(/^[xy]\\d*tick$/).flatMap(g => [...g.querySelectorAll('text')]);  // y2tick...
    const axisTitles = classed(/^g-[xy]\\d*title$/);
    const legend = gd.querySelector('.legend');
    for (const title of gd.querySelectorAll('.gtitle, .gtitle-subtitle')) {
      if (!title.textContent) continue;
      const t = box(title);
      if (t.left < chart.left - 1 || t.right > chart.right + 1 || t.top < chart.top - 1)
        problems.push(name + ': title cut off: "' + title.textContent + '" needs ' +
                      Math.round(t.right - chart.left) + ' of ' + Math.round(chart.width) + ' px');
      if (title.classList.contains('gtitle') && parseFloat(getComputedStyle(title).fontSize) < 16)
        problems.push(name + ': title under 16px');
      for (const a of areas) if (t.bottom > a.top + 1 && hit(t, a)) problems.push(name + ': title on plot');
      for (const k of ticks) if (hit(t, box(k))) problems.push(name + ': title on ticks');
      for (const k of axisTitles) if (hit(t, box(k))) problems.push(name + ': title on an axis title');
      if (legend && hit(t, box(legend))) problems.push(name + ': title on legend');
    }
    if (legend) {
      const l = box(legend);
      for (const a of areas) if (hit(l, a)) problems.push(name + ': legend on data');
      for (const k of ticks) if (hit(l, box(k))) { problems.push(name + ': legend on ticks'); break; }
      for (const k of axisTitles) if (hit(l, box(k))) problems.push(name + ': legend on an axis title');
    }
    for (const k of ticks) {
      const size = parseFloat(getComputedStyle(k).fontSize);
      if (size < 14) { problems.push(name + ': tick label ' + size + 'px'); break; }
    }
    for (const key of Object.keys(gd._fullLayout)) {
      const axis = gd._fullLayout[key];
      if (!/^[xy]axis\\d*$/.test(key) || !axis || axis.type !== 'log') continue;
      const id = key[0] + key.slice(5);  // yaxis2 -> y2
      const n = gd.querySelectorAll('.' + id + 'tick text').length;
      if (n > 8) problems.push(name + ': ' + n + ' labels on log axis ' + key);
    }
  }
  return problems;
}"""

SVG_PROBLEMS = f"""(titleSize) => {{
  // The app's own SVG figures scale with their column: their text must still read from
  // the back of a room (titles 16 px, every other label 14 px, on screen) and no label
  // may stick out of its figure. A title is text drawn at the figure's title size. The
  // page shows each figure as an image, so its SVG is laid out once more, off screen at
  // its natural size (the scaling is uniform: what sticks out there sticks out on screen).
  const problems = [];
  const lab = document.createElement('div');
  lab.style.cssText = 'position:absolute;left:-10000px;top:0';
  document.body.appendChild(lab);
  for (const img of document.querySelectorAll('[data-testid="stMain"] img.nn-figure')) {{
    if (!img.getClientRects().length) continue;
    const name = img.dataset.chart;
    const fig = lab.appendChild(document.importNode(({SVG_OF})(img), true));
    const scale = img.getBoundingClientRect().width / fig.viewBox.baseVal.width;
    const box = fig.getBoundingClientRect();
    for (const t of fig.querySelectorAll('text')) {{
      const natural = parseFloat(t.getAttribute('font-size') || getComputedStyle(t).fontSize);
      const size = natural * scale;
      const least = natural >= titleSize ? 16 : 14;
      if (size < least) {{ problems.push(name + ': "' + t.textContent + '" at ' + size.toFixed(1) + 'px'); break; }}
      const r = t.getBoundingClientRect();
      if (r.right > box.right + 2 || r.left < box.left - 2 || r.bottom > box.bottom + 2)
        {{ problems.push(name + ': "' + t.textContent + '" outside the figure'); break; }}
    }}
    fig.remove();
  }}
  lab.remove();
  return problems;
}}"""


@pytest.fixture(scope="module")
def screens_url(tmp_path_factory):
    """The app on a server of this file's own: the class it starts goes to a fresh SQLite
    file, and the board does not refresh itself while it is being measured."""
    if chromium_path() is None:
        pytest.fail("Debian's chromium is not installed (apt-get install chromium)")
    folder = tmp_path_factory.mktemp("screens")
    env = {"NN_CLASS_DB_URL": f"sqlite:///{folder / 'class.sqlite3'}", "NN_CLASS_REFRESH": "600"}
    proc, url = launch_app(folder / "server.log", env)
    try:
        yield url
    finally:
        stop_app(proc)


def settle(page, least: int = 0) -> None:
    """Wait until the script run is over, nothing is a loading placeholder any more, and
    at least ``least`` charts are drawn (so no check below can pass on an empty page)."""
    page.wait_for_function(IDLE, timeout=90_000)
    page.wait_for_function(DRAWN, arg=least, timeout=90_000)
    page.wait_for_timeout(800)  # fonts and the last layout pass
    page.wait_for_function(IDLE, timeout=90_000)


def problems(page) -> list[str]:
    """Everything measured above, on what the page shows now."""
    assert page.locator('[data-testid="stException"]').count() == 0
    page.mouse.move(0, 0)  # no hover label in the way
    found = page.evaluate(KATEX_OVERFLOW) + page.evaluate(CHART_PROBLEMS)
    return found + page.evaluate(SVG_PROBLEMS, TITLE_SIZE)


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
    page.mouse.move(0, 0)
    snap(page, f"screen-{name}-{width}x{height}")
    full = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": width, "height": min(int(full) + 40, 12_000)})
    page.wait_for_timeout(1200)  # Plotly redraws at the new size
    snap(page, f"full-{name}-{width}x{height}")
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_timeout(600)


def nav(page, name: str) -> None:
    """Go to another page through the sidebar, in the same session."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()


@pytest.fixture
def sized(browser, screens_url):
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
@pytest.mark.parametrize("name", list(FIRST))
def test_first_pages_fit_and_read(sized, screens_url, snap, name, size):
    page = sized(size)
    page.goto(screens_url + FIRST[name])
    page.locator('[data-testid="stMain"] h1').first.wait_for()
    settle(page, LEAST_CHARTS[name])
    if name == "draw":
        draw_a_one(page)
        fold = size[1]
        canvas = page.locator(CANVAS).first.bounding_box()
        probs = page.locator('img.nn-figure[data-chart="draw_probs"]').bounding_box()
        assert canvas["y"] + canvas["height"] <= fold, "canvas below the fold"
        if size == (1280, 800):
            assert probs["y"] + probs["height"] * 0.75 <= fold, "probabilities below the fold"
        assert canvas["width"] >= 280
    shoot(page, snap, name, size)
    open_on_demand_sections(page)
    settle(page, OPENED_CHARTS[name])  # the checks below see every chart and formula
    assert page.locator('[data-testid="stMain"] .katex').count() >= OPENED_FORMULAS[name]
    assert problems(page) == []
    shoot(page, snap, f"{name}-open", size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_inside_tabs_fit_and_read(sized, screens_url, snap, size):
    page = sized(size)
    page.goto(screens_url + "/inside")
    main = page.get_by_test_id("stMain")
    main.get_by_text("Inside the network").first.wait_for()
    found = []  # every tab is measured and photographed before the verdict
    for tab, least in INSIDE_TABS.items():
        main.get_by_role("tab", name=tab, exact=True).click()
        page.wait_for_timeout(300)
        settle(page, least)
        found += [f"{tab}: {problem}" for problem in problems(page)]
        shoot(page, snap, f"inside-{tab.lower()}", size)
    assert found == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_evaluate_sections_fit_and_read(sized, screens_url, snap, size):
    page = sized(size)
    page.goto(screens_url + "/evaluate")
    main = page.get_by_test_id("stMain")
    main.locator("h1", has_text="Evaluate").first.wait_for()
    found = []
    for section, (heading, least) in EVALUATE_SECTIONS.items():
        main.locator('[data-testid="stButtonGroup"] button', has_text=section).first.click()
        main.get_by_text(heading, exact=True).first.wait_for(timeout=90_000)
        settle(page, least)
        found += [f"{section}: {problem}" for problem in problems(page)]
        shoot(page, snap, f"evaluate-{section.split()[0].lower()}", size)
    assert found == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_pages_of_a_run_fit_and_read(sized, screens_url, snap, size):
    """A class, a run stopped early and shared: Train, Inside's Health tab, the board."""
    page = sized(size)
    page.goto(screens_url + "/class")
    main = page.get_by_test_id("stMain")
    main.get_by_role("button", name="Start a class").click()
    put_key_away(page)  # the key's dialog, shown once over the page

    nav(page, "Train")
    start_slow_run(page)
    page.wait_for_function(  # a few points on the loss chart before stopping
        "() => { const p = document.querySelector('.js-plotly-plot');"
        " return p && p._fullData && p._fullData[0] && p._fullData[0].x.length >= 10; }",
        timeout=90_000,
    )
    main.get_by_role("button", name="Stop", exact=True).click()
    main.get_by_text("Test accuracy").first.wait_for(timeout=90_000)
    settle(page, 3)  # loss, accuracy, learning rate: no longer moving
    assert problems(page) == [], "train"
    shoot(page, snap, "train", size)
    main.get_by_role("button", name="Share with the class").click()
    main.get_by_role("button", name="Shared with the class").wait_for()

    nav(page, "Inside")
    main.get_by_text("Inside the network").first.wait_for()
    main.get_by_role("tab", name="Health", exact=True).click()
    settle(page, 1)
    assert problems(page) == [], "inside health"
    shoot(page, snap, "inside-health-run", size)

    nav(page, "Class")
    main.get_by_text("1 shared run on").first.wait_for(timeout=90_000)
    settle(page, 1)  # the class's curves (the loss; accuracy is a click away)
    assert problems(page) == [], "class"
    shoot(page, snap, "class", size)
