"""Learn (home page): the ideas behind the network, each with its formula and a figure.

Read top to bottom, it follows one image through the network: pixels become numbers,
layers multiply and bend them, softmax turns scores into probabilities, the loss grades
them, and backpropagation tells every weight how to change.
"""

import inspect

import streamlit as st

from nn_core.activations import ACTIVATIONS
from nn_core.model import ModelConfig
from ui import charts_data, charts_learn, dataview, state
from ui.active import active_dataset, title
from ui.state import K

BATCH = 64  # batch size used for the shape tables
PLOT_CONFIG = {"displayModeBar": False}

active = active_dataset()
ds = active.dataset
model = state.get(K.MODEL)
config = model.config if model is not None else ModelConfig()
sizes = config.sizes

st.title("How a neural network learns to read")
st.markdown(
    f"A neural network is a stack of simple steps: multiply by weights, add a bias, bend. "
    f"Below, each step gets a formula and a figure, in the order an image of "
    f"**{title(ds.name)}** travels through the network. Then explore the data, train "
    "your own network and test it on your handwriting."
)


def lesson_links() -> None:
    """The pages in the order of the lesson."""
    c1, c2, c3 = st.columns(3)
    c1.page_link("app_pages/data.py", label="Step 2 · Explore the data", icon=":material/grid_view:")
    c2.page_link(
        "app_pages/train.py", label="Step 3 · Train a network", icon=":material/model_training:"
    )
    c3.page_link("app_pages/draw.py", label="Step 4 · Draw a digit", icon=":material/draw:")


lesson_links()

# --- 1. pixels to numbers ------------------------------------------------------------
st.header("1 · From pixels to numbers")
steps = dataview.preprocessing_steps(ds.X_train[0], int(ds.y_train[0]))
left, middle, right = st.columns([5, 4, 3])
with left:
    fig = charts_data.pixel_grid_figure(
        steps.raw, "Raw: 28 × 28 bytes, 0 … 255", zmax=255, values=True, height=440
    )
    st.plotly_chart(fig, config=PLOT_CONFIG)
with middle:
    fig = charts_data.pixel_grid_figure(steps.scaled, "Divided by 255: 0 … 1", zmax=1, height=440)
    st.plotly_chart(fig, config=PLOT_CONFIG)
with right:
    st.markdown("Each pixel is a byte. Dividing by 255 puts every input in the same small range:")
    st.latex(r"x_i = \frac{\text{pixel}_i}{255} \in [0, 1]")
    st.markdown("The 28 rows are laid end to end: one image is one row of **784** numbers.")
    st.latex(r"X \in \mathbb{R}^{n \times 784}")
    st.markdown(f"The label (here **{ds.class_names[steps.label]}**) becomes a *one-hot* vector:")
    st.latex(r"y = (0, \dots, 0, 1, 0, \dots, 0)")
st.plotly_chart(charts_data.flat_strip_figure(steps.flat), config=PLOT_CONFIG)
label = ds.class_names[steps.label]
fig = charts_data.one_hot_figure(
    steps.one_hot, ds.class_names, f"The label {label} as a one-hot vector"
)
st.plotly_chart(fig, config=PLOT_CONFIG)

# --- 2. forward propagation ----------------------------------------------------------
st.header("2 · Forward propagation")
whose = "your model" if model is not None else "the default network"
left, right = st.columns([3, 2])
with left:
    fig = charts_learn.network_figure(sizes, config.activation, ds.class_names)
    st.plotly_chart(fig, config=PLOT_CONFIG)
with right:
    st.markdown(f"The layers of {whose}: `{config.describe()}`. Every layer computes")
    st.latex(r"Z = X W + b \qquad A = f(Z)")
    st.markdown("and hands A to the next layer as its X. The last layer turns scores into")
    st.latex(r"P = \operatorname{softmax}(Z_{\text{last}})")
    st.markdown(
        "Each line in the diagram is one weight; only a few units of wide layers are drawn."
    )
st.markdown(f"Shapes for a batch of n = {BATCH} images (rows are images, columns are units):")
st.table(charts_learn.forward_shapes(sizes, BATCH))

# --- 3. activation functions ---------------------------------------------------------
st.header("3 · Activation functions: the bend")
left, right = st.columns([2, 3])
with left:
    names = list(ACTIVATIONS)
    name = st.radio(
        "Activation",
        names,
        index=names.index(config.activation),
        format_func=charts_learn.ACTIVATION_TITLES.get,
        key=K.LEARN_ACTIVATION,
        horizontal=True,
    )
    f_tex, df_tex = charts_learn.ACTIVATION_FORMULAS[name]
    st.latex(f_tex)
    st.latex(df_tex)
    st.markdown(inspect.cleandoc(ACTIVATIONS[name].__doc__ or "").replace("\n", " "))
with right:
    st.plotly_chart(charts_learn.activation_figure(name), config=PLOT_CONFIG)

# --- 4. softmax ------------------------------------------------------------------------
st.header("4 · Softmax: from scores to probabilities")
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
        help="Not used in training (T = 1); it shows how softmax turns differences into certainty.",
    )
    st.markdown(
        "The biggest score gets the biggest probability, and all probabilities add up to 1. "
        "A low temperature makes the network sound sure; a high one makes every class "
        "look alike."
    )
with right:
    fig = charts_learn.softmax_figure(charts_learn.EXAMPLE_SCORES, temperature, ds.class_names)
    st.plotly_chart(fig, config=PLOT_CONFIG)

# --- 5. cross-entropy ----------------------------------------------------------------
st.header("5 · Cross-entropy: grading the answer")
left, right = st.columns([2, 3])
with left:
    st.latex(r"L = -\log p_{\text{true class}}")
    p_true = st.slider(
        "Probability given to the true class", 0.01, 1.0, 0.3, 0.01, key=K.LEARN_P_TRUE
    )
    st.markdown(
        "Sure and right costs almost nothing; sure and wrong costs a lot. Training makes "
        "the average of this loss over the training images as small as possible."
    )
with right:
    st.plotly_chart(charts_learn.cross_entropy_figure(p_true), config=PLOT_CONFIG)

# --- 6. backpropagation --------------------------------------------------------------
st.header("6 · Backpropagation: the chain rule, backwards")
st.markdown(
    "Black arrows compute the answer; red arrows carry the gradient of the loss back, "
    "one layer at a time, by the chain rule."
)
st.plotly_chart(charts_learn.backprop_figure(len(sizes) - 1), config=PLOT_CONFIG)
left, right = st.columns([2, 3])
with left:
    st.latex(r"dZ_{\text{last}} = \frac{P - Y}{n}")
    st.latex(r"dW = X^{\top} dZ \qquad db = \textstyle\sum_{\text{rows}} dZ")
    st.latex(r"dA_{\text{below}} = dZ\, W^{\top} \qquad dZ = dA \odot f'(Z)")
    st.latex(r"W \leftarrow W - \eta\, dW \qquad (\eta: \text{learning rate})")
with right:
    st.markdown("Every gradient has exactly the shape of the array it belongs to:")
    st.table(charts_learn.backward_shapes(sizes, BATCH))

st.divider()
st.subheader("Where next?")
lesson_links()
