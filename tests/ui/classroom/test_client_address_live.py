"""The address a real Streamlit server hands the limits, through its websocket.

What Streamlit reports is the part no unit test sees: version 1.67 says
``::ffff:127.0.0.1`` (not None) for a connection from this machine, which is also how a
proxy on the server reaches it. So a real server runs a short script, and three
connections ask it who they are: one plain (a visitor at the console: no address), and
two through a "proxy on this machine" (an ``X-Forwarded-For`` header arriving from
localhost, trusted for one hop), for an IPv4 and an IPv6 visitor.
"""

from __future__ import annotations

import asyncio
import textwrap

import pytest

from tests.support.app_server import ROOT, running_app
from tests.support.loops import run_alone

SCRIPT = textwrap.dedent(
    f"""
    import sys
    sys.path.insert(0, {str(ROOT)!r})
    import streamlit as st
    from ui.classroom.clients import current_address
    st.text("ADDRESS=" + repr(current_address()))
    """
)


async def _ask(url: str, headers: dict) -> str:
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    stream = url.replace("http://", "ws://") + "/_stcore/stream"
    async with connect(stream, subprotocols=["streamlit"], additional_headers=headers) as ws:
        ask = BackMsg()
        ask.rerun_script.query_string = ""
        await ws.send(ask.SerializeToString())
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await ws.recv())
            element = msg.delta.new_element if msg.HasField("delta") else None
            if element is not None and element.text.body.startswith("ADDRESS="):
                return element.text.body.removeprefix("ADDRESS=")


@pytest.mark.slow
def test_a_real_server_counts_localhost_as_local_and_trusts_a_local_proxy(tmp_path):
    (tmp_path / "probe.py").write_text(SCRIPT)
    with running_app(tmp_path / "server.log", root=tmp_path, script="probe.py") as url:

        def ask(headers):
            return run_alone(lambda: asyncio.wait_for(_ask(url, headers), 60))

        assert ask({}) == "None"  # the server's own console: the tab's budget only
        assert ask({"X-Forwarded-For": "1.2.3.4, 203.0.113.9"}) == "'203.0.113.9'"
        assert ask({"X-Forwarded-For": "2001:db8:5:6::77"}) == "'2001:db8:5:6::/64'"
