"""The Train page's settings as plain values: presets, the offered choices, the limits.

Every control offers a short list of sensible values rather than a free number, which
keeps a room of students inside what the server can afford (``server.limits``) and makes
"lr 0.01 against lr 1.0" a matter of two clicks. The values live under the widgets' own
keys (``ui.train.keys``); this module turns them into ``ModelConfig`` / ``TrainConfig``
and back, without Streamlit, so the tests and the lesson links (``ui.train.lesson``) use the
very same rules as the page.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from nn_core.model import ModelConfig
from nn_core.presets import PRESETS
from nn_core.train import TrainConfig
from server.limits import ServerLimits, clamp_settings
from ui.train import keys

PRESET_CHOICES = ("original", "default", "fast", "best")
DEFAULT_PRESET = "fast"
UNITS = (8, 16, 32, 64, 128, 256, 512, 1024, 2048)
DROPOUTS = (0.0, 0.1, 0.2, 0.3, 0.5)
LRS = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.05, 0.1, 0.3, 1.0, 3.0, 10.0)
BATCHES = (1, 8, 16, 32, 64, 128, 256, 512, 1024)
MOMENTA = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99)
L2S = (0.0, 1e-5, 1e-4, 1e-3, 1e-2)
SHIFTS = (0, 1, 2, 3)
BUDGETS = (0, 10, 20, 30, 60, 90, 110, 120, 180, 300)  # 0: no time budget
SUBSETS = (500, 1000, 2000, 5000, 10_000, 20_000, 30_000, 0)  # 0: all
TARGETS = (0.8, 0.9, 0.95, 0.97, 0.98, 0.99)  # "train until" held-out accuracies
INIT_NAMES = {"he": "He (for ReLU)", "xavier": "Xavier (for tanh)", "naive": "N(0, 1) (notebook)"}


def units_key(i: int) -> str:
    """The widget key of hidden layer ``i``'s size."""
    return f"{keys.UNITS}.{i}"


@dataclass(frozen=True)
class Settings:
    """What the controls say: the recipe for the next run."""

    preset: str
    model: ModelConfig
    train: TrainConfig
    standardize: bool
    notes: tuple[str, ...] = ()  # server limits that cut a setting, in plain words
    speed: float | None = None  # steps per second in slow motion, None: full speed


@dataclass(frozen=True)
class Choices:
    """The values each control offers on this server (the limits remove the rest)."""

    units: tuple[int, ...]
    batches: tuple[int, ...]
    budgets: tuple[int, ...]
    subsets: tuple[int, ...]
    max_layers: int
    max_epochs: int

    @classmethod
    def for_limits(cls, limits: ServerLimits) -> Choices:
        return cls(
            units=tuple(u for u in UNITS if u <= limits.max_hidden_units) or (UNITS[0],),
            batches=tuple(b for b in BATCHES if b <= limits.max_batch_size) or (1,),
            budgets=tuple(b for b in BUDGETS if b <= limits.max_train_seconds),
            subsets=tuple(s for s in SUBSETS if s <= limits.max_train_subset),
            max_layers=limits.max_hidden_layers,
            max_epochs=limits.max_epochs,
        )


def nearest(value: float, options: tuple) -> float:
    """The offered value closest to ``value`` (on a log scale for positive numbers)."""

    def distance(o):
        if value > 0 and o > 0:
            return abs(math.log(o) - math.log(value))
        return abs(o - value) + (1e9 if o <= 0 < value else 0)

    return min(options, key=distance)


def preset_values(name: str, limits: ServerLimits) -> dict:
    """The widget values that spell out preset ``name``, cut to this server's limits.

    The cut is silent: the visitor did not choose those values, so a warning would blame
    them for the recipe; ``preset_description`` says it once instead.
    """
    p, c = PRESETS[name], Choices.for_limits(limits)
    model, train, _ = clamp_settings(p.model, p.train, limits, n_train=limits.max_train_subset)
    hidden = list(model.hidden)
    values = {
        keys.PRESET: name,
        keys.LAYERS: len(hidden),
        keys.ACTIVATION: model.activation,
        keys.INIT: model.init,
        keys.DROPOUT: nearest(model.dropout, DROPOUTS),
        keys.STANDARDIZE: p.standardize,
        keys.OPTIMIZER: train.optimizer,
        keys.LR: nearest(train.lr, LRS),
        keys.MOMENTUM: nearest(train.momentum, MOMENTA),
        keys.SCHEDULE: train.schedule,
        keys.BATCH: nearest(train.batch_size, c.batches),
        keys.EPOCHS: min(train.epochs, c.max_epochs),
        keys.L2: nearest(train.weight_decay, L2S),
        keys.SHIFT: min(train.shift, SHIFTS[-1]),
        keys.TIME_BUDGET: nearest(train.time_budget or 0, c.budgets),
        keys.SUBSET: 0 if train.subset is None else nearest(train.subset, c.subsets),
        keys.SEED: train.seed,
        keys.UNTIL: "epochs",
        keys.TARGET: TARGETS[2],
        keys.SPEED: "full",
    }
    for i in range(c.max_layers):
        values[units_key(i)] = nearest(hidden[i] if i < len(hidden) else 128, c.units)
    return values


def preset_description(name: str, limits: ServerLimits) -> str:
    """The preset's recipe, plus one clause when this server cuts it."""
    p = PRESETS[name]
    _, _, notes = clamp_settings(p.model, p.train, limits, n_train=limits.max_train_subset)
    if not notes:
        return p.description
    return f"{p.description} On this server: {' '.join(notes)}"


def settings_from_values(values: dict, limits: ServerLimits, n_train: int) -> Settings:
    """Turn the controls' values into configs, cut to the server's limits."""
    preset = PRESETS[values[keys.PRESET]]
    layers = int(values[keys.LAYERS])
    hidden = tuple(int(values[units_key(i)]) for i in range(layers))
    seed = int(values[keys.SEED])
    model = dataclasses.replace(
        preset.model,
        sizes=(preset.model.sizes[0], *hidden, preset.model.sizes[-1]),
        activation=values[keys.ACTIVATION],
        init=values[keys.INIT],
        dropout=float(values[keys.DROPOUT]),
        seed=seed,
    )
    train = dataclasses.replace(
        preset.train,
        optimizer=values[keys.OPTIMIZER],
        lr=float(values[keys.LR]),
        momentum=float(values[keys.MOMENTUM]),
        schedule=values[keys.SCHEDULE],
        batch_size=int(values[keys.BATCH]),
        epochs=int(values[keys.EPOCHS]),
        weight_decay=float(values[keys.L2]),
        shift=int(values[keys.SHIFT]),
        time_budget=float(values[keys.TIME_BUDGET]) or None,
        subset=int(values[keys.SUBSET]) or None,
        seed=seed,
        max_seconds=limits.max_train_seconds,
        target_accuracy=float(values[keys.TARGET]) if values[keys.UNTIL] == "accuracy" else None,
    )
    if values[keys.UNTIL] == "accuracy":
        train = dataclasses.replace(train, epochs=limits.max_epochs)  # the target ends it
    model, train, notes = clamp_settings(model, train, limits, n_train)
    standardize = bool(values[keys.STANDARDIZE])
    speed = limits.slow_motion if values[keys.SPEED] == "slow" else None
    return Settings(preset.name, model, train, standardize, tuple(notes), speed)


def widget_keys(limits: ServerLimits) -> list[str]:
    """Every settings widget's key (all hidden-layer sliders included)."""
    return list(preset_values(DEFAULT_PRESET, limits))
