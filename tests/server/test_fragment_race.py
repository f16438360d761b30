"""A page's run is always heard to end, even when a fragment timer fires as it ends.

Streamlit's real ``AppSession`` and ``ScriptRunner`` run a tiny page with a fragment. The
race is made certain, not likely: the test holds the event loop while the page's run
ends (its runner has stopped and its last events wait on the loop), then asks for the
fragment's run, exactly as a timer's request arriving at that moment would. Unmended,
Streamlit drops the page run's "finished" message; mended, the browser gets it, then the
fragment's own.
"""

from __future__ import annotations

import asyncio

import pytest
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.app_session import AppSession
from streamlit.runtime.memory_session_storage import MemorySessionStorage
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.script_data import ScriptData
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

from server import streamlit_internals
from tests.support.loops import run_alone

PAGE = """
import streamlit as st

@st.fragment
def ticking():
    st.write("fragment")

ticking()
st.write("page")
"""
FINISHED = ForwardMsg.FINISHED_SUCCESSFULLY
FRAGMENT_FINISHED = ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY


class Client:
    def write_forward_msg(self, msg) -> None:
        pass


class Managers:
    """What a script run asks of Streamlit's ``Runtime`` (none is running here): its media
    and table managers, told which files the run left behind."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


@pytest.fixture(autouse=True)
def runtime(monkeypatch):
    stand_in = type(
        "Runtime", (), {"media_file_mgr": Managers(), "dataframe_source_mgr": Managers()}
    )
    monkeypatch.setattr("streamlit.runtime.get_instance", lambda: stand_in)


@pytest.fixture
def unmended(monkeypatch):
    """Streamlit's own AppSession for this test, whatever the process installed before."""
    create = AppSession._create_scriptrunner
    original = getattr(create, "__wrapped__", create)
    monkeypatch.setattr(AppSession, "_create_scriptrunner", original)
    return original


def statuses(session) -> list[int]:
    return [
        m.script_finished for m in session.flush_browser_queue() if m.HasField("script_finished")
    ]


def fragment_of(messages) -> str:
    return next(
        m.delta.fragment_id for m in messages if m.HasField("delta") and m.delta.fragment_id
    )


async def race(script) -> list[int]:
    """Every run status the browser is sent: a page run, then a fragment run asked for in
    the moment between the page run's end and the event loop hearing of it."""
    manager = WebsocketSessionManager(
        MemorySessionStorage(ttl_seconds=60),
        MemoryUploadedFileManager("/upload"),
        ScriptCache(),
        None,
    )
    session: AppSession = manager.get_active_session_info(
        manager.connect_session(Client(), ScriptData(str(script)), {})
    ).session
    session.request_rerun(None)
    for _ in range(2000):  # the first run, heard to its end
        await asyncio.sleep(0.005)
        if session._scriptrunner is None:
            break
    messages = session.flush_browser_queue()
    fragment = fragment_of(messages)
    session.request_rerun(None)  # the page's run ...
    runner = session._scriptrunner
    runner._script_thread.join(10)  # ... ends while the loop is held: its events wait
    assert not runner._script_thread.is_alive()
    session.request_rerun(ClientState(fragment_id=fragment))  # a timer fires now
    for _ in range(2000):
        await asyncio.sleep(0.005)
        if session._scriptrunner is None:
            break
    found = statuses(session)
    manager.disconnect_session(session.id)
    return found


def test_unmended_streamlit_drops_the_end_of_the_page_run(tmp_path, unmended):
    """The guard on the mend: if a Streamlit upgrade fixes the race, this fails, and the
    mend can go."""
    script = tmp_path / "page.py"
    script.write_text(PAGE)
    assert run_alone(lambda: race(script)) == [FRAGMENT_FINISHED]


def test_mended_the_browser_hears_the_page_run_end_then_the_fragment(tmp_path, unmended):
    assert streamlit_internals.finish_runs_before_fragments()
    assert streamlit_internals.finish_runs_before_fragments()  # once, however often asked
    script = tmp_path / "page.py"
    script.write_text(PAGE)
    assert run_alone(lambda: race(script)) == [FINISHED, FRAGMENT_FINISHED]


class Runner:
    def __init__(self, accepts: bool = True):
        self.accepts, self.asked = accepts, []

    def request_rerun(self, rerun_data) -> bool:
        self.asked.append(rerun_data)
        return self.accepts


class Session:
    """The parts of an ``AppSession`` the mend reads, on a real event loop."""

    def __init__(self, runner, fragments=("f1",)):
        self._scriptrunner, self._fragments, self.created = runner, set(fragments), []
        self._state = None
        self._event_loop = asyncio.get_running_loop()

    def has_fragment(self, fragment_id) -> bool:
        return fragment_id in self._fragments

    def _create_scriptrunner(self, rerun_data):
        self.created.append(rerun_data)


class Rerun:
    fragment_id = "f1"


async def settle(session, old, change=None, tries=3):
    streamlit_internals.start_fragment_when_settled(
        session, old, Rerun, Session._create_scriptrunner, tries
    )
    if change:
        change(session)
    await asyncio.sleep(0.1)


@pytest.mark.parametrize(
    ("change", "created", "new_runner_asked"),
    [
        (None, 1, 0),  # the old runner never went: after the last look, Streamlit's own way
        (lambda s: setattr(s, "_scriptrunner", None), 1, 0),  # it went: a new runner
        (lambda s: s._fragments.clear(), 0, 0),  # a whole-page run removed the fragment
        (lambda s: setattr(s, "_scriptrunner", Runner()), 0, 1),  # a page run took over
    ],
    ids=["old-stays", "old-went", "fragment-removed", "page-run-took-over"],
)
def test_a_waiting_fragment_run_follows_what_happened_meanwhile(change, created, new_runner_asked):
    async def scenario():
        old = Runner(accepts=False)
        session = Session(old)
        await settle(session, old, change)
        asked = len(session._scriptrunner.asked) if session._scriptrunner not in (None, old) else 0
        return len(session.created), asked

    assert run_alone(scenario) == (created, new_runner_asked)


def test_a_fragment_run_that_could_not_wait_says_so(caplog):
    """Its start drops the old run's last messages: the server's log must say so, so
    that a page found half drawn can be traced to it."""

    async def scenario():
        old = Runner(accepts=False)
        await settle(Session(old), old)

    run_alone(scenario)
    assert "before the previous run's last messages arrived" in caplog.text
