"""Confidence: saying "not sure", and whether the network's certainty means anything.

The threshold slider here is the one the Draw page uses. The reliability diagram asks
the other question: when the network says 90%, is it right 90% of the time?
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from nn_core.calibration import coverage_curve, reliability, selective
from nn_core.predictions import Predictions
from ui.evaluate import charts_curves
from ui.evaluate.threshold import threshold_slider
from ui.figures import presentation


def threshold_view(p: Predictions) -> None:
    """The threshold, what it withholds, and the accuracy-coverage curve."""
    threshold = threshold_slider()
    chosen = selective(p.confidence, p.correct, threshold)
    overall = p.summary().accuracy
    cols = st.columns(3)
    cols[0].metric("Answers given", f"{chosen.answered:,}", f"{chosen.coverage:.1%} of the images")
    cols[1].metric("“Not sure”", f"{chosen.withheld:,}")
    accuracy = "no answers" if np.isnan(chosen.accuracy) else f"{chosen.accuracy:.2%}"
    cols[2].metric(
        "Accuracy on the answers",
        accuracy,
        None if np.isnan(chosen.accuracy) else f"{chosen.accuracy - overall:+.2%} vs answering all",
    )
    curve = coverage_curve(p.confidence, p.correct)
    presentation.chart(charts_curves.coverage_figure(curve, chosen))
    presentation.note(
        "Each point is one threshold: to the left the network answers less often but is "
        "right more often. Notice how few answers it must give up to remove most mistakes. "
        "The Draw page says “not sure” below the same threshold."
    )


def calibration_view(p: Predictions) -> None:
    """The reliability diagram and the expected calibration error."""
    rel = reliability(p.confidence, p.correct)
    st.metric(
        "Expected calibration error",
        f"{rel.ece:.2%}",
        help="The average gap between confidence and accuracy, weighted by answers per bin.",
    )
    presentation.chart(charts_curves.reliability_figure(rel))
    presentation.note(
        "Bars below the dashed diagonal mean the network is more sure than it is right: "
        "over-confident. Notice that almost every answer sits in the last bin: softmax "
        "is 99% sure of most things, even of a scribble."
    )
