"""Does drawing eat the training? Live training in the app against the command-line trainer.

Measures steps per second of the "Fast and good" recipe three ways:

1. the command-line trainer, ``python -m nn_core.train --preset fast`` (a plain
   ``Trainer`` loop, nothing drawn), with ``OPENBLAS_NUM_THREADS=1`` as the app uses and
   with the machine's default number of BLAS threads;
2. the real app: ``streamlit run app.py`` headless, driven by Debian's Chromium through
   Playwright. The bench presses Start and reads the step counter the page shows at two
   moments; steps between the two readings divided by the wall-clock time between them
   is what a class sees, drawing, browser and all;
3. optionally (``--in-process``) the ``TrainingSession`` tick loop with the charts
   built at the real cadence, without a server or a browser.

The verdict compares 2 with the single-thread command line (same BLAS setting). Both
figures and their ratio are printed; the target is a ratio of at least 0.8.

    NN_DATA_DIR=../shared python -m bench.bench_app_training [--seconds 12] [--in-process]

Needs the full MNIST (NN_DATA_DIR) for meaningful numbers; runs on the sample otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

# The in-process measurement runs here, like the app: one BLAS thread (set before NumPy loads).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from bench.app_server import ROOT, free_port, start_app  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
STEP_RE = re.compile(r"step ([\d,]+) of ([\d,]+)")


def cli_steps_per_second(threads: str | None, epochs: int = 3) -> float:
    """Steps per second of training time reported by the command-line trainer."""
    env = dict(os.environ)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.pop(var, None)
        if threads:
            env[var] = threads
    cmd = [sys.executable, "-m", "nn_core.train", "--preset", "fast", "--quiet"]
    cmd += ["--epochs", str(epochs), "--no-download"]
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    summary = json.loads(out.stdout.strip().splitlines()[-1])
    return summary["steps"] / summary["train_seconds"]


def _read_step(page) -> tuple[int, str]:
    text = page.locator('[data-testid="stProgress"]').first.inner_text()
    match = STEP_RE.search(text)
    return (int(match.group(1).replace(",", "")) if match else -1), text


def _cpu_seconds(pids) -> float:
    """User + system CPU time of these processes so far (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _chromium_pids() -> set[str]:
    out = subprocess.run(["pgrep", "-f", "chromium"], capture_output=True, text=True)
    return set(out.stdout.split())


@dataclass
class AppMeasure:
    steps_per_second: float
    server_cores: float  # CPU of the app's server process during the window, in cores
    browser_cores: float  # CPU of this bench's Chromium during the window
    page_text: str


def app_steps_per_second(
    seconds: float, warmup: float = 2.0, extra: tuple[str, ...] = ()
) -> AppMeasure:
    """Steps per wall-clock second while the app trains in a real browser."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    proc = start_app(port, extra)
    try:
        with sync_playwright() as p:
            others = _chromium_pids()
            browser = p.chromium.launch(
                executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_ARGS
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            # Enter through the home page, as a class does: app.py must run first (it pins
            # BLAS to one thread and draws the sidebar).
            page.goto(f"http://127.0.0.1:{port}/")
            page.get_by_test_id("stSidebarNavItems").get_by_role(
                "link", name="Train", exact=True
            ).click()
            page.get_by_text("Train a network").first.wait_for(timeout=60_000)
            mine = _chromium_pids() - others
            # 30 epochs: long enough that the run outlasts the measurement
            page.get_by_role("tab", name="Data").click()
            page.get_by_role("slider", name="Epochs").first.press("End")
            time.sleep(1.0)
            main = page.get_by_test_id("stMainBlockContainer")
            main.get_by_role("button", name="Start").click()
            page.locator('[data-testid="stProgress"]').first.wait_for(timeout=30_000)
            time.sleep(warmup)
            cpu0 = _cpu_seconds([proc.pid]), _cpu_seconds(mine)
            n0, _ = _read_step(page)
            t0 = time.perf_counter()
            time.sleep(seconds)
            n1, text = _read_step(page)
            t1 = time.perf_counter()
            cpu1 = _cpu_seconds([proc.pid]), _cpu_seconds(mine)
            main.get_by_role("button", name="Stop").click()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    if n0 < 0 or n1 <= n0:
        raise RuntimeError(f"could not read the step counter (last text: {text!r})")
    wall = t1 - t0
    return AppMeasure(
        (n1 - n0) / wall, (cpu1[0] - cpu0[0]) / wall, (cpu1[1] - cpu0[1]) / wall, text
    )


def in_process_steps_per_second(seconds: float) -> float:
    """The TrainingSession tick loop with the charts built at the app's cadence."""
    import dataclasses

    import numpy as np

    from nn_core.data import load_dataset
    from nn_core.presets import PRESETS
    from ui.train.charts import accuracy_figure, loss_figure, lr_figure
    from ui.limits import LIMITS
    from ui.train.session import TrainingSession

    data = load_dataset("mnist", download=False)
    fast = PRESETS["fast"]
    train = dataclasses.replace(fast.train, epochs=30)
    val = np.sort(np.random.default_rng(0).choice(len(data.y_test), LIMITS.val_size, False))
    s = TrainingSession.create(data, fast.model, train, True, val_index=val)
    s.start()
    t_end = time.perf_counter() + seconds
    t0 = time.perf_counter()
    while time.perf_counter() < t_end and s.live:
        s.tick(LIMITS.tick_seconds)
        for make in (loss_figure, accuracy_figure, lr_figure):
            make([s.run]).to_json()
    return s.step_count / (time.perf_counter() - t0)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10.0, help="length of one app measurement")
    ap.add_argument("--rounds", type=int, default=3, help="alternating CLI/app rounds")
    ap.add_argument("--in-process", action="store_true", help="also time the tick loop alone")
    ap.add_argument(
        "--no-gc-too",
        action="store_true",
        help="also time the app with Streamlit's full garbage collection after each run off",
    )
    args = ap.parse_args(argv)

    print(f"cores: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.1f}")
    cli_default = cli_steps_per_second(None)
    print(f"CLI, default BLAS threads : {cli_default:7.1f} steps/s")
    clis, apps, no_gcs = [], [], []
    for r in range(1, args.rounds + 1):
        clis.append(cli_steps_per_second("1"))
        apps.append(app_steps_per_second(args.seconds))
        a = apps[-1]
        line = (
            f"round {r}: CLI (1 thread) {clis[-1]:6.1f} | app in Chromium {a.steps_per_second:6.1f}"
            f" steps/s (server {a.server_cores:.2f} core, browser {a.browser_cores:.2f} core)"
        )
        if args.no_gc_too:
            no_gcs.append(
                app_steps_per_second(args.seconds, extra=("--runner.postScriptGC", "false"))
            )
            line += f" | postScriptGC off {no_gcs[-1].steps_per_second:6.1f}"
        print(line, flush=True)
    cli = statistics.median(clis)
    app = statistics.median(a.steps_per_second for a in apps)
    print(f"  the page said: {apps[-1].page_text}")
    print(f"median CLI, 1 BLAS thread : {cli:7.1f} steps/s")
    print(f"median app in Chromium    : {app:7.1f} steps/s")
    if no_gcs:
        no_gc = statistics.median(a.steps_per_second for a in no_gcs)
        print(f"median app, postScriptGC off: {no_gc:5.1f} steps/s ({no_gc / cli:.2f} of the CLI)")
    if args.in_process:
        inner = in_process_steps_per_second(args.seconds)
        print(f"tick loop + charts, no server: {inner:6.1f} steps/s ({inner / cli:.2f} of the CLI)")
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    ratio = app / cli
    print(f"app / CLI (1 thread)      : {ratio:.2f}  (target >= 0.80)")
    print(f"app / CLI (default)       : {app / cli_default:.2f}")
    return 0 if ratio >= 0.8 else 1


if __name__ == "__main__":
    raise SystemExit(main())
