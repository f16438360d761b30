"""Does the server give memory back when tabs close? Three tabs upload and train, then leave.

``streamlit run app.py`` headless on a free port (``NN_WORKERS`` 2), Debian's Chromium
through Playwright:

1. one tab opens the Train page and closes again (the server loads MNIST, starts its
   workers and warms its caches once for everybody); then the server's memory settles
   and is read: the baseline. Memory is the PSS (``/proc/PID/smaps_rollup``) of the
   server process plus its children (the training workers), in MB.
2. three tabs (three sessions) each open ``/train``, upload a model file in the
   "Continue from a saved model (.npz)" expander (a 784-512-512-512-10 network made with
   ``nn_core.MLP(...).save``, about 3.7 MB), press Start and train for ``--train-seconds``.
   Memory is read at its peak.
3. the three tabs close (runs still training: the server pauses them when the
   connections drop, and drops them when the sessions are released after
   ``server.disconnectedSessionTTL``, 120 s by default). Memory is then read every
   5 s for ``--watch`` seconds (180 by default). Target: back within 100 MB of the
   baseline within three minutes of the close.

    NN_DATA_DIR=/work/shared python -m bench.bench_memory               # default TTL, ~4.5 min
    NN_DATA_DIR=/work/shared python -m bench.bench_memory --quick       # TTL 10 s, ~1.5 min
    NN_DATA_DIR=/work/shared python -m bench.bench_memory --ttl 30 --watch 90

Prints the timeline (memory, what each process holds above its own baseline, and the
training workers' CPU: a closed tab's run should stop costing CPU at once) and the time
at which memory came back within 100 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from bench.processes import cpu_seconds, load_average, server_pss
from tests.support.app_server import descendants, launch_app, stop_app
from tests.support.browser import launch_chromium

MB = 2**20
TARGET_MB = 100


def make_models(folder: Path, n: int) -> list[Path]:
    from nn_core import MLP

    paths = []
    for i in range(n):
        path = folder / f"model{i}.npz"
        MLP((784, 512, 512, 512, 10), seed=i).save(path)
        paths.append(path)
    return paths


def named_pss(pid: int) -> dict[str, int]:
    """PSS per process, named: 'server', 'worker 1234', 'tracker 1230' (multiprocessing's
    resource tracker), and 'total', in bytes."""
    named = {}
    for key, value in server_pss(pid).items():
        if key.startswith("child"):
            child = key.split()[1]
            try:
                cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            except OSError:
                cmdline = b""
            key = f"{'tracker' if b'resource_tracker' in cmdline else 'worker'} {child}"
        named[key] = value
    return named


def parts(pid: int) -> str:
    """'(server 300 + worker 120 + worker 118 + tracker 9 MB)': where the memory is."""
    p = named_pss(pid)
    return (
        "("
        + " + ".join(f"{k.split()[0]} {v / MB:.0f}" for k, v in p.items() if k != "total")
        + " MB)"
    )


def leftover(now: dict[str, int], base: dict[str, int]) -> str:
    """'server +128, worker +76, worker +47': each process against its own baseline (a
    worker that was replaced meanwhile counts from zero)."""
    return ", ".join(
        f"{k.split()[0]} {(v - base.get(k, 0)) / MB:+.0f}"
        for k, v in now.items()
        if k != "total" and not k.startswith("tracker")
    )


def settle(pid: int, seconds: float = 6.0) -> int:
    """The server's PSS once it has stopped moving: the last of a few readings."""
    readings = []
    for _ in range(int(seconds / 2)):
        readings.append(server_pss(pid)["total"])
        time.sleep(2)
    return readings[-1]


def upload_and_train(context, url: str, model: Path):
    page = context.new_page()
    page.goto(f"{url}/train")
    main = page.get_by_test_id("stMain")
    main.get_by_role("button", name="Start").wait_for(timeout=90_000)
    page.get_by_text("Continue from a saved model (.npz)").click()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(model))
    page.get_by_text(f"Loaded `{model.name}`".replace("`", "")).or_(
        page.get_by_text("Start will continue training")
    ).first.wait_for(timeout=90_000)
    main.get_by_role("button", name="Start").click()
    page.locator('[data-testid="stProgress"]').first.wait_for(timeout=90_000)
    return page


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1],
    )
    ap.add_argument("--tabs", type=int, default=3, help="tabs that upload and train (3)")
    ap.add_argument("--train-seconds", type=float, default=10.0, help="training before close")
    ap.add_argument("--ttl", type=float, help="server.disconnectedSessionTTL (default: 120)")
    ap.add_argument("--watch", type=float, default=180.0, help="seconds to watch after close")
    ap.add_argument("--workers", type=int, default=2, help="NN_WORKERS of the server (2)")
    ap.add_argument("--quick", action="store_true", help="TTL 10 s, watch 60 s")
    ap.add_argument("--json", type=Path, help="also write the timeline to this file")
    args = ap.parse_args(argv)
    if args.quick:
        args.ttl, args.watch = 10.0, 60.0
    from playwright.sync_api import sync_playwright

    print(f"cores: {os.cpu_count()}, load average: {load_average()}", flush=True)
    extra = ("--server.disconnectedSessionTTL", str(int(args.ttl))) if args.ttl else ()
    # A state folder of its own: the server writes the data set there for its workers to
    # map, and PSS splits a shared page between every process that maps it, so another
    # server or a test run mapping the same files would move our figures (by 30 MB here).
    state = tempfile.TemporaryDirectory(prefix="bench-memory-state-")
    env = {"NN_WORKERS": str(args.workers), "NN_STATE_DIR": state.name}
    proc, url = launch_app(env=env, extra=extra)
    timeline: list[tuple] = []  # (seconds after the close, PSS, workers busy, per process)
    back_at = None
    try:
        with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
            models = make_models(Path(tmp), args.tabs)
            browser = launch_chromium(p)
            # 1. warm-up and baseline (the warm-up tab's session is released too: a
            # context of its own, closed, and the TTL waited out when it is short)
            warm = browser.new_context()
            warm_pages = []
            for _ in range(args.workers):  # one short run per worker: each maps the data
                page = warm.new_page()
                page.goto(f"{url}/?page=train&preset=fast&epochs=2&subset=10000")
                page.get_by_test_id("stMain").get_by_role("button", name="Start").wait_for(
                    timeout=120_000
                )
                warm_pages.append(page)
            for page in warm_pages:  # all at once, so that each worker gets one
                page.get_by_test_id("stMain").get_by_role("button", name="Start").click()
            for page in warm_pages:
                page.get_by_test_id("stAlert").filter(has_text="Test accuracy").first.wait_for(
                    timeout=120_000
                )
            warm.close()
            time.sleep(min(args.ttl or 0, 30) + 2)
            base = settle(proc.pid)
            base_parts = named_pss(proc.pid)
            print(f"baseline (warm, no tab open): {base / MB:.0f} MB {parts(proc.pid)}", flush=True)

            # 2. tabs upload and train
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            pages = [upload_and_train(context, url, m) for m in models]
            t_end = time.monotonic() + args.train_seconds
            peak = 0
            while time.monotonic() < t_end:
                peak = max(peak, server_pss(proc.pid)["total"])
                time.sleep(1)
            steps = [pg.locator('[data-testid="stProgress"]').first.inner_text() for pg in pages]
            print(
                f"{args.tabs} tabs training: peak {peak / MB:.0f} MB, now {parts(proc.pid)}",
                flush=True,
            )
            for s in steps:
                print(f"  {s.splitlines()[0][:90]}")

            # 3. close and watch
            context.close()
            closed = time.monotonic()
            ttl = args.ttl or 120
            print(f"tabs closed; session TTL {ttl:.0f} s; watching {args.watch:.0f} s", flush=True)
            kids = descendants(proc.pid)
            cpu_before = cpu_seconds(kids)
            while time.monotonic() - closed < args.watch:
                time.sleep(5)
                now = time.monotonic() - closed
                now_parts = named_pss(proc.pid)
                pss = now_parts["total"]
                cpu_now = cpu_seconds(kids)
                busy, cpu_before = (cpu_now - cpu_before) / 5, cpu_now
                timeline.append((round(now, 1), pss, round(busy, 2), now_parts))
                mark = ""
                if back_at is None and pss - base <= TARGET_MB * MB:
                    back_at = now
                    mark = "  <- within 100 MB of the baseline"
                print(
                    f"  +{now:5.0f} s  {pss / MB:6.0f} MB ({(pss - base) / MB:+.0f}: "
                    f"{leftover(now_parts, base_parts)}), workers {busy:.2f} core{mark}",
                    flush=True,
                )
            print(f"at the end of the watch: {parts(proc.pid)}")
            browser.close()
    finally:
        stop_app(proc)
        state.cleanup()
    final = timeline[-1][1] if timeline else 0
    ok = back_at is not None and back_at <= 180 and final - base <= TARGET_MB * MB
    print(
        f"baseline {base / MB:.0f} MB, peak {peak / MB:.0f} MB, last {final / MB:.0f} MB; "
        + (f"back within 100 MB {back_at:.0f} s after closing" if back_at else "never back")
        + f" (TTL {ttl:.0f} s; target: within 180 s)"
    )
    print(f"load average after: {load_average()}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "base": base,
                    "base_parts": base_parts,
                    "peak": peak,
                    "timeline": timeline,
                    "back_at": back_at,
                }
            )
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
