"""The six sections of the Learn page, in the order an image travels through the network.

The first two are on screen at once and drawn as pictures (SVG, :mod:`ui.learn.pictures`):
pixels become numbers, and the layers turn them into scores. The last four open on
demand, so the page is quick to show and a teacher opens them one by one; only they load
the interactive Plotly charts (:mod:`ui.learn.charts`). Each section takes what it shows
as arguments: the data set, the network on screen (:mod:`ui.learn.words`). The first
two sections' figures are the same for every visitor who has not trained yet, so they are
built once per server and shared (``st.cache_resource``; an ``Svg`` is frozen).
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence

import streamlit as st

from nn_core.activations import ACTIVATIONS
from nn_core.data import Dataset
from server.shared_data import fingerprint
from ui import text
from ui.figures import presentation
from ui.learn import charts, keys, pictures, pixels, shapes
from ui.learn.words import LessonWords, NetworkShown

BATCH = 64  # batch size used for the shape tables
PATCH = 8  # side of the zoomed square of pixels


def lesson_links(words: LessonWords) -> None:
    """The pages in the order of the lesson (the last step depends on the data set)."""
    columns = st.columns(len(words.links))
    for column, (page, label, icon) in zip(columns, words.links, strict=True):
        column.page_link(page, label=label, icon=icon)


def pixels_to_numbers(ds: Dataset, noun: str) -> None:
    """Section 1: the first training image, a square of it up close, byte by byte, then
    the row of 784 numbers and the one-hot label the network actually receives."""
    st.header("1 · From pixels to numbers")
    version = fingerprint(ds) if ds.source == "collection" else ds.n_train  # it grows
    label, image, patch, strip, one_hot = _pixel_figures(ds.name, ds.source, version, noun, ds)
    image_col, patch_col = st.columns([2, 3])
    with image_col:
        presentation.chart(image)
    with patch_col:
        presentation.chart(patch)
    text_col, formula_col = st.columns(2)
    with text_col:
        presentation.explain(
            "Each pixel is a byte, 0 (paper) to 255 (full ink). Dividing by 255 puts every "
            "input in the same small range. The 28 rows are then laid end to end: one image "
            "is one row of **784** numbers."
        )
        st.latex(r"x_i = \frac{\text{pixel}_i}{255} \in [0, 1]")
    with formula_col:
        st.latex(r"X \in \mathbb{R}^{n \times 784}")
        presentation.explain(
            f"The label (here **{label}**) becomes a *one-hot* vector: a 1 for its class, "
            "0 for the nine others."
        )
        st.latex(r"y = (0, \dots, 1, \dots, 0)")
    presentation.chart(strip)
    presentation.chart(one_hot)


@st.cache_resource(show_spinner=False, max_entries=8)
def _pixel_figures(name: str, source: str, version: int | str, noun: str, _ds: Dataset) -> tuple:
    """Section 1's label and four figures, built once per server for every visitor (the
    same first image of the same data set; name, source and size, or a collection's
    content, are the key)."""
    image = pixels.image_as_numbers(_ds.X_train[0], int(_ds.y_train[0]), len(_ds.class_names))
    top, left = pixels.busy_patch(image.raw, PATCH)
    label = _ds.class_names[image.label]
    return (
        label,
        pictures.image_figure(image.raw, f"One {noun}: 28 × 28 pixels", (top, left, PATCH)),
        pictures.patch_figure(
            image.raw, top, left, PATCH, "The red square, up close: byte, then byte ÷ 255"
        ),
        pictures.flat_strip_figure(image.flat),
        pictures.one_hot_figure(image.one_hot, _ds.class_names, f"The label {label}, one-hot"),
    )


@st.cache_resource(show_spinner=False, max_entries=32)
def _network_figure(sizes: tuple, activation: str, class_names: tuple):
    """Section 2's diagram: the same for everyone who has not trained a network yet."""
    return pictures.network_figure(sizes, activation, class_names)


def forward_propagation(network: NetworkShown, class_names: Sequence[str]) -> None:
    """Section 2: the layers of the network on screen, the two lines every layer computes,
    and the shape of every array for one batch."""
    sizes = network.config.sizes
    st.header("2 · Forward propagation")
    left_col, right_col = st.columns([3, 2])
    with left_col:
        fig = _network_figure(tuple(sizes), network.config.activation, tuple(class_names))
        presentation.chart(fig)
    with right_col:
        st.markdown(
            f"The layers of {text.md(network.sentence, text.SENTENCE)}: `{network.config.describe()}`."
        )
        presentation.explain("Every layer computes")
        st.latex(r"Z = X W + b")
        st.latex(r"A = f(Z)")
        presentation.explain(
            "and hands A to the next layer as its X. The last layer turns scores into"
        )
        st.latex(r"P = \operatorname{softmax}(Z_{\text{last}})")
        presentation.explain(
            "Each line in the diagram is one weight; only a few units of wide layers are drawn."
        )
    presentation.explain(
        f"Shapes for a batch of n = {BATCH} images (rows are images, columns are units):"
    )
    st.markdown(shapes.markdown_table(shapes.forward_shapes(sizes, BATCH)))


@st.fragment
def activation_section(activation: str) -> None:
    """A fragment: choosing an activation redraws this section only, not the page. It
    starts on ``activation``, the one the network on screen uses."""
    left, right = st.columns([2, 3])
    with left:
        names = list(ACTIVATIONS)
        name = st.radio(
            "Activation",
            names,
            index=names.index(activation),
            format_func=charts.ACTIVATION_TITLES.get,
            key=keys.ACTIVATION,
            horizontal=True,
        )
        f_tex, df_tex = charts.ACTIVATION_FORMULAS[name]
        st.latex(f_tex)
        st.latex(df_tex)
        presentation.explain(inspect.cleandoc(ACTIVATIONS[name].__doc__ or "").replace("\n", " "))
    with right:
        presentation.chart(charts.activation_figure(name))


@st.fragment
def softmax_section(class_names: Sequence[str]) -> None:
    left, right = st.columns([2, 3])
    with left:
        st.latex(r"p_k = \frac{e^{z_k / T}}{\sum_j e^{z_j / T}}")
        temperature = st.slider(
            "Temperature T",
            0.1,
            5.0,
            1.0,
            0.1,
            key=keys.TEMPERATURE,
            help="Not used in training (T = 1); it shows how softmax turns differences "
            "into certainty.",
        )
        presentation.explain(
            "The biggest score gets the biggest probability, and all probabilities add up "
            "to 1. A low temperature makes the network sound sure; a high one makes every "
            "class look alike."
        )
    with right:
        scores = charts.EXAMPLE_SCORES
        presentation.chart(charts.softmax_figure(scores, temperature, class_names))


@st.fragment
def loss_section() -> None:
    left, right = st.columns([2, 3])
    with left:
        st.latex(r"L = -\log p_{\text{true}}")
        p_true = st.slider(
            "Probability given to the true class", 0.01, 1.0, 0.3, 0.01, key=keys.P_TRUE
        )
        presentation.explain(
            "p_true is the probability the network gives the true class. "
            "Sure and right costs almost nothing; sure and wrong costs a lot. Training "
            "makes the average of this loss over the training images as small as possible."
        )
    with right:
        presentation.chart(charts.cross_entropy_figure(p_true))


def backprop_section(sizes: Sequence[int]) -> None:
    presentation.explain(
        "Black arrows compute the answer; red arrows carry the gradient of the loss back, "
        "one layer at a time, by the chain rule."
    )
    presentation.chart(charts.backprop_figure(len(sizes) - 1))
    left, right = st.columns(2)
    with left:
        st.latex(r"dZ_{\text{last}} = \frac{P - Y}{n}")
        st.latex(r"dW = X^{\top} dZ")
        st.latex(r"db = \textstyle\sum_{\text{rows}} dZ")
        st.latex(r"dA_{\text{below}} = dZ\, W^{\top}")
        st.latex(r"dZ = dA \odot f'(Z)")
        st.latex(r"W \leftarrow W - \eta\, dW")
        st.markdown("η is the learning rate: how big a step each update takes.")
    with right:
        presentation.explain("Every gradient has exactly the shape of the array it belongs to:")
        st.markdown(shapes.markdown_table(shapes.backward_shapes(sizes, BATCH)))


def later_sections(network: NetworkShown, class_names: Sequence[str]) -> None:
    """Sections 3 to 6, each in an expander drawn only while it is open: a closed
    section sends nothing to the browser, not even Plotly's script."""
    later = (
        (
            "3 · Activation functions: the bend",
            keys.ACTIVATION_OPEN,
            lambda: activation_section(network.config.activation),
        ),
        (
            "4 · Softmax: from scores to probabilities",
            keys.SOFTMAX_OPEN,
            lambda: softmax_section(class_names),
        ),
        ("5 · Cross-entropy: grading the answer", keys.LOSS_OPEN, loss_section),
        (
            "6 · Backpropagation: the chain rule, backwards",
            keys.BACKPROP_OPEN,
            lambda: backprop_section(network.config.sizes),
        ),
    )
    for heading, key, section in later:
        box = st.expander(f"**{heading}**", key=key, on_change="rerun")
        if box.open:
            with box:
                section()
