"""The Inside page in AppTest: every view, its controls by key, and its numbers checked
against nn_core's own.

The page runs on the bundled MNIST sample (8,000 + 2,000 images) so every machine sees
the same data; the model is the bundled pretrained one unless a test adds its own.
"""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from nn_core import evaluate, load_default_model, probe
from nn_core.backprop_steps import trace_minibatch
from nn_core.gradcheck import analytic_gradients
from nn_core.model import MLP
from tests.support.apptest import open_app, open_page, page_path, plotly_charts
from ui.inside import backprop, keys
from ui.inside.charts_weights import GAP, SIDE, grid_shape
from ui.state import K

pytestmark = pytest.mark.usefixtures("bundled_sample_only")  # the same data on every machine


def charts(at: AppTest) -> dict[str, dict]:
    return {name: specs[-1] for name, specs in plotly_charts(at).items()}


def test_weights_view_shows_every_first_layer_unit_in_one_image():
    at = open_page("inside", {keys.VIEW: "Weights"})
    assert "bundled pretrained model" in at.markdown[0].value
    found = charts(at)
    grid = found["inside.weight_grid"]
    n = load_default_model().dense[0].W.shape[1]
    rows, cols = grid_shape(n)
    heatmap, dots = grid["data"]
    assert np.asarray(heatmap["z"]).shape == (rows * (SIDE + GAP) - GAP, cols * (SIDE + GAP) - GAP)
    assert sorted(np.asarray(dots["customdata"]).tolist()) == list(range(n))
    assert len(grid["data"]) == 2  # one image and one layer of hover dots, not a trace per unit
    for name in ("inside.unit", "inside.outgoing", "inside.exciting", "inside.layer_heatmap"):
        assert found[name]["layout"]["title"]["text"]
    assert "inside.histograms" in found


def test_sorting_by_importance_puts_the_most_important_unit_first(mnist_sample):
    at = open_page("inside", {keys.VIEW: "Weights"})
    at.segmented_control(key=keys.SORT).set_value("importance").run()
    order = np.asarray(charts(at)["inside.weight_grid"]["data"][1]["customdata"])
    idx = np.sort(np.random.default_rng(0).choice(len(mnist_sample.X_test), 2000, replace=False))
    expected = probe.unit_importance(load_default_model(), mnist_sample.X_test[idx][:1000], 0)
    assert order[0] == int(np.argmax(expected))


def test_choosing_a_unit_shows_its_weights_and_votes():
    at = open_page("inside", {keys.VIEW: "Weights"})
    at.number_input(key=keys.UNIT).set_value(17).run()
    found = charts(at)
    model = load_default_model()
    z = np.asarray(found["inside.unit"]["data"][0]["z"])
    np.testing.assert_allclose(z, model.dense[0].W[:, 17].reshape(28, 28), rtol=1e-6)
    votes = np.asarray(found["inside.outgoing"]["data"][0]["y"])
    np.testing.assert_allclose(votes, model.dense[1].W[17], rtol=1e-6)


def test_histograms_show_the_move_from_the_initial_weights():
    model = MLP((784, 32, 10), seed=1)
    at = open_app()
    run = at.session_state[K.WORKSPACE].add_model(model, "mine", "mnist", 0.5)
    run.initial_weights = MLP((784, 32, 10), seed=2).get_weights()
    at.switch_page(page_path("inside"))
    at.run()
    hist = charts(at)["inside.histograms"]
    assert len(hist["data"]) == 2 * 3  # two layers x (weights, biases, moved)
    assert "your model" in at.markdown[0].value


def test_activations_view_follows_a_test_image(mnist_sample):
    at = open_page("inside", {keys.VIEW: "Activations", keys.INDEX: 5})
    found = charts(at)
    image = np.asarray(found["inside.image"]["data"][0]["z"])
    np.testing.assert_allclose(image, mnist_sample.X_test[5].reshape(28, 28))
    probs = np.asarray(found["inside.scores"]["data"][1]["y"])
    np.testing.assert_allclose(
        probs, load_default_model().predict_proba(mnist_sample.X_test[5])[0], rtol=1e-5
    )
    assert len(found["inside.activations"]["data"][0]["y"]) == 256
    for name in ("inside.pca_pixels", "inside.pca_hidden"):
        assert sum(len(t["x"]) for t in found[name]["data"]) == 2000
    assert len(found["inside.top_units"]["data"]) == 2


def test_random_button_and_drawing(mnist_sample):
    at = open_page("inside", {keys.VIEW: "Activations", keys.INDEX: 3})
    at.button(key=keys.RANDOM).click().run()
    assert at.session_state[keys.INDEX] != 3
    drawing = np.zeros((28, 28), np.float32)
    drawing[4:24, 13:16] = 1.0
    at.session_state[keys.DRAWING] = drawing  # what Draw's "Look inside" does
    at.run()
    image = np.asarray(charts(at)["inside.image"]["data"][0]["z"])
    np.testing.assert_array_equal(image, drawing)
    at.segmented_control(key=keys.SOURCE).set_value("a test image").run()
    image = np.asarray(charts(at)["inside.image"]["data"][0]["z"])
    assert not np.array_equal(image, drawing)


def test_health_view_compares_two_runs_on_the_same_axes():
    at = open_app()
    ws = at.session_state[K.WORKSPACE]
    for i, scale in enumerate((1.0, 300.0)):
        run = ws.add_model(MLP((784, 16, 10), seed=i), f"run{i}", "mnist", 0.5)
        run.health = {
            "step": [1, 50, 100],
            "grad_norm": [[scale, 0.5 * scale]] * 3,
            "update_ratio": [[1e-3, 2e-3]] * 3,
            "dead_share": [[0.1]] * 3,
            "weight_norm": [[10.0, 3.0]] * 3,
        }
    at.session_state[keys.VIEW] = "Health"
    at.switch_page(page_path("inside"))
    at.run()
    assert not at.exception
    figures = plotly_charts(at)["inside.health"]
    assert len(figures) == 2
    ranges = [f["layout"]["yaxis"]["range"] for f in figures]
    assert ranges[0] == ranges[1]
    assert np.asarray(figures[0]["data"][0]["y"]).tolist() in ([300.0] * 3, [1.0] * 3)


def test_ablation_changes_accuracy_and_undo_restores_it_exactly(mnist_sample):
    at = open_page("inside", {keys.VIEW: "Experiments"})
    base = evaluate(load_default_model(), mnist_sample.X_test, mnist_sample.y_test).accuracy
    assert at.metric[0].value == f"{base:.2%}"
    at.button(key=keys.OFF_MOST).click().run()
    experiment = at.session_state[keys.EXPERIMENT]
    assert experiment.result.accuracy < base - 0.01
    assert at.metric[0].value == f"{experiment.result.accuracy:.2%}"
    at.multiselect(key=keys.OFF_UNITS).set_value([0, 1]).run()
    at.button(key=keys.OFF_APPLY).click().run()
    assert len(at.session_state[keys.EXPERIMENT].edits) == 2
    at.button(key=keys.UNDO).click().run()
    assert at.session_state[keys.EXPERIMENT].result.accuracy == experiment.result.accuracy
    at.button(key=keys.UNDO_ALL).click().run()
    assert at.session_state[keys.EXPERIMENT] is None
    assert at.metric[0].value == f"{base:.2%}"
    edited = charts(at)["inside.per_class"]["data"]
    np.testing.assert_array_equal(np.asarray(edited[0]["y"]), np.asarray(edited[1]["y"]))


def test_prune_then_save_as_a_new_model(mnist_sample):
    at = open_page("inside", {keys.VIEW: "Experiments"})
    at.slider(key=keys.PRUNE_SHARE).set_value(90).run()
    at.button(key=keys.PRUNE_APPLY).click().run()
    edited = at.session_state[keys.EXPERIMENT].model
    assert np.mean(edited.dense[0].W == 0) >= 0.9
    at.button(key=keys.SAVE).click().run()
    ws = at.session_state[K.WORKSPACE]
    assert ws.current is not None and "edited" in ws.current.name
    np.testing.assert_array_equal(ws.current.model.dense[0].W, edited.dense[0].W)
    assert at.session_state[keys.EXPERIMENT] is None
    assert "your model" in at.markdown[0].value


def test_teach_my_digit_raises_the_true_label(mnist_sample):
    at = open_page("inside", {keys.VIEW: "Experiments", keys.INDEX: 0})
    label = (int(mnist_sample.y_test[0]) + 1) % 10
    at.pills(key=keys.TEACH_LABEL).set_value(label).run()
    at.button(key=keys.TEACH_APPLY).click().run()
    figure = charts(at)["inside.teach"]
    before, after = (np.asarray(t["y"]) for t in figure["data"])
    assert after[label] > before[label]


def test_backprop_numbers_are_nn_cores_gradients(mnist_sample):
    at = open_page("inside", {keys.VIEW: "Backprop"})
    assert len(at.latex) >= 5
    at.segmented_control(key=keys.BP_STAGE).set_value(backprop.STAGES[1]).run()
    rows = np.random.default_rng(0).choice(len(mnist_sample.X_train), size=8, replace=False)
    X, y = mnist_sample.X_train[rows], mnist_sample.y_train[rows]
    model = load_default_model()
    grads = analytic_gradients(model.astype(model.dtype), X, y)
    shown = [df.value for df in at.dataframe if df.value.index[0].startswith(("pixel", "unit"))]
    assert len(shown) == 2  # dW of the output layer, then of the first layer
    for table, name in zip(shown, ("W1", "W0"), strict=True):
        for label, values in table.iterrows():
            row = int(label.split()[-1])
            np.testing.assert_array_equal(values.to_numpy(), grads[name][row, : len(values)])
    trace = trace_minibatch(model, X, y, lr=0.1)
    at.segmented_control(key=keys.BP_STAGE).set_value(backprop.STAGES[2]).run()
    assert at.metric[0].value == f"{trace.loss_after:.4f}"


def test_backprop_gradient_check_table():
    at = open_page("inside", {keys.VIEW: "Backprop"})
    at.segmented_control(key=keys.BP_STAGE).set_value(backprop.STAGES[3]).run()
    table = at.dataframe[0].value
    assert len(table) == 8 and set(table["parameter"]) == {"W0", "b0", "W1", "b1"}
    assert (table["relative error"] < 1e-5).all()


def test_without_any_model_the_page_says_so(monkeypatch):
    from nn_core.errors import ModelFileError
    from ui import models

    def missing():
        raise ModelFileError("no bundled model here")

    monkeypatch.setattr(models, "bundled_network", missing)
    at = open_page("inside", {keys.VIEW: "Weights"})
    assert any("no model" in i.value for i in at.info)
    assert not plotly_charts(at)
