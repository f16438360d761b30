"""Evaluate: where the network is wrong, how sure it is, and how it breaks.

Every section reads the same cached answers (one forward pass per model version over
the whole test set), so only the robustness curves ever run the network again. The
sections live in ``ui/evaluate/``.
"""

import streamlit as st

from ui import text
from ui.active import SOURCE_LABELS, active_dataset, title
from ui.evaluate import cache, scores, sections
from ui.models import model_in_use, model_options

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

in_use = sections.choose_model(options, current)
st.markdown(
    f"Evaluating **{text.md(in_use.sentence, text.SENTENCE)}** on the **{ds.n_test:,}** test images "
    f"({SOURCE_LABELS.get(ds.source, ds.source)})."
)

with st.spinner("Running the network over the test set..."):
    answers = cache.predictions(in_use, active)
scores.headline(answers)
sections.show_section(sections.choose_section(), answers, in_use, options, active)
