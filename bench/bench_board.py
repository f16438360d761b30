"""A full class board watched by a class: what it costs the server, how soon it appears.

A class at its caps (300 runs, 3,000 real MNIST digits as drawings, one run with weights
to score them) is written into a SQLite store in a fresh ``NN_STATE_DIR``; then
``streamlit run app.py`` (``tests/support/app_server.py``) serves it to ``--viewers``
websocket-level sessions (``tests/support/protocol.py``, Streamlit's own protocol): the
teacher, who takes the board back with the class code and key, and students, who join
through a lesson link (``?class=CODE``) and a nickname. Each keeps the board's refresh
timer going as a browser does, and keeps a browser's message cache: a message it holds
already comes as a reference (its hash), which it resolves from that cache.

Reported:

- the first board after the server starts (nobody has built it yet) and each later
  viewer's, server-side: request sent -> end of the page's run, every figure received;
- the steady state, ``--seconds`` (60) with everyone watching and nobody posting: the
  server process's CPU (``/proc``, user + system, in cores; target < 0.25), and what each
  viewer received (kB, full redraws);
- ``--busy S``: S seconds of a class still changing (the teacher hides or shows a drawing
  every second): the same figures;
- ``--browser``: in Chromium, a fresh tab each time (three times, once the viewers have
  gone: their clients run on this machine's cores), the teacher pressing *Reclaim the
  board* -> every figure drawn (``performance.now()`` in the page; target < 2 s); three
  tabs pressing as soon as the fields are filled, three once the page has settled (a
  person typing a code and a key presses seconds after the page opened, by which time
  the Class page has started Plotly).

    NN_DATA_DIR=/work/shared python -m bench.bench_board                # about 2 min
    python -m bench.bench_board --viewers 30 --seconds 60 --busy 30 --browser
    python -m bench.bench_board --root /tmp/old --viewers 1 --seconds 30  # another checkout

All traffic goes to 127.0.0.1; every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from bench.processes import cpu_seconds, load_average
from tests.support.app_server import ROOT, launch_app, stop_app
from tests.support.protocol import FINISHED, Client
from ui.classroom import codes, fields

CHARTS = ("class_loss",)  # Plotly: the curves a board opens with
PICTURE = "class_drawings"  # the handwriting set, an SVG image
FIGURES = (*CHARTS, PICTURE)  # everything a viewer's board holds


def fill_class(db: Path, runs: int, drawings: int) -> tuple[str, str, object, object]:
    """A class at its caps in the SQLite file ``db``; returns (code, key, store, a member)."""
    from nn_core import load_default_model
    from tests.support.runs import make_run
    from tests.support.samples import bundled_sample
    from ui.classroom.sharing import entry_from_run
    from ui.classroom.store import ClassStore

    engine = sa.create_engine(f"sqlite:///{db}")
    sa.event.listen(engine, "connect", lambda c, _: c.execute("PRAGMA synchronous = OFF"))
    store = ClassStore(engine)
    code, key = store.create_class()
    members = [store.join(code, f"student {i}") for i in range(30)]
    lrs = (0.001, 0.01, 0.03, 0.1, 0.3, 1.0)
    shapes = [
        entry_from_run(make_run(i, lr=lr, optimizer=("adam", "sgd")[i % 2]))
        for i, lr in enumerate(lrs)
    ]
    best = entry_from_run(make_run(99, lr=0.1, accuracy=0.99, model=load_default_model()))
    for i in range(runs):
        entry = dataclasses.replace(shapes[i % len(lrs)], name=f"run {i}")
        store.share_run(members[i % len(members)], best if i == 0 else entry)
    sample = bundled_sample()
    images = np.asarray(sample.X_train[:drawings], np.float32).reshape(-1, 28, 28)  # (n, 28, 28)
    for i, (image, label) in enumerate(zip(images, sample.y_train[:drawings], strict=True)):
        store.add_drawing(members[i % len(members)], image, int(label))
    return code, key, store, members[0]


class Viewer(Client):
    """A protocol client that also does what a browser does and the load test's client
    need not: it names the page shown in every request (a fragment that reruns the app
    reruns that page), keeps Streamlit's message cache, types into text inputs; and it
    tallies what it received."""

    def __init__(self, name: str, url: str):
        super().__init__(name, url)
        self.cache: dict[str, object] = {}  # hash -> ForwardMsg, as the browser keeps them
        self.inputs: dict[str, str] = {}  # text input label -> widget id
        self.received = self.redraws = 0
        self.charts: set[str] = set()
        self.page_hash = ""  # the page shown, as the browser names it in every request

    async def _reader(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        try:
            async for raw in self.ws:
                self.received += len(raw)
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                if msg.WhichOneof("type") == "ref_hash":
                    msg = self.cache.get(msg.ref_hash, msg)
                elif msg.metadata.cacheable:
                    self.cache[msg.hash] = msg
                if msg.WhichOneof("type") == "script_finished":
                    self.redraws += msg.script_finished == FINISHED.FINISHED_SUCCESSFULLY
                elif msg.WhichOneof("type") == "navigation":
                    self.page_hash = msg.navigation.page_script_hash
                self._handle(msg)
        except Exception:  # noqa: BLE001 (a closed socket ends the reader)
            return

    def _element(self, el, fragment_id: str) -> None:
        super()._element(el, fragment_id)
        kind = el.WhichOneof("type")
        if kind == "text_input":
            self.inputs[el.text_input.label] = el.text_input.id
        elif kind == "plotly_chart":
            self.charts |= {c for c in CHARTS if f'"chart":"{c}"' in el.plotly_chart.spec}
        elif kind == "html" and f'data-chart="{PICTURE}"' in el.html.body:
            self.charts.add(PICTURE)

    async def _send_rerun(self, page=None, query="", widgets=(), fragment_id="", auto=False):
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        rs = msg.rerun_script
        rs.query_string, rs.page_name = query, page or self.page or ""
        if not page:  # a fragment's rerun, or a widget's: on the page shown
            rs.page_script_hash = self.page_hash
        if fragment_id:
            rs.fragment_id, rs.is_auto_rerun = fragment_id, auto
        rs.widget_states.widgets.extend(widgets)
        rs.cached_message_hashes.extend(self.cache)
        rs.context_info.timezone, rs.context_info.locale = "UTC", "en-US"
        rs.context_info.url = f"{self.url}/{rs.page_name}"
        await self.ws.send(msg.SerializeToString())

    async def submit(self, texts: dict[str, str], button: str, query="", timeout=120.0):
        """Type into text inputs and press a button: seconds to the end of the run."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        widgets = [WidgetState(id=self.inputs[k], string_value=v) for k, v in texts.items()]
        widgets.append(WidgetState(id=self.buttons[button], trigger_value=True))
        self.timers.clear()
        self.charts.clear()
        self._finished.clear()
        self.statuses.clear()
        t0 = time.perf_counter()
        await self._send_rerun(query=query, widgets=widgets)
        await asyncio.wait_for(self._finished.wait(), timeout)
        return time.perf_counter() - t0


async def teacher(url: str, code: str, key: str) -> tuple[Viewer, float]:
    v = Viewer("teacher", url)
    await v.connect()
    await v.open("class", timeout=120)
    texts = {"Class code": codes.show_code(code), "Teacher key": codes.show_key(key)}
    return v, await v.submit(texts, "Reclaim the board")


async def student(url: str, code: str, i: int) -> tuple[Viewer, float]:
    v = Viewer(f"student {i}", url)
    await v.connect()
    query = f"class={code}"
    await v.open("class", query=query, timeout=120)
    texts = {"Nickname for the class board": f"viewer {i}"}  # the link's own join prompt
    return v, await v.submit(texts, "Join the class", query=query)


async def watch(viewers: list[Viewer], pid: int, seconds: float) -> dict:
    """CPU of the server and what the viewers received over ``seconds``."""
    before = [(v.received, v.redraws) for v in viewers]
    cpu0, t0 = cpu_seconds([pid]), time.perf_counter()
    await asyncio.sleep(seconds)
    cores = (cpu_seconds([pid]) - cpu0) / (time.perf_counter() - t0)
    got = [v.received - b for v, (b, _) in zip(viewers, before, strict=True)]
    redraws = [v.redraws - r for v, (_, r) in zip(viewers, before, strict=True)]
    return {"cores": cores, "kb": float(np.mean(got)) / 1000, "redraws": float(np.mean(redraws))}


async def busy(store, code: str, key: str, seconds: float) -> None:
    """The teacher hides and shows the newest drawing, once a second."""
    newest = store.board(code, include_hidden=True).drawings[-1].id
    for k in range(int(seconds)):
        await asyncio.to_thread(store.set_hidden, code, key, "drawing", newest, k % 2 == 0)
        await asyncio.sleep(1.0)


def in_browser(url: str, code: str, key: str, settled: bool = False) -> float:
    """Chromium: Reclaim pressed -> the board's figures drawn, in seconds. ``settled``:
    pressed once the page has stopped loading scripts (``networkidle``), as a person who
    types a class code and a 12-letter key presses it seconds after the page opened; else
    as soon as the fields are filled."""
    from playwright.sync_api import sync_playwright

    from tests.support.browser import launch_chromium

    drawn = """([charts, picture]) => {
      const plots = [...document.querySelectorAll('.js-plotly-plot')];
      const names = plots.filter(p => p.querySelector('.main-svg'))
        .map(p => p.layout && p.layout.meta && p.layout.meta.chart);
      const img = document.querySelector(`img.nn-figure[data-chart="${picture}"]`);
      const decoded = img && img.complete && img.naturalWidth > 0;
      return charts.every(c => names.includes(c)) && decoded && performance.now();
    }"""
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/class")
        if settled:
            page.wait_for_load_state("networkidle")
        page.get_by_text("Reclaim a board from another device").click()
        page.get_by_label("Class code").fill(codes.show_code(code))
        page.get_by_label("Teacher key").fill(codes.show_key(key))
        pressed = page.evaluate("() => performance.now()")
        page.get_by_role("button", name="Reclaim the board").click()
        done = page.wait_for_function(drawn, arg=[list(CHARTS), PICTURE], timeout=120_000)
        seconds = (done.json_value() - pressed) / 1000
        browser.close()
    return seconds


async def run(args) -> int:
    state = Path(tempfile.mkdtemp(prefix="nn-board-"))
    t0 = time.perf_counter()
    code, key, store, _ = fill_class(state / "classroom.sqlite3", args.runs, args.drawings)
    print(f"filled: {args.runs} runs, {args.drawings} drawings in {time.perf_counter() - t0:.0f} s")
    env = {"NN_STATE_DIR": str(state), "NN_WORKERS": "1", "NN_CLASS_DB_URL": None}
    proc, url = launch_app(env=env, root=args.root, timeout=120)
    viewers: list[Viewer] = []
    try:
        first, seconds = await teacher(url, code, key)
        viewers.append(first)
        print(f"first board (built now): {seconds:.2f} s, figures {sorted(first.charts)}")
        opens = []
        for i in range(1, args.viewers):
            v, seconds = await student(url, code, i)
            viewers.append(v)
            opens.append(seconds)
            missing = set(FIGURES) - v.charts
            if missing or v.exceptions:
                print(f"  {v.name}: missing {missing}, exceptions {v.exceptions}")
        if opens:
            print(
                f"{len(opens)} more viewers: open -> board p50 {np.median(opens):.2f} s, "
                f"max {max(opens):.2f} s (each join is a change: the others redraw)"
            )
        await asyncio.sleep(args.settle)  # the joins' redraws end
        quiet = await watch(viewers, proc.pid, args.seconds)
        print(
            f"steady, {len(viewers)} viewers, {args.seconds:.0f} s: server {quiet['cores']:.3f} "
            f"cores (target < 0.25), {quiet['kb']:.1f} kB and {quiet['redraws']:.1f} redraws "
            "per viewer"
        )
        if args.busy:
            writer = asyncio.create_task(busy(store, code, key, args.busy))
            changing = await watch(viewers, proc.pid, args.busy)
            await writer
            print(
                f"busy, a change a second, {args.busy:.0f} s: server {changing['cores']:.3f} "
                f"cores, {changing['kb']:.0f} kB and {changing['redraws']:.1f} redraws per viewer"
            )
        for v in viewers:
            if v.exceptions:
                print(f"  {v.name}: {v.exceptions[:3]}")
        for v in viewers:  # their clients share this machine's two cores with Chromium
            await v.close()
        viewers = []
        for settled in (False, True) if args.browser else ():
            times = [await asyncio.to_thread(in_browser, url, code, key, settled) for _ in range(3)]
            print(
                f"Chromium, a fresh tab, Reclaim -> board drawn: median {np.median(times):.2f} s "
                f"({', '.join(f'{t:.2f}' for t in times)}; target < 2 s), pressed "
                + ("once the page settled" if settled else "at once")
            )
    finally:
        for v in viewers:
            await v.close()
        stop_app(proc)
        store.engine.dispose()
        shutil.rmtree(state, ignore_errors=True)  # the store and the server's data files
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1],
    )
    ap.add_argument("--viewers", type=int, default=30, help="sessions watching (30)")
    ap.add_argument("--seconds", type=float, default=60.0, help="steady window (60 s)")
    ap.add_argument("--busy", type=float, default=0.0, help="then a changing class (s)")
    ap.add_argument("--settle", type=float, default=15.0, help="pause before measuring (15 s)")
    ap.add_argument("--runs", type=int, default=fields.RUNS_PER_CLASS)
    ap.add_argument("--drawings", type=int, default=fields.DRAWINGS_PER_CLASS)
    ap.add_argument("--browser", action="store_true", help="also time the board in Chromium")
    ap.add_argument("--root", default=str(ROOT), help="the checkout to serve")
    args = ap.parse_args(argv)
    print(f"load average: {load_average()}", flush=True)
    code = asyncio.run(run(args))
    print(f"load average after: {load_average()}")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
