"""The sections of the Data page: look at the images before asking a network to learn
from them.

The examples and the class statistics are on screen at once, as pictures (SVG,
:mod:`ui.data.pictures`). The PCA map and the close-up of one image need the
interactive charts (:mod:`ui.data.charts`), so they open on demand and the page is
quick to show. The numbers come from :mod:`ui.data.stats`, computed once per server,
and so do the first figures: every student sees the same statistics and, at first, the
same random draw, so a class opening the page at once pays for them once, not thirty
times (``st.cache_resource``: the figures are frozen, nobody changes them).
"""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.active import ActiveData, dataset_of
from ui.data import charts, keys, pictures, stats
from ui.figures import presentation

GRID = 32  # images in the example grid (4 rows of 8)
SHOW_SELECTED = 12  # images shown for a selection in the PCA map
PCA_POINTS = (1000, 3000, 10000)  # dots on the PCA map: quick by default, more on request


def draw_seed() -> int:
    """Which random draw the grid shows: the first at first, one more per click on
    "New random draw". The same number gives every student the same images."""
    return int(st.session_state[keys.SEED])


def examples(active: ActiveData) -> None:
    """A grid of random training images, of one class or all, redrawn on request.

    The first section of the page: it fills in the page's defaults (the first draw)."""
    state.ensure_state(keys.DEFAULTS)
    ds = active.dataset
    names = list(ds.class_names)
    st.header("Examples")
    options = ["All", *names]
    if st.session_state.get(keys.CLASS) not in options:
        st.session_state[keys.CLASS] = "All"  # the other data set's class names do not apply
    # one row that wraps if narrow
    row = st.container(horizontal=True, vertical_alignment="bottom", gap="medium")
    choice = row.pills("Show class", options, required=True, wrap=True, key=keys.CLASS)
    if row.button("New random draw", key=keys.NEW_DRAW, icon=":material/casino:"):
        st.session_state[keys.SEED] = draw_seed() + 1
    seed = draw_seed()
    class_id = None if choice == "All" else names.index(choice)
    presentation.chart(example_grid(*active.cache_key, class_id=class_id, seed=seed))
    presentation.note(
        f"Random draw number {seed} from the training set; above each image, its class."
    )


def classes_and_pixels(active: ActiveData, plural: str) -> dict:
    """How many images each class has, how bright the pixels are, and the average and
    the variance of each class. Returns the statistics (the close-up reuses the means).

    plural: what the images show, plural ("digits", "clothes")."""
    st.header("Classes and pixels")
    numbers, counts, histogram, means, variance = class_figures(*active.cache_key)
    left, right = st.columns(2)
    with left:
        presentation.chart(counts)
    with right:
        presentation.chart(histogram)
    presentation.chart(means)
    presentation.explain(
        "The average images are already recognisable: a network that only compared an image "
        f"with these ten averages would get many {plural} right. The rest of the work is in "
        "the details, where images of one class differ:"
    )
    presentation.chart(variance)
    presentation.note(stats.variance_sentence(numbers["variances"], plural))
    return numbers


@st.cache_resource(show_spinner=False, max_entries=64)
def example_grid(name: str, source: str, version: int | str, class_id: int | None, seed: int):
    """The example grid of draw ``seed`` (of class ``class_id``, or all): the same for
    every student who asks for it. (``source`` and ``version`` make the key precise:
    ``ActiveData.cache_key``.)"""
    ds = dataset_of(name, source, version)
    idx = stats.draw_examples(ds.y_train, class_id, GRID, seed)
    return pictures.example_grid_figure(ds.images()[idx], ds.y_train[idx], idx, ds.class_names)


@st.cache_resource(show_spinner=False, max_entries=8)
def class_figures(name: str, source: str, version: int | str) -> tuple:
    """The statistics (read-only arrays) and the four figures of "Classes and pixels"."""
    numbers = stats.cached_class_stats(name, source, version)
    for array in numbers.values():
        array.flags.writeable = False  # shared by every visitor from now on
    names = list(dataset_of(name, source, version).class_names)
    return (
        numbers,
        pictures.class_counts_figure(numbers["train_counts"], numbers["test_counts"], names),
        pictures.pixel_histogram_figure(numbers["hist_counts"], numbers["hist_edges"]),
        pictures.class_means_figure(numbers["means"], names),
        pictures.class_variance_figure(numbers["variances"], names),
    )


def pca_map(active: ActiveData) -> None:
    """All the images on one map (PCA), opened on demand: select dots to see their images."""
    ds = active.dataset
    names = list(ds.class_names)
    box = st.expander("**All the images on one map (PCA)**", key=keys.PCA_OPEN, on_change="rerun")
    if not box.open:
        return
    with box:
        n_points = st.segmented_control(
            "Dots on the map",
            PCA_POINTS,
            default=PCA_POINTS[0],
            format_func=lambda n: f"{min(n, ds.n_train):,}",
            key=keys.PCA_POINTS,
            help="More dots show the clusters better and take the browser longer to draw.",
        )
        pca = stats.cached_pca(*active.cache_key, n=int(n_points or PCA_POINTS[0]))
        presentation.explain(
            f"Each dot is one of {len(pca.indices):,} training images, placed by the two "
            "directions in pixel space along which the images differ most. Similar images "
            "land close together."
        )
        left, right = st.columns([3, 1])
        with left:
            event = presentation.chart(
                charts.pca_figure(pca.coords, pca.labels, pca.indices, names, pca.explained),
                key=keys.PCA,
                on_select="rerun",
                selection_mode=("points", "box", "lasso"),
            )
        with right:
            selected = stats.selected_ids(event, ds.n_train)
            if selected:
                picked = selected[:SHOW_SELECTED]
                fig = charts.example_grid_figure(
                    ds.images()[picked], ds.y_train[picked], picked, names, cols=3
                )
                presentation.chart(fig)
                st.caption(f"{len(picked)} of the {len(selected)} selected images.")
            else:
                st.caption("Click a dot, or drag a box around some, to see those images here.")


def one_image_up_close(active: ActiveData, means) -> None:
    """One training image beside its class's average (``means``: ``(10, 784)``) and the
    difference: what makes it typical, and what makes it its own. Opened on demand."""
    ds = active.dataset
    names = list(ds.class_names)
    closer = st.expander(
        "**One image up close: what makes it typical, what makes it its own**",
        key=keys.CLOSER_OPEN,
        on_change="rerun",
    )
    if not closer.open:
        return
    with closer:
        top = ds.n_train - 1
        if int(st.session_state.get(keys.INDEX) or 0) > top:
            st.session_state[keys.INDEX] = top  # a smaller data set is now shown
        index = int(st.number_input("Training image number", 0, top, 7, 1, key=keys.INDEX))
        label = int(ds.y_train[index])
        fig = charts.compare_figure(ds.X_train[index], means[label], index, names[label])
        presentation.chart(fig)
        presentation.note(
            f"Red: ink where the average {names[label]} has little; blue: the average "
            f"{names[label]} has ink that this image lacks. How the network turns pixels "
            "into numbers is on the Learn page."
        )
