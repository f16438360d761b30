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
    MODEL = "model"  # the user's current nn_core.MLP, or None
    MODEL_STATUS = "model_status"  # "untrained" | "training" | "trained"
    MODEL_ACCURACY = "model_accuracy"  # test accuracy of MODEL, or None
    MODEL_DATASET = "model_dataset"  # the data set MODEL was trained on
    DOWNLOAD_ERROR = "download_error"  # last failed download message, or None
    DOWNLOAD_BUTTON = "sidebar.download"  # button: fetch the full data set

    # --- data explorer (pages/data.py) ---
    DATA_CLASS = "data.class"  # class filter for the example grid
    DATA_SEED = "data.seed"  # seed of the current random draw
    DATA_NEW_DRAW = "data.new_draw"  # button
    DATA_INDEX = "data.index"  # which image to follow through preprocessing
    DATA_PCA = "data.pca"  # the PCA scatter (its point selection)

    # --- learn (pages/learn.py) ---
    LEARN_ACTIVATION = "learn.activation"
    LEARN_TEMPERATURE = "learn.temperature"
    LEARN_P_TRUE = "learn.p_true"

    # --- train (pages/train.py, ui/training.py) ---
    TRAIN_SESSION = "train.session"  # ui.training.TrainingSession or None
    TRAIN_RUNS = "train.runs"  # list of finished/stopped runs (run history)
    TRAIN_NEXT_RUN_ID = "train.next_run_id"

    # --- draw (pages/draw.py) ---
    DRAW_MODEL_CHOICE = "draw.model_choice"  # "bundled" | "mine"
    DRAW_PEN = "draw.pen_width"
    DRAW_CANVAS = "draw.canvas"  # the canvas component's key (changes to clear it)
    DRAW_CANVAS_VERSION = "draw.canvas_version"
    DRAW_RESULT = "draw.result"  # injected RGBA canvas image (tests) or None
    DRAW_CLASS_SET = "draw.class_set"  # list of (28x28 image, label) the class collected


DEFAULTS: dict[str, Any] = {
    K.DATASET: "mnist",
    K.MODEL: None,
    K.MODEL_STATUS: "untrained",
    K.MODEL_ACCURACY: None,
    K.MODEL_DATASET: None,
    K.DOWNLOAD_ERROR: None,
    K.DATA_SEED: 0,
    K.TRAIN_SESSION: None,
    K.TRAIN_RUNS: [],
    K.TRAIN_NEXT_RUN_ID: 1,
    K.DRAW_CANVAS_VERSION: 0,
    K.DRAW_RESULT: None,
    K.DRAW_CLASS_SET: [],
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
