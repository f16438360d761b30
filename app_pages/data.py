"""Data explorer: look at the images before asking a network to learn from them.

Good practice before any training: see examples, check the classes are balanced, notice
what an average digit looks like and where the images differ, and follow one image
through the preprocessing the network will see.
"""

import streamlit as st

from ui import charts_data, dataview, state
from ui.active import SOURCE_LABELS, active_dataset, title
from ui.state import K

GRID = 32  # images in the example grid (4 rows of 8)
SHOW_SELECTED = 12  # images shown for a selection in the PCA map
PLOT_CONFIG = {"displayModeBar": False}

active = active_dataset()
ds = active.dataset
names = list(ds.class_names)

st.title(f"Explore the data: {title(ds.name)}")
st.markdown(
    f"**{ds.n_train:,}** training images and **{ds.n_test:,}** test images of 28 × 28 pixels, "
    f"in {len(names)} classes. Source: {SOURCE_LABELS.get(ds.source, ds.source)}."
)
if active.notice:
    st.info(active.notice, icon=":material/info:")

# --- examples ------------------------------------------------------------------------
st.header("Examples")
options = ["All", *names]
if st.session_state.get(K.DATA_CLASS) not in options:
    st.session_state[K.DATA_CLASS] = "All"  # the other data set's class names do not apply
left, middle, _ = st.columns([2, 2, 5], vertical_alignment="bottom")
choice = left.selectbox("Show class", options, key=K.DATA_CLASS)
if middle.button("New random draw", key=K.DATA_NEW_DRAW, icon=":material/casino:"):
    state.put(K.DATA_SEED, int(state.get(K.DATA_SEED) or 0) + 1)
seed = int(state.get(K.DATA_SEED) or 0)
class_id = None if choice == "All" else names.index(choice)
idx = dataview.draw_examples(ds.y_train, class_id, GRID, seed)
st.plotly_chart(
    charts_data.example_grid_figure(ds.images()[idx], ds.y_train[idx], idx, names),
    config=PLOT_CONFIG,
)
st.caption(f"Random draw number {seed} from the training set. Hover an image for its number.")

# --- statistics ----------------------------------------------------------------------
st.header("Classes and pixels")
stats = dataview.cached_class_stats(*active.cache_key)
left, right = st.columns(2)
with left:
    fig = charts_data.class_counts_figure(stats["train_counts"], stats["test_counts"], names)
    st.plotly_chart(fig, config=PLOT_CONFIG)
with right:
    fig = charts_data.pixel_histogram_figure(stats["hist_counts"], stats["hist_edges"])
    st.plotly_chart(fig, config=PLOT_CONFIG)
st.plotly_chart(charts_data.class_means_figure(stats["means"], names), config=PLOT_CONFIG)
st.plotly_chart(charts_data.class_variance_figure(stats["variances"], names), config=PLOT_CONFIG)
st.caption(
    "The average images are already recognisable: that is why even a single layer gets "
    "most digits right. Pixels near the border never vary: they carry no information."
)

# --- PCA -----------------------------------------------------------------------------
st.header("All the images on one map (PCA)")
pca = dataview.cached_pca(*active.cache_key)
st.markdown(
    f"Each dot is one of {len(pca.indices):,} training images, placed by the two directions "
    "in pixel space along which the images differ most. Similar images land close together."
)
left, right = st.columns([3, 1])
with left:
    event = st.plotly_chart(
        charts_data.pca_figure(pca.coords, pca.labels, pca.indices, names, pca.explained),
        key=K.DATA_PCA,
        on_select="rerun",
        selection_mode=("points", "box", "lasso"),
    )
with right:
    selected = dataview.selected_ids(event, ds.n_train)
    if selected:
        picked = selected[:SHOW_SELECTED]
        fig = charts_data.example_grid_figure(
            ds.images()[picked], ds.y_train[picked], picked, names, cols=3
        )
        st.plotly_chart(fig, config=PLOT_CONFIG)
        st.caption(f"{len(picked)} of the {len(selected)} selected images.")
    else:
        st.caption("Click a dot, or drag a box around some, to see those images here.")

# --- one image through preprocessing -------------------------------------------------
st.header("One image on its way into the network")
top = ds.n_train - 1
if int(st.session_state.get(K.DATA_INDEX) or 0) > top:
    st.session_state[K.DATA_INDEX] = top  # a smaller data set is now shown
index = st.number_input("Training image number", 0, top, 0, 1, key=K.DATA_INDEX)
steps = dataview.preprocessing_steps(ds.X_train[index], int(ds.y_train[index]))
left, right = st.columns(2)
with left:
    fig = charts_data.pixel_grid_figure(
        steps.raw,
        "1 · Stored: 28 × 28 bytes, 0 … 255",
        zmax=255,
        values=True,
        height=520,
        text_size=9,
    )
    st.plotly_chart(fig, config=PLOT_CONFIG)
with right:
    fig = charts_data.pixel_grid_figure(
        steps.scaled, "2 · Divided by 255: floats 0 … 1", zmax=1, height=520
    )
    st.plotly_chart(fig, config=PLOT_CONFIG)
fig = charts_data.flat_strip_figure(steps.flat, "3 · Flattened: one row of 784 numbers")
st.plotly_chart(fig, config=PLOT_CONFIG)
st.markdown(
    f"**4 · The label** *{names[steps.label]}* as a one-hot vector: the probabilities "
    "a perfect network would output."
)
st.plotly_chart(charts_data.one_hot_figure(steps.one_hot, names), config=PLOT_CONFIG)
