"""Train: pick a recipe, press Start and watch the network learn, live."""

import streamlit as st

from ui.train import history as train_history
from ui.train import panel
from ui.active import active_dataset
from ui.limits import LIMITS
from ui.state import K
from ui.train.widgets import limits_caption, render_settings

st.title("Train a network")
st.markdown(
    "Choose a recipe on the left and press **Start**. Every step shows the network a small "
    "batch of images and nudges its weights to make the **loss** (how wrong it is) smaller. "
    "The **held-out** points check it on test images it never trains on."
)

active = active_dataset()
dataset = active.dataset
settings_col, live_col = st.columns([1, 2.2], gap="large")
with settings_col:
    settings = render_settings(LIMITS, dataset.n_train)
    for note in (*st.session_state.get(K.TRAIN_NOTES, []), *settings.notes):
        st.warning(note, icon=":material/speed:")
    st.caption(limits_caption(LIMITS) + " Settings apply when you press **Start**.")
with live_col:
    panel.controls(LIMITS)
    panel.live_panel(LIMITS)
    panel.compare_picker(LIMITS)

st.divider()
train_history.history(LIMITS, dataset)
