"""Train: pick a recipe, press Start and watch the network learn, live."""

import streamlit as st

from server.limits import LIMITS
from ui.active import active_dataset
from ui.train import panel, small_data
from ui.train.history import history
from ui.train.lesson import locked_keys, share_box, show_lesson_notes
from ui.train.widgets import current_values, limits_caption, pace_widgets, render_settings

st.title("Train a network")
st.markdown(
    "Choose a recipe on the left and press **Start**. Every step shows the network a small "
    "batch of images and nudges its weights to make the **loss** (how wrong it is) smaller. "
    "The **held-out** points check it on test images it never trains on."
)

dataset = active_dataset().dataset
small_data.about(dataset)
settings_col, live_col = st.columns([1, 2.2], gap="large")
with settings_col:
    show_lesson_notes()
    settings = render_settings(LIMITS, dataset.n_train, locked_keys())
    for note in settings.notes:
        st.warning(note, icon=":material/speed:")
    st.caption(limits_caption(LIMITS) + " Settings apply when you press **Start**.")
    share_box(current_values(LIMITS))
with live_col:
    pace_widgets(locked_keys())
    panel.controls(LIMITS)
    panel.live_panel(LIMITS)
    panel.compare_picker()

st.divider()
history(LIMITS, dataset)
