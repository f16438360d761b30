"""The Learn page in AppTest: every control reachable by its key and wired to its figure."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from apptest_support import plotly_charts as charts
from streamlit.testing.v1 import AppTest

from nn_core.losses import softmax
from nn_core.model import MLP
from ui import charts_learn
from ui import data as ui_data
from ui.state import K

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture(autouse=True)
def sample_data(bundled_sample_only):
    """The bundled sample is enough for this page and the same on every machine."""


@pytest.fixture()
def at() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    assert not app.exception, app.exception
    return app


def test_page_shows_every_concept(at):
    found = charts(at)
    for chart in ("pixel_grid", "flat_strip", "one_hot", "network", "activation", "softmax"):
        assert chart in found
    assert {"cross_entropy", "backprop"} <= set(found)
    headers = " ".join(h.value for h in at.header)
    for word in ("pixels", "Forward", "Activation", "Softmax", "Cross-entropy", "Backprop"):
        assert word in headers
    assert len(at.latex) >= 10
    assert len(at.table) == 2  # forward and backward shapes


def test_activation_selector_changes_the_curve(at):
    before = charts(at)["activation"][0]["data"][0]["y"]
    assert at.radio(key=K.LEARN_ACTIVATION).value == "relu"
    at.radio(key=K.LEARN_ACTIVATION).set_value("sigmoid").run()
    assert not at.exception, at.exception
    after = charts(at)["activation"][0]["data"]
    z = np.asarray(after[0]["x"])
    np.testing.assert_allclose(after[0]["y"], 1 / (1 + np.exp(-z)), rtol=1e-6)
    assert not np.allclose(before, after[0]["y"])
    assert any("1 + e^{-z}" in x.value for x in at.latex)


def test_temperature_slider_changes_probabilities(at):
    at.slider(key=K.LEARN_TEMPERATURE).set_value(3.0).run()
    assert not at.exception, at.exception
    probs = charts(at)["softmax"][0]["data"][1]["y"]
    expected = softmax(np.asarray(charts_learn.EXAMPLE_SCORES)[None, :], 3.0)[0]
    np.testing.assert_allclose(probs, expected, rtol=1e-9)


def test_p_true_slider_moves_the_point(at):
    at.slider(key=K.LEARN_P_TRUE).set_value(0.8).run()
    assert not at.exception, at.exception
    point = charts(at)["cross_entropy"][0]["data"][1]
    assert point["x"] == [0.8] and point["y"][0] == pytest.approx(-np.log(0.8))


def test_real_image_goes_through_preprocessing(at):
    sample = ui_data.get_dataset("mnist")
    raw = charts(at)["pixel_grid"][0]["data"][0]["z"]
    assert np.array_equal(np.asarray(raw).reshape(-1), np.rint(sample.X_train[0] * 255))
    one_hot = charts(at)["one_hot"][0]["data"][0]["z"]
    assert int(np.argmax(one_hot)) == int(sample.y_train[0])


def test_network_follows_the_users_model():
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state[K.MODEL] = MLP((784, 64, 32, 10), activation="tanh")
    app.run()
    assert not app.exception, app.exception
    captions = [a["text"] for a in charts(app)["network"][0]["layout"]["annotations"]]
    assert "hidden 2<br>32 tanh" in captions
    assert app.radio(key=K.LEARN_ACTIVATION).value == "tanh"
    assert app.table[0].value.shape[0] == 3  # one row per layer of weights
    assert "Z₃" in charts(app)["backprop"][0]["data"][0]["text"]


def test_links_to_the_other_pages(at):
    links = at.get("page_link")
    pages = {link.proto.page for link in links}
    assert {"data", "train", "draw"} <= pages  # the url paths of the three pages
