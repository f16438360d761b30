"""A class through N replicas behind nginx: how many students a core, a replica, a machine.

Each configuration (``--replicas 1 2``) is started by the shipped launcher
(``python -m server.replicas``, through ``tests/support/replicas.py``) on 127.0.0.1: that
many ``streamlit run app.py`` behind Debian's nginx, the board on PostgreSQL (a
throwaway cluster, or ``NN_CLASS_DB_URL``), the machine's training workers split between
the replicas. Every session is a websocket client of Streamlit's protocol
(``bench.bench_board.Viewer``: it names its page in every request, as a browser does) and
reaches a replica the way a fresh browser does, by nginx's sticky cookie; nginx's access
log says afterwards how many landed on each replica. Each replica is warmed first
(every page once, directly), then a lone trainer's speed is read.

``--scenario lesson`` (default): three sessions train ``fast``; then ``--sessions``
students open the Draw page from a fresh tab within ``--within`` seconds (2) and each
draws ``--strokes`` real MNIST digits the bundled model reads correctly. Reported: page
ready (connect + the page's script run, with the canvas received) p50/p95/max, stroke ->
prediction p95, digits read wrong, failures, each replica's CPU and the workers' over the
wave, each trainer against the lone trainer, the PSS peak of everything (replicas,
workers, nginx). ``--scenario staggered``: ``bench.load_sessions.class_phase`` (the
README's thirty-at-once: arrivals 0.2 s apart, every page in turn) through nginx.

    NN_DATA_DIR=/work/shared python -m bench.bench_replicas --replicas 1 2 --sessions 30
    python -m bench.bench_replicas --replicas 2 --sessions 60
    python -m bench.bench_replicas --replicas 2 --scenario staggered --seconds 60 --think 5

All traffic goes to 127.0.0.1; every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.bench_board import Viewer
from bench.load_sessions import PAGES, TRAIN_LRS, class_phase, digit_drawings, read_step
from bench.processes import cpu_seconds, load_average, server_pss, worker_pids
from tests.support.app_server import descendants
from tests.support.classroom import ThrowawayPostgres, fresh_pg_database
from tests.support.replicas import running_replicas


def pct(values, q) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


async def trainer(url: str, name: str, lr: str) -> Viewer:
    """A session training ``fast`` for 30 epochs, once its progress shows a step."""
    c = Viewer(name, url)
    await c.connect()
    await c.open("", query=f"page=train&preset=fast&epochs=30&lr={lr}", timeout=120)
    await c.open("train", timeout=120)
    if not await c.press("Start"):
        raise RuntimeError(f"{name}: no Start button ({sorted(c.buttons)})")
    deadline = time.monotonic() + 60
    while read_step(c.progress) <= 0 and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    return c


async def steps_per_second(trainers, seconds: float) -> list[float]:
    start = [(read_step(c.progress), time.perf_counter()) for c in trainers]
    await asyncio.sleep(seconds)
    now = time.perf_counter()
    return [
        (read_step(c.progress) - n) / (now - t) for c, (n, t) in zip(trainers, start, strict=True)
    ]


def replica_pids(launcher_pid: int) -> list[int]:
    """The app servers the launcher started (not nginx, not their training workers)."""
    found = []
    for pid in descendants(launcher_pid):
        with contextlib.suppress(OSError):
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            if b"streamlit\x00run" in cmd:
                found.append(pid)
    return found


async def lesson(args, url: str, launcher: int, drawings, lone: float) -> dict:
    trainers = [await trainer(url, f"trainer{i}", lr) for i, lr in enumerate(TRAIN_LRS)]
    students = [Viewer(f"student{k}", url) for k in range(args.sessions)]
    ready, strokes, wrong, failures, peak = [], [], [], [], [0]
    servers = replica_pids(launcher)
    workers = [w for s in servers for w in worker_pids(s)]
    done = asyncio.Event()

    async def arrive(k: int, v: Viewer) -> None:
        await asyncio.sleep(k * args.within / len(students))
        t0 = time.perf_counter()
        await v.connect()
        visit = await v.open("draw", timeout=120)
        if visit.seconds is None or visit.exceptions or v.canvas is None:
            failures.append(f"{v.name}: {visit.exceptions or 'no canvas / no end of run'}")
            return
        ready.append(time.perf_counter() - t0)
        for s in range(args.strokes):
            label, png = drawings[(k * 7 + s) % len(drawings)]
            took = await v.draw(png, timeout=120)
            if took is None:
                failures.append(f"{v.name}: no prediction")
                return
            strokes.append(took)
            if v.prediction != str(label):
                wrong.append(f"{v.name} drew a {label}, was shown {v.prediction}")

    async def memory() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], server_pss(launcher)["total"])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), 0.5)

    sampler = asyncio.create_task(memory())
    cpu0 = [cpu_seconds([p]) for p in servers] + [cpu_seconds(workers)]
    steps0 = [(read_step(c.progress), time.perf_counter()) for c in trainers]
    t0 = time.perf_counter()
    await asyncio.gather(*(arrive(k, v) for k, v in enumerate(students)))
    wall = time.perf_counter() - t0
    await asyncio.sleep(max(0.0, 10.0 - wall))  # a trainer's progress redraws every 1-2 s
    window = time.perf_counter() - t0
    cores = [
        (b - a) / window
        for a, b in zip(
            cpu0, [cpu_seconds([p]) for p in servers] + [cpu_seconds(workers)], strict=True
        )
    ]
    rates = [
        (read_step(c.progress) - n) / (time.perf_counter() - t)
        for c, (n, t) in zip(trainers, steps0, strict=True)
    ]
    done.set()
    await sampler
    for c in [*trainers, *students]:
        with contextlib.suppress(Exception):
            await c.close()
    return {"ready": ready, "strokes": strokes, "wrong": wrong, "failures": failures,
            "replica_cores": cores[:-1], "worker_cores": cores[-1], "wall": wall,
            "cpu_per_student": sum(cores[:-1]) * window / len(students),
            "rates": rates, "lone": lone, "pss_peak": peak[0]}  # fmt: skip


def report(result: dict, spread: dict) -> bool:
    r = result
    print(f"  websockets per replica, trainers included (nginx's log): {dict(spread)}")
    print(f"  {r.get('what', 'page ready (connect + Draw with its canvas)')}: p50 {pct(r['ready'], 50):.2f} s, "
          f"p95 {pct(r['ready'], 95):.2f} s, max {max(r['ready'], default=float('nan')):.2f} s "
          f"over {len(r['ready'])} (wave {r['wall']:.1f} s)")  # fmt: skip
    print(f"  stroke -> prediction: p50 {pct(r['strokes'], 50):.2f} s, p95 {pct(r['strokes'], 95):.2f} s "
          f"({len(r['strokes'])}); read wrong: {len(r['wrong'])}; failures: {len(r['failures'])}")  # fmt: skip
    for f in sorted(set(r["failures"]))[:5]:
        print(f"    {f[:200]}")
    print(f"  CPU over the wave (at least 10 s): replicas {', '.join(f'{c:.2f}' for c in r['replica_cores'])} cores, "
          f"training workers {r['worker_cores']:.2f} cores")  # fmt: skip
    if "cpu_per_student" in r:
        print(f"  replicas' CPU per student (connect, Draw, strokes; trainers' ticks included): "
              f"{r['cpu_per_student']:.3f} s")  # fmt: skip
    shares = ", ".join(f"{x / r['lone']:.0%}" for x in r["rates"]) if r["lone"] else "-"
    print(f"  trainers: {', '.join(f'{x:.0f}' for x in r['rates'])} steps/s = {shares} of "
          f"one alone ({r['lone']:.0f})")  # fmt: skip
    print(f"  memory, everything (replicas, workers, nginx): peak {r['pss_peak'] / 2**20:.0f} MB")
    return not r["failures"] and not r["wrong"] and pct(r["ready"], 95) < 3


async def one_configuration(args, replicas: int, admin_url: str, drawings) -> bool:
    db_url, drop = fresh_pg_database(admin_url)
    run = Path(tempfile.mkdtemp(prefix=f"nn-replicas-{replicas}-"))
    env = {"NN_CLASS_DB_URL": db_url, "NN_STATE_DIR": os.environ.get("NN_STATE_DIR", str(run))}
    print(f"\n{replicas} replica(s) behind nginx, {args.sessions} sessions, load {load_average()}")
    try:
        with running_replicas(run / "run", env, replicas=replicas) as r:
            for server in r.servers:  # the first visitor of each replica pays its caches
                warm = Viewer("warm", f"http://{server}")
                await warm.connect()
                for page in PAGES:
                    await warm.open(page, timeout=180)
                await warm.close()
            alone = await trainer(r.url, "alone", TRAIN_LRS[0])
            await asyncio.sleep(2.0)
            lone = (await steps_per_second([alone], args.lone_seconds))[0]
            await alone.press("Stop")
            await alone.close()
            if args.scenario == "lesson":
                result = await lesson(args, r.url, r.proc.pid, drawings, lone)
            else:
                servers = replica_pids(r.proc.pid)
                cpu0, t0 = [cpu_seconds([p]) for p in servers], time.perf_counter()
                c = await class_phase(args, r.url, r.proc.pid, drawings, lone)
                wall = time.perf_counter() - t0
                cores = [(cpu_seconds([p]) - a) / wall for p, a in zip(servers, cpu0, strict=True)]
                opens = [o for o in c["opens"] if o != float("inf")]
                result = {"what": "page opens (server side, every page)",
                          "ready": opens, "strokes": c["strokes"], "wrong": c["leaks"],
                          "failures": c["failures"], "replica_cores": cores, "worker_cores": float("nan"),
                          "wall": wall, "rates": c["trainer_rates"], "lone": lone,
                          "pss_peak": c["pss_peak"]}  # fmt: skip
            r.stop()
            streams = [
                e["replica"] for e in r.log() if e["request"].startswith("GET /_stcore/stream ")
            ]
            return report(result, collections.Counter(streams))
    finally:
        drop()


async def run(args) -> int:
    drawings = digit_drawings(20)
    cluster = None
    admin = os.environ.get("NN_TEST_PG_URL")
    if not admin:
        cluster = ThrowawayPostgres()
        admin = cluster.start()
    try:
        ok = [await one_configuration(args, n, admin, drawings) for n in args.replicas]
    finally:
        if cluster is not None:
            cluster.stop()
    return 0 if all(ok) else 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1],
    )
    ap.add_argument(
        "--replicas", type=int, nargs="+", default=[1, 2], help="counts to compare (1 2)"
    )
    ap.add_argument("--scenario", choices=("lesson", "staggered"), default="lesson")
    ap.add_argument("--sessions", type=int, default=30, help="students (30), trainers apart")
    ap.add_argument("--within", type=float, default=2.0, help="lesson: arrivals within (2 s)")
    ap.add_argument("--strokes", type=int, default=2, help="digits drawn per student (2)")
    ap.add_argument("--lone-seconds", type=float, default=8.0, help="the lone trainer's window")
    ap.add_argument("--seconds", type=float, default=60.0, help="staggered: phase length (60 s)")
    ap.add_argument("--think", type=float, default=10.0, help="staggered: between pages (10 s)")
    args = ap.parse_args(argv)
    print(f"cores: {os.cpu_count()}, load average: {load_average()}", flush=True)
    code = asyncio.run(run(args))
    print(f"load average after: {load_average()}")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
