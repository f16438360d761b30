"""Streamlit's internals, reached in this one place and nowhere else in the app.

Tested on Streamlit 1.67.0, the version the suite runs on; ``requirements.txt`` allows
no later version until the suite has run on it. What is reached here is not Streamlit's
public API and may move in any release:

- ``Runtime._session_mgr``, the session manager, its ``_storage_lock`` and its
  ``_session_storage``, a ``MemorySessionStorage`` whose ``_cache`` (a ``TTLCache``) holds
  the sessions of closed tabs until their reconnect window ends;
- ``AppSession.shutdown`` and ``AppSession.session_state``, the stored session itself;
- ``AppSession._create_scriptrunner``, ``_scriptrunner``, ``_event_loop``, ``_state`` and
  ``has_fragment``, for :func:`finish_runs_before_fragments`.

``tests/server/test_sessions.py`` runs these functions against Streamlit's real classes
(session manager, storage, upload manager, ``AppSession``), so an upgrade that moves any
of them fails a test instead of quietly keeping closed tabs' memory again. No public
Streamlit call (``st.get_option``, ``st.cache_resource``) belongs here: those are the ui
side's (``ui.state``), which passes what the server needs.
"""

from __future__ import annotations

import contextlib
import functools
import logging

_log = logging.getLogger(__name__)

SETTLE_SECONDS = 0.005  # how often a waiting fragment run looks again
SETTLE_TRIES = 2000
"""At most 10 s. A stopped runner's last events come within milliseconds on a quiet
server; on a busy one the event loop can fall behind, and starting the fragment run
before they arrive drops them all, the page's own elements among them."""


def expire_stored_sessions(runtime=None) -> list:
    """The ``AppSession`` of every expired stored session, removed from the storage.

    ``runtime`` is Streamlit's running ``Runtime`` (a test passes a stand-in holding a
    real session manager); none running, or a Streamlit whose storage has no TTL cache,
    gives an empty list (with a warning for the latter).
    """
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


def shut_down(session):
    """Shut ``session`` down as Streamlit shuts down a closed session (its uploads, media
    files and session caches go), and return its session state, still filled."""
    session.shutdown()
    return session.session_state


def finish_runs_before_fragments(app_session=None) -> bool:
    """Let a finished run's last messages reach the browser before a fragment run starts.

    A page with a timer (the Train page's live panel, the Class board) asks for a
    fragment run every few seconds. In Streamlit 1.67 such a request can arrive just as
    a whole-page run ends: its runner has stopped, but its "finished" message is still
    waiting on the event loop. Streamlit then starts a new runner at once and drops
    every event of the old one as stale, that "finished" included. The browser keeps
    the running indicator on, and any leftovers of the previous page stay greyed out,
    until the next whole-page run (Streamlit's own comment in ``request_rerun`` names
    the race; it mends only the case of a fragment that no longer exists).

    The mend: when a fragment run would replace a runner that is still the session's,
    it waits (a few milliseconds, ``SETTLE_TRIES`` looks at most) until that runner has
    said its last word, then asks again. Whole-page reruns are untouched. Installed
    once per process; returns whether it is in place. ``app_session`` is for tests.
    """
    if app_session is None:
        from streamlit.runtime.app_session import AppSession as app_session
    create = getattr(app_session, "_create_scriptrunner", None)
    if create is None:
        _log.warning("Cannot mend fragment reruns on this Streamlit version")
        return False
    if getattr(create, "mends_fragment_race", False):
        return True

    @functools.wraps(create)
    def _create_scriptrunner(session, rerun_data):
        old = session._scriptrunner
        if old is None or not rerun_data.fragment_id:
            return create(session, rerun_data)
        session._event_loop.call_soon_threadsafe(
            start_fragment_when_settled, session, old, rerun_data, create, SETTLE_TRIES
        )
        return None

    _create_scriptrunner.mends_fragment_race = True
    app_session._create_scriptrunner = _create_scriptrunner
    return True


def start_fragment_when_settled(session, old, rerun_data, create, tries: int) -> None:
    """Start a fragment run once ``old`` is no longer the session's runner.

    Runs on the session's event loop, where the old runner's last events are handled in
    the order they were sent: its "finished", then its shutdown, which clears
    ``session._scriptrunner``. A runner that has taken over meanwhile (a whole-page
    rerun) gets the fragment request like any other; a fragment that a whole-page run
    removed is not run.
    """
    if getattr(session._state, "name", "") == "SHUTDOWN_REQUESTED":
        return
    current = session._scriptrunner
    if current is old and tries > 0:
        session._event_loop.call_later(
            SETTLE_SECONDS, start_fragment_when_settled, session, old, rerun_data, create, tries - 1
        )
        return
    if not session.has_fragment(rerun_data.fragment_id):
        return
    if current is old:
        _log.warning("A fragment run starts before the previous run's last messages arrived")
    if current is None or current is old:
        create(session, rerun_data)
    elif not current.request_rerun(rerun_data):
        session._create_scriptrunner(rerun_data)
