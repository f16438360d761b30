"""Closed tabs are released when their reconnect window ends (server.sessions).

Streamlit's own session manager, session storage, upload manager and ``AppSession`` run
for real, on an event loop as in the server. A window of 0 s makes a stored session
expire at once, so no test waits on the clock; a window of an hour keeps it.

These tests are the guard on ``server.streamlit_internals``: when a Streamlit upgrade
moves the internals it reaches, they fail (requirements.txt caps Streamlit until then).
The release is started as Streamlit starts it, through the tab's hook in ``ui.state``.
"""

from __future__ import annotations

import asyncio
import types

import numpy as np
import pytest
from streamlit import config
from streamlit.runtime.memory_session_storage import MemorySessionStorage
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.script_data import ScriptData
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.runtime.uploaded_file_manager import UploadedFileRec
from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

from nn_core.model import ModelConfig
from nn_core.train import TrainConfig
from server import sessions
from server.scheduler import Scheduler
from tests.support.loops import no_running_loop, run_alone
from ui import state
from ui.state import K
from ui.workspace.workspace import RunPlan, TrainWorkspace

LONG = TrainConfig(epochs=30, batch_size=64, optimizer="sgd", lr=0.05)
UPLOAD = UploadedFileRec("f1", "model.npz", "application/octet-stream", b"\0" * 4096)


@pytest.fixture(scope="module")
def scheduler():
    s = Scheduler(workers=1, idle_pause=600, cores=1)
    yield s
    s.close()


class Client:
    def write_forward_msg(self, msg) -> None:
        pass


def closed_tab(ttl: int, scheduler, sample, shared):
    """A tab that uploaded a file and started a run, then closed (call inside a loop)."""
    uploads = MemoryUploadedFileManager("/upload")
    manager = WebsocketSessionManager(
        MemorySessionStorage(ttl_seconds=ttl), uploads, ScriptCache(), None
    )
    session_id = manager.connect_session(Client(), ScriptData("app.py"), {})
    session = manager.get_active_session_info(session_id).session
    ws = TrainWorkspace(lambda: scheduler)
    ws.start(
        RunPlan("custom", ModelConfig((784, 16, 10)), LONG, False, sample, shared, np.arange(200))
    )
    session.session_state[K.WORKSPACE] = ws
    uploads.add_file(session_id, UPLOAD)
    manager.disconnect_session(session_id)
    runtime = types.SimpleNamespace(_session_mgr=manager)
    return runtime, uploads, session, ws


def test_a_closed_tab_is_shut_down_and_emptied_when_its_window_ends(
    scheduler, mnist_sample, shared_sample, monkeypatch
):
    given = []
    monkeypatch.setattr(sessions, "give_back", lambda: given.append(True))
    monkeypatch.setattr(sessions, "MARGIN_SECONDS", 0.0)
    released = []
    real_release = sessions.release_expired

    async def scenario():
        runtime, uploads, session, ws = closed_tab(0, scheduler, mnist_sample, shared_sample)
        job, callback = ws._job, ws.pause  # Streamlit keeps the buttons' callbacks
        done = asyncio.Event()

        def release(_runtime, held):  # booked with no runtime: the test's stands in
            released.append(real_release(runtime, held))
            done.set()

        monkeypatch.setattr(sessions, "release_expired", release)
        previous = config.get_option("server.disconnectedSessionTTL")
        config.set_option("server.disconnectedSessionTTL", 0)
        try:
            state._on_tab_closed(ws)  # what Streamlit calls as the tab disconnects
        finally:
            config.set_option("server.disconnectedSessionTTL", previous)
        assert job.state == "paused"  # at once: a closed tab costs no CPU
        await asyncio.wait_for(done.wait(), timeout=30)
        assert released == [1] and given == [True]
        assert uploads.get_files(session.id, [UPLOAD.file_id]) == []
        assert K.WORKSPACE not in session.session_state
        assert job.id not in scheduler._jobs and ws.runs == [] and ws.current is None
        callback()  # harmless now
        assert real_release(runtime, K.WORKSPACE) == 0 and given == [True]  # no second trim

    run_alone(scenario)


def test_a_tab_within_its_window_keeps_everything(
    scheduler, mnist_sample, shared_sample, monkeypatch
):
    given = []
    monkeypatch.setattr(sessions, "give_back", lambda: given.append(True))

    async def scenario():
        runtime, uploads, session, ws = closed_tab(3600, scheduler, mnist_sample, shared_sample)
        assert sessions.release_expired(runtime, K.WORKSPACE) == 0 and given == []
        assert runtime._session_mgr.get_session_info(session.id) is not None  # may reconnect
        assert uploads.get_files(session.id, [UPLOAD.file_id]) == [UPLOAD]
        assert session.session_state[K.WORKSPACE] is ws and ws._job.id in scheduler._jobs
        ws.release()

    run_alone(scenario)


def test_outside_the_event_loop_nothing_is_booked():
    with no_running_loop():
        assert sessions.release_when_expired(0.0, K.WORKSPACE) is False
