"""A class at once: 30 sessions on one server, opening pages and drawing while 3 train.

The sessions are driven at the websocket level, like a browser but without one: each is
a client of Streamlit's own protocol (``/_stcore/stream``, protobuf ``BackMsg`` up,
``ForwardMsg`` down, from ``streamlit.proto``). A client asks for a page with a
``rerun_script`` message (``page_name``), presses a button by sending its widget id with
a trigger, keeps a fragment's timer going by answering the server's ``auto_rerun``
messages (the Train page's live panel every 0.25 s, the sidebar line every 2 s), and
draws by sending the Draw canvas component's state: a PNG of a real MNIST test digit
(scaled to the 280x280 canvas) as the component's ``drawing`` value, in the drawing
fragment, as the browser does when the pen lifts. No browser means no drawing cost on
this machine: in a class the browsers run on the students' own computers.

Two scenarios (``--scenario``, both by default), each on a server of its own
(its default pool: a worker process per training place). **The lesson start** (``bench/lesson_start.py``): ``--sessions``
students (30) open the same page within ``--within`` seconds (2) while three others
train ``fast``: Draw from a fresh tab (and draw), then Train, then the Class board once
they have joined the class (a class filled to ``--board-runs`` and ``--board-drawings``,
the caps by default). Reported per page: page ready p50 / p95 / max (targets on Draw:
p95 < 3 s, p50 < 1.5 s), the server's and the workers' CPU, each trainer's steps/s
against one trainer alone (>= 25 %); strokes -> prediction p95 (< 0.5 s), every digit
read right, server + workers PSS peak (< 1.5 GB), failures. **The staggered class**,
in phases:

0. memory per session: ``--history-sessions`` sessions each train ten short runs of a
   784-256-10 network (lesson link ``?page=train&preset=fast&epochs=1&subset=1000``), so
   each has ten runs in its history; the server's PSS growth divided by their number.
1. a trainer alone: steps/s of one ``fast`` run (read from the progress text).
2. the class: ``--sessions`` sessions, arriving 0.2 s apart. Three train (``fast``, 30 epochs,
   learning rates 0.3, 0.05 and 0.03, so that each run's name is its own); the others
   cycle through every page (Learn, Data, Train, Inside, Evaluate, Draw, Class) and draw
   ``--strokes`` digits on each visit to Draw, for ``--seconds``, with ``--think``
   seconds (10) between two pages: a student reads a page before opening the next.
   ``--think 1`` is a stress test (every session changes page every second or two).

Reported: pages that failed (an exception on the page, or no end of the script run);
leaks (a session that saw a run name or a prediction it did not make: the trainers' run
names carry their learning rate; every drawing is a digit the bundled model reads
correctly, so another session's answer would show as a wrong one); the time to open a
page (send -> end of the script run, server side) with 30 sessions open, p50/p95
(target < 3 s); stroke -> updated prediction (send -> "Prediction" metric -> end of the
fragment run), p50/p95 (target < 1 s with 3 trainings); server PSS peak (target
< 1.5 GB); each trainer's steps/s against the lone trainer.

    NN_DATA_DIR=/work/shared python -m bench.bench_load                # about 6 min
    NN_DATA_DIR=/work/shared python -m bench.bench_load --scenario lesson   # about 2 min
    NN_DATA_DIR=/work/shared python -m bench.bench_load --scenario staggered --quick
    NN_DATA_DIR=/work/shared python -m bench.bench_load --sessions 30 --seconds 120

All traffic goes to 127.0.0.1. Every wait is bounded; the run stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from bench.bench_board import fill_class
from bench.lesson_start import lesson_phase
from bench.load_sessions import (
    PAGES,
    TRAIN_LRS,
    class_phase,
    digit_drawings,
    history_phase,
    start_trainer,
    trainer_rates,
)
from bench.processes import load_average, server_pss
from tests.support.app_server import launch_app, stop_app
from tests.support.protocol import Client
from ui.classroom import fields

EXTRA = ("--server.maxUploadSize", "20")


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def spread(values: list[float]) -> str:
    """p50 / p95 / max in seconds."""
    if not values:
        return "none"
    return f"{percentile(values, 50):.2f} / {percentile(values, 95):.2f} / {max(values):.2f} s"


async def warm_and_lone(args, url: str, pid: int) -> float:
    """Every page opened once (the first visitor pays for the shared caches), then one
    trainer alone: its steps per second, what the trainers of the class are held to."""
    warm = Client("warm", url)
    await warm.connect()
    for page in PAGES:
        await warm.open(page, timeout=120)
    await warm.close()
    pss0 = server_pss(pid)["total"]
    print(f"server PSS, warm, no session open: {pss0 / 2**20:.0f} MB", flush=True)
    lone = await start_trainer(url, "alone", TRAIN_LRS[0])
    await asyncio.sleep(2.0)
    lone_rate = (await trainer_rates([lone], args.lone_seconds))[0]
    await lone.press("Stop")
    await lone.close()
    print(f"one trainer alone: {lone_rate:.0f} steps/s", flush=True)
    return lone_rate


async def lesson_start(args) -> bool:
    """A class at its lesson's start: every student opens the same page within 2 s."""
    state = Path(tempfile.mkdtemp(prefix="nn-lesson-"))
    code, _key, store, _member = fill_class(
        state / "classroom.sqlite3", args.board_runs, args.board_drawings
    )
    store.engine.dispose()
    env = {"NN_WORKERS": args.workers, "NN_STATE_DIR": str(state), "NN_CLASS_DB_URL": None}
    proc, url = launch_app(env=env, extra=EXTRA, timeout=120)
    trainers = []
    try:
        lone_rate = await warm_and_lone(args, url, proc.pid)
        for i, lr in enumerate(TRAIN_LRS):  # 100 epochs: none may end before the class board
            trainers.append(await start_trainer(url, f"trainer{i}", lr, epochs=100))
        await asyncio.sleep(2.0)
        drawings = digit_drawings(20)
        r = await lesson_phase(args, url, proc.pid, drawings, code, trainers)
    finally:
        for c in trainers:
            with contextlib.suppress(Exception):
                await c.close()
        stop_app(proc)
        shutil.rmtree(state, ignore_errors=True)
    print(
        f"lesson start: {r['sessions']} students within {args.within:.0f} s, 3 training `fast`, "
        f"a board of {args.board_runs} runs and {args.board_drawings} drawings; "
        f"load {load_average()}"
    )
    print("| page | ready p50 / p95 / max | failed | server cores | workers cores | trainers |")
    print("| --- | --- | --- | --- | --- | --- |")
    for page, w in r["waves"].items():
        shares = ", ".join(f"{x / lone_rate:.0%}" for x in w["trainer_rates"]) if lone_rate else "-"
        print(
            f"| {page} | {spread(w['ready'])} | {w['failed']} | {w['server_cores']:.2f} | "
            f"{w['worker_cores']:.2f} | {shares} of {lone_rate:.0f} steps/s |"
        )
    print(
        f"  strokes: {len(r['strokes'])}, each after {args.draw_seconds:g} s of drawing, "
        f"p50 / p95 / max {spread(r['strokes'])} (target p95 < 0.5 s); "
        f"digits read wrong: {len(r['wrong'])}"
    )
    for line in r["wrong"][:5]:
        print(f"    {line}")
    print(f"  server + workers PSS peak: {r['pss_peak'] / 2**20:.0f} MB (target < 1.5 GB)")
    print(f"  failures: {len(r['failures'])}")
    for line in sorted(set(r["failures"]))[:10]:
        print(f"    {line[:300]}")
    draw = r["waves"]["draw"]
    ok = (
        not r["failures"]
        and not r["wrong"]
        and percentile(draw["ready"], 95) < 3
        and percentile(draw["ready"], 50) < 1.5
        and bool(r["strokes"])
        and percentile(r["strokes"], 95) < 0.5
        and all(x >= 0.25 * lone_rate for x in draw["trainer_rates"])
        and r["pss_peak"] < 1.5 * 2**30
    )
    if args.json:
        args.json.with_suffix(".lesson.json").write_text(json.dumps(r, indent=2, default=str))
    return ok


async def staggered(args) -> bool:
    """The class over two minutes: sessions arrive over a few seconds, then read pages."""
    proc, url = launch_app(env={"NN_WORKERS": args.workers}, extra=EXTRA)
    ok = True
    try:
        lone_rate = await warm_and_lone(args, url, proc.pid)

        if args.history_sessions:
            h = await history_phase(url, proc.pid, args.history_sessions)
            print(
                f"(memory) {h['sessions']} sessions with ten 784-256-10 runs each: "
                f"{h['per_session'] / 2**20:.1f} MB per session "
                f"({h['pss_before'] / 2**20:.0f} -> {h['pss_after'] / 2**20:.0f} MB: server "
                f"{h['server_growth'] / 2**20:+.0f}, training workers "
                f"{h['children_growth'] / 2**20:+.0f})",
                flush=True,
            )

        drawings = digit_drawings(20)
        r = await class_phase(args, url, proc.pid, drawings, lone_rate)
        opens = [o for o in r["opens"] if o != float("inf")]
        never = len(r["opens"]) - len(opens)
        print(f"class: {r['sessions']} sessions for {args.seconds:.0f} s, load {load_average()}")
        print(
            f"  page opens: {len(r['opens'])}, p50 {percentile(opens, 50):.2f} s, "
            f"p95 {percentile(opens, 95):.2f} s, max {max(opens, default=float('nan')):.2f} s, "
            f"never ended {never} (target p95 < 3 s)"
        )
        print(
            f"  websocket connects: {len(r['connects'])}, p95 "
            f"{percentile(r['connects'], 95):.2f} s, max {max(r['connects'], default=0):.2f} s"
        )
        print(
            f"  strokes: {len(r['strokes'])}, p50 {percentile(r['strokes'], 50):.2f} s, "
            f"p95 {percentile(r['strokes'], 95):.2f} s (target p95 < 1 s)"
        )
        print(f"  server PSS peak: {r['pss_peak'] / 2**20:.0f} MB (target < 1.5 GB)")
        print(f"  server process CPU: {r['server_cores']:.2f} cores (one Python process: <= 1)")
        shares = [x / lone_rate for x in r["trainer_rates"]] if lone_rate else []
        print(
            "  trainers: "
            + ", ".join(f"{x:.0f}" for x in r["trainer_rates"])
            + f" steps/s = {', '.join(f'{s:.0%}' for s in shares)} of one trainer alone"
        )
        fails = sorted(set(r["failures"]))
        print(f"  failed page visits: {len(r['failures'])} ({len(fails)} distinct)")
        for f in fails[:10]:
            print(f"    {f[:300]}")
        print(f"  sessions that missed a page: {len(r['missing_pages'])}")
        for name, pages in list(r["missing_pages"].items())[:5]:
            print(f"    {name}: {pages}")
        print(f"  leaks (another session's run or drawing): {len(r['leaks'])}")
        for leak in r["leaks"][:10]:
            print(f"    {leak}")
        ok = (
            not r["failures"]
            and not r["leaks"]
            and not r["missing_pages"]
            and percentile(opens, 95) < 3
            and bool(r["strokes"])
            and percentile(r["strokes"], 95) < 1
            and r["pss_peak"] < 1.5 * 2**30
        )
        if args.json:
            r["opens"] = opens
            args.json.write_text(json.dumps(r, indent=2, default=str))
    finally:
        stop_app(proc)
    return ok


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1],
    )
    ap.add_argument(
        "--sessions",
        type=int,
        default=30,
        help="sessions (30; the staggered class counts its 3 trainers in, the lesson not)",
    )
    ap.add_argument("--seconds", type=float, default=120.0, help="class phase length (120 s)")
    ap.add_argument("--strokes", type=int, default=2, help="drawings per visit to Draw (2)")
    ap.add_argument(
        "--think", type=float, default=10.0, help="pause between two pages (10 s; 1 = stress)"
    )
    ap.add_argument("--lone-seconds", type=float, default=8.0, help="window of the lone trainer")
    ap.add_argument("--history-sessions", type=int, default=3, help="phase 0 sessions (0: skip)")
    ap.add_argument(
        "--workers", help="NN_WORKERS of the server (unset: the server's own, one per place)"
    )
    ap.add_argument(
        "--quick", action="store_true", help="60 s class phase, 5 s think, 2 history sessions"
    )
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    ap.add_argument(
        "--scenario",
        choices=("lesson", "staggered", "both"),
        default="both",
        help="the lesson start, the staggered class, or both (both, lesson first)",
    )
    ap.add_argument("--within", type=float, default=2.0, help="lesson: arrivals spread (2 s)")
    ap.add_argument(
        "--draw-seconds", type=float, default=0.0, help="lesson: time to draw a digit (0: burst)"
    )
    ap.add_argument("--pause", type=float, default=5.0, help="lesson: pause between pages (5 s)")
    ap.add_argument("--board-runs", type=int, default=fields.RUNS_PER_CLASS, help="(300)")
    ap.add_argument("--board-drawings", type=int, default=fields.DRAWINGS_PER_CLASS)
    args = ap.parse_args(argv)
    if args.quick:
        args.seconds, args.history_sessions, args.think = 60.0, 2, 5.0
    print(f"cores: {os.cpu_count()}, load average: {load_average()}", flush=True)
    # Thirty clients in one Python process: its collector's full checks of everything
    # imported took 100 ms, every client waiting, counted as the server's time.
    gc.collect()
    gc.freeze()
    ok = True
    if args.scenario in ("lesson", "both"):
        ok = asyncio.run(lesson_start(args)) and ok
    if args.scenario in ("staggered", "both"):
        ok = asyncio.run(staggered(args)) and ok
    print(f"load average after: {load_average()}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
