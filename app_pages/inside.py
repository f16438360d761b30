"""Inside: the weights, activations and gradients of the visitor's network, made visible.

A network is not a black box, only a large one. This page opens "your model", the
visitor's own (or the bundled pretrained one when they have none for this data set, and
says which) and shows what its units look for, how one image flows through it, how healthy
its training was, what happens when parts are cut out, and one step of backpropagation
in real numbers. Only the chosen tab computes.
"""

import streamlit as st

from ui import state, text
from ui.inside import activations, backprop, experiments, health, keys, weights
from ui.inside.context import inside_context

TABS = ["Weights", "Activations", "Health", "Experiments", "Backprop"]

st.title("Inside the network")
ins = inside_context()
ws = state.workspace()
if ins is None:
    st.info(
        "There is no model for this data set yet: train one on the **Train** page "
        "(the bundled pretrained model knows MNIST digits only).",
        icon=":material/model_training:",
    )
    st.stop()
st.markdown(
    f"Looking inside **{text.md(ins.in_use.sentence, text.SENTENCE)}**: {ins.in_use.model.config.describe()}, "
    f"{ins.in_use.model.n_params:,} weights."
)
if ins.notice:
    st.caption(ins.notice)

tabs = st.tabs(TABS, key=keys.VIEW, on_change="rerun")
views = {
    "Weights": lambda: weights.render(ins, ws),
    "Activations": lambda: activations.render(ins),
    "Health": lambda: health.render(ws),
    "Experiments": lambda: experiments.render(ins, ws),
    "Backprop": lambda: backprop.render(ins),
}
for name, tab in zip(TABS, tabs, strict=True):
    if tab.open:
        with tab:
            views[name]()
