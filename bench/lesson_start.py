"""The lesson start of ``bench.bench_load``: a whole class opens the same page at once.

A lesson begins with every student opening the link in the same few seconds. Here
``--sessions`` students (30) arrive within ``--within`` seconds (2) three times over,
while three others train ``fast`` (``bench.load_sessions.start_trainer``):

1. **Draw**, from a fresh tab (websocket connect, then the page): page ready, then each
   student draws ``--strokes`` real MNIST digits (stroke -> the new prediction, and the
   prediction must be the digit drawn), each after ``--draw-seconds`` (0: the moment the
   page is ready and the last answer came, a burst no class makes; a person takes a
   second or two to draw a digit);
2. **Train**, from the page they are on (a click in the navigation);
3. the **Class board**: each student first joins the class the benchmark made (the
   lesson link's ``?class=CODE`` opens the page's join prompt; a nickname, *Join the
   class*; one after another, untimed), then all open the Class page at once.

Every student is a ``bench.bench_board.Viewer`` (Streamlit's protocol, a browser's
message cache, the page named in every request). "Page ready" is request sent -> end of
the page's script run on the server, with everything the page shows received (the
canvas on Draw, the board's curves and handwriting on Class); from a fresh tab, the websocket's
connect is counted too.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

from bench.bench_board import FIGURES, Viewer
from bench.load_sessions import read_step
from bench.processes import cpu_seconds, server_pss, worker_pids


async def lesson_phase(args, url: str, pid: int, drawings, code: str, trainers) -> dict:
    """The three waves; what each student saw and what the server spent."""
    students = [Viewer(f"student{k}", url) for k in range(args.sessions)]
    spread = args.within / max(1, len(students))
    waves: dict[str, dict] = {}
    failures: list[str] = []
    wrong: list[str] = []
    strokes: list[float] = []
    peak = [0]
    done = asyncio.Event()

    async def memory() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], server_pss(pid)["total"])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), 0.5)

    async def arrive(k: int, v: Viewer, page: str, fresh: bool) -> float | None:
        await asyncio.sleep(k * spread)
        t0 = time.perf_counter()
        if fresh:
            await v.connect()
        v.charts.clear()
        visit = await v.open(page, timeout=120)
        ready = time.perf_counter() - t0
        if visit.seconds is None or visit.exceptions:
            lost = (
                f"no end of run in 120 s (run statuses since: {v.statuses[:8]}; "
                f"figures received: {sorted(v.charts)})"
            )
            failures.append(f"{v.name} {page}: {visit.exceptions or lost}")
            return None
        if page == "draw" and v.canvas is None:
            failures.append(f"{v.name} draw: no canvas")
            return None
        if page == "class" and set(FIGURES) - v.charts:
            failures.append(f"{v.name} class: missing {sorted(set(FIGURES) - v.charts)}")
            return None
        if page == "draw":
            for s in range(args.strokes):
                await asyncio.sleep(args.draw_seconds)  # the pen on the canvas: no message yet
                label, png = drawings[(k * 7 + s) % len(drawings)]
                took = await v.draw(png)
                if took is None:
                    failures.append(f"{v.name} draw: no prediction")
                    break
                strokes.append(took)
                if v.prediction != str(label):
                    wrong.append(f"{v.name} drew a {label}, was shown {v.prediction}")
        return ready

    async def wave(page: str, fresh: bool) -> None:
        workers = worker_pids(pid)
        cpu0, wcpu0 = cpu_seconds([pid]), cpu_seconds(workers)
        t0 = time.perf_counter()
        first = [asyncio.create_task(next_step(c)) for c in trainers]
        ready = await asyncio.gather(*(arrive(k, v, page, fresh) for k, v in enumerate(students)))
        wall = time.perf_counter() - t0
        cores = (cpu_seconds([pid]) - cpu0) / wall, (cpu_seconds(workers) - wcpu0) / wall
        last = await asyncio.gather(*(next_step(c) for c in trainers))
        starts = [await t for t in first]
        waves[page] = {
            "ready": [r for r in ready if r is not None],
            "failed": sum(r is None for r in ready),
            "seconds": wall,
            "server_cores": cores[0],
            "worker_cores": cores[1],
            "trainer_rates": [
                (n1 - n0) / (s1 - s0) for (n0, s0), (n1, s1) in zip(starts, last, strict=True)
            ],
        }

    sampler = asyncio.create_task(memory())
    try:
        await wave("draw", fresh=True)
        await asyncio.sleep(args.pause)
        await wave("train", fresh=False)
        for k, v in enumerate(students):  # join, one after another: not part of the timing
            await join(v, code, k, failures)
        await asyncio.sleep(args.pause)
        await wave("class", fresh=False)
    finally:
        done.set()
        await sampler
        for v in students:
            with contextlib.suppress(Exception):
                await v.close()
    return {
        "sessions": len(students),
        "waves": waves,
        "strokes": strokes,
        "wrong": wrong,
        "failures": failures,
        "pss_peak": peak[0],
    }


async def next_step(c) -> tuple[int, float]:
    """(step, when) at the trainer's next progress redraw (every 1-2 s): a counter read
    at any moment is up to two seconds old, too much for a window of a few seconds."""
    seen, deadline = c.progress, time.monotonic() + 5.0
    while c.progress == seen and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    return read_step(c.progress), time.perf_counter()


PROMPT = "Nickname for the class board"  # the link's own join prompt (ui/classroom/joining.py)


async def join(v: Viewer, code: str, k: int, failures: list[str]) -> None:
    """The lesson link's join prompt at the top of the page, a nickname, *Join the class*."""
    query = f"class={code}"
    await v.open(v.page or "train", query=query, timeout=120)
    if PROMPT not in v.inputs:
        failures.append(f"{v.name}: no join prompt ({sorted(v.inputs)})")
        return
    texts = {PROMPT: f"pupil {k}"}
    try:
        await v.submit(texts, "Join the class", query=query)
    except TimeoutError:
        failures.append(f"{v.name}: join did not end (run statuses since: {v.statuses[:8]})")
        return
    if not any("In class" in t for t in v.texts[-20:]):
        failures.append(f"{v.name}: not in the class after joining")
