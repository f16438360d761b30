"""Closed tabs give their memory back on time: Streamlit's session expiry, made punctual.

When a tab closes, Streamlit keeps its session (state, uploads, the visitor's models and
runs) for ``server.disconnectedSessionTTL`` seconds, 120 by default, so that a tab that
lost its connection for a moment finds everything again. But Streamlit only looks at
that clock when another tab disconnects later, and even then it merely drops the
expired session without shutting it down, so its uploaded files stay behind in the
server's upload manager. At the end of a lesson nobody disconnects later: three closed
tabs that had uploaded models still held about 2 GB minutes after they had gone.

So each tab's release hook (``ui.state``) books a call on Streamlit's event loop (the
thread that owns the stored sessions) for just after the reconnect window. The call
removes the sessions whose window has passed, shuts them down as Streamlit shuts down
a closed session, empties them and has each workspace drop its runs from the training
workers (Streamlit may hold a session's shell a while longer, see ``_empty``); then
``server.heap.give_back`` collects the cycles and returns the freed pages to the system.

Reaching the stored sessions needs Streamlit internals (``Runtime._session_mgr`` and the
``TTLCache`` inside its ``MemorySessionStorage``); they are read in one place,
``_expire_stored``, and ``tests/test_sessions.py`` runs it against the real classes,
so an upgrade that moves them fails a test instead of quietly keeping memory again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import streamlit as st

from server.heap import give_back
from ui.state import K

MARGIN_SECONDS = 1.0  # after the window: the session was stored a moment after the hook ran

_log = logging.getLogger(__name__)


def release_when_expired() -> bool:
    """A tab has just disconnected: book ``release_expired`` for when its window ends.

    Streamlit calls the release hook on its event loop; anywhere else (a session shut
    down from its script thread, a test) there is nothing stored to wait for.
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return False
    ttl = float(st.get_option("server.disconnectedSessionTTL"))
    loop.call_later(ttl + MARGIN_SECONDS, release_expired)
    return True


def release_expired(runtime=None) -> int:
    """Shut down every stored session whose reconnect window has passed; free their memory.

    Returns how many went. Several tabs closed together book one call each; the first
    takes them all, and the others find nothing and cost nothing.
    """
    expired = _expire_stored(runtime)
    for session in expired:
        session.shutdown()  # uploads, media files and session caches of that tab
        _empty(session.session_state)
    count = len(expired)
    del expired  # nothing here may keep them alive through the collection
    if count:
        give_back()
    return count


def _empty(state) -> None:
    """Let go of what a released tab held, even while Streamlit still holds the session:
    its message loop keeps the last tab it served in a local variable until another tab
    sends something, and its widget registry keeps the buttons' callbacks, which are
    bound to the workspace."""
    try:
        workspace = state[K.WORKSPACE]  # a SessionState: no .get()
    except KeyError:
        workspace = None
    state.clear()
    if workspace is not None:
        workspace.release()


def _expire_stored(runtime=None) -> list:
    """The ``AppSession`` of every expired stored session, removed from the storage."""
    if runtime is None:
        from streamlit import runtime as st_runtime

        if not st_runtime.exists():
            return []
        runtime = st_runtime.get_instance()
    manager = getattr(runtime, "_session_mgr", None)
    cache = getattr(getattr(manager, "_session_storage", None), "_cache", None)
    if not callable(getattr(cache, "expire", None)):
        _log.warning("Cannot release closed tabs on this Streamlit version (no TTL storage)")
        return []
    # Streamlit takes this lock when a reconnecting tab adopts its stored session.
    with getattr(manager, "_storage_lock", None) or contextlib.nullcontext():
        return [info.session for _key, info in cache.expire()]
