"""The Train page's settings widgets: presets, network, optimiser, data, pace.

Choosing a preset fills every control with that recipe; the visitor may then change
any of them. The values live only under the widgets' keys; ``keep_alive`` carries them
over a visit to another page (Streamlit forgets the state of widgets it did not draw),
so there is one copy of the settings, not two. ``ui.train.settings`` turns the values
into configs.
"""

from __future__ import annotations

import streamlit as st

from nn_core.activations import ACTIVATIONS
from nn_core.layers import INITS
from nn_core.optimizers import OPTIMIZERS, SCHEDULES
from nn_core.presets import PRESETS
from server.limits import LIMITS, ServerLimits
from ui.state import workspace
from ui.train import keys
from ui.train.settings import (
    DEFAULT_PRESET,
    DROPOUTS,
    INIT_NAMES,
    L2S,
    LRS,
    MOMENTA,
    PRESET_CHOICES,
    SHIFTS,
    TARGETS,
    Choices,
    Settings,
    preset_description,
    preset_values,
    settings_from_values,
    units_key,
    widget_keys,
)

SPEEDS = {"full": "Full speed", "slow": "Slow motion"}
UNTIL = {"epochs": "a number of epochs", "accuracy": "a target accuracy"}


def apply_preset(limits: ServerLimits) -> None:
    """Callback of the preset box: fill every control with the chosen recipe."""
    values = preset_values(st.session_state[keys.PRESET], limits)
    for key, value in values.items():
        if key not in (keys.UNTIL, keys.TARGET, keys.SPEED):  # how, not what
            st.session_state[key] = value


def keep_alive(limits: ServerLimits, on_train_page: bool = False) -> None:
    """Give every control a value: its own, kept across pages, or the default preset's.

    Streamlit forgets a widget's value on a page that does not draw it, but keeps a value
    assigned under the widget's key: on every other page the values are assigned again,
    which is Streamlit's way to keep them. On the Train page itself a control that has a
    value is never written: it is on screen, and its value belongs to the person using it
    (written at every run, a click that crossed a redraw could be undone in the browser,
    and a timer's rerun then carried the undone value back as a change).
    """
    defaults = preset_values(DEFAULT_PRESET, limits)
    for key in widget_keys(limits):
        if key not in st.session_state:
            st.session_state[key] = defaults[key]  # before it is first drawn
    drawn = _drawn_keys(limits) if on_train_page else set()
    for key in widget_keys(limits):
        if key not in drawn:
            st.session_state[key] = st.session_state[key]  # not drawn in this run: kept


def _drawn_keys(limits: ServerLimits) -> set[str]:
    """The controls the Train page draws in this run: all but the sizes of layers the
    network does not have and the target of a run that ends after its epochs."""
    layers = int(st.session_state[keys.LAYERS])
    hidden = {units_key(i) for i in range(layers, limits.max_hidden_layers)}
    if st.session_state[keys.UNTIL] != "accuracy":
        hidden.add(keys.TARGET)
    return set(widget_keys(limits)) - hidden


def current_values(limits: ServerLimits) -> dict:
    """The controls' values by key, right now (also inside a button's callback)."""
    defaults = preset_values(DEFAULT_PRESET, limits)
    return {k: st.session_state.get(k, defaults[k]) for k in widget_keys(limits)}


def current_settings(limits: ServerLimits, n_train: int) -> Settings:
    """The settings the controls hold right now, as configs."""
    return settings_from_values(current_values(limits), limits, n_train)


def render_settings(limits: ServerLimits, n_train: int, locked=frozenset()) -> Settings:
    """Draw the preset box and the settings tabs; return the settings they describe.

    ``locked`` holds the keys a lesson link fixed: those controls are shown disabled.
    """
    keep_alive(limits, on_train_page=True)
    c = Choices.for_limits(limits)
    st.selectbox(
        "Preset",
        PRESET_CHOICES,
        format_func=lambda n: PRESETS[n].title,
        key=keys.PRESET,
        on_change=apply_preset,
        args=(limits,),
        disabled=bool(locked),
        help="A ready-made recipe. Choosing one fills in every setting below; then change any.",
    )
    st.caption(preset_description(st.session_state[keys.PRESET], limits))
    network, optimiser, data = st.tabs(["Network", "Optimiser", "Data"])
    with network:
        _network_widgets(c, locked)
    with optimiser:
        _optimiser_widgets(c, locked)
    with data:
        _data_widgets(c, n_train, locked)
    return current_settings(limits, n_train)


def change_speed(limits: ServerLimits) -> None:
    """Callback of the Speed control: the run under way takes the new pace at once.

    Only the person's own click calls it (the server never writes this control on a
    redraw), so slow motion can be left mid-run: the story of the first steps told slowly,
    the rest at full speed."""
    slow = st.session_state.get(keys.SPEED) == "slow"
    workspace().set_speed(limits.slow_motion if slow else None)


def pace_widgets(locked=frozenset(), limits: ServerLimits = LIMITS) -> None:
    """How a run goes: its speed (the running one's too), and what ends the next one."""
    row = st.container(horizontal=True, gap="medium", vertical_alignment="bottom")
    row.segmented_control(
        "Speed",
        list(SPEEDS),
        format_func=SPEEDS.get,
        key=keys.SPEED,
        on_change=change_speed,
        args=(limits,),
        disabled=keys.SPEED in locked,
        help="Slow motion takes a fixed, small number of steps per second, so you can "
        "narrate a run while it happens. Changing it during a run applies at once.",
    )
    until = row.radio(
        "Train until",
        list(UNTIL),
        format_func=UNTIL.get,
        key=keys.UNTIL,
        horizontal=True,
        disabled=keys.UNTIL in locked,
        help="Stop after the epochs set on the Data tab, or as soon as the held-out "
        "accuracy reaches a target.",
    )
    if until == "accuracy":
        row.select_slider(
            "Target held-out accuracy",
            TARGETS,
            format_func=lambda v: f"{v:.0%}",
            key=keys.TARGET,
            disabled=keys.TARGET in locked,
            help="The run ends at the first held-out check at or above this accuracy.",
        )


def _count_slider(label: str, low: int, high: int, key: str, locked, help: str) -> int:
    """A slider from ``low`` to ``high``; a line instead when the server allows one value
    only (``NN_MAX_EPOCHS=1``: a slider cannot run from 1 to 1). The settings clamp the
    value to the limit and say so, so nothing is written here."""
    if high <= low:
        st.caption(f"{label}: {low} (all this server allows)")
        return low
    return st.slider(label, low, high, key=key, disabled=key in locked, help=help)


def _network_widgets(c: Choices, locked) -> None:
    layers = st.slider(
        "Hidden layers",
        0,
        c.max_layers,
        key=keys.LAYERS,
        disabled=keys.LAYERS in locked,
        help="Layers between the pixels and the answer. 0 = a linear classifier.",
    )
    for i in range(layers):
        st.select_slider(
            f"Units in hidden layer {i + 1}",
            c.units,
            key=units_key(i),
            disabled=keys.UNITS in locked,
            help="More units can learn more patterns, but train more slowly.",
        )
    st.selectbox(
        "Activation",
        list(ACTIVATIONS),
        key=keys.ACTIVATION,
        disabled=keys.ACTIVATION in locked,
        help="The bend applied after each hidden layer; without it, layers collapse into one.",
    )
    st.selectbox(
        "Initialisation",
        INITS,
        format_func=INIT_NAMES.get,
        key=keys.INIT,
        disabled=keys.INIT in locked,
        help="How the starting weights are drawn. Scaled (He/Xavier) keeps signals a sane size.",
    )
    st.select_slider(
        "Dropout",
        DROPOUTS,
        key=keys.DROPOUT,
        disabled=keys.DROPOUT in locked,
        help="Fraction of hidden units switched off at random in each step: fights overfitting.",
    )
    st.toggle(
        "Standardise inputs",
        key=keys.STANDARDIZE,
        disabled=keys.STANDARDIZE in locked,
        help="Shift and scale the pixels to mean 0, spread 1 first: the optimiser has it easier.",
    )


def _optimiser_widgets(c: Choices, locked) -> None:
    st.selectbox(
        "Optimiser",
        OPTIMIZERS,
        key=keys.OPTIMIZER,
        disabled=keys.OPTIMIZER in locked,
        help="sgd: plain steps downhill; momentum: keeps rolling; adam: adapts each weight's step.",
    )
    st.select_slider(
        "Learning rate",
        LRS,
        format_func=lambda v: f"{v:g}",
        key=keys.LR,
        disabled=keys.LR in locked,
        help="How big each step is. Too small: slow. Too big: the loss jumps around or explodes.",
    )
    st.select_slider(
        "Momentum",
        MOMENTA,
        key=keys.MOMENTUM,
        disabled=keys.MOMENTUM in locked,
        help="With the momentum optimiser: how much of the last step carries into the next.",
    )
    st.selectbox(
        "Learning-rate schedule",
        SCHEDULES,
        key=keys.SCHEDULE,
        disabled=keys.SCHEDULE in locked,
        help="How the learning rate shrinks during the run: big steps first, fine ones at the end.",
    )
    st.select_slider(
        "Batch size",
        c.batches,
        key=keys.BATCH,
        disabled=keys.BATCH in locked,
        help="Images averaged per step. Bigger: smoother and faster per image; 1: the notebook.",
    )
    st.select_slider(
        "L2 weight decay",
        L2S,
        format_func=lambda v: f"{v:g}",
        key=keys.L2,
        disabled=keys.L2 in locked,
        help="Pulls every weight a little towards 0 at each step: a guard against overfitting.",
    )


def _data_widgets(c: Choices, n_train: int, locked) -> None:
    _count_slider(
        "Epochs", 1, c.max_epochs, keys.EPOCHS, locked,
        "How many times the network sees every training image.",
    )  # fmt: skip
    st.select_slider(
        "Training subset",
        c.subsets,
        format_func=lambda v: f"all ({n_train:,})" if v == 0 else f"{v:,}",
        key=keys.SUBSET,
        disabled=keys.SUBSET in locked,
        help="Train on fewer images for a quick run in class: faster, a little less accurate.",
    )
    st.select_slider(
        "Random shifts (pixels)",
        SHIFTS,
        key=keys.SHIFT,
        disabled=keys.SHIFT in locked,
        help="Move each training image by up to this many pixels: more varied data for free.",
    )
    st.select_slider(
        "Time budget (seconds)",
        c.budgets,
        format_func=lambda v: "none" if v == 0 else f"{v} s",
        key=keys.TIME_BUDGET,
        disabled=keys.TIME_BUDGET in locked,
        help="Stop after this long, with the learning-rate schedule following the clock.",
    )
    st.number_input(
        "Seed",
        min_value=0,
        max_value=2**31 - 1,
        step=1,
        key=keys.SEED,
        disabled=keys.SEED in locked,
        help="Fixes the random starting weights and the order of the images: same seed, same run.",
    )


def limits_caption(limits: ServerLimits) -> str:
    """One line telling the class what this server allows per run."""
    return (
        f"Server limits per run: up to {limits.max_hidden_layers} hidden layers of "
        f"{limits.max_hidden_units} units, {limits.max_epochs} epochs and "
        f"{limits.max_train_seconds:g} s of training."
    )
