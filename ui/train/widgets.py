"""The Train page's settings widgets: presets, network, optimiser, data, pace.

Choosing a preset fills every control with that recipe; the visitor may then change
any of them. The values live only under the widgets' keys; ``keep_alive`` carries them
over a visit to another page (Streamlit forgets the state of widgets it did not draw),
so there is one copy of the settings, not two. ``ui.train.settings`` turns the values
into configs.

Every control is a row of the table of Train settings (``nn_core.knobs``) drawn by its
kind: its label, help, choices and whether a lesson may lock it come from there, so a
control cannot offer what a lesson link or the command line would not accept. What is
the page's own is here: which tab a control sits in, and how its values are printed.
"""

from __future__ import annotations

import streamlit as st

from nn_core.knobs import BY_NAME, SEED_END, Knob
from nn_core.presets import PRESETS
from server.limits import LIMITS, ServerLimits
from ui.state import workspace
from ui.train import keys
from ui.train.settings import (
    DEFAULT_PRESET,
    TARGETS,
    Choices,
    Settings,
    preset_description,
    preset_values,
    settings_from_values,
    units_key,
    widget_keys,
)

# Which settings each tab holds, in the order they are drawn (every row of the table,
# but the preset, is in exactly one tab: tests/ui/train/test_settings_table.py).
TABS = {
    "Network": ("hidden", "activation", "init", "dropout", "standardize"),
    "Optimiser": ("optimizer", "lr", "momentum", "schedule", "batch_size", "weight_decay"),
    "Data": ("epochs", "subset", "shift", "time_budget", "seed"),
}
INIT_NAMES = {"he": "He (for ReLU)", "xavier": "Xavier (for tanh)", "naive": "N(0, 1) (notebook)"}
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
    preset = BY_NAME["preset"]
    st.selectbox(
        preset.label,
        preset.choices,
        index=_index(preset.choices, keys.PRESET),
        format_func=lambda n: PRESETS[n].title,
        key=keys.PRESET,
        on_change=apply_preset,
        args=(limits,),
        disabled=bool(locked),  # a recipe would overwrite what the lesson fixed
        help=preset.help,
    )
    st.caption(preset_description(st.session_state[keys.PRESET], limits))
    for tab, names in zip(st.tabs(list(TABS)), TABS.values(), strict=True):
        with tab:
            for name in names:
                _control(BY_NAME[name], c, n_train, locked)
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
        default=st.session_state[keys.SPEED],  # the fallback is the value (see _control)
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
        index=_index(UNTIL, keys.UNTIL),
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
            value=st.session_state[keys.TARGET],
            format_func=lambda v: f"{v:.0%}",
            key=keys.TARGET,
            disabled=keys.TARGET in locked,
            help="The run ends at the first held-out check at or above this accuracy.",
        )


def _format(knob: Knob, n_train: int):
    """How a control prints its values ("all (60,000)" for the whole training set)."""
    formats = {
        "lr": lambda v: f"{v:g}",
        "weight_decay": lambda v: f"{v:g}",
        "init": INIT_NAMES.get,
        "subset": lambda v: f"all ({n_train:,})" if v == 0 else f"{v:,}",
        "time_budget": lambda v: "none" if v == 0 else f"{v} s",
    }
    return formats.get(knob.name, str)


def _index(options, key: str) -> int:
    """The position of the control's current value among its options (see ``_control``)."""
    return list(options).index(st.session_state[key])


def _control(knob: Knob, c: Choices, n_train: int, locked) -> None:
    """One row of the table as its control, greyed out when a lesson locked it.

    Each control's default is its current value. Streamlit sends a value written by the
    server (a lesson link's, a preset's) once, with the run that first draws it; when a
    click interrupts that run before its messages leave, the next run draws the control
    without it and the browser falls back to the default, then reports it as a choice.
    With the widget's first option as default, that turned a lesson link's `fast` into
    the "Original notebook" preset (a 160-second run) in a CI run through the replicas
    (``tests/ui/train/test_interrupted_run.py``). A default equal to the value makes the
    fallback harmless."""
    key = keys.setting(knob.name)
    common = {"key": key, "disabled": key in locked, "help": knob.help}
    if knob.kind == "choice":
        common["index"] = _index(knob.choices, key)
    else:
        common["value"] = st.session_state[key]
    if knob.kind == "sizes":
        layers = st.slider(knob.label, 0, c.max_layers, **common)
        for i in range(layers):
            st.select_slider(
                f"Units in hidden layer {i + 1}",
                c.units,
                value=st.session_state[units_key(i)],
                key=units_key(i),
                disabled=keys.UNITS in locked,
                help=knob.help,
            )
    elif knob.kind == "choice":
        st.selectbox(knob.label, knob.choices, format_func=_format(knob, n_train), **common)
    elif knob.kind == "flag":
        st.toggle(knob.label, **common)
    elif knob.kind == "seed":
        st.number_input(knob.label, min_value=0, max_value=SEED_END - 1, step=1, **common)
    elif not knob.choices and c.max_epochs <= 1:  # a slider cannot run from 1 to 1
        st.caption(f"{knob.label}: 1 (all this server allows)")  # the settings clamp it
    elif not knob.choices:  # a whole number up to the server's limit: epochs
        st.slider(knob.label, 1, c.max_epochs, **common)
    else:
        st.select_slider(knob.label, c.offered(knob), format_func=_format(knob, n_train), **common)


def limits_caption(limits: ServerLimits) -> str:
    """One line telling the class what this server allows per run."""
    return (
        f"Server limits per run: up to {limits.max_hidden_layers} hidden layers of "
        f"{limits.max_hidden_units} units, {limits.max_epochs} epochs and "
        f"{limits.max_train_seconds:g} s of training."
    )
