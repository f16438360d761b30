"""Learn (home page): the ideas behind the network, each with its formula and a figure.

Read top to bottom, it follows one image through the network: pixels become numbers,
layers multiply and bend them, softmax turns scores into probabilities, the loss grades
them, and backpropagation tells every weight how to change. The last four sections
open on demand, so the page is on screen quickly and a teacher opens them one by one:
the first screen is pictures (SVG, :mod:`ui.learn.pictures`), and the interactive
Plotly charts load only when a section that needs them is opened.
"""

import inspect

import streamlit as st

from nn_core.activations import ACTIVATIONS
from ui import charts_learn, dataview, models
from ui.active import active_dataset, title
from ui.figures import presentation
from ui.learn import pictures
from ui.state import K

BATCH = 64  # batch size used for the shape tables
PATCH = 8  # side of the zoomed square of pixels

active = active_dataset()
ds = active.dataset
network = charts_learn.network_shown(models.model_in_use(ds.name))
words = charts_learn.lesson_words(ds.name)
sizes = network.config.sizes

st.title("How a neural network learns to read")
presentation.explain(
    "A neural network is a stack of simple steps: multiply by weights, add a bias, bend. "
    f"Below, each step gets a formula and a figure, in the order an image of "
    f"**{title(ds.name)}** travels through the network. {words.next_steps}"
)


def lesson_links() -> None:
    """The pages in the order of the lesson (the last step depends on the data set)."""
    columns = st.columns(len(words.links))
    for column, (page, label, icon) in zip(columns, words.links, strict=True):
        column.page_link(page, label=label, icon=icon)


lesson_links()

# --- 1. pixels to numbers ------------------------------------------------------------
st.header("1 · From pixels to numbers")
steps = dataview.preprocessing_steps(ds.X_train[0], int(ds.y_train[0]))
top, left = dataview.busy_patch(steps.raw, PATCH)
label = ds.class_names[steps.label]
image_col, patch_col = st.columns([2, 3])
with image_col:
    fig = pictures.image_figure(steps.raw, f"One {words.noun}: 28 × 28 pixels", (top, left, PATCH))
    presentation.chart(fig)
with patch_col:
    fig = pictures.patch_figure(
        steps.raw, top, left, PATCH, "The red square, up close: byte, then byte ÷ 255"
    )
    presentation.chart(fig)
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
presentation.chart(pictures.flat_strip_figure(steps.flat))
fig = pictures.one_hot_figure(steps.one_hot, ds.class_names, f"The label {label}, one-hot")
presentation.chart(fig)

# --- 2. forward propagation ----------------------------------------------------------
st.header("2 · Forward propagation")
left_col, right_col = st.columns([3, 2])
with left_col:
    fig = pictures.network_figure(sizes, network.config.activation, ds.class_names)
    presentation.chart(fig)
with right_col:
    st.markdown(f"The layers of {network.sentence}: `{network.config.describe()}`.")
    presentation.explain("Every layer computes")
    st.latex(r"Z = X W + b")
    st.latex(r"A = f(Z)")
    presentation.explain("and hands A to the next layer as its X. The last layer turns scores into")
    st.latex(r"P = \operatorname{softmax}(Z_{\text{last}})")
    presentation.explain(
        "Each line in the diagram is one weight; only a few units of wide layers are drawn."
    )
presentation.explain(
    f"Shapes for a batch of n = {BATCH} images (rows are images, columns are units):"
)
st.markdown(charts_learn.markdown_table(charts_learn.forward_shapes(sizes, BATCH)))


# --- 3-6: opened on demand -----------------------------------------------------------
@st.fragment
def activation_section() -> None:
    """A fragment: choosing an activation redraws this section only, not the page."""
    left, right = st.columns([2, 3])
    with left:
        names = list(ACTIVATIONS)
        name = st.radio(
            "Activation",
            names,
            index=names.index(network.config.activation),
            format_func=charts_learn.ACTIVATION_TITLES.get,
            key=K.LEARN_ACTIVATION,
            horizontal=True,
        )
        f_tex, df_tex = charts_learn.ACTIVATION_FORMULAS[name]
        st.latex(f_tex)
        st.latex(df_tex)
        presentation.explain(inspect.cleandoc(ACTIVATIONS[name].__doc__ or "").replace("\n", " "))
    with right:
        presentation.chart(charts_learn.activation_figure(name))


@st.fragment
def softmax_section() -> None:
    left, right = st.columns([2, 3])
    with left:
        st.latex(r"p_k = \frac{e^{z_k / T}}{\sum_j e^{z_j / T}}")
        temperature = st.slider(
            "Temperature T",
            0.1,
            5.0,
            1.0,
            0.1,
            key=K.LEARN_TEMPERATURE,
            help="Not used in training (T = 1); it shows how softmax turns differences "
            "into certainty.",
        )
        presentation.explain(
            "The biggest score gets the biggest probability, and all probabilities add up "
            "to 1. A low temperature makes the network sound sure; a high one makes every "
            "class look alike."
        )
    with right:
        scores = charts_learn.EXAMPLE_SCORES
        presentation.chart(charts_learn.softmax_figure(scores, temperature, ds.class_names))


@st.fragment
def loss_section() -> None:
    left, right = st.columns([2, 3])
    with left:
        st.latex(r"L = -\log p_{\text{true}}")
        p_true = st.slider(
            "Probability given to the true class", 0.01, 1.0, 0.3, 0.01, key=K.LEARN_P_TRUE
        )
        presentation.explain(
            "p_true is the probability the network gives the true class. "
            "Sure and right costs almost nothing; sure and wrong costs a lot. Training "
            "makes the average of this loss over the training images as small as possible."
        )
    with right:
        presentation.chart(charts_learn.cross_entropy_figure(p_true))


def backprop_section() -> None:
    presentation.explain(
        "Black arrows compute the answer; red arrows carry the gradient of the loss back, "
        "one layer at a time, by the chain rule."
    )
    presentation.chart(charts_learn.backprop_figure(len(sizes) - 1))
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
        st.markdown(charts_learn.markdown_table(charts_learn.backward_shapes(sizes, BATCH)))


LATER = (
    ("3 · Activation functions: the bend", K.LEARN_ACTIVATION_OPEN, activation_section),
    ("4 · Softmax: from scores to probabilities", K.LEARN_SOFTMAX_OPEN, softmax_section),
    ("5 · Cross-entropy: grading the answer", K.LEARN_LOSS_OPEN, loss_section),
    ("6 · Backpropagation: the chain rule, backwards", K.LEARN_BACKPROP_OPEN, backprop_section),
)
for heading, key, section in LATER:
    box = st.expander(f"**{heading}**", key=key, on_change="rerun")
    if box.open:
        with box:
            section()

st.divider()
st.subheader("Where next?")
lesson_links()
