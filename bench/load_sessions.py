"""The sessions of ``bench.bench_load``: the digits they draw, the trainers, the phases.

Every session is a ``tests.support.protocol.Client`` (Streamlit's websocket protocol,
no browser). ``history_phase`` is phase 0 (memory per session with ten runs in its
history), ``start_trainer`` and ``trainer_rates`` phase 1 (a trainer alone), and
``class_phase`` phase 2 (the class: trainers plus sessions visiting every page and
drawing); ``bench_load`` runs them on one server and reports.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import re
import time

import numpy as np

from bench.processes import cpu_seconds, server_pss
from tests.support.protocol import Client

PAGES = ["learn", "data", "train", "inside", "evaluate", "draw", "class"]
TRAIN_LRS = ("0.3", "0.05", "0.03")
STEP_RE = re.compile(r"step ([\d,]+) of ([\d,]+)")
RUN_NAME_RE = re.compile(r"#\d+ [^\n]*? lr ([\d.e-]+)")


# --- drawings -----------------------------------------------------------------------------


def digit_drawings(n: int) -> list[tuple[int, str]]:
    """``n`` (label, PNG data URL) of MNIST test digits the bundled model reads correctly,
    drawn white on black at the canvas's 280x280 like a student's drawing."""
    from PIL import Image

    from nn_core import load_dataset, load_default_model

    data = load_dataset("mnist", download=False)
    model = load_default_model()
    pred = model.predict(data.X_test[:500])
    ok = [i for i in range(500) if pred[i] == data.y_test[i]]
    out = []
    for k in range(n):
        i = ok[(k * 37) % len(ok)]
        img = (np.asarray(data.X_test[i]).reshape(28, 28) * 255).clip(0, 255).astype(np.uint8)
        big = Image.fromarray(img, "L").resize((280, 280), Image.BILINEAR)
        rgba = Image.merge("RGBA", (big, big, big, Image.new("L", big.size, 255)))
        buf = io.BytesIO()
        rgba.save(buf, "PNG")
        url = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
        out.append((int(data.y_test[i]), url))
    return out


# --- phases ---------------------------------------------------------------------------------


def read_step(text: str) -> int:
    m = STEP_RE.search(text)
    return int(m.group(1).replace(",", "")) if m else -1


async def start_trainer(url: str, name: str, lr: str, epochs: int = 30) -> Client:
    """A session training ``fast`` at ``lr``, once its progress shows a step.

    A ``Viewer``, which names the page shown in every request as a browser does: the live
    panel reruns the whole app when a third run makes the server busier, and a rerun that
    names no page would open the home page and stop the panel (its progress then froze)."""
    from bench.bench_board import Viewer

    c = Viewer(name, url)
    await c.connect()
    await c.open("", query=f"page=train&preset=fast&epochs={epochs}&lr={lr}")
    await c.open("train")
    if not await c.press("Start"):
        raise RuntimeError(f"{name}: could not press Start ({list(c.buttons)})")
    deadline = time.monotonic() + 60
    while read_step(c.progress) <= 0 and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    return c


async def trainer_rates(trainers: list[Client], seconds: float) -> list[float]:
    start = [(read_step(c.progress), time.perf_counter()) for c in trainers]
    await asyncio.sleep(seconds)
    rates = []
    for c, (n0, t0) in zip(trainers, start, strict=True):
        rates.append((read_step(c.progress) - n0) / (time.perf_counter() - t0))
    return rates


async def wait_text(c: Client, needle: str, since: int, timeout: float) -> bool:
    """Until a text shown after index ``since`` contains ``needle`` (bounded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(needle in t for t in c.texts[since:]):
            return True
        await asyncio.sleep(0.2)
    return False


async def history_phase(url: str, pid: int, n: int) -> dict:
    """``n`` sessions with ten short 784-256-10 runs each: PSS growth per session."""
    before = server_pss(pid)
    base = before["total"]
    clients = []
    for i in range(n):
        c = Client(f"history{i}", url)
        await c.connect()
        await c.open("", query="page=train&preset=fast&epochs=1&subset=1000")
        await c.open("train")
        for _ in range(10):
            seen = len(c.texts)
            if not await c.press("Start"):
                break
            await wait_text(c, "Test accuracy", seen, 120.0)
        clients.append(c)
    await asyncio.sleep(2)
    after_parts = server_pss(pid)
    after = after_parts["total"]
    for c in clients:
        await c.close()
    return {
        "sessions": n,
        "pss_before": base,
        "pss_after": after,
        "server_growth": after_parts["server"] - before["server"],
        "children_growth": after - after_parts["server"] - (base - before["server"]),
        "per_session": (after - base) / n,
    }


async def class_phase(args, url: str, pid: int, drawings, lone_rate: float) -> dict:
    """Trainers plus page-visiting, drawing sessions, all at once, for ``args.seconds``."""
    trainers = [await start_trainer(url, f"trainer{i}", lr) for i, lr in enumerate(TRAIN_LRS)]
    await asyncio.sleep(2.0)
    others = [Client(f"visitor{i}", url) for i in range(args.sessions - len(trainers))]
    opens: list[float] = []
    connects: list[float] = []
    strokes: list[float] = []
    failures: list[str] = []
    leaks: list[str] = []
    visited: dict[str, set] = {c.name: set() for c in others}
    peak = [0]
    stop_at = time.monotonic() + args.seconds

    async def visitor(k: int, c: Client) -> None:
        try:
            await visit(k, c)
        except Exception as exc:  # noqa: BLE001 (one session's failure is a finding, not a crash)
            failures.append(f"{c.name}: {type(exc).__name__}: {exc}")

    async def visit(k: int, c: Client) -> None:
        await asyncio.sleep(k * 0.2)  # arrive over a few seconds, as a class does
        await c.connect()
        connects.append(c.connect_seconds)
        first = await c.open("learn")
        opens.append(first.seconds if first.seconds is not None else float("inf"))
        step = k
        while time.monotonic() < stop_at:
            page = PAGES[step % len(PAGES)]
            step += 1
            v = await c.open(page)
            opens.append(v.seconds if v.seconds is not None else float("inf"))
            if v.seconds is None or v.exceptions:
                failures.append(f"{c.name} {page}: {v.exceptions or 'no end of run in 30 s'}")
                continue
            visited[c.name].add(page)
            if page == "draw":
                for s in range(args.strokes):
                    label, png = drawings[(k * 7 + s) % len(drawings)]
                    took = await c.draw(png)
                    if took is None:
                        failures.append(f"{c.name} draw: no prediction (canvas {c.canvas})")
                        break
                    strokes.append(took)
                    if c.prediction != str(label):
                        leaks.append(f"{c.name} drew a {label}, was shown {c.prediction}")
                    await asyncio.sleep(0.5)
            await asyncio.sleep(args.think)

    async def memory() -> None:
        while time.monotonic() < stop_at:
            peak[0] = max(peak[0], server_pss(pid)["total"])
            await asyncio.sleep(1.0)

    t0 = time.perf_counter()
    cpu0 = cpu_seconds([pid])
    start_steps = [(read_step(c.progress), t0) for c in trainers]
    await asyncio.gather(memory(), *(visitor(k, c) for k, c in enumerate(others)))
    t1 = time.perf_counter()
    server_cores = (cpu_seconds([pid]) - cpu0) / (t1 - t0)
    rates = [
        (read_step(c.progress) - n0) / (t1 - t)
        for c, (n0, t) in zip(trainers, start_steps, strict=True)
    ]
    # leaks: run names of other sessions
    for c in [*trainers, *others]:
        own = TRAIN_LRS[trainers.index(c)] if c in trainers else None
        for text in c.texts:
            for lr in RUN_NAME_RE.findall(text):
                if lr != own:
                    leaks.append(f"{c.name} was shown a run with lr {lr}: {text[:80]!r}")
    for c in trainers:
        if c.exceptions:
            failures.append(f"{c.name}: {c.exceptions}")
    missing = {n: sorted(set(PAGES) - s) for n, s in visited.items() if set(PAGES) - s}
    for c in [*trainers, *others]:
        with contextlib.suppress(Exception):
            await c.close()
    return {
        "sessions": args.sessions,
        "opens": opens,
        "connects": connects,
        "strokes": strokes,
        "failures": failures,
        "leaks": sorted(set(leaks)),
        "missing_pages": missing,
        "pss_peak": peak[0],
        "server_cores": server_cores,
        "trainer_rates": rates,
        "lone_rate": lone_rate,
    }
