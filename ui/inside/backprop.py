"""The Backprop view: one mini-batch through the visitor's own network, in real numbers.

Backpropagation is usually taught with symbols. Here every formula comes with the
arrays it produced for this batch: their shapes, and a corner of their values. The
numbers are the engine's own (``nn_core.backprop_steps.trace_minibatch`` runs the
model's layers), and the gradient check holds them against finite differences.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from nn_core.backprop_steps import BackpropTrace, LayerTrace, gradient_table, trace_minibatch
from ui import text
from ui.inside import keys
from ui.inside.context import Inside, memo

STAGES = ["1 · forward", "2 · backward", "3 · update", "4 · gradient check"]
ROWS, COLS = 4, 6  # size of the value excerpts
ACTIVATION_TEX = {
    "relu": r"\max(0,\, Z^{[%d]})",
    "leaky_relu": r"\max(0.01\,Z^{[%d]},\, Z^{[%d]})",
    "sigmoid": r"1 / (1 + e^{-Z^{[%d]}})",
    "tanh": r"\tanh Z^{[%d]}",
}
SLOPE_TEX = {
    "relu": r"\mathbb{1}[Z^{[%d]} > 0]",
    "leaky_relu": r"(1 \text{ or } 0.01)",
    "sigmoid": r"A^{[%d]} (1 - A^{[%d]})",
    "tanh": r"1 - (A^{[%d]})^2",
}


def shape(a: np.ndarray) -> str:
    return "(" + ", ".join(str(s) for s in a.shape) + ")"


def excerpt(values: np.ndarray, rows, row_name: str, col_names=None) -> pd.DataFrame:
    """A corner of an array: the given rows, the first few columns, labelled."""
    values = np.atleast_2d(values)
    cols = list(range(min(COLS, values.shape[1])))
    names = col_names or [f"unit {c}" for c in cols]
    return pd.DataFrame(
        values[np.ix_(list(rows), cols)],
        index=[f"{row_name} {r}" for r in rows],
        columns=names[: len(cols)],
    )


def table(df: pd.DataFrame) -> None:
    st.dataframe(
        df, column_config={c: st.column_config.NumberColumn(format="%.4g") for c in df.columns}
    )


def biggest_rows(dW: np.ndarray) -> list[int]:
    """The inputs whose weights get the largest gradients (for W0: pixels with ink)."""
    return sorted(np.argsort(-np.linalg.norm(dW, axis=1), kind="stable")[:ROWS].tolist())


def tex(template: str, i: int) -> str:
    return template.replace("%d", str(i))


def new_batch() -> None:
    st.session_state[keys.BP_SEED] = int(st.session_state.get(keys.BP_SEED) or 0) + 1


def render(ins: Inside) -> None:
    size_col, lr_col, new_col = st.columns([2, 2, 1], vertical_alignment="bottom")
    n = size_col.select_slider("Images in the batch", [2, 4, 8, 16, 32], 8, key=keys.BP_BATCH)
    lr = lr_col.select_slider(
        "Learning rate η", [0.001, 0.01, 0.05, 0.1, 0.5, 1.0], 0.1, key=keys.BP_LR
    )
    new_col.button("Another batch", key=keys.BP_NEW, icon=":material/shuffle:", on_click=new_batch)
    seed = int(st.session_state.get(keys.BP_SEED) or 0)
    data = ins.data
    rows = np.random.default_rng(seed).choice(data.n_train, size=n, replace=False)
    X, y = data.X_train[rows], data.y_train[rows]
    trace = memo(
        ("trace", seed, n, lr), ins.key, lambda: trace_minibatch(ins.in_use.model, X, y, lr=lr)
    )
    stage = st.segmented_control(
        "Step", STAGES, default=STAGES[0], key=keys.BP_STAGE, required=True
    )
    st.caption(
        f"{n} training images (numbers {', '.join(str(r) for r in rows[:8])}{' ...' if n > 8 else ''}) "
        f"through {text.md(ins.in_use.sentence, text.SENTENCE)}. Every value below is the engine's own."
    )
    if stage == STAGES[0]:
        forward(trace, ins.in_use.class_names)
    elif stage == STAGES[1]:
        backward(trace)
    elif stage == STAGES[2]:
        update(trace)
    else:
        check(ins, X, y, seed)


def forward(trace: BackpropTrace, names) -> None:
    examples = range(min(ROWS, len(trace.y)))
    st.markdown(f"The batch enters as $A^{{[0]}}$, {shape(trace.X_in)}: one image per row.")
    for layer in trace.layers:
        i = layer.index + 1
        st.markdown(f"**Layer {i}**")
        st.latex(rf"Z^{{[{i}]}} = A^{{[{i - 1}]}}\, W^{{[{i}]}} + b^{{[{i}]}}")
        st.caption(
            f"{shape(layer.A_prev)} @ {shape(layer.W)} + {shape(layer.b)} → {shape(layer.Z)}"
        )
        cols = list(names) if layer.is_output else None
        table(excerpt(layer.Z, examples, "image", cols))
        if not layer.is_output:
            st.latex(rf"A^{{[{i}]}} = " + tex(ACTIVATION_TEX[trace.activation], i))
            table(excerpt(layer.A, examples, "image"))
    last = len(trace.layers)
    st.markdown("**Output: probabilities and loss**")
    st.latex(
        rf"P = \mathrm{{softmax}}(Z^{{[{last}]}}),\quad P_{{ik}} = \frac{{e^{{Z_{{ik}}}}}}{{\sum_j e^{{Z_{{ij}}}}}}"
    )
    probs = excerpt(trace.P, examples, "image", list(names))
    probs.insert(0, "true label", [names[int(trace.y[r])] for r in examples])
    st.dataframe(probs)
    st.latex(rf"L = -\frac{{1}}{{n}} \sum_i \log P_{{i, y_i}} = {trace.loss:.4f}")


def backward(trace: BackpropTrace) -> None:
    examples = range(min(ROWS, len(trace.y)))
    last = len(trace.layers)
    st.markdown("From the loss back to the first layer; each gradient reuses the one before it.")
    st.latex(rf"dZ^{{[{last}]}} = \frac{{1}}{{n}}\,(P - Y)")
    for layer in reversed(trace.layers):
        i = layer.index + 1
        st.markdown(f"**Layer {i}**")
        if not layer.is_output:
            st.latex(rf"dA^{{[{i}]}} = dZ^{{[{i + 1}]}}\, W^{{[{i + 1}]\top}}")
            table(excerpt(layer.dA, examples, "image"))
            st.latex(rf"dZ^{{[{i}]}} = dA^{{[{i}]}} \odot " + tex(SLOPE_TEX[trace.activation], i))
        st.caption(f"dZ {shape(layer.dZ)}")
        table(excerpt(layer.dZ, examples, "image"))
        gradient_rows(layer)


def gradient_rows(layer: LayerTrace) -> None:
    i = layer.index + 1
    st.latex(
        rf"dW^{{[{i}]}} = A^{{[{i - 1}]\top}}\, dZ^{{[{i}]}} \qquad db^{{[{i}]}} = \textstyle\sum_i dZ^{{[{i}]}}_i"
    )
    st.caption(
        f"dW {shape(layer.A_prev)}ᵀ @ {shape(layer.dZ)} → {shape(layer.dW)}; db {shape(layer.db)}. "
        f"Rows shown: the {ROWS} inputs with the largest gradients."
    )
    source = "pixel" if layer.index == 0 else "unit"
    st.markdown(f"dW, layer {i}")
    table(excerpt(layer.dW, biggest_rows(layer.dW), source))
    st.markdown(f"db, layer {i}")
    table(excerpt(layer.db[None, :], [0], "db"))


def update(trace: BackpropTrace) -> None:
    st.latex(
        rf"W \leftarrow W - \eta\, dW, \qquad b \leftarrow b - \eta\, db, \qquad \eta = {trace.lr:g}"
    )
    for layer in trace.layers:
        i = layer.index + 1
        rows = biggest_rows(layer.dW)
        source = "pixel" if layer.index == 0 else "unit"
        st.markdown(f"**Layer {i}**: the weights that move most, before and after")
        before, after = excerpt(layer.W, rows, source), excerpt(layer.W_after, rows, source)
        left, right = st.columns(2)
        with left:
            table(before)
        with right:
            table(after)
    st.metric("Loss on this batch", f"{trace.loss_after:.4f}", f"{trace.loss_after - trace.loss:+.4f} after one step",
              delta_color="inverse")  # fmt: skip
    st.caption("The same images, pushed through the updated weights: one small step downhill.")


def check(ins: Inside, X: np.ndarray, y: np.ndarray, seed: int) -> None:
    st.latex(
        r"\frac{\partial L}{\partial w} \approx \frac{L(w + \varepsilon) - L(w - \varepsilon)}{2\varepsilon}, \quad \varepsilon = 10^{-6}"
    )
    rows, per_array = memo(
        ("gradcheck", seed, len(y)),
        ins.key,
        lambda: gradient_table(ins.in_use.model, X, y, seed=seed),
    )
    df = pd.DataFrame(
        {
            "parameter": [r.name for r in rows],
            "position": [str(r.position) for r in rows],
            "backprop": [r.analytic for r in rows],
            "finite difference": [r.numeric for r in rows],
            "relative error": [r.relative_error for r in rows],
        }
    )
    st.dataframe(
        df, column_config={c: st.column_config.NumberColumn(format="%.6g") for c in df.columns[2:]}
    )
    summary = ", ".join(f"{name} {err:.1e}" for name, err in per_array.items())
    st.caption(
        "Two weights of every array, chosen at random among the tenth this batch pulls on hardest, nudged "
        f"by ±ε in float64. nn_core.gradient_check on the same batch, per array: {summary}. "
        "Relative errors below 1e-6: backpropagation agrees with the slow, calculus-free answer."
    )
