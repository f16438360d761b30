"""The Train page's settings as plain values: presets, the offered choices, the limits.

Every control offers a short list of sensible values rather than a free number, which
keeps a room of students inside what the server can afford (``server.limits``) and makes
"lr 0.01 against lr 1.0" a matter of two clicks. Which settings there are, and the values
each offers, is declared once in ``nn_core.knobs``; here a server's limits cut those
choices, and the controls' values (under the widgets' own keys, ``ui.train.keys``) become
``ModelConfig`` / ``TrainConfig`` and back, without Streamlit, so the tests and the
lesson links (``ui.train.lesson``) use the very same rules as the page.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass

from nn_core.knobs import (
    BATCHES,
    BUDGETS,
    KNOBS,
    SUBSETS,
    UNITS,
    Knob,
    to_config,
)
from nn_core.model import ModelConfig
from nn_core.presets import PRESETS
from nn_core.train import TrainConfig
from server.limits import ServerLimits, clamp_settings
from ui.train import keys

DEFAULT_PRESET = "fast"
TARGETS = (0.8, 0.9, 0.95, 0.97, 0.98, 0.99)  # "train until" held-out accuracies
SETTINGS = tuple(k for k in KNOBS if k.kind not in ("preset", "sizes"))
"""The rows that are one control each (the preset fills them; the hidden layers take a
count and one size per layer)."""


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

    def offered(self, knob: Knob) -> tuple:
        """The values ``knob``'s control offers on this server: the table's choices, less
        what the limits take away (epochs: every whole number up to the limit)."""
        cut = {
            "hidden": self.units,
            "batch_size": self.batches,
            "time_budget": self.budgets,
            "subset": self.subsets,
            "epochs": tuple(range(1, self.max_epochs + 1)),
        }
        return cut.get(knob.name, knob.choices)

    def snap(self, knob: Knob, value):
        """A config's value as ``knob``'s control can hold it: the nearest offered one."""
        if knob.kind in ("number", "count"):
            return nearest(value or 0, self.offered(knob))  # None: "all", "no budget"
        return int(value) if knob.kind == "seed" else value


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
    them for the recipe; ``preset_description`` says it once instead. Every page run of
    every page asks (the controls are kept across pages), so the answer is worked out
    once per preset and server; each caller gets a copy of its own to change.
    """
    return dict(_preset_values(name, limits))


@functools.cache
def _preset_values(name: str, limits: ServerLimits) -> dict:
    p, c = PRESETS[name], Choices.for_limits(limits)
    model, train, _ = clamp_settings(p.model, p.train, limits, n_train=limits.max_train_subset)
    hidden = list(model.hidden)
    source = {"model": model, "train": train, "recipe": p}
    values = {keys.PRESET: name, keys.LAYERS: len(hidden)}
    for knob in SETTINGS:
        values[keys.setting(knob.name)] = c.snap(knob, getattr(source[knob.parts[0]], knob.field))
    values.update({keys.UNTIL: "epochs", keys.TARGET: TARGETS[2], keys.SPEED: "full"})
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
    changes: dict[str, dict] = {"model": {}, "train": {}, "recipe": {}}
    for knob in SETTINGS:
        for part in knob.parts:
            changes[part][knob.field] = to_config(knob, values[keys.setting(knob.name)])
    sizes = (preset.model.sizes[0], *hidden, preset.model.sizes[-1])
    model = dataclasses.replace(preset.model, sizes=sizes, **changes["model"])
    until_accuracy = values[keys.UNTIL] == "accuracy"
    train = dataclasses.replace(
        preset.train,
        **changes["train"],
        max_seconds=limits.max_train_seconds,
        target_accuracy=float(values[keys.TARGET]) if until_accuracy else None,
    )
    if until_accuracy:
        train = dataclasses.replace(train, epochs=limits.max_epochs)  # the target ends it
    model, train, notes = clamp_settings(model, train, limits, n_train)
    standardize = bool(changes["recipe"]["standardize"])
    speed = limits.slow_motion if values[keys.SPEED] == "slow" else None
    return Settings(preset.name, model, train, standardize, tuple(notes), speed)


def widget_keys(limits: ServerLimits) -> list[str]:
    """Every settings widget's key (all hidden-layer sliders included)."""
    return list(preset_values(DEFAULT_PRESET, limits))
