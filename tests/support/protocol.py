"""A Streamlit client at the websocket level: a browser tab's worth of protocol, no browser.

Streamlit's own protocol (``/_stcore/stream``, protobuf ``BackMsg`` up, ``ForwardMsg``
down, from ``streamlit.proto``). A client asks for a page with a ``rerun_script``
message (``page_name``), presses a button by sending its widget id with a trigger, keeps
a fragment's timer going by answering the server's ``auto_rerun`` messages (the Train
page's live panel, the sidebar line), and draws by sending the Draw canvas component's
state, in the drawing fragment, as the browser does when the pen lifts. Thirty of them
are a class on one server with no browser's drawing cost (``bench/bench_load.py``).
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

FINISHED = ForwardMsg.ScriptFinishedStatus


@dataclass
class Visit:
    page: str
    seconds: float | None  # send -> end of the script run (None: never ended)
    exceptions: list[str] = field(default_factory=list)


class Client:
    """One browser tab's worth of protocol: pages, buttons, fragment timers, a canvas."""

    def __init__(self, name: str, url: str):
        self.name, self.url = name, url
        self.ws = None
        self.texts: list[str] = []  # every text this session was shown (leak check)
        self.buttons: dict[str, str] = {}  # label -> widget id, latest
        self.canvas: tuple[str, str] | None = None  # (widget id, fragment id)
        self.exceptions: list[str] = []
        self.timers: dict[str, float] = {}  # fragment id -> interval (auto_rerun)
        self.progress = ""  # the latest progress text (Train page)
        self.prediction: str | None = None
        self._finished = asyncio.Event()
        self._status = None
        self.statuses: list[int] = []  # script_finished statuses since the last request
        self._metric_seen = asyncio.Event()
        self._tasks: list[asyncio.Task] = []
        self.page = None
        self.closed = False
        self.connect_seconds = float("nan")

    async def connect(self) -> None:
        from websockets.asyncio.client import connect

        ws_url = self.url.replace("http://", "ws://") + "/_stcore/stream"
        t0 = time.perf_counter()
        self.ws = await connect(ws_url, max_size=2**26, subprotocols=["streamlit"], open_timeout=60)
        self.connect_seconds = time.perf_counter() - t0
        self._tasks.append(asyncio.create_task(self._reader()))
        self._tasks.append(asyncio.create_task(self._ticker()))

    async def close(self) -> None:
        self.closed = True
        for t in self._tasks:
            t.cancel()
        if self.ws is not None:
            await self.ws.close()

    async def _send_rerun(self, page=None, query="", widgets=(), fragment_id="", auto=False):
        msg = BackMsg()
        rs = msg.rerun_script
        rs.query_string = query
        rs.page_name = page or self.page or ""
        if fragment_id:
            rs.fragment_id = fragment_id
            rs.is_auto_rerun = auto
        for w in widgets:
            rs.widget_states.widgets.append(w)
        rs.context_info.timezone = "UTC"
        rs.context_info.locale = "en-US"
        rs.context_info.url = f"{self.url}/{rs.page_name}"
        await self.ws.send(msg.SerializeToString())

    async def _reader(self) -> None:
        try:
            async for raw in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                self._handle(msg)
        except Exception:  # noqa: BLE001 (a closed socket ends the reader)
            return

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "auto_rerun":
            self.timers[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
        elif kind == "script_finished":
            self._status = msg.script_finished
            self.statuses.append(msg.script_finished)
            if msg.script_finished in (
                FINISHED.FINISHED_SUCCESSFULLY,
                FINISHED.FINISHED_WITH_COMPILE_ERROR,
            ):
                self._finished.set()
        elif kind == "stop_auto_rerun":
            for fid in msg.stop_auto_rerun.fragment_ids:
                self.timers.pop(fid, None)
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._element(msg.delta.new_element, msg.delta.fragment_id)

    def _element(self, el, fragment_id: str) -> None:
        kind = el.WhichOneof("type")
        if kind in ("markdown", "heading", "alert"):
            self.texts.append(getattr(el, kind).body)
        elif kind == "progress":
            self.progress = el.progress.text
            self.texts.append(el.progress.text)
        elif kind == "metric":
            self.texts.append(f"{el.metric.label}: {el.metric.body}")
            if el.metric.label == "Prediction":
                self.prediction = el.metric.body
                self._metric_seen.set()
        elif kind == "button":
            self.buttons[el.button.label] = el.button.id
        elif kind == "exception":
            self.exceptions.append(f"{el.exception.type}: {el.exception.message}")
        elif kind == "bidi_component" and "canvas" in el.bidi_component.component_name:
            self.canvas = (el.bidi_component.id, fragment_id)

    async def _ticker(self) -> None:
        """Answer the fragments' timers, as the browser does (only on the page shown)."""
        last: dict[str, float] = {}
        while not self.closed:
            await asyncio.sleep(0.05)
            now = time.monotonic()
            for fid, interval in list(self.timers.items()):
                if now - last.get(fid, 0) >= interval:
                    last[fid] = now
                    try:
                        await self._send_rerun(fragment_id=fid, auto=True)
                    except Exception:  # noqa: BLE001
                        return

    async def open(self, page: str, query: str = "", timeout: float = 30.0) -> Visit:
        """Ask for ``page``; the seconds until its script run ended, and any exception."""
        self.page = page
        self.timers.clear()  # a full run: the page declares its timers again
        self.canvas = None
        self.exceptions = []
        self._finished.clear()
        self.statuses.clear()
        t0 = time.perf_counter()
        await self._send_rerun(page=page, query=query)
        try:
            await asyncio.wait_for(self._finished.wait(), timeout)
            seconds = time.perf_counter() - t0
        except TimeoutError:
            seconds = None
        return Visit(page, seconds, list(self.exceptions))

    async def press(self, label: str, timeout: float = 30.0) -> bool:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        wid = self.buttons.get(label)
        if wid is None:
            return False
        w = WidgetState(id=wid, trigger_value=True)
        self.timers.clear()  # a full run: the page declares its timers again
        self._finished.clear()
        await self._send_rerun(widgets=[w])
        try:
            await asyncio.wait_for(self._finished.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def draw(self, png_data_url: str, timeout: float = 30.0) -> float | None:
        """Send a drawing as the canvas does; seconds until the new prediction arrived."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        if self.canvas is None:
            return None
        wid, fid = self.canvas
        state = {"drawing": {"raw": {"objects": [], "background": "#000000"}, "data": png_data_url}}
        w = WidgetState(id=wid, json_value=json.dumps(state))
        self._metric_seen.clear()
        self._finished.clear()
        self.prediction = None
        t0 = time.perf_counter()
        await self._send_rerun(widgets=[w], fragment_id=fid)
        try:
            await asyncio.wait_for(self._metric_seen.wait(), timeout)
            return time.perf_counter() - t0
        except TimeoutError:
            return None
