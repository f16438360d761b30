"""Evaluate: where the network is wrong, how sure it is, and how it breaks.

Every section reads the same cached answers (one forward pass per model version over
the whole test set), so only the robustness curves ever run the network again.
"""

import streamlit as st

from ui.active import SOURCE_LABELS, active_dataset, title
from ui.evaluate import cache, compare, confidence, mistakes, robustness, scores
from ui.models import model_in_use, model_options
from ui.state import K

SECTIONS = {
    "scores": ":material/grid_on: Scores and confusion",
    "mistakes": ":material/error: Mistakes",
    "robustness": ":material/blur_on: Robustness",
    "confidence": ":material/help: Not sure",
    "calibration": ":material/straighten: Calibration",
    "compare": ":material/compare: Compare models",
}

active = active_dataset()
ds = active.dataset
st.title(f"Evaluate: {title(ds.name)}")
st.markdown(
    "Test images are images the network never trained on: how it does on them is how it "
    "will do on new ones. Here is where it goes wrong, how sure it is, and how it breaks."
)
if active.notice:
    st.info(active.notice, icon=":material/info:")

options = model_options(ds.name)
current = model_in_use(ds.name)
if current is None or not options:
    st.info(
        f"There is no model for {title(ds.name)} yet: train one on the **Train** page, "
        "then come back.",
        icon=":material/model_training:",
    )
    st.stop()

titles = [m.title for m in options]
if st.session_state.get(K.EVAL_MODEL) not in titles:
    st.session_state[K.EVAL_MODEL] = current.title if current.title in titles else titles[0]
if len(options) > 1:
    st.selectbox("Model to evaluate", titles, key=K.EVAL_MODEL)
in_use = options[titles.index(st.session_state[K.EVAL_MODEL])]
st.markdown(
    f"Evaluating **{in_use.sentence}** on the **{ds.n_test:,}** test images "
    f"({SOURCE_LABELS.get(ds.source, ds.source)})."
)

with st.spinner("Running the network over the test set..."):
    answers = cache.predictions(in_use, active)
scores.headline(answers)

section = st.segmented_control(
    "Section",
    list(SECTIONS),
    format_func=SECTIONS.get,
    default="scores",
    required=True,
    key=K.EVAL_VIEW,
    label_visibility="collapsed",
)
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
else:
    st.header("Compare two models")
    compare.compare_view(options, active)
