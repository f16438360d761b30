"""Every page's own address reaches that page on a real server, the home page included.

A lesson table's links are addresses: ``/learn``, ``/data``, ... ``/class``. Streamlit
serves the default page at ``/`` whatever its ``url_path``, so ``/learn`` used to answer
"Page not found". Here each address is asked for as a browser's first visit asks for it
(the websocket's ``rerun_script`` with the path as ``page_name``) and the server's own
answer is read: no "page not found" message, and the page it finally runs (after any
hand-over) is the one whose menu entry bears that name.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.support.app_server import running_app
from tests.support.loops import run_alone

ROUTES = {  # address -> the menu entry it must end on
    "": "Learn",
    "learn": "Learn",
    "data": "Data",
    "train": "Train",
    "inside": "Inside",
    "evaluate": "Evaluate",
    "draw": "Draw",
    "class": "Class",
}


async def _visit(url: str, path: str) -> tuple[bool, str | None]:
    """(whether the server said "page not found", the menu title of the page it ran)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    stream = url.replace("http://", "ws://") + "/_stcore/stream"
    not_found, titles, running = False, {}, None
    async with connect(stream, subprotocols=["streamlit"], max_size=2**26) as ws:
        ask = BackMsg()
        ask.rerun_script.page_name = path
        ask.rerun_script.context_info.url = f"{url}/{path}"
        await ws.send(ask.SerializeToString())
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await ws.recv())
            kind = msg.WhichOneof("type")
            if kind == "page_not_found":
                not_found = True
            elif kind == "navigation":
                titles.update({p.page_script_hash: p.page_name for p in msg.navigation.app_pages})
                running = titles.get(msg.navigation.page_script_hash)
            elif kind == "script_finished" and msg.script_finished == (
                ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
            ):
                return not_found, running


@pytest.mark.slow
def test_every_address_reaches_its_page(tmp_path):
    env = {"NN_WORKERS": "1", "NN_STATE_DIR": str(tmp_path / "state"), "NN_CLASS_DB_URL": None}
    with running_app(tmp_path / "server.log", env) as url:
        found = {
            path: run_alone(lambda path=path: asyncio.wait_for(_visit(url, path), 120))
            for path in ROUTES
        }
    assert found == {path: (False, title) for path, title in ROUTES.items()}
