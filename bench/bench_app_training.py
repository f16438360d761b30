"""Does the app train as fast as the command line? Live training in Chromium against the CLI.

Runs ``streamlit run app.py`` headless (``NN_WORKERS`` training workers, 2 by default)
and drives Debian's Chromium through Playwright on the Train page (opened at ``/train``).
Every figure is for the "Fast and good" preset (``fast``: 784-256-10, batch 128) on full
MNIST, against ``python -m nn_core.train --preset fast --quiet --no-download`` (its last
stdout line is JSON with ``steps`` and ``train_seconds``) with the same BLAS threads.

(a) speed: one tab, Data tab -> Epochs slider to the max (a run that outlasts the
    window), Start; the step counter of the progress bar ("step N of M", read from
    ``stProgress`` the moment the page redraws it) at the start and end of a
    ``--seconds`` window gives steps per wall-clock second, charts drawn by the
    browser and all. The training worker's CPU
    in that window says how many BLAS threads it used (the scheduler gives a lone run on
    an idle machine every core, else one); the CLI is timed with that many threads.
    Target: >= 0.90 of the CLI.
(b) time to result: a fresh tab, the standard 3-epoch run, from the click on Start to
    "Test accuracy" on screen. Target: <= 1.5 x the CLI's training time + 1 s.
(c) faded or missing charts: during (a) the page samples itself every 100 ms (a
    ``setInterval`` inside the page) and counts samples in which a chart of the Train
    page is faded (a computed opacity below 1 on the chart or an ancestor) or missing
    (fewer ``.js-plotly-plot`` than the 3 the page draws). Target: < 2 % of samples.
    Streamlit's own ``data-stale`` mark (a fragment's elements between the start and the
    end of its rerun) is counted too and printed: the live panel keeps it from fading
    (``ui/train/panel.NO_FADE``), so a person never sees it.
(d) sharing: two tabs training at once, then three, over a ``--seconds`` window each;
    each run's steps/s against (a). Targets: two runs >= 40 % each; three runs: every
    run moves, none below 25 %.
(e) memory: the PSS (``/proc/PID/smaps_rollup``) of the server and its worker children,
    sampled while the three runs of (d) train; the peak. Target: < 1 GB.

    NN_DATA_DIR=/work/shared python -m bench.bench_app_training            # about 2-3 min
    NN_DATA_DIR=/work/shared python -m bench.bench_app_training --quick    # about 1 min
    NN_DATA_DIR=/work/shared python -m bench.bench_app_training --only a,c --rounds 3

The machine's load average is printed before and after: figures from a busy machine
are low. Exit status 0 when every measured target is met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.processes import cpu_seconds, load_average, server_pss
from tests.support.app_server import ROOT, descendants, launch_app, stop_app
from tests.support.browser import launch_chromium

STEP_RE = re.compile(r"step ([\d,]+) of ([\d,]+)")
PROGRESS = '[data-testid="stProgress"]'
N_CHARTS = 3  # loss, accuracy, learning rate

# In-page sampler for (c): every 100 ms, is a chart of the main area stale or missing?
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


# --- the command line -------------------------------------------------------------------


def cli_run(threads: int | None, epochs: int = 3) -> dict:
    """The CLI's JSON summary (``steps``, ``train_seconds``, ...) with ``threads`` BLAS threads."""
    env = dict(os.environ)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.pop(var, None)
        if threads:
            env[var] = str(threads)
    cmd = [sys.executable, "-m", "nn_core.train", "--preset", "fast", "--quiet"]
    cmd += ["--epochs", str(epochs), "--no-download"]
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    summary = json.loads(out.stdout.strip().splitlines()[-1])
    summary["steps_per_second"] = summary["steps"] / summary["train_seconds"]
    return summary


# --- /proc helpers ----------------------------------------------------------------------


def worker_pids(server_pid: int) -> list[int]:
    """The server's training workers (spawned multiprocessing children)."""
    pids = []
    for pid in descendants(server_pid):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"multiprocessing" in cmd and b"resource_tracker" not in cmd:
            pids.append(pid)
    return pids


class MemorySampler:
    """Samples the server's total PSS every ``every`` seconds in a thread; keeps the peak."""

    def __init__(self, pid: int, every: float = 0.5):
        self.pid, self.every = pid, every
        self.peak, self.samples = 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, server_pss(self.pid)["total"])
            self.samples += 1
            self._stop.wait(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=10)


# --- the browser ------------------------------------------------------------------------


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


# --- main -------------------------------------------------------------------------------


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="Measures (a) speed, (b) time to result, (c) stale charts, (d) sharing, "
        "(e) memory; see the module docstring.",
    )
    ap.add_argument("--seconds", type=float, default=10.0, help="length of each window (10)")
    ap.add_argument("--rounds", type=int, default=2, help="rounds of (a) and (b) (2)")
    ap.add_argument("--workers", type=int, default=2, help="NN_WORKERS of the server (2)")
    ap.add_argument("--only", default="a,b,c,d,e", help="comma-separated subset of a,b,c,d,e")
    ap.add_argument("--quick", action="store_true", help="1 round, 6-second windows")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args(argv)
    if args.quick:
        args.rounds, args.seconds = 1, 6.0
    parts = set(args.only.split(","))
    if "c" in parts:
        parts.add("a")
    if "e" in parts:
        parts.add("d")
    from playwright.sync_api import sync_playwright

    print(f"cores: {os.cpu_count()}, workers: {args.workers}, load average: {load_average()}")
    results: dict = {"load_before": load_average()}
    env = {"NN_WORKERS": str(args.workers)}
    proc, url = launch_app(env=env)
    ok = True
    try:
        with sync_playwright() as p:
            before = set(_chromium_pids())
            browser = launch_chromium(p)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            mine = lambda: set(_chromium_pids()) - before  # noqa: E731
            warm = open_train(context, url)  # the first visit pays for loading MNIST
            warm.close()

            singles, windows, results_b = [], [], []
            for r in range(1, args.rounds + 1):
                if "a" in parts:
                    pages = start_long_runs(context, url, 1)
                    time.sleep(2.0)  # past the start-up
                    w = measure_window(pages, args.seconds, proc.pid, mine, sample="c" in parts)
                    stop_all(pages)
                    for page in pages:
                        page.close()
                    windows.append(w)
                    threads = max(1, round(w.worker_cores))
                    cli = cli_run(threads)
                    singles.append((w.rates[0], cli["steps_per_second"], threads))
                    print(
                        f"round {r} (a): app {w.rates[0]:6.1f} steps/s, CLI ({threads} BLAS "
                        f"thread{'s' if threads > 1 else ''}) {cli['steps_per_second']:6.1f}: "
                        f"{w.rates[0] / cli['steps_per_second']:.2f} | workers "
                        f"{w.worker_cores:.2f} core ({w.rates[0] / max(w.worker_cores, 1e-6):.0f} "
                        f"steps per worker CPU-second), server {w.server_cores:.2f}, browser "
                        f"{w.browser_cores:.2f}",
                        flush=True,
                    )
                    print(f"  the page said: {w.texts[0]}", flush=True)
                    if w.stale:
                        s = w.stale
                        print(
                            f"round {r} (c): {s['n']} samples, {s['stale']} stale "
                            f"({s['marked']} data-stale, {s['faded']} faded), "
                            f"{s['missing']} missing {s['reasons'] or ''}",
                            flush=True,
                        )
                if "b" in parts:
                    seconds, text = time_to_result(context, url)
                    cli = cli_run(1)  # the 3-epoch run: compare with the 1-thread CLI too
                    cli_n = cli_run(os.cpu_count())
                    best = min(cli["train_seconds"], cli_n["train_seconds"])
                    results_b.append((seconds, best))
                    print(
                        f"round {r} (b): Start -> result {seconds:.2f} s; CLI training "
                        f"{cli['train_seconds']:.2f} s (1 thread), {cli_n['train_seconds']:.2f} s"
                        f" ({os.cpu_count()} threads); limit 1.5 x {best:.2f} + 1 = "
                        f"{1.5 * best + 1:.2f} s | {text[:90]}",
                        flush=True,
                    )

            if singles:
                app = statistics.median(s[0] for s in singles)
                cli = statistics.median(s[1] for s in singles)
                ratio = statistics.median(s[0] / s[1] for s in singles)
                results["a"] = {"app": app, "cli": cli, "ratio": ratio, "rounds": singles}
                ok &= ratio >= 0.90
                print(f"(a) app / CLI, same threads: {ratio:.2f} (target >= 0.90)")
            if windows and windows[0].stale:
                n = sum(w.stale["n"] for w in windows)
                seen = sum(w.stale["seen"] for w in windows)
                marked = sum(w.stale["marked"] for w in windows)
                results["c"] = {"samples": n, "seen": seen, "share": seen / max(n, 1)}
                results["c"]["marked"] = marked
                ok &= seen / max(n, 1) < 0.02
                print(
                    f"(c) faded or missing: {seen} of {n} samples = {seen / max(n, 1):.1%} (< 2%); "
                    f"marked data-stale by Streamlit (not shown: the live panel keeps full "
                    f"opacity): {marked} = {marked / max(n, 1):.1%}"
                )
            if results_b:
                worst = max(s - (1.5 * c + 1) for s, c in results_b)
                med = statistics.median(s for s, _ in results_b)
                results["b"] = {"median_s": med, "rounds": results_b}
                ok &= worst <= 0
                print(f"(b) Start -> result median {med:.2f} s; over the limit by {worst:+.2f} s")

            if "d" in parts:
                single = results.get("a", {}).get("app")
                if single is None:
                    pages = start_long_runs(context, url, 1)
                    time.sleep(2.0)
                    single = measure_window(pages, args.seconds, proc.pid, mine).rates[0]
                    stop_all(pages)
                    for page in pages:
                        page.close()
                for n, floor in ((2, 0.40), (3, 0.25)):
                    pages = start_long_runs(context, url, n)
                    time.sleep(2.0)
                    w = measure_window(pages, args.seconds, proc.pid, mine)
                    stop_all(pages)
                    for page in pages:
                        page.close()
                    shares = [r / single for r in w.rates]
                    ok &= min(shares) >= floor
                    results[f"d{n}"] = {"rates": w.rates, "shares": shares, "pss": w.pss_peak}
                    print(
                        f"(d) {n} runs on {args.workers} workers: "
                        + ", ".join(f"{r:.0f}" for r in w.rates)
                        + f" steps/s = {', '.join(f'{s:.0%}' for s in shares)} of one run alone "
                        f"(each >= {floor:.0%}) | workers {w.worker_cores:.2f} core, browser "
                        f"{w.browser_cores:.2f} | server PSS peak {w.pss_peak / 2**20:.0f} MB",
                        flush=True,
                    )
                    if n == 3 and "e" in parts:
                        results["e"] = {"pss_peak_mb": w.pss_peak / 2**20}
                        ok &= w.pss_peak < 2**30
                        print(f"(e) server PSS with 3 runs: {w.pss_peak / 2**20:.0f} MB (< 1 GB)")
            browser.close()
    finally:
        stop_app(proc)
    results["load_after"] = load_average()
    print(f"load average after: {results['load_after']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0 if ok else 1


def _chromium_pids() -> list[int]:
    out = subprocess.run(["pgrep", "-f", "chromium"], capture_output=True, text=True)
    return [int(x) for x in out.stdout.split()]


if __name__ == "__main__":
    raise SystemExit(main())
