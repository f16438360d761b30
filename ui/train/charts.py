"""Figures of training runs: loss, held-out accuracy and learning rate against epochs.

Pure functions: runs in, ``plotly.graph_objects.Figure`` out, no Streamlit. Each run
keeps one colour on every chart, so several runs can be overlaid and compared at a
glance. The x axis is the epoch (passes over the training data), which puts a run with
batches of 1 and one with batches of 128 on the same footing.

The charts are redrawn every second or two while a run trains, so they are kept light:
at most ``MAX_POINTS`` points per curve are sent to the browser, and each figure is
built from plain dicts in one go, unchecked (a test checks them once against Plotly's
own validation instead). They wear the app's one classroom look (``ui.figures.theme``).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from ui.figures.theme import (
    CLASS_COLORS,
    FONT,
    LEGEND_BELOW,
    NOTE_SPACE,
    axis,
    layout,
    log_axis_over,
    titled,
)
from ui.workspace.runs import Run

MAX_POINTS = 400  # per curve: enough for the eye, light for the browser to redraw live
RUN_COLORS = tuple(CLASS_COLORS[k] for k in (0, 3, 2, 1, 4, 5, 6, 9, 8, 7))
"""Blue, red, green first (the runs most often compared), all dark enough for a thin
line or an "lr →" label on a projector: the palette's darkened category10."""
HEIGHT = 360
BARE = pio.templates["none"].to_plotly_json()
"""Plotly's bare template, spelt out: validation would expand the name "none" into it."""


def run_color(run: Run) -> str:
    """The colour of a run: fixed by its id, so it never changes between redraws."""
    return RUN_COLORS[(run.id - 1) % len(RUN_COLORS)]


def ema(values: np.ndarray, span: float) -> np.ndarray:
    """Exponential moving average with start-up bias correction.

    Each smoothed value is a weighted mean of all earlier ones, the weights halving
    about every ``span / 3`` points, so the line follows the trend and not the noise of
    single batches. Bias correction keeps the first points from hugging zero.

    The recurrence ``s[i] = d s[i-1] + alpha v[i]`` (``d = 1 - alpha``) unrolls within a
    block of ``m`` points to ``s[k] = d^k (s[0] + alpha sum_j d^-j v[j])``: a cumulative
    sum. Blocks are short enough that ``d^-m`` stays below 1e6, so no precision is lost.
    A live tick smooths two curves of thousands of points; the Python loop this replaced
    took 3.9 ms for 3,000 of them, this 0.5 ms (cProfile of ``bench_panel_tick``'s tick).
    """
    v = np.asarray(values, dtype=np.float64)  # (n,)
    alpha = 2.0 / (span + 1.0)
    d = 1.0 - alpha
    if d <= 0.0:
        return v.copy()  # a span of one point: nothing to average
    block = int(min(512, max(1, np.log(1e6) / -np.log(d))))
    s, carry = np.empty_like(v), 0.0
    for start in range(0, len(v), block):
        chunk = v[start : start + block]  # (m,)
        decay = d ** np.arange(1, len(chunk) + 1)  # (m,) d^1 .. d^m
        s[start : start + len(chunk)] = decay * (carry + alpha * np.cumsum(chunk / decay))
        carry = s[start + len(chunk) - 1]
    weight = 1.0 - d ** np.arange(1, len(v) + 1)  # (n,) the weights' sum so far
    return s / weight


def smoothing_span(n: int) -> float:
    """How many points the smoothed line averages over: more for longer runs."""
    return float(min(200, max(10, n // 30)))


def thin(n: int, max_points: int = MAX_POINTS) -> np.ndarray:
    """Indices of at most ``max_points`` evenly spread points, always keeping the last."""
    if n <= max_points:
        return np.arange(n)
    idx = np.linspace(0, n - 1, max_points).round().astype(np.int64)
    return np.unique(idx)


def _figure(traces: list, runs: list[Run], chart: str, title: dict, label_lr: bool, yaxis: dict):
    """One figure in a single construction, from dicts and unchecked: Plotly's checks
    took three quarters of a live tick (7-10 ms a figure, 1.5-3 ms without them).
    ``tests/ui/train/test_charts.py`` runs the checks on every kind of figure instead."""
    shapes, notes = _lr_marks(runs, label_lr)
    look = layout(
        chart,
        title,
        HEIGHT,
        NOTE_SPACE,
        legend=LEGEND_BELOW,
        showlegend=len(runs) > 1,
        uirevision="train",  # keep the user's zoom while new points arrive
        # Plotly copies its default template into every figure, twice per redraw; a bare
        # one halves the time of a live tick (bench/bench_panel_tick.py), and the shared
        # layout sets every size and colour the class needs.
        template=BARE,
        hovermode="closest",
        **({"shapes": shapes} if shapes else {}),
        **({"annotations": notes} if notes else {}),
    )
    empty = not any(len(t["x"]) for t in traces)
    # No point yet (a queued run): epochs 0 to 1, not Plotly's guess of -1 to 6.
    look["xaxis"] = axis("epoch", **({"range": [0, 1]} if empty else {"rangemode": "tozero"}))
    look["yaxis"] = yaxis
    return go.Figure(data=traces, layout=look, _validate=False)


def _scatter(**trace) -> dict:
    return {"type": "scatter", **trace}


def _log_yaxis(title: str, traces: list) -> dict:
    """A log y axis labelled from what the traces actually show (at most eight labels)."""
    return axis(title, **log_axis_over(*(t["y"] for t in traces)))


def _lr_marks(runs: list[Run], label: bool) -> tuple[list[dict], list[dict]]:
    """A dashed vertical line wherever someone changed a run's learning rate by hand."""
    shapes, notes = [], []
    for run in runs:
        color = run_color(run)
        for _, epoch, lr in run.lr_changes:
            shapes.append(
                {
                    "type": "line",
                    "x0": epoch,
                    "x1": epoch,
                    "y0": 0,
                    "y1": 1,
                    "yref": "paper",
                    "line": {"color": color, "dash": "dash", "width": 1.5},
                }
            )
            if label:
                notes.append(
                    {
                        "x": epoch,
                        "y": 1,
                        "yref": "paper",
                        "text": f"lr → {lr:g}",
                        "showarrow": False,
                        "xanchor": "left",
                        "yanchor": "top",
                        "font": {**FONT, "color": color},
                    }
                )
    return shapes, notes


def loss_figure(runs: list[Run], max_points: int = MAX_POINTS) -> go.Figure:
    """Training loss per step (thin), smoothed (bold) and on held-out images (dots)."""
    traces = []
    for run in runs:
        c, color = run.log.arrays(), run_color(run)
        idx = thin(len(c["step"]), max_points)
        x = c["epoch"][idx]
        traces += [
            _scatter(
                x=x,
                y=c["loss"][idx],
                mode="lines",
                line={"color": color, "width": 1},
                opacity=0.3,
                legendgroup=str(run.id),
                showlegend=False,
                name=f"{run.name}: each batch",
                hovertemplate="epoch %{x:.2f}<br>batch loss %{y:.3f}<extra></extra>",
            ),
            _scatter(
                x=x,
                y=ema(c["loss"], smoothing_span(len(c["loss"])))[idx],
                mode="lines",
                line={"color": color, "width": 2.5},
                legendgroup=str(run.id),
                name=run.name,
                hovertemplate="epoch %{x:.2f}<br>smoothed loss %{y:.3f}<extra></extra>",
            ),
            _scatter(
                x=list(run.val_epoch),
                y=list(run.val_loss),
                mode="markers+lines",
                marker={"color": color, "size": 7, "symbol": "circle-open", "line": {"width": 2}},
                line={"color": color, "width": 1, "dash": "dot"},
                legendgroup=str(run.id),
                showlegend=False,
                name=f"{run.name}: held-out",
                hovertemplate="epoch %{x:.2f}<br>held-out loss %{y:.3f}<extra></extra>",
            ),
        ]
    return _figure(
        traces,
        runs,
        "train_loss",
        titled("Loss", "batches (faint), smoothed (bold), held-out (○)"),
        label_lr=True,
        yaxis=_log_yaxis("loss (log scale)", traces),
    )


def accuracy_figure(runs: list[Run], max_points: int = MAX_POINTS) -> go.Figure:
    """Accuracy on the held-out images (dots), with the smoothed training batches (dotted)."""
    traces = []
    for run in runs:
        c, color = run.log.arrays(), run_color(run)
        idx = thin(len(c["step"]), max_points)
        traces += [
            _scatter(
                x=c["epoch"][idx],
                y=ema(c["accuracy"], smoothing_span(len(c["accuracy"])))[idx],
                mode="lines",
                line={"color": color, "width": 1.5, "dash": "dot"},
                legendgroup=str(run.id),
                showlegend=False,
                name=f"{run.name}: training batches",
                hovertemplate="epoch %{x:.2f}<br>training batches %{y:.1%}<extra></extra>",
            ),
            _scatter(
                x=list(run.val_epoch),
                y=list(run.val_accuracy),
                mode="markers+lines",
                marker={"color": color, "size": 7},
                line={"color": color, "width": 2.5},
                legendgroup=str(run.id),
                name=run.name,
                hovertemplate="epoch %{x:.2f}<br>held-out accuracy %{y:.1%}<extra></extra>",
            ),
        ]
    return _figure(
        traces,
        runs,
        "train_accuracy",
        titled("Accuracy", "held-out (●), batches (dotted)"),
        label_lr=False,
        yaxis=axis("accuracy", tickformat=".0%", range=accuracy_range(runs)),
    )


def accuracy_range(runs: list[Run]) -> list[float]:
    """Zoom on the held-out points (where the story is: 90% or 98%?), up to 100%; before
    the first one, the whole 0-100 % (Plotly's own guess for no data is -100 % to 400 %)."""
    held = [a for run in runs for a in run.val_accuracy]
    if not held:
        return [0.0, 1.005]
    low = min(held)
    return [max(0.0, low - max(0.02, (1 - low) * 0.25)), 1.005]


def lr_figure(runs: list[Run], max_points: int = MAX_POINTS) -> go.Figure:
    """The learning rate actually used at each step: schedule and hand changes."""
    traces = []
    for run in runs:
        c = run.log.arrays()
        idx = thin(len(c["step"]), max_points)
        traces.append(
            _scatter(
                x=c["epoch"][idx],
                y=c["lr"][idx],
                mode="lines",
                line={"color": run_color(run), "width": 2, "shape": "hv"},
                name=run.name,
                hovertemplate="epoch %{x:.2f}<br>learning rate %{y:.3g}<extra></extra>",
            )
        )
    return _figure(
        traces,
        runs,
        "train_lr",
        titled("Learning rate", "at each step"),
        label_lr=False,
        yaxis=_log_yaxis("rate (log scale)", traces),
    )
