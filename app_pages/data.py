"""Data: look at the images before asking a network to learn from them.

Good practice before any training: see examples, check the classes are balanced, notice
what an average image looks like and where the images differ, see them all on one map,
and compare one image with its class. The sections live in :mod:`ui.data.sections`; the
map and the close-up open on demand, so the page is on screen quickly.
"""

import streamlit as st

from ui.active import SOURCE_LABELS, active_dataset, dataset_info, title
from ui.data import sections

active = active_dataset()
ds = active.dataset

st.title(f"Explore the data: {title(ds.name)}")
st.markdown(
    f"**{ds.n_train:,}** training images and **{ds.n_test:,}** test images of 28 × 28 pixels, "
    f"in {len(ds.class_names)} classes. Source: {SOURCE_LABELS.get(ds.source, ds.source)}."
)
if active.notice:
    st.info(active.notice, icon=":material/info:")

sections.examples(active)
stats = sections.classes_and_pixels(active, dataset_info(ds.name).plural)
sections.pca_map(active)
sections.one_image_up_close(active, stats["means"])
