"""Closed tabs give their memory back on time: Streamlit's session expiry, made punctual.

When a tab closes, Streamlit keeps its session (state, uploads, the visitor's models and
runs) for ``server.disconnectedSessionTTL`` seconds, 120 by default, so that a tab that
lost its connection for a moment finds everything again. But Streamlit only looks at
that clock when another tab disconnects later, and even then it merely drops the
expired session without shutting it down, so its uploaded files stay behind in the
server's upload manager. At the end of a lesson nobody disconnects later: three closed
tabs that had uploaded models still held about 2 GB minutes after they had gone.

So each tab's release hook (``ui.state``, which reads the window from Streamlit's
options) books a call on Streamlit's event loop (the thread that owns the stored
sessions) for just after the reconnect window. The call removes the sessions whose
window has passed, shuts them down as Streamlit shuts down a closed session, empties
them and has the object the hook named (the tab's workspace) let go of what it holds:
its runs leave the training workers (Streamlit may hold a session's shell a while
longer, see ``_empty``). Then ``server.heap.give_back`` collects the cycles and returns
the freed pages to the system.

The stored sessions are reached through Streamlit internals, all of them in
``server.streamlit_internals``. This module knows no session key of the app: the hook
names the one to release, so the server never imports the ui.
"""

from __future__ import annotations

import asyncio

from server import streamlit_internals
from server.heap import give_back

MARGIN_SECONDS = 1.0  # after the window: the session was stored a moment after the hook ran


def release_when_expired(ttl: float, held: str | None = None) -> bool:
    """A tab has just disconnected: book ``release_expired`` for when its window of
    ``ttl`` seconds ends. ``held`` is the session key of the object that must let go of
    its resources then (it has a ``release()`` method).

    Streamlit calls the release hook on its event loop; anywhere else (a session shut
    down from its script thread, a test) there is nothing stored to wait for.
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return False
    loop.call_later(ttl + MARGIN_SECONDS, release_expired, None, held)
    return True


def release_expired(runtime=None, held: str | None = None) -> int:
    """Shut down every stored session whose reconnect window has passed; free their memory.

    Returns how many went. Several tabs closed together book one call each; the first
    takes them all, and the others find nothing and cost nothing.
    """
    expired = streamlit_internals.expire_stored_sessions(runtime)
    for session in expired:
        _empty(streamlit_internals.shut_down(session), held)
    count = len(expired)
    del expired  # nothing here may keep them alive through the collection
    if count:
        give_back()
    return count


def _empty(state, held: str | None) -> None:
    """Let go of what a released tab held, even while Streamlit still holds the session:
    its message loop keeps the last tab it served in a local variable until another tab
    sends something, and its widget registry keeps the buttons' callbacks, which are
    bound to the workspace."""
    owner = None
    if held is not None:
        try:
            owner = state[held]  # a SessionState: no .get()
        except KeyError:
            owner = None
    state.clear()
    if owner is not None:
        owner.release()
