"""Streamlit's internals, reached in this one place and nowhere else in the app.

Tested on Streamlit 1.67.0, the version the suite runs on; ``requirements.txt`` allows
no later version until the suite has run on it. What is reached here is not Streamlit's
public API and may move in any release:

- ``Runtime._session_mgr``, the session manager, its ``_storage_lock`` and its
  ``_session_storage``, a ``MemorySessionStorage`` whose ``_cache`` (a ``TTLCache``) holds
  the sessions of closed tabs until their reconnect window ends;
- ``AppSession.shutdown`` and ``AppSession.session_state``, the stored session itself.

``tests/server/test_sessions.py`` runs these functions against Streamlit's real classes
(session manager, storage, upload manager, ``AppSession``), so an upgrade that moves any
of them fails a test instead of quietly keeping closed tabs' memory again. No public
Streamlit call (``st.get_option``, ``st.cache_resource``) belongs here: those are the ui
side's (``ui.state``), which passes what the server needs.
"""

from __future__ import annotations

import contextlib
import logging

_log = logging.getLogger(__name__)


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
