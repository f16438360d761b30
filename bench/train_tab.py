"""The Train page in Chromium, as ``bench.bench_app_training`` drives it.

Open a tab on ``/train``, set the longest run, press Start; read the progress bar's
"step N of M" the moment the page redraws it; measure a window of steps per second with
the CPU of the training workers, the server and the browser; and, for the faded-chart
count, an in-page sampler that looks at the Train page's charts every 100 ms.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from bench.processes import MemorySampler, cpu_seconds, worker_pids

STEP_RE = re.compile(r"step ([\d,]+) of ([\d,]+)")
PROGRESS = '[data-testid="stProgress"]'
N_CHARTS = 3  # loss, accuracy, learning rate

# In-page sampler for bench_app_training's (c): every 100 ms, is a chart of the main area
# stale or missing?
SAMPLER = """(expected) => {
  window.__samples = {n: 0, stale: 0, marked: 0, faded: 0, missing: 0, seen: 0, reasons: {}};
  const main = () => document.querySelector('[data-testid="stMain"]');
  window.__sampler = setInterval(() => {
    const s = window.__samples, m = main();
    s.n += 1;
    if (!m) { s.missing += 1; return; }
    const plots = m.querySelectorAll('.js-plotly-plot');
    const gone = plots.length < expected;
    if (gone) {
      s.missing += 1;
      const why = 'missing: ' + plots.length + ' charts';
      s.reasons[why] = (s.reasons[why] || 0) + 1;
    }
    let marked = null, faded = null;
    for (const chart of m.querySelectorAll('[data-testid="stPlotlyChart"], .stPlotlyChart')) {
      const el = chart.closest('[data-stale="true"]');
      if (el && !marked) marked = 'data-stale on ' + (el.dataset.testid || el.className);
      for (let e = chart; e && e !== m && !faded; e = e.parentElement) {
        const o = parseFloat(getComputedStyle(e).opacity);
        if (o < 1) faded = 'opacity < 1 on ' + (e.dataset.testid || e.className);
      }
    }
    if (marked) { s.marked += 1; s.reasons[marked] = (s.reasons[marked] || 0) + 1; }
    if (faded) { s.faded += 1; s.reasons[faded] = (s.reasons[faded] || 0) + 1; }
    if (marked || faded) s.stale += 1;
    if (faded || gone) s.seen += 1;  // what a person sees: a faded or a missing chart
  }, 100);
}"""


def read_step(page) -> tuple[int, str]:
    """The step counter of the progress bar, and its text ((-1, "") when not shown yet)."""
    from playwright.sync_api import Error

    try:
        text = page.locator(PROGRESS).first.inner_text(timeout=10_000)
    except Error:
        return -1, ""
    match = STEP_RE.search(text)
    return (int(match.group(1).replace(",", "")) if match else -1), text


def read_step_fresh(page, timeout: float = 5.0) -> tuple[int, str, float]:
    """The step counter the moment the page next redraws it, with that moment.

    The page redraws its counter once a refresh (a second), so a counter read at any
    moment is up to a second old, and an 8 s window read that way is off by up to a
    tenth in either direction. Read at its change, each end is equally fresh.
    """
    first, text = read_step(page)
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        n, text = read_step(page)
        if n != first:
            return n, text, time.perf_counter()
        time.sleep(0.01)
    return first, text, time.perf_counter()  # the run has ended or stalled: as it is


def open_train(context, url: str):
    """A new tab (a new session) on the Train page, ready to press Start."""
    page = context.new_page()
    page.goto(f"{url}/train")
    page.get_by_text("Train a network").first.wait_for(timeout=60_000)
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_role("button", name="Start").wait_for(timeout=60_000)
    return page


def max_epochs(page) -> None:
    """Data tab -> Epochs slider to its maximum (the server's limit)."""
    page.get_by_role("tab", name="Data").click()
    slider = page.get_by_role("slider", name="Epochs").first
    slider.focus()
    slider.press("End")
    page.wait_for_timeout(800)  # the rerun that records the new value


def press(page, label: str) -> None:
    page.get_by_test_id("stMainBlockContainer").get_by_role("button", name=label).click()


def wait_running(page, timeout: float = 60.0) -> None:
    """Until the progress bar counts steps (the run left the queue and started)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if read_step(page)[0] > 0:
            return
        time.sleep(0.2)
    raise RuntimeError(f"the run did not start within {timeout:.0f} s")


@dataclass
class Window:
    rates: list[float]  # steps per second of each tab
    texts: list[str]
    worker_cores: float  # CPU of the training workers, in cores
    server_cores: float
    browser_cores: float
    pss_peak: int = 0
    stale: dict = field(default_factory=dict)


def measure_window(pages, seconds: float, server_pid: int, browser_pids, sample=False) -> Window:
    """Steps/s of each page's run over ``seconds``, read from the step counters."""
    workers = worker_pids(server_pid)
    if sample:
        for page in pages:
            page.evaluate(SAMPLER, N_CHARTS)
    c0 = cpu_seconds(workers), cpu_seconds([server_pid]), cpu_seconds(browser_pids())
    start = [read_step_fresh(p)[::2] for p in pages]  # (step, time)
    with MemorySampler(server_pid) as mem:
        time.sleep(seconds)
    end = [read_step_fresh(p) for p in pages]  # (step, text, time)
    c1 = cpu_seconds(workers), cpu_seconds([server_pid]), cpu_seconds(browser_pids())
    rates, texts = [], []
    for (n0, t0), (n1, text, t1) in zip(start, end, strict=True):
        if n0 < 0 or n1 < 0:
            raise RuntimeError(f"could not read the step counter (last text: {text!r})")
        rates.append((n1 - n0) / (t1 - t0))
        texts.append(text)
    stale = {}
    if sample:
        stale = pages[0].evaluate(
            "() => { clearInterval(window.__sampler); return window.__samples; }"
        )
    wall = end[0][2] - start[0][1]
    return Window(
        rates,
        texts,
        (c1[0] - c0[0]) / wall,
        (c1[1] - c0[1]) / wall,
        (c1[2] - c0[2]) / wall,
        mem.peak,
        stale,
    )


def stop_all(pages) -> None:
    for page in pages:
        try:
            press(page, "Stop")
        except Exception as exc:  # noqa: BLE001 (report and go on: the server is stopped anyway)
            print(f"  (could not press Stop: {exc})")
    time.sleep(0.5)


def time_to_result(context, url: str) -> tuple[float, str]:
    """Seconds from the click on Start to "Test accuracy" on screen, 3-epoch fast run."""
    page = open_train(context, url)
    page.wait_for_timeout(500)
    t0 = time.perf_counter()
    press(page, "Start")
    result = (
        page.get_by_test_id("stMain").get_by_test_id("stAlert").filter(has_text="Test accuracy")
    )
    result.first.wait_for(timeout=180_000)
    seconds = time.perf_counter() - t0
    text = result.first.inner_text()
    text = next((line for line in text.splitlines() if "Test accuracy" in line), text)
    page.close()
    return seconds, text


def start_long_runs(context, url: str, n: int):
    pages = [open_train(context, url) for _ in range(n)]
    for page in pages:
        max_epochs(page)
    for page in pages:
        press(page, "Start")
    for page in pages:
        wait_running(page)
    return pages
