"""The one owner of ``st.session_state``: every key the app uses is named here.

Pages and helpers never type a key as a string literal; they use the constants below
(``K.MODEL``) or the small accessors. Widget keys live here too, grouped by page, so a
test can find every control by the same name the page uses.

What lives in session state is private to one browser tab: the visitor's workspace
(their model and run history, ``ui.train.workspace``) and the widgets' values. What every user shares (data sets, the bundled model) lives in
``st.cache_resource`` instead, see ``ui/shared.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import streamlit as st

from server import sessions

if TYPE_CHECKING:
    from ui.train.workspace import TrainWorkspace


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
    DATA_PCA_POINTS = "data.pca_points"  # how many dots the PCA map shows
    DATA_PCA_OPEN = "data.pca_open"  # expander: the PCA section is drawn only when open
    DATA_CLOSER_OPEN = "data.closer_open"  # expander: "one image up close"

    # --- learn (app_pages/learn.py) ---
    LEARN_ACTIVATION = "learn.activation"
    LEARN_TEMPERATURE = "learn.temperature"
    LEARN_P_TRUE = "learn.p_true"
    LEARN_ACTIVATION_OPEN = "learn.activation_open"  # expanders: sections drawn only when open
    LEARN_SOFTMAX_OPEN = "learn.softmax_open"
    LEARN_LOSS_OPEN = "learn.loss_open"
    LEARN_BACKPROP_OPEN = "learn.backprop_open"

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

    # --- evaluate (app_pages/evaluate.py, ui/evaluate/) ---
    EVAL_MODEL = "evaluate.model"  # selectbox: title of the model to evaluate
    EVAL_VIEW = "evaluate.view"  # segmented control: which section is shown (computed)
    EVAL_NORMALISE = "evaluate.normalise"  # toggle: confusion matrix as row rates
    EVAL_CELL = "evaluate.cell"  # Cell: the chosen confusion cell (ui/evaluate/selection.py)
    EVAL_MATRIX = "evaluate.matrix"  # prefix: the heatmap per Cell.version, "evaluate.matrix.2"
    EVAL_CELL_TRUE = "evaluate.cell_true"  # prefix: selectbox per Cell.version, true class
    EVAL_CELL_PRED = "evaluate.cell_pred"  # prefix: selectbox per Cell.version, answered class
    EVAL_CELL_PAGE = "evaluate.cell_page"  # prefix: pagination per cell, "evaluate.cell_page.4.9"
    EVAL_MISTAKE_TRUE = "evaluate.mistake_true"  # selectbox filter: "Any" or a class name
    EVAL_MISTAKE_PRED = "evaluate.mistake_pred"
    EVAL_MISTAKE_PAGE = "evaluate.mistake_page"  # prefix: pagination per filter pair
    EVAL_PERTURBATION = "evaluate.perturbation"  # radio: noise | shift | rotate | scale | ...
    EVAL_STRENGTH = "evaluate.strength"  # prefix: one slider per perturbation, "...strength.noise"
    EVAL_THRESHOLD = "evaluate.threshold"  # slider writing K.CONFIDENCE (ui/evaluate/threshold.py)
    EVAL_COMPARE_A = "evaluate.compare_a"  # selectboxes: the two models compared
    EVAL_COMPARE_B = "evaluate.compare_b"
    EVAL_UPLOAD = "evaluate.upload"  # file uploader: a saved model to compare
    EVAL_CACHE = "evaluate.cache"  # dict: this tab's predictions and curves per model version

    # --- class board (app_pages/classroom.py, ui/classroom/) ---
    CLASS = "class"  # ui.classroom.membership.ClassSession: membership, limits, messages
    CLASS_JOIN_OPEN = "class.join_open"  # sidebar expander: the join form, drawn when open
    CLASS_CODE = "class.code"  # sidebar text input: the code to join (?class= pre-fills it)
    CLASS_NICKNAME = "class.nickname"
    CLASS_JOIN = "class.join"  # buttons
    CLASS_LEAVE = "class.leave"
    CLASS_START = "class.start"
    CLASS_RECLAIM_CODE = "class.reclaim_code"  # teacher: code + key to reclaim a board
    CLASS_RECLAIM_KEY = "class.reclaim_key"
    CLASS_RECLAIM = "class.reclaim"
    CLASS_KEY_SEEN = "class.key_seen"  # button: hide the teacher key shown once
    CLASS_COLOR_BY = "class.color_by"  # the setting that colours the board's curves
    CLASS_SHARE_RUN = "class.share_run"  # prefix: one button per run, "class.share_run.3"
    CLASS_QUESTION = "class.question"  # teacher: the question's text
    CLASS_CHOICES = "class.choices"  # teacher: its answers, one per line
    CLASS_POSE = "class.pose"  # button
    CLASS_REVEAL = "class.reveal"  # toggle: show the answers on the board
    CLASS_CLOSED = "class.closed"  # toggle: closed to new entries
    CLASS_ANSWER = "class.answer"  # student: radio with the answers
    CLASS_SEND_ANSWER = "class.send_answer"  # button
    CLASS_ENTRY = "class.entry"  # select: the entry to hide, show again or remove
    CLASS_HIDE = "class.hide"  # buttons
    CLASS_SHOW = "class.show"
    CLASS_REMOVE = "class.remove"
    CLASS_EXPORT_CSV = "class.export_csv"  # download buttons
    CLASS_EXPORT_JSON = "class.export_json"
    CLASS_EXPORT_NPZ = "class.export_npz"
    CLASS_CHART_LOSS = "class.chart_loss"  # the board's figures (stable ids: no flicker)
    CLASS_CHART_ACCURACY = "class.chart_accuracy"
    CLASS_CHART_RESULTS = "class.chart_results"
    CLASS_CHART_ANSWERS = "class.chart_answers"
    CLASS_CHART_DRAWINGS = "class.chart_drawings"

    # --- lesson links (ui/train/lesson.py) ---
    LESSON = "lesson"  # ui.train.lesson.Lesson: the link applied to this tab (notes, locks)

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


DEFAULTS: dict[str, Any] = {
    K.DATASET: "mnist",
    K.PRESENTATION: False,
    K.DOWNLOAD_ERROR: None,
    K.DATA_SEED: 0,
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


def workspace() -> TrainWorkspace:
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
