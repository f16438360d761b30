"""The Weights view: what each unit has learnt to look for, live while a run trains.

A freshly initialised network's first-layer weights are noise. Within a few hundred
steps strokes appear: pieces of digits a unit fires for (red) and against (blue). The
grid shows every unit of the first hidden layer at once, one shared colour scale; while
the visitor's run trains it is redrawn every second from the weights the training
worker already sends, so watching costs the run nothing but a copy it makes anyway.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from nn_core import probe
from nn_core.status import RunStatus
from ui import text
from ui.inside import charts_weights as charts
from ui.inside import keys
from ui.inside.context import Inside, memo

PLOT_CONFIG = {"displayModeBar": False}
SORTS = {"unit number": "number", "weight norm": "norm", "importance": "importance"}
TOP = 8  # test images shown per unit


def unit_facts(ins: Inside) -> dict:
    """Norms, importance, class influence and top images of every first-layer unit."""

    def compute() -> dict:
        idx, X, y = ins.sample()
        model = ins.in_use.model
        A = probe.hidden_activations(model, X, 0)  # (n, units)
        top = np.argsort(-A, axis=0, kind="stable")[:TOP]  # (TOP, units) rows of X
        return {
            "norm": probe.weight_norms(model, 0),
            "importance": probe.unit_importance(model, X[:1000], 0),
            "influence": probe.class_influence(model, X[:1000], 0),  # (units, k)
            "top_index": idx[top],  # (TOP, units) test-set numbers
            "top_activation": np.take_along_axis(A, top, axis=0),  # (TOP, units)
        }

    return memo("unit_facts", ins.key, compute, shared=ins.in_use)


def order_of(facts: dict | None, sort: str, n: int) -> np.ndarray:
    """Unit numbers in display order: by number, or by weight norm / importance, largest first."""
    if facts is None or sort == "number":
        return np.arange(n)
    return np.argsort(-facts[sort], kind="stable")


def pick_unit() -> None:
    """A click on the grid chooses that unit (the invisible dot on each tile carries it)."""
    points = st.session_state[keys.GRID].get("selection", {}).get("points", [])
    picked = [p.get("customdata") for p in points if p.get("customdata") is not None]
    if picked:
        value = picked[0][0] if isinstance(picked[0], list) else picked[0]
        st.session_state[keys.UNIT] = int(value)


def live_grid(ws, dataset: str) -> None:
    """Redraw the grid from the newest weights of the run in training, once a second."""
    ws.sync()
    live = ws.live_weights()
    run = ws.active_run()
    if live is None or run is None:
        if run is None:
            st.rerun()  # the run ended: show the finished model, sortable again
        st.info("Waiting for the first weights from the training run...")
        return
    W = live.weights[0]  # (784, units)
    title = f"Live: run #{live.run_id}, step {live.step:,} — {W.shape[1]} first-layer units"
    figure = memo(
        "live_grid",
        (live.run_id, W.shape),
        lambda: charts.weight_grid_figure(W, np.arange(W.shape[1]), title),
    )
    st.plotly_chart(
        charts.refresh_grid_figure(figure, W, title),
        config=PLOT_CONFIG,
        key=keys.GRID,
        on_select=pick_unit,
        selection_mode="points",
    )
    st.caption(
        "Redrawn every second while the run trains: watch the noise of the starting "
        "weights turn into strokes. Units keep their places, so you can follow one."
    )


def render(ins: Inside, ws) -> None:
    model = ins.in_use.model
    run = ws.active_run() if ws is not None else None
    training = run is not None and run.dataset == ins.data.name and run.status == RunStatus.RUNNING
    n_units = model.dense[0].W.shape[1]
    has_hidden = bool(ins.in_use.model.config.hidden)

    sort_label = st.segmented_control(
        "Order the units by",
        list(SORTS),
        default="unit number",
        key=keys.SORT,
        disabled=training or not has_hidden,
        help="Importance: how much the unit sends on towards the class scores, on average.",
    )
    if training:
        st.fragment(run_every=1.0)(live_grid)(ws, ins.data.name)
        st.caption(
            f"While the run trains, this view follows it; the unit details, deeper layers "
            f"and histograms of {text.md(ins.in_use.sentence, text.SENTENCE)} come back when it ends."
        )
        return
    else:
        facts = unit_facts(ins) if has_hidden else None
        order = order_of(facts, SORTS.get(sort_label or "unit number"), n_units)
        what = "first-layer units" if has_hidden else "output units (one per class)"
        title = f"{n_units} {what}: their 784 incoming weights"
        figure = memo(
            ("grid", sort_label),
            ins.key,
            lambda: charts.weight_grid_figure(model.dense[0].W, order, title),
            shared=ins.in_use,
        )
        st.plotly_chart(
            figure,
            config=PLOT_CONFIG,
            key=keys.GRID,
            on_select=pick_unit,
            selection_mode="points",
        )
        st.caption(
            "Each square is one unit's weights laid out like the image they multiply: red "
            "pixels push the unit on when there is ink, blue ones hold it back. One shared "
            "scale, so a pale square is a unit with small weights. Click a square to look closer."
        )
    if not has_hidden:
        return

    unit_details(ins, n_units)
    deeper_layers(ins)
    st.subheader("Histograms")
    initial = initial_weights(ins, ws)
    st.plotly_chart(
        memo(
            "histograms",
            ins.key,
            lambda: charts.histograms_figure(model.get_weights(), initial),
            shared=ins.in_use,  # the bundled network's starting weights were not kept
        ),
        config=PLOT_CONFIG,
    )
    moved = (
        "In orange, how far each weight moved from its random start: most a little, a few a lot."
        if initial is not None
        else "The starting weights of this model were not kept, so how far they moved is "
        "shown only for your own runs (trained on the Train page)."
    )
    st.caption(f"The spread of every layer's weights and biases. {moved}")


def unit_details(ins: Inside, n_units: int) -> None:
    st.subheader("One unit up close")
    if not 0 <= st.session_state.get(keys.UNIT, -1) < n_units:
        st.session_state[keys.UNIT] = 0  # first visit, or a smaller network than before
    unit = st.number_input(
        "Unit", 0, n_units - 1, key=keys.UNIT, help="Or click a square in the grid."
    )
    facts = unit_facts(ins)
    exact = len(ins.in_use.model.config.hidden) == 1
    big, votes, strip = memo(
        ("unit", unit),
        ins.key,
        lambda: unit_figures(ins, facts, unit, exact),
        shared=ins.in_use,
    )
    left, right = st.columns(2, gap="large")
    left.plotly_chart(big, config=PLOT_CONFIG)
    right.plotly_chart(votes, config=PLOT_CONFIG)
    right.caption(
        "Its outgoing weights: how much each class score rises per unit of its activation."
        if exact
        else "Its average effect on each class score (the layers in between included)."
    )
    st.plotly_chart(strip, config=PLOT_CONFIG)
    st.caption(
        f"Out of {len(ins.sample()[0]):,} test images: number, label and activation. "
        "Compare them with the red strokes of its weights."
    )


def unit_figures(ins: Inside, facts: dict, unit: int, exact: bool) -> tuple:
    """One unit up close: its weights as a picture, its votes, the images it likes best."""
    W = ins.in_use.model.dense[0].W
    top = facts["top_index"][:, unit]
    labels = [ins.in_use.class_names[int(ins.data.y_test[i])] for i in top]
    acts = facts["top_activation"][:, unit]
    captions = [f"#{i}<br>{lab}<br>{a:.2f}" for i, lab, a in zip(top, labels, acts, strict=True)]
    return (
        charts.unit_figure(W[:, unit], charts.shared_scale(W), unit),
        charts.outgoing_figure(facts["influence"][unit], ins.in_use.class_names, unit, exact),
        charts.image_strip_figure(
            ins.data.X_test[top],
            captions,
            "inside.exciting",
            f"The {TOP} test images that excite unit {unit} most",
            height=260,
        ),
    )


def deeper_layers(ins: Inside) -> None:
    dense = ins.in_use.model.dense
    st.subheader("Deeper layers")
    choices = list(range(1, len(dense)))
    layer = st.selectbox(
        "Weight matrix",
        choices,
        format_func=lambda i: f"layer {i + 1}: {dense[i].W.shape[0]} → {dense[i].W.shape[1]}",
        key=keys.LAYER,
    )
    figure = memo(
        ("layer", layer),
        ins.key,
        lambda: charts.layer_heatmap_figure(dense[layer].W, layer),
        shared=ins.in_use,
    )
    st.plotly_chart(figure, config=PLOT_CONFIG)
    st.caption(
        "Deeper units see other units, not pixels, so their weights are no pictures: each "
        "row is one sending unit, each column one receiving unit."
    )


def initial_weights(ins: Inside, ws) -> list | None:
    """The starting weights of the run that made this model, when they were kept."""
    if ws is None or ins.in_use.run_id is None:
        return None
    run = ws.run(ins.in_use.run_id)
    initial = getattr(run, "initial_weights", None) if run is not None else None
    if initial is None or len(initial) != len(ins.in_use.model.get_weights()):
        return None
    return [np.asarray(w) for w in initial]
