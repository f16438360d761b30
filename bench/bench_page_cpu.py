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

``--profile PAGE`` instead profiles one warm open of PAGE in this process (``AppTest``,
cProfile around the script run: the page's own Python, without the websocket) and prints
the functions that take the most time.

    NN_DATA_DIR=/work/shared python -m bench.bench_page_cpu               # 10 opens a page
    NN_DATA_DIR=/work/shared python -m bench.bench_page_cpu --pages draw,train --opens 20
    NN_DATA_DIR=/work/shared python -m bench.bench_page_cpu --profile learn
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import time

from bench.processes import cpu_seconds, load_average
from tests.support.app_server import launch_app, stop_app
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
    proc, url = launch_app(env={"NN_WORKERS": "2"})
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


def profile(page: str, top: int) -> None:
    """cProfile of one warm open of ``page`` in this process (AppTest), script thread only."""
    import cProfile
    import io
    import pstats

    from streamlit.runtime.scriptrunner import script_runner

    from tests.support.apptest import open_app, page_path

    runs: list[tuple[cProfile.Profile, float]] = []
    plain = script_runner.ScriptRunner._run_script

    def profiled(self, rerun_data):
        prof, t0 = cProfile.Profile(), time.thread_time()
        prof.enable()
        try:
            return plain(self, rerun_data)
        finally:
            prof.disable()
            runs.append((prof, time.thread_time() - t0))

    script_runner.ScriptRunner._run_script = profiled
    for attempt in ("cold", "warm", "warm"):
        runs.clear()
        at = open_app()
        if page != "learn":
            at.switch_page(page_path(page))
            at.run()
        assert not at.exception, at.exception
        times = " + ".join(f"{t * 1000:.0f}" for _, t in runs)
        print(f"{page} ({attempt}): script runs {times} ms of thread CPU")
    text = io.StringIO()
    pstats.Stats(runs[-1][0], stream=text).sort_stats("cumulative").print_stats(top)
    print(text.getvalue())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1],
    )
    ap.add_argument("--pages", default=",".join(PAGES), help="comma-separated (all seven)")
    ap.add_argument("--opens", type=int, default=10, help="opens of each page (10)")
    ap.add_argument("--profile", metavar="PAGE", help="profile one warm open of PAGE instead")
    ap.add_argument("--top", type=int, default=40, help="functions shown by --profile (40)")
    args = ap.parse_args(argv)
    if args.profile:
        profile(args.profile, args.top)
        return 0
    args.pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    print(f"load average: {load_average()}", flush=True)
    out = asyncio.run(measure(args))
    print(f"\nserver CPU per page open, ms ({args.opens} opens each; target < {TARGET_MS})")
    print("| page | median | min | max |")
    print("| --- | --- | --- | --- |")
    for page, ms in out.items():
        print(f"| {page} | {statistics.median(ms):.0f} | {min(ms):.0f} | {max(ms):.0f} |")
    print(f"load average after: {load_average()}")
    worst = max(statistics.median(ms) for ms in out.values())
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
