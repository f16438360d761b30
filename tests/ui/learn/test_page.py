"""The Learn page in AppTest: every control reachable by its key and wired to its figure."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from nn_core.data import DATASETS
from nn_core.losses import softmax
from nn_core.model import MLP
from tests.support.apptest import (
    SVG,
    figure_widths,
    open_page,
    svg_figures,
    svg_picture,
    svg_texts,
)
from tests.support.apptest import plotly_charts as charts
from ui import shared as ui_shared
from ui.learn import keys, pixels
from ui.learn.charts import EXAMPLE_SCORES
from ui.state import K
from ui.workspace.workspace import TrainWorkspace

LATER = (keys.ACTIVATION_OPEN, keys.SOFTMAX_OPEN, keys.LOSS_OPEN, keys.BACKPROP_OPEN)

pytestmark = pytest.mark.usefixtures("bundled_sample_only")  # the same data on every machine


@pytest.fixture()
def at() -> AppTest:
    """The Learn page with its four on-demand sections opened."""
    return open_page(None, dict.fromkeys(LATER, True))


def test_first_screen_is_light_and_the_rest_opens_on_demand():
    closed = open_page()
    assert set(svg_figures(closed)) == {"image", "pixel_patch", "flat_strip", "one_hot", "network"}
    assert not charts(closed)  # no Plotly on the first screen: its script alone takes a second
    assert not closed.table  # nor a data grid (Arrow's script): the shapes are Markdown
    labels = [e.label for e in closed.expander]
    for word in ("Activation", "Softmax", "Cross-entropy", "Backpropagation"):
        assert any(word in label for label in labels)


def test_page_shows_every_concept(at):
    found = charts(at)
    assert {"softmax", "cross_entropy", "backprop", "activation"} <= set(found)
    assert "network" in svg_figures(at)
    headers = " ".join(h.value for h in at.header)
    for word in ("pixels", "Forward"):
        assert word in headers
    assert len(at.latex) >= 14
    tables = [m.value for m in at.markdown if m.value.startswith("| layer |")]
    assert len(tables) == 2  # forward and backward shapes


def test_activation_selector_changes_the_curve(at):
    before = charts(at)["activation"][0]["data"][0]["y"]
    assert at.radio(key=keys.ACTIVATION).value == "relu"
    at.radio(key=keys.ACTIVATION).set_value("sigmoid").run()
    assert not at.exception, at.exception
    after = charts(at)["activation"][0]["data"]
    z = np.asarray(after[0]["x"])
    np.testing.assert_allclose(after[0]["y"], 1 / (1 + np.exp(-z)), rtol=1e-6)
    assert not np.allclose(before, after[0]["y"])
    assert any("1 + e^{-z}" in x.value for x in at.latex)


def test_temperature_slider_changes_probabilities(at):
    at.slider(key=keys.TEMPERATURE).set_value(3.0).run()
    assert not at.exception, at.exception
    probs = charts(at)["softmax"][0]["data"][1]["y"]
    expected = softmax(np.asarray(EXAMPLE_SCORES)[None, :], 3.0)[0]
    np.testing.assert_allclose(probs, expected, rtol=1e-9)


def test_p_true_slider_moves_the_point(at):
    at.slider(key=keys.P_TRUE).set_value(0.8).run()
    assert not at.exception, at.exception
    point = charts(at)["cross_entropy"][0]["data"][1]
    assert point["x"] == [0.8] and point["y"][0] == pytest.approx(-np.log(0.8))


def test_real_image_goes_through_preprocessing(at):
    sample = ui_shared.get_dataset("mnist")
    raw = np.rint(sample.X_train[0] * 255).reshape(28, 28)
    top, left = pixels.busy_patch(raw.astype(np.uint8), 8)
    figures = svg_figures(at)
    cells = [int(r.get("data-byte")) for r in figures["pixel_patch"].iter(f"{SVG}rect")
             if r.get("data-byte")]  # fmt: skip
    assert cells == raw[top : top + 8, left : left + 8].reshape(-1).tolist()
    strip = svg_picture(figures["flat_strip"])[0]
    np.testing.assert_array_equal(255 - strip, raw.reshape(-1))  # ink is dark on paper
    one_hot = [r.get("data-value") for r in figures["one_hot"].iter(f"{SVG}rect")
               if r.get("data-value")]  # fmt: skip
    assert one_hot.index("1") == int(sample.y_train[0])


def test_names_the_real_default_network(at):
    captions = svg_texts(svg_figures(at)["network"])
    assert "hidden 1" in captions and "256 relu" in captions
    text = " ".join(m.value for m in at.markdown)
    assert "the default network" in text and "784 -> 256 relu -> 10" in text
    assert "128" not in text


def test_network_follows_the_users_model():
    workspace = TrainWorkspace()
    model = MLP((784, 64, 32, 10), activation="tanh")
    workspace.add_model(model, "mine", "mnist", 0.91)
    app = open_page(
        None, {K.WORKSPACE: workspace, keys.BACKPROP_OPEN: True, keys.ACTIVATION_OPEN: True}
    )
    captions = svg_texts(svg_figures(app)["network"])
    assert "hidden 2" in captions and "32 tanh" in captions
    assert app.radio(key=keys.ACTIVATION).value == "tanh"
    shapes = next(m.value for m in app.markdown if m.value.startswith("| layer |"))
    assert len(shapes.splitlines()) == 2 + 3  # header, rule, one row per layer of weights
    assert "Z₃" in charts(app)["backprop"][0]["data"][0]["text"]
    assert any("your model" in m.value for m in app.markdown)


def test_links_to_the_other_pages(at):
    links = at.get("page_link")
    pages = {link.proto.page for link in links}
    assert {"data", "train", "draw"} <= pages  # the url paths of the three pages
    assert any("handwriting" in m.value for m in at.markdown)


def test_presentation_switch_hides_explanations_and_enlarges_figures():
    """Driven through the sidebar switch itself, as a teacher turns it on."""
    at = open_page(None, dict.fromkeys(LATER, True))
    normal = {
        "markdown": len(at.markdown),
        "latex": len(at.latex),
        "network": widest(at),
        "softmax": charts(at)["softmax"][0]["layout"]["height"],
    }
    assert any("stack of simple steps" in m.value for m in at.markdown)
    switch = at.sidebar.toggle(key=K.PRESENTATION)
    assert switch.label == "Presentation mode" and switch.value is False
    switch.set_value(True).run()
    assert not at.exception, at.exception
    assert at.session_state[K.PRESENTATION] is True
    assert len(at.markdown) < normal["markdown"]
    assert not any("stack of simple steps" in m.value for m in at.markdown)
    assert len(at.latex) == normal["latex"]  # the formulas stay
    assert widest(at) == pytest.approx(1.3 * normal["network"], abs=1)
    assert charts(at)["softmax"][0]["layout"]["height"] == round(1.3 * normal["softmax"])


def widest(app: AppTest) -> float:
    """How wide the network diagram may grow, in pixels."""
    return figure_widths(app)["network"]


def test_fashion_mnist_lesson_does_not_offer_handwriting(fashion_from_sample):
    sample = fashion_from_sample
    app = open_page(None, {K.DATASET: "fashion-mnist"})
    text = " ".join(m.value for m in app.markdown)
    assert "handwriting" not in text and "Fashion-MNIST" in text
    pages = {link.proto.page for link in app.get("page_link")}
    assert {"inside", "evaluate"} <= pages and "draw" not in pages
    label = DATASETS["fashion-mnist"].class_names[int(sample.y_train[0])]
    assert svg_texts(svg_figures(app)["one_hot"])[0] == f"The label {label}, one-hot"
