"""How long do Learn, Data and Draw take to finish drawing, from opening their link?

What a student feels is not the server's script time but the moment the last chart is
on screen: the browser has to receive every figure, lay it out and draw it, typeset the
formulas and mount the drawing canvas. So we measure that, in a real browser:

``streamlit run app.py`` headless on a free port, Debian's Chromium driven by
Playwright. Each page is opened once to warm the server's caches (a class's first
visitor pays for the statistics and the PCA once for everybody) and to learn how many
charts it ends with. Then, ``--runs`` times, a fresh browser tab (a new session) opens
the page's link and records, inside the page, the ``performance.now()`` of the first
animation frame on which the script run is over, every Plotly chart has drawn its SVG,
there are as many figures (Plotly charts, the app's own SVG figures, ``img.nn-figure``,
and custom components: the drawing canvas) as after the warm-up, every image has loaded
and every component has put its canvas into its shadow root. ``performance.now()``
counts from the start of the navigation, so the figure is "link clicked -> last chart drawn".

``--busy N`` starts N processes that each train a 784-256-10 network with ``nn_core`` as
fast as they can (one BLAS thread, as the app's training workers use): the load of N other
visitors training while you open a page. Targets: 2 s idle, 4 s with ``--busy 2``.

    python -m bench.bench_page_load                       # idle, 1280x800, 5 runs each
    python -m bench.bench_page_load --busy 2 --runs 5     # while two visitors train
    python -m bench.bench_page_load --pages learn --size 1920x1080
    python -m bench.bench_page_load --warm                # the scripts already in the cache
    python -m bench.bench_page_load --root . /tmp/old     # two checkouts, runs taking turns
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import time

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # as the app runs

import numpy as np  # noqa: E402

from tests.support.app_server import ROOT, launch_app, stop_app  # noqa: E402
from tests.support.browser import launch_chromium  # noqa: E402

PAGES = {"learn": "/", "data": "/data", "draw": "/draw"}

FIGURES = (  # Plotly charts, the app's SVG figures (inline in older checkouts), components
    '[data-testid="stPlotlyChart"], .nn-figure, [data-testid="stBidiComponentIsolated"]'
)
DONE = """(expected) => {
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main || !main.querySelector('h1')) return false;
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  if (main.querySelector('[data-stale="true"]')) return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  const figures = main.querySelectorAll(FIGURES);
  if (figures.length < expected) return false;
  const plotly = main.querySelectorAll('[data-testid="stPlotlyChart"]');
  for (const c of plotly) if (!c.querySelector('.main-svg')) return false;
  for (const img of main.querySelectorAll('img')) if (!img.complete) return false;
  for (const host of main.querySelectorAll('[data-testid="stBidiComponentIsolated"]'))
    if (!host.shadowRoot || !host.shadowRoot.querySelector('canvas')) return false;
  return performance.now();
}""".replace("FIGURES", repr(FIGURES))
COUNT = f"""() => document.querySelector('[data-testid="stMain"]').querySelectorAll(
  {FIGURES!r}
).length"""


def train_forever(seed: int) -> None:
    """One busy visitor: ``nn_core`` training a 784-256-10 ReLU network with mini-batch
    SGD (batch 128) on random images, as fast as it can, forever (until terminated)."""
    from nn_core import MLP, TrainConfig, Trainer

    rng = np.random.default_rng(seed)
    X = rng.random((4096, 784), dtype=np.float32)  # (4096, 784)
    y = rng.integers(0, 10, 4096)  # (4096,)
    config = TrainConfig(epochs=10**9, batch_size=128, optimizer="sgd", lr=1e-4, seed=seed)
    trainer = Trainer(MLP((784, 256, 10), seed=seed), X, y, config)
    while trainer.step() is not None:
        pass


def open_once(browser, url: str, size: tuple[int, int], expected: int, shared=None) -> float:
    """Seconds from navigation start to the last chart drawn, in a fresh session: a new
    browser profile, or a new tab of ``shared`` (a profile that has the app's scripts in
    its cache already, as a student's browser has after the first visit)."""
    context = shared or browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    try:
        page.goto(url)
        handle = page.wait_for_function(DONE, arg=expected, polling="raf", timeout=120_000)
        return handle.json_value() / 1000
    finally:
        page.close()
        if shared is None:
            context.close()


def warm_up(browser, base: str, pages, size) -> dict[str, int]:
    """Open each page once (the server's caches are a one-off for the whole class) and
    return how many figures each one ends with."""
    expected = {}
    for name in pages:
        context = browser.new_context(viewport={"width": size[0], "height": size[1]})
        page = context.new_page()
        page.goto(base + PAGES[name])
        page.wait_for_function(DONE, arg=1, timeout=120_000)
        page.wait_for_timeout(3000)
        expected[name] = page.evaluate(COUNT)
        context.close()
    return expected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", nargs="+", default=list(PAGES), choices=list(PAGES))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--busy", type=int, default=0, help="visitors training meanwhile")
    parser.add_argument("--size", default="1280x800", help="browser window, WIDTHxHEIGHT")
    parser.add_argument(
        "--warm", action="store_true", help="new tabs of one browser profile (scripts cached)"
    )
    parser.add_argument(
        "--root",
        nargs="+",
        default=[str(ROOT)],
        help="the checkouts to run; with several, their runs take turns (to compare)",
    )
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.lower().split("x"))
    from playwright.sync_api import sync_playwright

    servers, bases = {}, {}
    for root in args.root:
        servers[root], bases[root] = launch_app(root=root)
    spawn = mp.get_context("spawn")  # not fork: a forked copy of a Playwright client hangs it
    busy = [spawn.Process(target=train_forever, args=(k,), daemon=True) for k in range(args.busy)]
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            expected = {root: warm_up(browser, bases[root], args.pages, size) for root in args.root}
            for proc in busy:  # after the warm-up: caches are a one-off for the whole class
                proc.start()
            time.sleep(2 if busy else 0)  # let them get going
            shared = None
            if args.warm:
                shared = browser.new_context(viewport={"width": size[0], "height": size[1]})
            profile = "warm browser cache" if args.warm else "fresh browser profile each time"
            print(
                f"window {size[0]}x{size[1]}, {args.busy} busy visitor(s), {profile}, "
                f"{args.runs} runs"
            )
            # The checkouts take turns, run by run: this machine's speed drifts by 10-20 %
            # within an hour, which would swamp a comparison measured one after the other.
            times = {(root, name): [] for root in args.root for name in args.pages}
            for _ in range(args.runs):
                for name in args.pages:
                    for root in args.root:
                        url = bases[root] + PAGES[name]
                        seconds = open_once(browser, url, size, expected[root][name], shared)
                        times[root, name].append(seconds)
            for (root, name), t in times.items():
                print(
                    f"{root}  {name:6s} {expected[root][name]:2d} figures  "
                    f"median {statistics.median(t):.2f} s  min {min(t):.2f}  max {max(t):.2f}  "
                    f"({', '.join(f'{v:.2f}' for v in t)})"
                )
            browser.close()
    finally:
        for proc in busy:
            if proc.is_alive():
                proc.terminate()
        for server in servers.values():
            stop_app(server)


if __name__ == "__main__":
    main()
