"""The tab's shared state: the few keys every feature reads, and how defaults get set.

What lives in session state is private to one browser tab: the visitor's workspace
(their model and run history, ``ui.workspace.workspace``), their class membership, the
lesson link applied to the tab, and the widgets' values. What every user shares (data
sets, the bundled model) lives in ``st.cache_resource`` instead, see ``ui/shared.py``.

**Who names a key.** ``K`` below holds only the keys more than one feature reads: the
data set, the workspace, the presentation switch, the "not sure" threshold, the
sidebar's download, the class membership and the lesson. A key that one feature owns
(a widget's, a page's memo) lives in that feature's ``ui/<feature>/keys.py`` as a
module constant, ``from ui.evaluate import keys`` -> ``keys.VIEW``, with the same string
value it always had. Code reads a widget's value as ``st.session_state[keys.X]`` and a
feature object through its typed accessor (``workspace()`` here, ``class_session()`` in
``ui/classroom/membership.py``), never through a generic getter with a cast.

**Defaults, without importing the features.** Some keys need a value before any widget
draws them (a canvas version, an empty set of drawings). Each feature's ``keys.py``
declares them in a ``DEFAULTS`` dict and the feature calls ``ensure_state(keys.DEFAULTS)``
before it reads them, so a page works the same whether it runs inside the app or alone
in a test, and this module never imports a feature: imports go one way, features ->
shared. ``app.py`` calls ``ensure_state()`` for the shared keys on every run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import streamlit as st

from nn_core.data import DATASETS
from server import sessions

if TYPE_CHECKING:
    from ui.workspace.workspace import TrainWorkspace


class K:
    """Session-state keys. Grouped by who writes them; anyone may read them."""

    # --- shared (sidebar, every page) ---
    DATASET = "dataset"  # "mnist" | "fashion-mnist" | a collection's name ("mine-1a2b3c4d")
    WORKSPACE = "workspace"  # ui.workspace.workspace.TrainWorkspace: models, runs, messages
    PRESENTATION = "presentation"  # toggle: short texts, large figures for projecting
    CONFIDENCE = "confidence"  # "not sure" threshold shared by Evaluate and Draw (float)
    DOWNLOAD_ERROR = "download_error"  # last failed download message, or None
    DOWNLOAD_BUTTON = "sidebar.download"  # button: fetch the full data set
    CLASS = "class"  # ui.classroom.membership.ClassSession: membership, limits, messages
    COLLECTIONS = "collections"  # ui.collections.mine.MyCollections: drawn data sets

    # --- lesson links (ui/train/lesson.py) ---
    LESSON = "lesson"  # ui.train.lesson.Lesson: the link applied to this tab (notes, locks)


FALLBACK_DATASET = next(name for name, info in DATASETS.items() if info.sample)
"""The one data set with a bundled sample, so always available: a tab starts on it
(``K.DATASET``), and the pages fall back to it when the chosen one cannot be loaded
(``ui.active``)."""

CONFIDENCE_DEFAULT = 0.6
"""The "not sure" threshold before anyone moves Evaluate's slider: Evaluate and Draw both
start from it (``K.CONFIDENCE``)."""

DEFAULTS: dict[str, Any] = {
    K.DATASET: FALLBACK_DATASET,
    K.PRESENTATION: False,
    K.CONFIDENCE: CONFIDENCE_DEFAULT,
    K.DOWNLOAD_ERROR: None,
}


def ensure_state(defaults: dict[str, Any] | None = None) -> None:
    """Fill in every default that is missing: the shared ones (called once at the top of
    each run), or a feature's own (``ensure_state(keys.DEFAULTS)``, called by the feature
    before it reads them: this module never imports a feature)."""
    for key, value in (DEFAULTS if defaults is None else defaults).items():
        if key not in st.session_state:
            st.session_state[key] = list(value) if isinstance(value, list) else value


def confidence() -> float:
    """The "not sure" threshold in [0, 1] that Evaluate's slider sets and Draw applies:
    answer only when the top probability reaches it."""
    value = st.session_state.get(K.CONFIDENCE)
    return CONFIDENCE_DEFAULT if value is None else float(value)


def workspace() -> TrainWorkspace:
    """This tab's ``TrainWorkspace`` (created on first use), the owner of "your model"."""
    from ui.shared import get_scheduler
    from ui.workspace.workspace import TrainWorkspace

    ws = st.session_state.get(K.WORKSPACE)
    if ws is None:
        ws = st.session_state[K.WORKSPACE] = TrainWorkspace(get_scheduler)
    _watch_disconnect(ws)
    return ws


def _on_tab_closed(ws) -> None:
    """The tab's connection closed: pause its run now, and book the release of the whole
    session for when its reconnect window ends (``server.sessions``: it shuts the session
    down, empties it and has the workspace drop its runs, ``TrainWorkspace.release``).

    This is the ui side of the release: it reads the window from Streamlit's options and
    names the key whose object lets go, so ``server`` needs neither Streamlit's public
    API nor this module."""
    ws.on_disconnect()
    sessions.release_when_expired(
        float(st.get_option("server.disconnectedSessionTTL")), K.WORKSPACE
    )


@st.cache_resource(scope="session", on_release=_on_tab_closed, show_spinner=False)
def _watch_disconnect(_ws):
    """Streamlit releases session-scoped resources when a tab's connection closes: that is
    our signal (``_on_tab_closed``)."""
    return _ws
