"""The reveal: the class's predictions beside the runs that settle the question.

Drawn once the teacher reveals the answers, by the setting the question is about (the
board's ``question_setting``): the bars of what the class predicted, and one dot per run
at its value of that setting, its final loss or test accuracy, so "which learning rate
ends lowest?" is answered by the column that sits lowest. Built like the curves (one
trace per group, the same colours), in ``ui.classroom.charts``'s style.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ui import text
from ui.classroom.charts import BLEW_UP, TEXT_SIZE, coloured_groups, style
from ui.classroom.records import SharedRun
from ui.classroom.tables import blew_up_at, final_loss, run_title
from ui.figures.palettes import QUALITATIVE
from ui.figures.theme import log_axis_over


def _result(run: SharedRun, metric: str) -> float | None:
    if metric == "final loss":
        return final_loss(run)
    return None if run.test_accuracy is None or blew_up_at(run) else 100 * run.test_accuracy


def results_figure(
    runs: Sequence[SharedRun],
    key: str,
    label: str,
    metric: str = "final loss",
    uirevision: str = "board",
    height: int = 380,
) -> go.Figure:
    """One dot per run at its setting: the runs that settle the class's question. A run
    that blew up has no result to compare: a cross at the top (loss) or the bottom
    (accuracy) of its group's column says so."""
    traces, blown = [], ([], [], [], [])
    for value, members, color in coloured_groups(runs, key):
        traces.append(
            go.Box(
                x=[value] * len(members),
                y=np.array([_result(r, metric) for r in members], dtype=np.float64),  # NaN: out
                name=value,
                boxpoints="all",
                jitter=0.3,
                pointpos=0,
                marker={"color": color, "size": 11},
                line={"color": color},
                fillcolor="rgba(0,0,0,0)",
                customdata=[text.label(run_title(r, key)) for r in members],
                hovertemplate="%{customdata}: %{y:.4g}<extra></extra>",
                showlegend=False,
            )
        )
        for run in members:
            if blew_up_at(run):
                blown[0].append(value)
                blown[1].append(color)
                blown[2].append(
                    f"{text.label(run_title(run, key))}: blew up at step {blew_up_at(run):,}"
                )
    fig = go.Figure(traces)
    fig.update_xaxes(title_text=label, type="category")
    loss = metric == "final loss"
    fig.update_yaxes(title_text="final training loss" if loss else "test accuracy %")
    if loss:
        fig.update_yaxes(**log_axis_over(*(t.y for t in fig.data)))
    if blown[0]:
        top = 1.0
        if loss and fig.layout.yaxis.range:  # a row of crosses above the highest loss
            low, high = fig.layout.yaxis.range
            top = 10.0 ** (high + 0.05 * (high - low))
            fig.update_yaxes(range=[low, high + 0.12 * (high - low)])
        fig.add_trace(
            go.Scatter(
                x=blown[0],
                y=np.full(len(blown[0]), top if loss else 0.0),
                mode="markers",
                name=f"{BLEW_UP} ({len(blown[0])})",
                marker={
                    "color": blown[1],
                    "size": 16,
                    "symbol": "x",
                    "line": {"width": 1, "color": "black"},
                },
                cliponaxis=False,
                customdata=blown[2],
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
    return style(
        fig, "class_results", f"{metric.capitalize()} by {label}", height, uirevision, label
    )


def answers_figure(
    choices: Sequence[str], tally: Sequence[int], uirevision: str = "board", height: int = 380
) -> go.Figure:
    """How many students picked each answer before running."""
    fig = go.Figure(
        go.Bar(
            x=list(tally),
            y=[text.label(c) for c in choices],
            orientation="h",
            marker={"color": QUALITATIVE[0]},
            text=[str(n) for n in tally],
            textposition="auto",
            textfont={"size": TEXT_SIZE},
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(title_text="students", dtick=1 if max(tally, default=0) < 10 else None)
    fig.update_layout(uniformtext={"minsize": TEXT_SIZE, "mode": "show"})  # never shrunk
    total = sum(tally)
    return style(
        fig, "class_answers", f"The class predicted ({total} answers)", height, uirevision, ""
    )
