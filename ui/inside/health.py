"""The Health view: over a whole run, is every layer learning, and at what pace?

The trainer records per-layer gradient norms, update-to-weight ratios and the share of
dead ReLU units every few dozen steps. Two runs side by side, on the same axes, make the
original notebook's lesson visible: with N(0, 1) starting weights the gradients are
hundreds of times too large and the updates wild, where He initialisation starts calm.
"""

from __future__ import annotations

import streamlit as st

from ui.inside import charts_health as charts
from ui.inside import keys

PLOT_CONFIG = {"displayModeBar": False}


def runs_with_health(ws) -> list:
    """Runs of this tab that carry a health record, newest first."""
    if ws is None:
        return []
    return [r for r in reversed(ws.runs) if r.health and r.health.get("step")]


def label(run) -> str:
    init = (run.model_config or {}).get("init", "?")
    hidden = "-".join(str(h) for h in (run.model_config or {}).get("sizes", [])[1:-1])
    return f"{run.name} ({hidden or 'no hidden'}, {init} init, {run.status})"


def render(ws) -> None:
    runs = runs_with_health(ws)
    if not runs:
        st.info(
            "Nothing recorded yet. Start a run on the **Train** page: while it trains, the "
            "trainer measures every layer every 50 steps, and the charts appear here. "
            "Try one run with initialisation **naive** and one with **he**, then compare.",
            icon=":material/monitor_heart:",
        )
        return
    ids = [r.id for r in runs]
    by_id = {r.id: r for r in runs}
    pick_a, pick_b = st.columns(2)
    a = pick_a.selectbox("Run", ids, format_func=lambda i: label(by_id[i]), key=keys.RUN_A)
    others = [None, *[i for i in ids if i != a]]
    b = pick_b.selectbox(
        "Beside it",
        others,
        format_func=lambda i: "(none)" if i is None else label(by_id[i]),
        index=1 if len(others) > 1 else 0,
        key=keys.RUN_B,
    )
    chosen = [by_id[a]] + ([by_id[b]] if b is not None else [])
    ranges = charts.health_ranges([r.health for r in chosen])
    for column, run in zip(st.columns(len(chosen), gap="large"), chosen, strict=True):
        column.plotly_chart(
            charts.health_figure(run.health, f"Run {label(run)}", ranges), config=PLOT_CONFIG
        )
    st.caption(
        "Same axes for both runs. Gradient norms far above the others (or climbing) mean "
        "exploding gradients; norms that fade towards the first layer mean vanishing ones. "
        "An update ratio near the dotted line (1e-3) is a healthy pace. A dead ReLU unit "
        "outputs 0 for a whole batch and passes no gradient back: it cannot recover."
    )
