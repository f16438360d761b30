"""The one owner of ``st.session_state``: every key the app uses is named here.

Pages and helpers never type a key as a string literal; they use the constants below
(``K.MODEL``) or the small accessors. Widget keys live here too, grouped by page, so a
test can find every control by the same name the page uses.

What lives in session state is private to one browser tab: the user's model, trainer
and run history. What every user shares (data sets, the bundled model) lives in
``st.cache_resource`` instead, see ``ui/data.py``.
"""

from __future__ import annotations

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

    # --- data explorer (app_pages/data.py) ---
    DATA_CLASS = "data.class"  # class filter for the example grid
    DATA_SEED = "data.seed"  # seed of the current random draw
    DATA_NEW_DRAW = "data.new_draw"  # button
    DATA_INDEX = "data.index"  # which image to follow through preprocessing
    DATA_PCA = "data.pca"  # the PCA scatter (its point selection)

    # --- learn (app_pages/learn.py) ---
    LEARN_ACTIVATION = "learn.activation"
    LEARN_TEMPERATURE = "learn.temperature"
    LEARN_P_TRUE = "learn.p_true"

    # --- train (app_pages/train.py, ui/train/) ---
    TRAIN_SESSION = "train.session"  # ui.train.session.TrainingSession or None
    TRAIN_RUNS = "train.runs"  # list of finished/stopped runs (run history)
    TRAIN_NEXT_RUN_ID = "train.next_run_id"
    TRAIN_SETTINGS = "train.settings"  # copy of the settings widgets' values (survives pages)
    TRAIN_NOTES = "train.notes"  # sentences about server limits that cut the settings
    TRAIN_START_MODEL = "train.start_model"  # (name, MLP) uploaded to continue, or None
    TRAIN_MESSAGE = "train.message"  # (kind, text, where) from the last action, or None
    TRAIN_PRESET = "train.preset"
    TRAIN_LAYERS = "train.layers"
    TRAIN_UNITS = "train.units"  # prefix: one select slider per layer, "train.units.0", ...
    TRAIN_ACTIVATION = "train.activation"
    TRAIN_INIT = "train.init"
    TRAIN_DROPOUT = "train.dropout"
    TRAIN_STANDARDIZE = "train.standardize"
    TRAIN_OPTIMIZER = "train.optimizer"
    TRAIN_LR = "train.lr"
    TRAIN_SCHEDULE = "train.schedule"
    TRAIN_BATCH = "train.batch_size"
    TRAIN_EPOCHS = "train.epochs"
    TRAIN_L2 = "train.l2"
    TRAIN_SHIFT = "train.shift"
    TRAIN_TIME_BUDGET = "train.time_budget"
    TRAIN_SUBSET = "train.subset"
    TRAIN_SEED = "train.seed"
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

    # --- evaluate (app_pages/evaluate.py, ui/evaluate/) ---

    # --- class board (app_pages/classroom.py, ui/classroom/) ---

    # --- lesson links (ui/lesson.py) ---

    # --- draw (app_pages/draw.py) ---
    DRAW_MODEL_CHOICE = "draw.model_choice"  # "bundled" | "mine"
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


DEFAULTS: dict[str, Any] = {
    K.DATASET: "mnist",
    K.PRESENTATION: False,
    K.DOWNLOAD_ERROR: None,
    K.DATA_SEED: 0,
    K.TRAIN_SESSION: None,
    K.TRAIN_RUNS: [],
    K.TRAIN_NEXT_RUN_ID: 1,
    K.TRAIN_SETTINGS: None,  # a dict, created per session (never share a mutable default)
    K.TRAIN_NOTES: [],
    K.TRAIN_START_MODEL: None,
    K.TRAIN_MESSAGE: None,
    K.DRAW_CANVAS_VERSION: 0,
    K.DRAW_RESULT: None,
    K.DRAW_CLASS_SET: [],
    K.DRAW_MESSAGE: None,
}


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


def set_model(
    model, status: str, accuracy: float | None = None, dataset: str | None = None
) -> None:
    """Make ``model`` the user's current model (used by Train, Draw and the sidebar)."""
    st.session_state[K.MODEL] = model
    st.session_state[K.MODEL_STATUS] = status
    st.session_state[K.MODEL_ACCURACY] = accuracy
    st.session_state[K.MODEL_DATASET] = dataset or st.session_state.get(K.DATASET)
