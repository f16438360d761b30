"""The tab's shared state: the few keys every feature reads, and how defaults get set.

What lives in session state is private to one browser tab: the visitor's workspace
(their model and run history, ``ui.train.workspace``), their class membership, the
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
draws them (a canvas version, an empty class set). Each feature's ``keys.py`` declares
them in a ``DEFAULTS`` dict; the frame (``app.py``, which may import every feature) hands
each dict to :func:`register_defaults` and then calls :func:`ensure_state` on every run.
This module never imports a feature for it: imports go one way, features -> shared. To
add a feature's defaults, add its ``keys.DEFAULTS`` to ``FEATURE_DEFAULTS`` in
``app.py``. Registering the same key twice with the same value is harmless (``app.py``
runs on every rerun); with a different value it is an error, so two features cannot
quietly fight over one key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st


class K:
    """Session-state keys. Grouped by who writes them; anyone may read them."""

    # --- shared (sidebar, every page) ---
    DATASET = "dataset"  # "mnist" | "fashion-mnist"
    WORKSPACE = "workspace"  # ui.train.workspace.TrainWorkspace: models, runs, messages
    PRESENTATION = "presentation"  # toggle: short texts, large figures for projecting
    CONFIDENCE = "confidence"  # "not sure" threshold shared by Evaluate and Draw (float)
    DOWNLOAD_ERROR = "download_error"  # last failed download message, or None
    DOWNLOAD_BUTTON = "sidebar.download"  # button: fetch the full data set
    CLASS = "class"  # ui.classroom.membership.ClassSession: membership, limits, messages

    # --- train (app_pages/train.py, ui/train/) ---
    TRAIN_PRESET = "train.preset"
    TRAIN_LAYERS = "train.layers"
    TRAIN_UNITS = "train.units"  # prefix: one select slider per layer, "train.units.0", ...
    TRAIN_ACTIVATION = "train.activation"
    TRAIN_INIT = "train.init"
    TRAIN_DROPOUT = "train.dropout"
    TRAIN_STANDARDIZE = "train.standardize"
    TRAIN_OPTIMIZER = "train.optimizer"
    TRAIN_LR = "train.lr"
    TRAIN_MOMENTUM = "train.momentum"
    TRAIN_SCHEDULE = "train.schedule"
    TRAIN_BATCH = "train.batch_size"
    TRAIN_EPOCHS = "train.epochs"
    TRAIN_L2 = "train.l2"
    TRAIN_SHIFT = "train.shift"
    TRAIN_TIME_BUDGET = "train.time_budget"
    TRAIN_SUBSET = "train.subset"
    TRAIN_SEED = "train.seed"
    TRAIN_UNTIL = "train.until"  # "epochs" | "accuracy": what ends the run
    TRAIN_TARGET = "train.target"  # held-out accuracy that ends the run (with "accuracy")
    TRAIN_SPEED = "train.speed"  # "full" | "slow": full speed or slow motion
    TRAIN_START = "train.start"  # buttons
    TRAIN_PAUSE = "train.pause"
    TRAIN_RESUME = "train.resume"
    TRAIN_STEP = "train.step"
    TRAIN_STOP = "train.stop"
    TRAIN_RESET = "train.reset"
    TRAIN_LIVE_LR = "train.live_lr"  # learning rate of the running network
    TRAIN_COMPARE = "train.compare"  # ids of earlier runs overlaid on the charts
    TRAIN_EXPORT_RUN = "train.export_run"  # id of the run to export
    TRAIN_KEEP = "train.keep"  # keep the exported run's weights
    TRAIN_DOWNLOAD_CSV = "train.download_csv"
    TRAIN_DOWNLOAD_JSON = "train.download_json"
    TRAIN_DOWNLOAD_MODEL = "train.download_model"
    TRAIN_UPLOAD = "train.upload"  # file uploader for a saved model
    TRAIN_FORGET_UPLOAD = "train.forget_upload"

    # --- inside (app_pages/inside.py, ui/inside/) ---
    INSIDE_DRAWING = "inside.drawing"  # (28, 28) float32 drawing sent by Draw's "Look inside"
    INSIDE_VIEW = "inside.view"  # tabs: which view computes (Weights, Activations, ...)
    INSIDE_CACHE = "inside.cache"  # ui.inside.context.Memo: heavy results per model version
    INSIDE_EXPERIMENT = "inside.experiment"  # ui.inside.experiments.Experiment or None
    INSIDE_SORT = "inside.sort"  # weight grid order: unit number, weight norm, importance
    INSIDE_GRID = "inside.grid"  # the weight grid chart (click a unit)
    INSIDE_UNIT = "inside.unit"  # the first-layer unit shown large
    INSIDE_LAYER = "inside.layer"  # which deeper weight matrix to show as a heatmap
    INSIDE_SOURCE = "inside.source"  # image to look at: "a test image" | "my drawing"
    INSIDE_SEEN_DRAWING = "inside.seen_drawing"  # fingerprint of the last drawing shown
    INSIDE_INDEX = "inside.index"  # test image number
    INSIDE_RANDOM = "inside.random"  # button: a random test image
    INSIDE_PCA = "inside.pca"  # the activation map (click a point)
    INSIDE_RUN_A = "inside.run_a"  # health: the two runs side by side (run ids)
    INSIDE_RUN_B = "inside.run_b"
    INSIDE_EXP_LAYER = "inside.exp_layer"  # experiments: which hidden layer
    INSIDE_OFF_UNITS = "inside.off_units"  # units to switch off (multiselect)
    INSIDE_OFF_APPLY = "inside.off_apply"  # buttons
    INSIDE_RANK_K = "inside.rank_k"
    INSIDE_OFF_MOST = "inside.off_most"
    INSIDE_OFF_LEAST = "inside.off_least"
    INSIDE_SCALE_UNIT = "inside.scale_unit"
    INSIDE_SCALE_FACTOR = "inside.scale_factor"
    INSIDE_SCALE_APPLY = "inside.scale_apply"
    INSIDE_NOISE_LAYER = "inside.noise_layer"  # which weight matrix gets the noise
    INSIDE_NOISE_AMOUNT = "inside.noise_amount"
    INSIDE_NOISE_APPLY = "inside.noise_apply"
    INSIDE_PRUNE_SHARE = "inside.prune_share"
    INSIDE_PRUNE_APPLY = "inside.prune_apply"
    INSIDE_UNDO = "inside.undo"  # drop the last edit
    INSIDE_UNDO_ALL = "inside.undo_all"  # back to the untouched network
    INSIDE_SAVE = "inside.save"  # keep the edited network as a new model
    INSIDE_TEACH_LABEL = "inside.teach_label"  # pills: the drawing's true label
    INSIDE_TEACH_LR = "inside.teach_lr"
    INSIDE_TEACH_APPLY = "inside.teach_apply"
    INSIDE_BP_BATCH = "inside.bp_batch"  # backprop: batch size
    INSIDE_BP_SEED = "inside.bp_seed"  # which batch (int, changed by the button)
    INSIDE_BP_NEW = "inside.bp_new"  # button: another batch
    INSIDE_BP_LR = "inside.bp_lr"
    INSIDE_BP_STAGE = "inside.bp_stage"  # forward | loss | backward | update | check

    # --- lesson links (ui/lesson.py) ---
    LESSON = "lesson"  # ui.lesson.Lesson: the link applied to this tab (notes, locks)

    # --- draw (app_pages/draw.py) ---
    DRAW_MODEL_CHOICE = "draw.model_choice"  # ModelInUse.key of the network that reads
    DRAW_INSIDE = "draw.inside"  # button: look inside the network with this drawing
    DRAW_PEN = "draw.pen_width"
    DRAW_CANVAS = "draw.canvas"  # the canvas component's key (changes to clear it)
    DRAW_CANVAS_VERSION = "draw.canvas_version"
    DRAW_RESULT = "draw.result"  # injected RGBA canvas image (tests) or None
    DRAW_CLASS_SET = "draw.class_set"  # list of (28x28 image, label) the class collected
    DRAW_CLEAR = "draw.clear"  # button: a fresh canvas
    DRAW_LABEL = "draw.label"  # the true label of the drawing to add (pills)
    DRAW_ADD = "draw.add"  # button: add the drawing to the class set
    DRAW_EMPTY_SET = "draw.empty_set"  # button: forget the class set
    DRAW_DOWNLOAD = "draw.download"  # download button: the class set as .npz
    DRAW_MESSAGE = "draw.message"  # (kind, text) from the last class-set action, or None
    DRAW_ABOUT_OPEN = "draw.about_open"  # expander: the model's recipe is sent only when open


CONFIDENCE_DEFAULT = 0.6  # answer only when the top probability reaches this (Evaluate, Draw)

DEFAULTS: dict[str, Any] = {
    K.DATASET: "mnist",
    K.PRESENTATION: False,
    K.CONFIDENCE: CONFIDENCE_DEFAULT,
    K.DOWNLOAD_ERROR: None,
    K.DRAW_CANVAS_VERSION: 0,
    K.DRAW_RESULT: None,
    K.DRAW_CLASS_SET: [],
    K.DRAW_MESSAGE: None,
}


def register_defaults(defaults: Mapping[str, Any]) -> None:
    """Add a feature's key defaults (its ``keys.DEFAULTS``) to those ``ensure_state`` fills.

    Called by ``app.py`` for every feature, so this module needs no feature import.
    """
    for key, value in defaults.items():
        if key in DEFAULTS and DEFAULTS[key] != value:
            raise ValueError(f"two defaults for session key {key!r}: {DEFAULTS[key]!r}, {value!r}")
        DEFAULTS[key] = value


def ensure_state() -> None:
    """Fill in every default that is missing. Called once at the top of each run."""
    for key, value in DEFAULTS.items():
        if key not in st.session_state:
            st.session_state[key] = list(value) if isinstance(value, list) else value


def get(key: str) -> Any:
    ensure_state()
    return st.session_state.get(key)


def put(key: str, value: Any) -> None:
    st.session_state[key] = value


def workspace():
    """This tab's ``TrainWorkspace`` (created on first use), the owner of "your model"."""
    from ui.shared import get_scheduler
    from ui.train.workspace import TrainWorkspace

    ws = st.session_state.get(K.WORKSPACE)
    if ws is None:
        ws = st.session_state[K.WORKSPACE] = TrainWorkspace(get_scheduler)
    _watch_disconnect(ws)
    return ws


def _on_tab_closed(ws) -> None:
    """The tab's connection closed: pause its run now, and book the release of the whole
    session for when its reconnect window ends (``ui.sessions``: it shuts the session
    down, empties it and drops the workspace's runs, ``TrainWorkspace.release``)."""
    from ui.sessions import release_when_expired

    ws.on_disconnect()
    release_when_expired()


@st.cache_resource(scope="session", on_release=_on_tab_closed, show_spinner=False)
def _watch_disconnect(_ws):
    """Streamlit releases session-scoped resources when a tab's connection closes: that is
    our signal (``_on_tab_closed``)."""
    return _ws
