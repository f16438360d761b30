"""What one user may ask of the server: the one place where training is kept in bounds.

Thirty students on one shared two-core demo each get their own network. Without limits a
single click on "4 layers of 4096 units, 500 epochs" would take the machine away from
everybody else, so the Train page clamps its controls to these numbers and says so when
it does. A teacher running the app on their own laptop can raise them with environment
variables, for example ``NN_MAX_HIDDEN_UNITS=2048 streamlit run app.py``.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

from nn_core.data import DATASETS
from nn_core.model import ModelConfig
from nn_core.modelfile import n_params
from nn_core.train import TrainConfig

IMAGE_PIXELS = 28 * 28  # the inputs of every data set here: 28 x 28 grey images
MOST_CLASSES = max(len(info.class_names) for info in DATASETS.values())


@dataclass(frozen=True)
class ServerLimits:
    """Upper bounds on one training run, the training pool, and the rhythm of the display.

    Runs train in ``workers`` processes (one per place by default); at most
    ``max_active_runs`` train at once, one per visitor, and later ones wait in a visible
    queue. A paused run holds no place, and after ``paused_release_seconds`` paused it is
    set aside: its worker gives back all it held, weights and curves stay with its owner.
    The page only redraws what the workers report, every ``refresh_seconds``.
    """

    max_hidden_units: int = 512  # units in one hidden layer
    max_hidden_layers: int = 3
    max_epochs: int = 30
    max_train_seconds: float = 120.0  # training time of one run, pauses excluded
    max_train_subset: int = 60_000  # training examples one run may use
    max_batch_size: int = 512
    max_runs: int = 10  # runs (settings and curves) kept in one browser tab's history
    max_kept_models: int = 3  # finished runs whose weights are kept for download
    # Parameters an uploaded model file may declare (checked before its weights are read);
    # None: those of the largest network the limits above allow (see upload_param_cap).
    max_upload_params: int | None = None
    # Test images in the held-out check during training. Each check costs a forward pass
    # over all of them, every ~9,600 training images: 1,000 took 4-5 % of the worker's
    # time on `fast`, 500 take 2 % (a worker's run timed in-process with and without the
    # check; bench_app_training is too noisy to show it); the curve's noise at 97 % is
    # then +-0.8 points instead of +-0.5, still far below what a lesson looks at.
    val_size: int = 500
    max_active_runs: int = 2 * (os.cpu_count() or 1)  # runs training at once; more wait
    # Training processes; None: one per place (server.scheduler.FAIR_SHARE says why).
    workers: int | None = None
    idle_pause_seconds: float = 60.0  # a run whose page stops looking is paused after this
    paused_release_seconds: float = 600.0  # paused this long: its worker's memory goes back
    refresh_seconds: float = 1.0  # how often the Train page redraws a run (browser CPU!)
    snapshot_seconds: float = 1.0  # how often a run's live weights travel to the page
    health_every: int = 50  # steps between gradient-health records (about 1% of the time)
    slow_motion: float = 20.0  # steps per second in "slow motion"

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if value is not None and not value > 0:
                raise ValueError(f"{field.name} must be positive, got {value}")

    @property
    def upload_param_cap(self) -> int:
        """How many parameters an uploaded model may have before its weights are read.

        Unless the teacher sets ``NN_MAX_UPLOAD_PARAMS``, it is exactly the largest
        network these limits let anyone build (every hidden layer as wide and as many
        as allowed), so a teacher who raises ``NN_MAX_HIDDEN_UNITS`` never finds a legal
        upload refused by a cap they forgot, and nothing larger is ever read.
        """
        if self.max_upload_params is not None:
            return self.max_upload_params
        hidden = (self.max_hidden_units,) * self.max_hidden_layers
        return n_params((IMAGE_PIXELS, *hidden, MOST_CLASSES))


ENV_VARS = {
    "max_hidden_units": "NN_MAX_HIDDEN_UNITS",
    "max_hidden_layers": "NN_MAX_HIDDEN_LAYERS",
    "max_epochs": "NN_MAX_EPOCHS",
    "max_train_seconds": "NN_MAX_TRAIN_SECONDS",
    "max_train_subset": "NN_MAX_TRAIN_SUBSET",
    "max_batch_size": "NN_MAX_BATCH_SIZE",
    "max_runs": "NN_MAX_RUNS",
    "max_kept_models": "NN_MAX_KEPT_MODELS",
    "max_upload_params": "NN_MAX_UPLOAD_PARAMS",
    "val_size": "NN_VAL_SIZE",
    "workers": "NN_WORKERS",
    "max_active_runs": "NN_MAX_ACTIVE_RUNS",
    "idle_pause_seconds": "NN_IDLE_PAUSE_SECONDS",
    "paused_release_seconds": "NN_PAUSED_RELEASE_SECONDS",
    "refresh_seconds": "NN_REFRESH_SECONDS",
    "snapshot_seconds": "NN_SNAPSHOT_SECONDS",
    "health_every": "NN_HEALTH_EVERY",
    "slow_motion": "NN_SLOW_MOTION",
}


def limits_from_env(environ=None) -> ServerLimits:
    """The defaults, with any ``NN_MAX_...`` environment variable laid on top.

    A value that is not a positive number is ignored (with the default kept) rather
    than stopping the app in front of a class.
    """
    environ = os.environ if environ is None else environ
    defaults = ServerLimits()
    values = {}
    for name, var in ENV_VARS.items():
        raw = environ.get(var)
        if raw is None:
            continue
        kind = float if isinstance(getattr(defaults, name), float) else int
        try:
            value = kind(float(raw)) if kind is int else float(raw)
        except ValueError:
            continue
        if value > 0:
            values[name] = value
    return dataclasses.replace(defaults, **values)


LIMITS = limits_from_env()
"""The limits in force for this server process (read once, at import)."""


def clamp_settings(
    model: ModelConfig, train: TrainConfig, limits: ServerLimits, n_train: int
) -> tuple[ModelConfig, TrainConfig, list[str]]:
    """The settings cut down to what the server allows, and a sentence per cut."""
    notes: list[str] = []
    hidden = list(model.hidden)
    if len(hidden) > limits.max_hidden_layers:
        notes.append(
            f"At most {limits.max_hidden_layers} hidden layers on this server "
            f"(you asked for {len(hidden)})."
        )
        hidden = hidden[: limits.max_hidden_layers]
    if any(h > limits.max_hidden_units for h in hidden):
        notes.append(f"At most {limits.max_hidden_units} units per hidden layer on this server.")
        hidden = [min(h, limits.max_hidden_units) for h in hidden]
    model = dataclasses.replace(model, sizes=(model.sizes[0], *hidden, model.sizes[-1]))
    changes: dict = {}
    if train.epochs > limits.max_epochs:
        notes.append(f"At most {limits.max_epochs} epochs on this server ({train.epochs} asked).")
        changes["epochs"] = limits.max_epochs
    if train.batch_size > limits.max_batch_size:
        notes.append(f"Batches of at most {limits.max_batch_size} examples on this server.")
        changes["batch_size"] = limits.max_batch_size
    cap = min(limits.max_train_subset, n_train)
    subset = train.subset
    if subset is None or subset >= n_train:
        subset = None if cap >= n_train else cap
    elif subset > cap:
        subset = cap
    if subset is not None and subset != train.subset:
        notes.append(f"At most {cap:,} training examples per run on this server.")
    changes["subset"] = subset
    if train.max_seconds is None or train.max_seconds > limits.max_train_seconds:
        changes["max_seconds"] = limits.max_train_seconds
    if train.time_budget is not None and train.time_budget > limits.max_train_seconds:
        notes.append(f"Time budgets of at most {limits.max_train_seconds:g} s on this server.")
        changes["time_budget"] = limits.max_train_seconds
    return model, dataclasses.replace(train, **changes), notes


def model_violations(config: ModelConfig, limits: ServerLimits) -> list[str]:
    """One plain sentence per server limit an uploaded model breaks; empty if it fits.

    A trained model cannot be clamped like settings can (cutting a layer would destroy
    what it learned), so the Train page refuses an upload that breaks a limit and shows
    these sentences instead. Whether the input and output sizes fit the data set is not
    a server limit and is checked elsewhere.
    """
    hidden = config.hidden
    problems = []
    if len(hidden) > limits.max_hidden_layers:
        problems.append(
            f"This model has {len(hidden)} hidden layers; this server allows at most "
            f"{limits.max_hidden_layers}."
        )
    for number, units in enumerate(hidden, start=1):
        if units > limits.max_hidden_units:
            problems.append(
                f"Hidden layer {number} has {units:,} units; this server allows at most "
                f"{limits.max_hidden_units:,} per layer."
            )
    return problems
