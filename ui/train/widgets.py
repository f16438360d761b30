"""The Train page's settings: widgets in, ``(ModelConfig, TrainConfig, standardize)`` out.

Choosing a preset fills every control with that recipe; the user may then change any
of them. Each control offers a short list of sensible values rather than a free number,
which keeps a room of students inside what the server can afford (``ui.limits``) and
makes "lr 0.01 against lr 1.0" a matter of two clicks.

The widget values are also copied into ``K.TRAIN_SETTINGS``: Streamlit forgets the value
of a widget that is not on screen, and the settings must survive a visit to another page.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import streamlit as st

from nn_core.activations import ACTIVATIONS
from nn_core.layers import INITS
from nn_core.model import ModelConfig
from nn_core.optimizers import OPTIMIZERS, SCHEDULES
from nn_core.presets import PRESETS
from nn_core.train import TrainConfig
from ui.limits import ServerLimits, clamp_settings
from ui.state import K

PRESET_CHOICES = ("original", "fast", "best")
DEFAULT_PRESET = "fast"
UNITS = (8, 16, 32, 64, 128, 256, 512, 1024, 2048)
DROPOUTS = (0.0, 0.1, 0.2, 0.3, 0.5)
LRS = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.05, 0.1, 0.3, 1.0, 3.0, 10.0)
BATCHES = (1, 8, 16, 32, 64, 128, 256, 512, 1024)
L2S = (0.0, 1e-5, 1e-4, 1e-3, 1e-2)
SHIFTS = (0, 1, 2, 3)
BUDGETS = (0, 10, 20, 30, 60, 90, 110, 120, 180, 300)  # 0: no time budget
SUBSETS = (500, 1000, 2000, 5000, 10_000, 20_000, 30_000, 0)  # 0: all
INIT_NAMES = {"he": "He (for ReLU)", "xavier": "Xavier (for tanh)", "naive": "N(0, 1) (notebook)"}


def units_key(i: int) -> str:
    """The widget key of hidden layer ``i``'s size."""
    return f"{K.TRAIN_UNITS}.{i}"


@dataclass(frozen=True)
class Settings:
    """What the controls say: the recipe for the next run."""

    preset: str
    model: ModelConfig
    train: TrainConfig
    standardize: bool
    notes: tuple[str, ...] = ()  # server limits that cut a setting, in plain words


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


def preset_values(name: str, limits: ServerLimits) -> tuple[dict, list[str]]:
    """The widget values that spell out preset ``name``, and notes on any limit applied."""
    p, c = PRESETS[name], Choices.for_limits(limits)
    model, train, notes = clamp_settings(p.model, p.train, limits, n_train=limits.max_train_subset)
    hidden = list(model.hidden)
    values = {
        K.TRAIN_PRESET: name,
        K.TRAIN_LAYERS: len(hidden),
        K.TRAIN_ACTIVATION: model.activation,
        K.TRAIN_INIT: model.init,
        K.TRAIN_DROPOUT: nearest(model.dropout, DROPOUTS),
        K.TRAIN_STANDARDIZE: p.standardize,
        K.TRAIN_OPTIMIZER: train.optimizer,
        K.TRAIN_LR: nearest(train.lr, LRS),
        K.TRAIN_SCHEDULE: train.schedule,
        K.TRAIN_BATCH: nearest(train.batch_size, c.batches),
        K.TRAIN_EPOCHS: min(train.epochs, c.max_epochs),
        K.TRAIN_L2: nearest(train.weight_decay, L2S),
        K.TRAIN_SHIFT: min(train.shift, SHIFTS[-1]),
        K.TRAIN_TIME_BUDGET: nearest(train.time_budget or 0, c.budgets),
        K.TRAIN_SUBSET: 0 if train.subset is None else nearest(train.subset, c.subsets),
        K.TRAIN_SEED: train.seed,
    }
    for i in range(c.max_layers):
        values[units_key(i)] = nearest(hidden[i] if i < len(hidden) else 128, c.units)
    return values, notes


def settings_from_values(values: dict, limits: ServerLimits, n_train: int) -> Settings:
    """Turn the controls' values into configs, cut to the server's limits."""
    preset = PRESETS[values[K.TRAIN_PRESET]]
    layers = int(values[K.TRAIN_LAYERS])
    hidden = tuple(int(values[units_key(i)]) for i in range(layers))
    seed = int(values[K.TRAIN_SEED])
    model = dataclasses.replace(
        preset.model,
        sizes=(preset.model.sizes[0], *hidden, preset.model.sizes[-1]),
        activation=values[K.TRAIN_ACTIVATION],
        init=values[K.TRAIN_INIT],
        dropout=float(values[K.TRAIN_DROPOUT]),
        seed=seed,
    )
    train = dataclasses.replace(
        preset.train,
        optimizer=values[K.TRAIN_OPTIMIZER],
        lr=float(values[K.TRAIN_LR]),
        schedule=values[K.TRAIN_SCHEDULE],
        batch_size=int(values[K.TRAIN_BATCH]),
        epochs=int(values[K.TRAIN_EPOCHS]),
        weight_decay=float(values[K.TRAIN_L2]),
        shift=int(values[K.TRAIN_SHIFT]),
        time_budget=float(values[K.TRAIN_TIME_BUDGET]) or None,
        subset=int(values[K.TRAIN_SUBSET]) or None,
        seed=seed,
    )
    model, train, notes = clamp_settings(model, train, limits, n_train)
    standardize = bool(values[K.TRAIN_STANDARDIZE])
    return Settings(preset.name, model, train, standardize, tuple(notes))


def widget_keys(limits: ServerLimits) -> list[str]:
    return list(preset_values(DEFAULT_PRESET, limits)[0])


def apply_preset(limits: ServerLimits) -> None:
    """Callback of the preset box: fill every control with the chosen recipe."""
    values, notes = preset_values(st.session_state[K.TRAIN_PRESET], limits)
    for key, value in values.items():
        st.session_state[key] = value
    st.session_state[K.TRAIN_NOTES] = notes


def _restore(limits: ServerLimits) -> None:
    """Give every control its remembered value (or the default preset's) before drawing."""
    saved = st.session_state.get(K.TRAIN_SETTINGS) or {}
    defaults, _ = preset_values(saved.get(K.TRAIN_PRESET, DEFAULT_PRESET), limits)
    for key, value in defaults.items():
        if key not in st.session_state:
            st.session_state[key] = saved.get(key, value)


def _remember(limits: ServerLimits) -> dict:
    values = {k: st.session_state[k] for k in widget_keys(limits) if k in st.session_state}
    st.session_state[K.TRAIN_SETTINGS] = values
    return values


def current_settings(limits: ServerLimits, n_train: int) -> Settings:
    """The settings the controls hold right now; also right inside a button's callback,
    where the values drawn in the previous run may already be out of date."""
    _restore(limits)
    return settings_from_values(_remember(limits), limits, n_train)


def render_settings(limits: ServerLimits, n_train: int) -> Settings:
    """Draw the preset box and the settings tabs; return the settings they describe."""
    _restore(limits)
    c = Choices.for_limits(limits)
    st.selectbox(
        "Preset",
        PRESET_CHOICES,
        format_func=lambda n: PRESETS[n].title,
        key=K.TRAIN_PRESET,
        on_change=apply_preset,
        args=(limits,),
        help="A ready-made recipe. Choosing one fills in every setting below; then change any.",
    )
    st.caption(PRESETS[st.session_state[K.TRAIN_PRESET]].description)
    network, optimiser, data = st.tabs(["Network", "Optimiser", "Data"])
    with network:
        _network_widgets(c)
    with optimiser:
        _optimiser_widgets(c)
    with data:
        _data_widgets(c, n_train)
    return settings_from_values(_remember(limits), limits, n_train)


def _network_widgets(c: Choices) -> None:
    layers = st.slider(
        "Hidden layers",
        0,
        c.max_layers,
        key=K.TRAIN_LAYERS,
        help="Layers between the pixels and the answer. 0 = a linear classifier.",
    )
    for i in range(layers):
        st.select_slider(
            f"Units in hidden layer {i + 1}",
            c.units,
            key=units_key(i),
            help="More units can learn more patterns, but train more slowly.",
        )
    st.selectbox(
        "Activation",
        list(ACTIVATIONS),
        key=K.TRAIN_ACTIVATION,
        help="The bend applied after each hidden layer; without it, layers collapse into one.",
    )
    st.selectbox(
        "Initialisation",
        INITS,
        format_func=INIT_NAMES.get,
        key=K.TRAIN_INIT,
        help="How the starting weights are drawn. Scaled (He/Xavier) keeps signals a sane size.",
    )
    st.select_slider(
        "Dropout",
        DROPOUTS,
        key=K.TRAIN_DROPOUT,
        help="Fraction of hidden units switched off at random in each step: fights overfitting.",
    )
    st.toggle(
        "Standardise inputs",
        key=K.TRAIN_STANDARDIZE,
        help="Shift and scale the pixels to mean 0, spread 1 first: the optimiser has it easier.",
    )


def _optimiser_widgets(c: Choices) -> None:
    st.selectbox(
        "Optimiser",
        OPTIMIZERS,
        key=K.TRAIN_OPTIMIZER,
        help="sgd: plain steps downhill; momentum: keeps rolling; adam: adapts each weight's step.",
    )
    st.select_slider(
        "Learning rate",
        LRS,
        format_func=lambda v: f"{v:g}",
        key=K.TRAIN_LR,
        help="How big each step is. Too small: slow. Too big: the loss jumps around or explodes.",
    )
    st.selectbox(
        "Learning-rate schedule",
        SCHEDULES,
        key=K.TRAIN_SCHEDULE,
        help="How the learning rate shrinks during the run: big steps first, fine ones at the end.",
    )
    st.select_slider(
        "Batch size",
        c.batches,
        key=K.TRAIN_BATCH,
        help="Images averaged per step. Bigger: smoother and faster per image; 1: the notebook.",
    )
    st.select_slider(
        "L2 weight decay",
        L2S,
        format_func=lambda v: f"{v:g}",
        key=K.TRAIN_L2,
        help="Pulls every weight a little towards 0 at each step: a guard against overfitting.",
    )


def _data_widgets(c: Choices, n_train: int) -> None:
    st.slider(
        "Epochs",
        1,
        c.max_epochs,
        key=K.TRAIN_EPOCHS,
        help="How many times the network sees every training image.",
    )
    st.select_slider(
        "Training subset",
        c.subsets,
        format_func=lambda v: f"all ({n_train:,})" if v == 0 else f"{v:,}",
        key=K.TRAIN_SUBSET,
        help="Train on fewer images for a quick run in class: faster, a little less accurate.",
    )
    st.select_slider(
        "Random shifts (pixels)",
        SHIFTS,
        key=K.TRAIN_SHIFT,
        help="Move each training image by up to this many pixels: more varied data for free.",
    )
    st.select_slider(
        "Time budget (seconds)",
        c.budgets,
        format_func=lambda v: "none" if v == 0 else f"{v} s",
        key=K.TRAIN_TIME_BUDGET,
        help="Stop after this long, with the learning-rate schedule following the clock.",
    )
    st.number_input(
        "Seed",
        min_value=0,
        max_value=2**31 - 1,
        step=1,
        key=K.TRAIN_SEED,
        help="Fixes the random starting weights and the order of the images: same seed, same run.",
    )


def limits_caption(limits: ServerLimits) -> str:
    """One line telling the class what this server allows per run."""
    return (
        f"Server limits per run: up to {limits.max_hidden_layers} hidden layers of "
        f"{limits.max_hidden_units} units, {limits.max_epochs} epochs and "
        f"{limits.max_train_seconds:g} s of training."
    )
