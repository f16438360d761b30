"""How much of the server's CPU does one page open cost? Each page, opened N times.

A page open is what a student's tab does when the link is opened: a new websocket
session (``tests/support/protocol.py``, Streamlit's own protocol, no browser) asks for
the page and the server runs ``app.py`` and the page for it, builds its messages and
sends them. Thirty students opening the link at once queue behind one Python
interpreter, so every millisecond here is paid thirty times (target: under 60 ms).

The server's CPU is read from ``/proc`` (user + system time of the whole process, every
thread: the script run, the message building, the websocket), around each open, with the
server's own idle ticking over the same wall time taken off (measured first, with no
session open). Every page is first opened once so that the shared caches (the data set,
the bundled model, the figures everybody sees) are built, as a class's first visitor
does; the figure is what each later visitor costs. Opens are one after another, so one
open's CPU is not another's.

``--in-process`` measures in this process instead: a fresh ``AppTest`` session opens
each page directly, and the script run's thread CPU (``time.thread_time``) is the page's
own Python, without the websocket and the message sending; finer than ``/proc``'s 10 ms
ticks. ``--profile PAGE`` adds cProfile of PAGE's last open (the functions that take
the most time).

    NN_DATA_DIR=/work/shared python -m bench.bench_page_cpu               # 10 opens a page
    NN_DATA_DIR=/work/shared python -m bench.bench_page_cpu --pages draw,train --opens 20
    NN_DATA_DIR=/work/shared python -m bench.bench_page_cpu --root /tmp/old   # another checkout
    NN_DATA_DIR=/work/shared python -m bench.bench_page_cpu --in-process
    NN_DATA_DIR=/work/shared python -m bench.bench_page_cpu --profile learn
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import time

from bench.processes import cpu_seconds, load_average
from tests.support.app_server import ROOT, launch_app, stop_app
from tests.support.protocol import Client

PAGES = ["learn", "data", "train", "inside", "evaluate", "draw", "class"]
TARGET_MS = 60


async def open_once(url: str, page: str, pid: int, idle_rate: float) -> tuple[float, float]:
    """(server CPU ms, wall s) of one new session opening ``page``; its exceptions raise."""
    c = Client("visitor", url)
    cpu0, t0 = cpu_seconds([pid]), time.perf_counter()
    await c.connect()
    visit = await c.open(page, timeout=120)
    wall = time.perf_counter() - t0
    cpu = cpu_seconds([pid]) - cpu0 - idle_rate * wall
    with contextlib.suppress(Exception):
        await c.close()
    if visit.seconds is None or visit.exceptions:
        raise RuntimeError(f"{page}: {visit.exceptions or 'no end of run'}")
    return cpu * 1000, wall


async def idle_cores(pid: int, seconds: float) -> float:
    cpu0, t0 = cpu_seconds([pid]), time.perf_counter()
    await asyncio.sleep(seconds)
    return (cpu_seconds([pid]) - cpu0) / (time.perf_counter() - t0)


async def measure(args) -> dict[str, list[float]]:
    proc, url = launch_app(env={"NN_WORKERS": "2"}, root=args.root)
    try:
        for page in args.pages:  # the class's first visitor builds the shared caches
            await open_once(url, page, proc.pid, 0.0)
        await asyncio.sleep(1.0)
        idle = await idle_cores(proc.pid, 5.0)
        print(f"server idle: {idle * 1000:.0f} ms of CPU a second (taken off each open)")
        out: dict[str, list[float]] = {page: [] for page in args.pages}
        for _ in range(args.opens):  # pages take turns: a drift of the machine hits all alike
            for page in args.pages:
                ms, _wall = await open_once(url, page, proc.pid, idle)
                out[page].append(ms)
                await asyncio.sleep(0.3)  # let the closed socket's work finish
        return out
    finally:
        stop_app(proc)


def in_process(pages: list[str], opens: int, profile: str | None, top: int) -> dict:
    """Thread CPU of the script run of a fresh session opening each page directly, in this
    process (``AppTest``: the page's own Python, without the websocket); with ``profile``,
    cProfile of that page's last open."""
    import cProfile
    import io
    import pstats

    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.testing.v1 import AppTest

    from tests.support.apptest import APP, page_path

    runs: list[tuple[cProfile.Profile | None, float]] = []
    plain = script_runner.ScriptRunner._run_script
    profiling = [False]

    def timed(self, rerun_data):
        prof = cProfile.Profile(time.thread_time) if profiling[0] else None
        t0 = time.thread_time()
        if prof:
            prof.enable()
        try:
            return plain(self, rerun_data)
        finally:
            if prof:
                prof.disable()
            runs.append((prof, time.thread_time() - t0))

    script_runner.ScriptRunner._run_script = timed
    out: dict[str, list[float]] = {}
    for page in pages:
        out[page] = []
        for i in range(opens + 1):  # the first builds the shared caches: not counted
            profiling[0] = page == profile and i == opens
            runs.clear()
            at = AppTest.from_file(APP, default_timeout=120)
            if page == "class":
                at.run()  # its url_path is not its file name: switch once the app is up
                runs.clear()
            at.switch_page(page_path("classroom" if page == "class" else page))
            at.run()
            assert not at.exception, at.exception
            if i:
                out[page].append(sum(t for _, t in runs) * 1000)
    script_runner.ScriptRunner._run_script = plain
    if profile:
        text = io.StringIO()
        pstats.Stats(runs[-1][0], stream=text).sort_stats("cumulative").print_stats(top)
        print(text.getvalue())
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1],
    )
    ap.add_argument("--pages", default=",".join(PAGES), help="comma-separated (all seven)")
    ap.add_argument("--opens", type=int, default=10, help="opens of each page (10)")
    ap.add_argument("--root", default=str(ROOT), help="the checkout to serve (this one)")
    ap.add_argument(
        "--in-process", action="store_true", help="script thread CPU in AppTest instead"
    )
    ap.add_argument("--profile", metavar="PAGE", help="in process, with cProfile of PAGE")
    ap.add_argument("--top", type=int, default=40, help="functions shown by --profile (40)")
    args = ap.parse_args(argv)
    args.pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    print(f"load average: {load_average()}", flush=True)
    if args.profile or args.in_process:
        pages = [args.profile] if args.profile else args.pages
        out = in_process(pages, args.opens, args.profile, args.top)
        what = "script run's thread CPU per page open, in process (AppTest)"
    else:
        out = asyncio.run(measure(args))
        what = "server process CPU per page open (websocket session, /proc, 10 ms ticks)"
    print(f"\n{what}, ms ({args.opens} opens each; target < {TARGET_MS})")
    print("| page | mean | median | min | max |")
    print("| --- | --- | --- | --- | --- |")
    for page, ms in out.items():
        mean, median = statistics.fmean(ms), statistics.median(ms)
        print(f"| {page} | {mean:.0f} | {median:.0f} | {min(ms):.0f} | {max(ms):.0f} |")
    print(f"load average after: {load_average()}")
    worst = max(statistics.fmean(ms) for ms in out.values())
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
