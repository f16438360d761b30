"""The Experiments view: poke the trained network and watch the test accuracy answer.

How much does one unit matter? Switch it off. Could the network lose half its weights?
Prune them. Would it learn my handwriting from one example? Teach it one step. Every
edit is applied to a copy; the experiment (the list of edits and the edited copy) lives
in one session key, so undoing is forgetting an edit and the original is never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import streamlit as st

from nn_core import evaluate, probe
from nn_core.metrics import EvalResult
from nn_core.surgery import Edit, apply_edits, ranked_units
from ui.active import dataset_info
from ui.inside import charts_experiments as charts
from ui.inside import keys
from ui.inside.context import Inside, memo

PLOT_CONFIG = {"displayModeBar": False}


@dataclass(frozen=True)
class Experiment:
    """The edits made so far to the model ``base_key`` names, and what they gave."""

    base_key: object
    edits: tuple[Edit, ...]
    model: object  # the edited copy (nn_core.MLP)
    result: EvalResult  # its test scores
    taught: tuple | None = None  # (probabilities before, after, label) of the last teach step


def baseline(ins: Inside) -> EvalResult:
    """The untouched network's test scores (computed once per model version)."""
    return memo(
        "evaluate", ins.key, lambda: evaluate(ins.in_use.model, ins.data.X_test, ins.data.y_test)
    )


def importance(ins: Inside, layer: int) -> np.ndarray:
    return memo(
        ("importance", layer),
        ins.key,
        lambda: probe.unit_importance(ins.in_use.model, ins.sample()[1][:1000], layer),
    )


def experiment(ins: Inside) -> Experiment | None:
    """The experiment on this very model, if any (one on an older model is dropped)."""
    current = st.session_state.get(keys.EXPERIMENT)
    if current is not None and current.base_key != ins.key:
        st.session_state[keys.EXPERIMENT] = current = None
    return current


def replay(ins: Inside, edits: tuple[Edit, ...], taught=None) -> None:
    """Rebuild the edited copy from the untouched model and store it (or nothing)."""
    if not edits:
        st.session_state[keys.EXPERIMENT] = None
        return
    model = apply_edits(ins.in_use.model, edits)
    result = evaluate(model, ins.data.X_test, ins.data.y_test)
    st.session_state[keys.EXPERIMENT] = Experiment(ins.key, edits, model, result, taught)


def add_edit(ins: Inside, edit: Edit) -> None:
    now = experiment(ins)
    replay(ins, (now.edits if now else ()) + (edit,))


def teach(ins: Inside, edit: Edit) -> None:
    """One step on the drawing; remember its probabilities before and after."""
    now = experiment(ins)
    before_model = now.model if now else ins.in_use.model
    before = before_model.predict_proba(edit.image)[0]
    replay(ins, (now.edits if now else ()) + (edit,))
    after = st.session_state[keys.EXPERIMENT].model.predict_proba(edit.image)[0]
    latest = st.session_state[keys.EXPERIMENT]
    st.session_state[keys.EXPERIMENT] = replace(latest, taught=(before, after, edit.label))


def undo(ins: Inside) -> None:
    now = experiment(ins)
    if now is not None:
        replay(ins, now.edits[:-1])


def undo_all() -> None:
    st.session_state[keys.EXPERIMENT] = None


def save(ins: Inside, ws) -> None:
    """Keep the edited copy as a new model in the run history: it becomes "your model"."""
    now = experiment(ins)
    if now is None or ws is None:
        return
    note = "; ".join(e.describe() for e in now.edits)
    in_use = ins.in_use
    name = f"edited {'bundled model' if in_use.is_bundled else in_use.sentence.split(' (')[0]}"
    ws.add_model(now.model.astype(now.model.dtype), name, ins.data.name, now.result.accuracy, note)
    st.session_state[keys.EXPERIMENT] = None
    st.toast(f"Saved as a new model: {name}. Draw, Evaluate and Export now use it.")


def render(ins: Inside, ws) -> None:
    if not ins.in_use.model.config.hidden:
        st.info("This network has no hidden layer: there are no hidden units to experiment on.")
        return
    base = baseline(ins)
    now = experiment(ins)
    shown = now.result if now else base
    scores, actions = st.columns([3, 2], gap="large")
    with scores:
        delta = f"{shown.accuracy - base.accuracy:+.2%} against untouched" if now else None
        st.metric("Test accuracy", f"{shown.accuracy:.2%}", delta)
        st.plotly_chart(
            charts.per_class_figure(ins.in_use.class_names, base.per_class, shown.per_class),
            config=PLOT_CONFIG,
        )
        st.caption(
            f"On all {base.n:,} test images. Grey: the network as trained; red: after the "
            "edits. A class that drops much more than the others relied on what you removed."
        )
    with actions:
        st.markdown("**Edits so far**")
        if now is None:
            st.caption("None: this is the network as trained.")
        else:
            st.markdown("\n".join(f"{i + 1}. {e.describe()}" for i, e in enumerate(now.edits)))
        undo_col, all_col = st.columns(2)
        undo_col.button("Undo last", key=keys.UNDO, icon=":material/undo:", on_click=undo,
                        args=(ins,), disabled=now is None, width="stretch")  # fmt: skip
        all_col.button("Undo all", key=keys.UNDO_ALL, icon=":material/restart_alt:",
                       on_click=undo_all, disabled=now is None, width="stretch")  # fmt: skip
        st.button("Save as a new model", key=keys.SAVE,
                  icon=":material/save:", on_click=save, args=(ins, ws),
                  disabled=now is None or ws is None, width="stretch")  # fmt: skip
    st.divider()
    edit_controls(ins)
    st.divider()
    teach_controls(ins, now)


def edit_controls(ins: Inside) -> None:
    hidden = ins.in_use.model.config.hidden
    layer = 0
    if len(hidden) > 1:
        layer = st.selectbox("Hidden layer", range(len(hidden)), key=keys.EXP_LAYER,
                             format_func=lambda i: f"hidden layer {i + 1} ({hidden[i]} units)")  # fmt: skip
    n = hidden[layer]
    seed = len(experiment(ins).edits) if experiment(ins) else 0
    off, scale, noise, prune = st.columns(4, gap="medium")
    with off:
        st.markdown("**Switch units off**")
        units = st.multiselect("Units", range(n), key=keys.OFF_UNITS)
        st.button("Switch off", key=keys.OFF_APPLY, on_click=add_edit,
                  args=(ins, Edit("off", layer, tuple(units))), disabled=not units)  # fmt: skip
        k = st.slider("How many by importance", 1, max(1, n // 2), min(10, n), key=keys.RANK_K)
        ranks = importance(ins, layer)
        most, least = st.columns(2)
        most.button(f"{k} most", key=keys.OFF_MOST, on_click=add_edit,
                    args=(ins, Edit("off", layer, ranked_units(ranks, k, most=True))))  # fmt: skip
        least.button(f"{k} least", key=keys.OFF_LEAST, on_click=add_edit,
                     args=(ins, Edit("off", layer, ranked_units(ranks, k, most=False))))  # fmt: skip
    with scale:
        st.markdown("**Scale one unit**")
        unit = st.number_input("Unit", 0, n - 1, 0, key=keys.SCALE_UNIT)
        factor = st.slider("Times", -2.0, 5.0, 3.0, 0.5, key=keys.SCALE_FACTOR)
        st.button("Scale", key=keys.SCALE_APPLY, on_click=add_edit,
                  args=(ins, Edit("scale", layer, (int(unit),), float(factor))))  # fmt: skip
    with noise:
        st.markdown("**Add noise**")
        dense = ins.in_use.model.dense
        which = st.selectbox("To the weights of", range(len(dense)), key=keys.NOISE_LAYER,
                             format_func=lambda i: f"layer {i + 1} ({dense[i].W.shape[0]} → {dense[i].W.shape[1]})")  # fmt: skip
        amount = st.slider("Strength (× the weights' spread)", 0.1, 3.0, 0.5, 0.1,
                           key=keys.NOISE_AMOUNT)  # fmt: skip
        st.button("Add noise", key=keys.NOISE_APPLY, on_click=add_edit,
                  args=(ins, Edit("noise", int(which), amount=float(amount), seed=seed)))  # fmt: skip
    with prune:
        st.markdown("**Prune**")
        share = st.slider("Smallest weights to remove (%)", 5, 99, 50, 5, key=keys.PRUNE_SHARE)
        st.button("Prune", key=keys.PRUNE_APPLY, on_click=add_edit,
                  args=(ins, Edit("prune", amount=share / 100)))  # fmt: skip
    st.caption(
        "Importance: how much a unit sends on towards the class scores, on average. "
        "Noise is drawn from a fixed seed, so undo and redo give the same network."
    )


def teach_controls(ins: Inside, now: Experiment | None) -> None:
    st.markdown(f"**Teach it one {dataset_info(ins.in_use.dataset).noun}**")
    drawing = st.session_state.get(keys.DRAWING)
    names = ins.in_use.class_names
    if drawing is not None:
        image, what = np.asarray(drawing, dtype=np.float32).reshape(784), "your drawing"
    else:
        index = int(st.session_state.get(keys.INDEX) or 0)
        image, what = ins.data.X_test[index], f"test image #{index} (draw one on the Draw page)"
    model = now.model if now else ins.in_use.model
    guess = names[int(model.predict(image)[0])]
    st.caption(f"The network reads {what} as **{guess}**. What is it really?")
    pick, size, step_col = st.columns([3, 2, 1], vertical_alignment="bottom")
    label = pick.pills("True label", list(range(len(names))), format_func=lambda k: names[k],
                       key=keys.TEACH_LABEL)  # fmt: skip
    lr = size.slider("Step size", 0.01, 1.0, 0.1, 0.01, key=keys.TEACH_LR)
    step_col.button("Teach one step", key=keys.TEACH_APPLY, on_click=teach, disabled=label is None,
              args=(ins, Edit("teach", amount=float(lr), image=image, label=label)))  # fmt: skip
    if now is not None and now.taught is not None:
        before, after, taught = now.taught
        st.plotly_chart(
            charts.teach_figure(names, before, after, names[taught]), config=PLOT_CONFIG
        )
        st.caption(
            "One gradient step on one image moves every weight a little towards that answer. "
            "The test accuracy above shows what it cost the other images."
        )
