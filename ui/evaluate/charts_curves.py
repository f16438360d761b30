"""Figures of the curves: robustness, accuracy against coverage, the reliability diagram.

Pure functions: arrays in, ``go.Figure`` out, no Streamlit; each is named in
``layout.meta.chart`` for the tests.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from nn_core.calibration import CoverageCurve, Reliability, SelectiveResult
from nn_core.robustness import Perturbation
from ui.figures.theme import LEGEND_BELOW, NOTE_SPACE, base_layout, titled

LINE, MARK, IDEAL = "#1f77b4", "#d62728", "#7f7f7f"


def robustness_figure(
    p: Perturbation, strengths: np.ndarray, acc: np.ndarray, chosen: float, height: int = 400
) -> go.Figure:
    """Accuracy against the strength of one perturbation; the chosen strength marked."""
    strengths, acc = np.asarray(strengths), np.asarray(acc)  # (s,), (s,)
    at = int(np.argmin(np.abs(strengths - chosen)))
    fig = go.Figure(
        go.Scatter(
            x=strengths,
            y=acc,
            mode="lines+markers",
            line={"color": LINE, "width": 3},
            marker={"size": 8},
            name="accuracy",
            hovertemplate=f"{p.unit} %{{x}}<br>accuracy %{{y:.1%}}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[strengths[at]],
            y=[acc[at]],
            mode="markers+text",
            marker={"size": 16, "color": MARK, "symbol": "diamond"},
            text=[f"{acc[at]:.1%}"],
            textposition="top center",
            textfont={"size": 16, "color": MARK},
            name="chosen",
            hoverinfo="skip",
        )
    )
    fig.add_vline(x=p.identity, line={"dash": "dot", "color": IDEAL})
    fig.update_xaxes(title=f"{p.label} ({p.unit})")
    fig.update_yaxes(title="accuracy", range=[0, 1.08], tickformat=".0%")
    return base_layout(
        fig, "eval_robustness", f"{p.label}: accuracy against strength", height, showlegend=False
    )


def coverage_figure(curve: CoverageCurve, chosen: SelectiveResult, height: int = 420) -> go.Figure:
    """Accuracy on the answered images against the share answered, one point per threshold."""
    fig = go.Figure(
        go.Scatter(
            x=curve.coverage,
            y=curve.accuracy,
            customdata=curve.thresholds,
            mode="lines",
            line={"color": LINE, "width": 3},
            hovertemplate=(
                "threshold %{customdata:.2f}<br>answers %{x:.1%} of the images"
                "<br>accuracy %{y:.2%}<extra></extra>"
            ),
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[chosen.coverage],
            y=[chosen.accuracy],
            mode="markers+text",
            marker={"size": 16, "color": MARK, "symbol": "diamond"},
            text=[f"threshold {chosen.threshold:.2f}"],
            textposition="bottom left",
            textfont={"size": 16, "color": MARK},
            hoverinfo="skip",
        )
    )
    finite = curve.accuracy[np.isfinite(curve.accuracy)]
    low = float(finite.min()) if finite.size else 0.0
    fig.update_xaxes(title="coverage: share of test images answered", tickformat=".0%")
    fig.update_yaxes(title="accuracy on the answered images", tickformat=".1%")
    fig.update_yaxes(range=[max(0.0, low - 0.01), 1.002])
    return base_layout(fig, "eval_coverage", "Accuracy against coverage", height, showlegend=False)


def reliability_figure(rel: Reliability, height: int = 440) -> go.Figure:
    """Accuracy in each confidence bin as bars; the diagonal is a perfectly honest network."""
    centres = (rel.edges[:-1] + rel.edges[1:]) / 2  # (b,)
    width = float(rel.edges[1] - rel.edges[0])
    fig = go.Figure(
        go.Bar(
            x=centres,
            y=np.nan_to_num(rel.accuracy),
            width=width * 0.92,
            customdata=np.stack([rel.counts, np.nan_to_num(rel.confidence)], axis=1),
            marker_color=LINE,
            name="accuracy in the bin",
            text=[f"{c:,}" if c else "" for c in rel.counts],
            textposition="outside",
            cliponaxis=False,
            hovertemplate=(
                "confidence %{customdata[1]:.1%} on average<br>accuracy %{y:.1%}"
                "<br>%{customdata[0]:,} answers<extra></extra>"
            ),
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[0, 1],
            y=[0, 1],
            mode="lines",
            line={"dash": "dash", "color": IDEAL, "width": 2},
            name="honest: accuracy = confidence",
            hoverinfo="skip",
        )
    )
    fig.update_xaxes(title="confidence (top probability)", range=[0, 1], tickformat=".0%")
    fig.update_yaxes(title="accuracy", range=[0, 1.12], tickformat=".0%")
    return base_layout(
        fig,
        "eval_reliability",
        titled("Reliability diagram", "numbers: answers in each bin"),
        height,
        NOTE_SPACE,
        legend=LEGEND_BELOW,  # inside the plot, it hid the first bins' bars
    )
