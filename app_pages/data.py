"""Data explorer: look at the images before asking a network to learn from them.

Good practice before any training: see examples, check the classes are balanced, notice
what an average image looks like and where the images differ, see them all on one map,
and compare one image with its class. The map and the close-up open on demand, so the
page is on screen quickly.
"""

import streamlit as st

from ui import charts_data, dataview, state
from ui.active import SOURCE_LABELS, active_dataset, title
from ui.explore import pictures
from ui.figures import presentation
from ui.state import K

GRID = 32  # images in the example grid (4 rows of 8)
SHOW_SELECTED = 12  # images shown for a selection in the PCA map
PCA_POINTS = (1000, 3000, 10000)  # dots on the PCA map: quick by default, more on request

active = active_dataset()
ds = active.dataset
names = list(ds.class_names)
noun = "digits" if ds.name == "mnist" else "clothes"

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
row = st.container(horizontal=True, vertical_alignment="bottom", gap="medium")  # wraps if narrow
choice = row.pills("Show class", options, required=True, wrap=True, key=K.DATA_CLASS)
if row.button("New random draw", key=K.DATA_NEW_DRAW, icon=":material/casino:"):
    state.put(K.DATA_SEED, int(state.get(K.DATA_SEED) or 0) + 1)
seed = int(state.get(K.DATA_SEED) or 0)
class_id = None if choice == "All" else names.index(choice)
idx = dataview.draw_examples(ds.y_train, class_id, GRID, seed)
presentation.chart(pictures.example_grid_figure(ds.images()[idx], ds.y_train[idx], idx, names))
presentation.note(f"Random draw number {seed} from the training set; above each image, its class.")

# --- statistics ----------------------------------------------------------------------
st.header("Classes and pixels")
stats = dataview.cached_class_stats(*active.cache_key)
left, right = st.columns(2)
with left:
    presentation.chart(
        pictures.class_counts_figure(stats["train_counts"], stats["test_counts"], names)
    )
with right:
    presentation.chart(pictures.pixel_histogram_figure(stats["hist_counts"], stats["hist_edges"]))
presentation.chart(pictures.class_means_figure(stats["means"], names))
presentation.explain(
    "The average images are already recognisable: a network that only compared an image "
    f"with these ten averages would get many {noun} right. The rest of the work is in the "
    "details, where images of one class differ:"
)
presentation.chart(pictures.class_variance_figure(stats["variances"], names))
presentation.note(dataview.variance_sentence(stats["variances"], noun))

# --- PCA (on demand) -------------------------------------------------------------------
pca_box = st.expander("**All the images on one map (PCA)**", key=K.DATA_PCA_OPEN, on_change="rerun")
if pca_box.open:
    with pca_box:
        n_points = st.segmented_control(
            "Dots on the map",
            PCA_POINTS,
            default=PCA_POINTS[0],
            format_func=lambda n: f"{min(n, ds.n_train):,}",
            key=K.DATA_PCA_POINTS,
            help="More dots show the clusters better and take the browser longer to draw.",
        )
        pca = dataview.cached_pca(*active.cache_key, n=int(n_points or PCA_POINTS[0]))
        presentation.explain(
            f"Each dot is one of {len(pca.indices):,} training images, placed by the two "
            "directions in pixel space along which the images differ most. Similar images "
            "land close together."
        )
        left, right = st.columns([3, 1])
        with left:
            event = presentation.chart(
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
                presentation.chart(fig)
                st.caption(f"{len(picked)} of the {len(selected)} selected images.")
            else:
                st.caption("Click a dot, or drag a box around some, to see those images here.")

# --- one image against its class (on demand) -------------------------------------------
closer = st.expander(
    "**One image up close: what makes it typical, what makes it its own**",
    key=K.DATA_CLOSER_OPEN,
    on_change="rerun",
)
if closer.open:
    with closer:
        top = ds.n_train - 1
        if int(st.session_state.get(K.DATA_INDEX) or 0) > top:
            st.session_state[K.DATA_INDEX] = top  # a smaller data set is now shown
        index = int(st.number_input("Training image number", 0, top, 7, 1, key=K.DATA_INDEX))
        label = int(ds.y_train[index])
        fig = charts_data.compare_figure(
            ds.X_train[index], stats["means"][label], index, names[label]
        )
        presentation.chart(fig)
        presentation.note(
            f"Red: ink where the average {names[label]} has little; blue: the average "
            f"{names[label]} has ink that this image lacks. How the network turns pixels "
            "into numbers is on the Learn page."
        )
