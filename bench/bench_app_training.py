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
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.processes import chromium_pids, load_average
from bench.train_tab import measure_window, open_train, start_long_runs, stop_all, time_to_result
from tests.support.app_server import ROOT, launch_app, stop_app
from tests.support.browser import launch_chromium

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
            before = set(chromium_pids())
            browser = launch_chromium(p)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            mine = lambda: set(chromium_pids()) - before  # noqa: E731
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


if __name__ == "__main__":
    raise SystemExit(main())
