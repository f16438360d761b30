"""Where the class store lives: one database per deployment, reached by st.connection.

Nothing to set up on a laptop: the store is a SQLite file in the state directory
(``NN_STATE_DIR``, else the per-user data directory). A hosted app with several replicas
needs one database they all see: give it a PostgreSQL URL, either as the environment
variable ``NN_CLASS_DB_URL`` or as ``[connections.classroom]`` in ``.streamlit/secrets.toml``
(see ``secrets.toml.example``). Nothing else changes: the same store, the same queries.

The engine comes from Streamlit's own ``st.connection`` (SQLAlchemy underneath) and the
store built on it is a shared resource: one per server process, not one per visitor.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import streamlit as st

from ui.classroom.store import ClassStore

CONNECTION_NAME = "classroom"
DB_FILE = "classroom.sqlite3"


def state_dir() -> Path:
    """The folder for the embedded database: ``NN_STATE_DIR`` or the per-user data dir."""
    configured = os.environ.get("NN_STATE_DIR")
    if configured:
        return Path(configured)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "nn-classroom"


@functools.cache
def _secrets_configured() -> bool:
    """Read once per process: Streamlit parses the secrets files again at every look when
    there are none (the usual case), about 3 ms a look, several looks a page run. A
    changed ``secrets.toml`` takes effect when the server restarts, as the store does."""
    try:
        return CONNECTION_NAME in st.secrets.get("connections", {})
    except Exception:  # no secrets.toml at all is the common case, not an error
        return False


def database_url() -> str | None:
    """The URL to connect to, or None when ``[connections.classroom]`` in secrets decides."""
    url = os.environ.get("NN_CLASS_DB_URL")
    if url:
        return url
    if _secrets_configured():
        return None
    return f"sqlite:///{state_dir() / DB_FILE}"


def describe(url: str | None, show_paths: bool = True) -> str:
    """Where the board is stored, for the page's footnote (never the password; on a
    hosted server, ``show_paths`` False, not even the file or the host)."""
    if url is None:
        return "the database in secrets ([connections.classroom])"
    if url.startswith("sqlite"):
        if not show_paths:
            return "the server's SQLite file (in NN_STATE_DIR)"
        return f"SQLite file {url.split(':///', 1)[-1]}"
    from sqlalchemy.engine import make_url

    backend = make_url(url).get_backend_name()
    return f"{backend} at {make_url(url).host}" if show_paths else f"a {backend} database"


@st.cache_resource(show_spinner=False)
def _store_for(url: str | None) -> ClassStore:
    """Once per database: its engine and schema, and the folder of a SQLite file."""
    extra = {}
    if url is not None and url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if url is None or not url.startswith("sqlite"):
        extra["pool_pre_ping"] = True  # a restarted PostgreSQL must not break the board
    conn = st.connection(CONNECTION_NAME, type="sql", **({"url": url} if url else {}), **extra)
    return ClassStore(conn.engine)


def get_store() -> ClassStore:
    """The class store of this deployment, created (with its schema) on first use."""
    return _store_for(database_url())
