"""The Train feature's widget keys: the settings, the run's buttons, the history's exports.

The workspace itself (``K.WORKSPACE``, a ``TrainWorkspace``) and the lesson link applied
to the tab (``K.LESSON``) are feature objects that other pages read, so their keys stay
in ``ui.state``. Everything here is a control of the Train page, named once so the page,
its callbacks, the lesson links and the tests agree. The string values are the ones the
app has always used (``"train.preset"``, ...): browsers and tests find widgets by them. A
setting's key is its lesson-link word after ``train.`` (``setting``), so the table of
settings (``nn_core.knobs``) names every control without a list of its own.
"""

from __future__ import annotations

from typing import Any

PRESET = "train.preset"
LAYERS = "train.layers"
UNITS = "train.units"  # prefix: one select slider per layer, "train.units.0", ...
ACTIVATION = "train.activation"
INIT = "train.init"
DROPOUT = "train.dropout"
STANDARDIZE = "train.standardize"
OPTIMIZER = "train.optimizer"
LR = "train.lr"
MOMENTUM = "train.momentum"
SCHEDULE = "train.schedule"
BATCH = "train.batch_size"
EPOCHS = "train.epochs"
WEIGHT_DECAY = "train.weight_decay"
SHIFT = "train.shift"
TIME_BUDGET = "train.time_budget"
SUBSET = "train.subset"
SEED = "train.seed"
UNTIL = "train.until"  # "epochs" | "accuracy": what ends the run
TARGET = "train.target"  # held-out accuracy that ends the run (with "accuracy")
SPEED = "train.speed"  # "full" | "slow": full speed or slow motion
START = "train.start"  # buttons
PAUSE = "train.pause"
RESUME = "train.resume"
STEP = "train.step"
STOP = "train.stop"
RESET = "train.reset"
LIVE_LR = "train.live_lr"  # prefix: the new rate asked for a running run, one per run
SET_LR = "train.set_lr"  # prefix: its Set button
COMPARE = "train.compare"  # ids of earlier runs overlaid on the charts
EXPORT_RUN = "train.export_run"  # prefix: the run to export, one picker per newest run
KEEP = "train.keep"  # prefix: keep a run's weights, one switch per run
DOWNLOAD_CSV = "train.download_csv"
DOWNLOAD_JSON = "train.download_json"
DOWNLOAD_MODEL = "train.download_model"
UPLOAD = "train.upload"  # file uploader for a saved model
FORGET_UPLOAD = "train.forget_upload"
CHART_LOSS = "train.chart.loss"  # the live panel's figures (stable ids: no flicker)
CHART_ACCURACY = "train.chart.accuracy"
CHART_LR = "train.chart.lr"
CONTROLS = "train-controls"  # the buttons' container: the live panel below never moves
LIVE_PANEL = "train-live"  # the live panel's container, named in its style (no fading)


def setting(name: str) -> str:
    """The widget key of the Train setting ``name`` (a row of ``nn_core.knobs``): the
    setting's own word after ``train.``. The hidden layers take two controls, the count
    (``LAYERS``, this key) and one size per layer (``units_key`` in ``ui.train.settings``)."""
    return LAYERS if name == "hidden" else f"train.{name}"


def live_lr(run_id: int) -> str:
    """The key of run ``run_id``'s rate picker: a new run never inherits an old pick."""
    return f"{LIVE_LR}.{run_id}"


def set_lr(run_id: int) -> str:
    return f"{SET_LR}.{run_id}"


def keep(run_id: int) -> str:
    """The key of run ``run_id``'s Keep weights switch: its value is the person's alone."""
    return f"{KEEP}.{run_id}"


# Values set before the page first draws (``ui.state.ensure_state(keys.DEFAULTS)``):
# none. Every settings control gets the default preset's value from
# ``ui.train.widgets.keep_alive`` (which the limits shape), and the buttons and exports
# need none.
DEFAULTS: dict[str, Any] = {}
