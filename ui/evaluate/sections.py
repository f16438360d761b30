"""The Evaluate page's two choices, which model and which section, and the section drawn.

The page reads the test set once per model version (``cache.predictions``) and then
shows one section at a time: each section is a view module of this folder, and only the
one chosen is computed, so a student switching to "Robustness" waits for the robustness
curves and never for the others.
"""

from __future__ import annotations

import streamlit as st

from nn_core.predictions import Predictions
from ui.evaluate import compare, confidence, keys, mistakes, robustness, scores, teach

SECTIONS = {
    "scores": ":material/grid_on: Scores and confusion",
    "mistakes": ":material/error: Mistakes",
    "robustness": ":material/blur_on: Robustness",
    "confidence": ":material/help: Not sure",
    "calibration": ":material/straighten: Calibration",
    "compare": ":material/compare: Compare models",
    "teach": ":material/draw: Teach it our handwriting",
}


def choose_model(options: list, current):
    """The model to evaluate (a ``ui.models.ModelInUse``): the one in use unless the
    visitor picks another; the picker shows only when there is a choice."""
    titles = [m.title for m in options]
    if st.session_state.get(keys.MODEL) not in titles:
        st.session_state[keys.MODEL] = current.title if current.title in titles else titles[0]
    if len(options) > 1:
        st.selectbox("Model to evaluate", titles, key=keys.MODEL)
    return options[titles.index(st.session_state[keys.MODEL])]


def choose_section() -> str:
    """Which section is shown: one of ``SECTIONS``, "scores" on the first visit."""
    return st.segmented_control(
        "Section",
        list(SECTIONS),
        format_func=SECTIONS.get,
        default="scores",
        required=True,
        key=keys.VIEW,
        label_visibility="collapsed",
    )


def show_section(section: str, answers: Predictions, in_use, options: list, active) -> None:
    """Draw ``section`` under its heading; ``answers`` are ``in_use``'s on the test set."""
    ds = active.dataset
    if section == "scores":
        st.header("Accuracy per class")
        scores.per_class(answers, ds.class_names)
        st.header("Confusion matrix")
        scores.confusion(answers, ds)
    elif section == "mistakes":
        st.header("The most confident mistakes")
        mistakes.mistakes(answers, ds)
    elif section == "robustness":
        st.header("How it breaks")
        robustness.robustness(in_use, active)
    elif section == "confidence":
        st.header("Saying “not sure”")
        confidence.threshold_view(answers)
    elif section == "calibration":
        st.header("Is its confidence honest?")
        confidence.calibration_view(answers)
    elif section == "compare":
        st.header("Compare two models")
        compare.compare_view(options, active)
    else:
        st.header("Teach it our handwriting")
        teach.teach_view(options, in_use, active)
