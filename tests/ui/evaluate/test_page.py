"""The Evaluate page in AppTest, on the bundled MNIST sample (2,000 test images).

Every expectation is computed independently with the engine (``predict_all`` of the
same model on the same images), then compared with what the page's figures show.
"""

from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import server.limits
import ui.uploads
from nn_core.data import Dataset
from nn_core.model import MLP
from nn_core.predictions import cell_members, predict_all, ranked_mistakes
from nn_core.pretrained import load_default_model
from nn_core.robustness import PERTURBATIONS
from tests.support.apptest import open_page
from tests.support.apptest import plotly_charts as charts
from tests.support.hostile import seen
from ui.evaluate import keys
from ui.evaluate.selection import CELL_PAGE, MISTAKE_PAGE
from ui.state import K


@pytest.fixture()
def sample(bundled_sample_only):
    return bundled_sample_only("mnist")


@pytest.fixture(scope="module")
def bundled_answers(mnist_sample):
    return predict_all(load_default_model(), mnist_sample.X_test, mnist_sample.y_test)


def show(at: AppTest, section: str) -> None:
    at.segmented_control(key=keys.VIEW).set_value(section).run()
    assert not at.exception, at.exception


def ids_of(at: AppTest, chart: str) -> list[int]:
    return charts(at)[chart][0]["layout"]["meta"]["ids"]


def tiny_model(sample: Dataset, seed: int = 1) -> MLP:
    """A quickly fitted 784-16-10 network: clearly worse than the bundled one."""
    from nn_core.train import TrainConfig, Trainer

    model = MLP((784, 16, 10), seed=seed)
    config = TrainConfig(epochs=1, optimizer="adam", lr=1e-3, batch_size=128, seed=seed)
    for _ in Trainer(model, sample.X_train[:2000], sample.y_train[:2000], config).steps():
        pass
    return model


def test_first_view_counts_every_test_image(sample, bundled_answers):
    at = open_page("evaluate")
    assert "the bundled pretrained model" in " ".join(m.value for m in at.markdown)
    found = charts(at)
    z = np.asarray(found["eval_confusion"][0]["data"][0]["z"])
    assert z.sum() == sample.n_test == 2000
    assert np.array_equal(z, bundled_answers.summary().confusion)
    bars = found["eval_per_class"][0]["data"][0]["y"]
    np.testing.assert_allclose(bars, bundled_answers.summary().per_class, rtol=1e-6)
    assert at.metric[0].value == f"{bundled_answers.summary().accuracy:.2%}"
    assert "eval_robustness" not in found  # computed only when its section is shown


def test_choosing_a_cell_lists_exactly_its_images(sample, bundled_answers):
    at = open_page("evaluate")
    at.selectbox(key=f"{keys.CELL_TRUE}.0").set_value("1").run()
    at.selectbox(key=f"{keys.CELL_PRED}.0").set_value("1").run()
    members = cell_members(bundled_answers, 1, 1)
    assert len(members) > 2 * CELL_PAGE
    assert ids_of(at, "eval_cell_images") == members[:CELL_PAGE].tolist()
    at.get("pagination")[0].set_value(2).run()
    assert ids_of(at, "eval_cell_images") == members[CELL_PAGE : 2 * CELL_PAGE].tolist()
    at.selectbox(key=f"{keys.CELL_TRUE}.0").set_value("4").run()
    at.selectbox(key=f"{keys.CELL_PRED}.0").set_value("9").run()
    members = cell_members(bundled_answers, 4, 9)
    assert 0 < len(members) <= CELL_PAGE
    assert ids_of(at, "eval_cell_images") == members.tolist()
    assert set(sample.y_test[members].tolist()) == {4}


def test_mistakes_are_sorted_by_confidence_and_filtered(sample, bundled_answers):
    at = open_page("evaluate")
    show(at, "mistakes")
    fig = charts(at)["eval_mistakes"][0]
    tops = [max(t["x"]) for t in fig["data"] if t["type"] == "bar"]
    assert len(tops) == MISTAKE_PAGE and all(a >= b for a, b in zip(tops, tops[1:], strict=False))
    assert fig["layout"]["meta"]["ids"] == ranked_mistakes(bundled_answers)[:MISTAKE_PAGE].tolist()
    label = int(sample.y_test[ranked_mistakes(bundled_answers)[0]])
    at.selectbox(key=keys.MISTAKE_TRUE).set_value(str(label)).run()
    ids = ids_of(at, "eval_mistakes")
    assert ids == ranked_mistakes(bundled_answers, true_class=label)[:MISTAKE_PAGE].tolist()
    assert set(sample.y_test[ids].tolist()) == {label}
    assert not bundled_answers.correct[ids].any()


def test_threshold_curve_is_monotone_and_shared_with_draw(sample, bundled_answers):
    at = open_page("evaluate")
    show(at, "confidence")
    curve = charts(at)["eval_coverage"][0]["data"]
    thresholds, coverage = np.asarray(curve[0]["customdata"]), np.asarray(curve[0]["x"])
    assert np.all(np.diff(thresholds) > 0) and np.all(np.diff(coverage) <= 0)
    assert coverage[0] == 1.0
    at.slider(key=keys.THRESHOLD).set_value(0.9).run()
    assert at.session_state[K.CONFIDENCE] == 0.9
    withheld = int((bundled_answers.confidence < 0.9).sum())
    assert at.metric[5].value == f"{withheld:,}"  # four headline numbers, then these
    marker = charts(at)["eval_coverage"][0]["data"][1]
    assert marker["x"][0] == pytest.approx(1 - withheld / 2000)


def test_robustness_curve_and_examples(sample, bundled_answers):
    at = open_page("evaluate")
    show(at, "robustness")
    curve = charts(at)["eval_robustness"][0]["data"][0]
    assert np.allclose(curve["x"], PERTURBATIONS["noise"].strengths)
    assert curve["y"][0] == pytest.approx(bundled_answers.summary().accuracy)  # all 2,000 images
    assert curve["y"][-1] < curve["y"][0]
    at.radio(key=keys.PERTURBATION).set_value("rotate").run()
    at.slider(key=f"{keys.STRENGTH}.rotate").set_value(60.0).run()
    assert not at.exception, at.exception
    found = charts(at)
    marker = found["eval_robustness"][0]["data"][1]
    assert marker["x"][0] == 60.0
    assert len(found["eval_perturbed"][0]["layout"]["meta"]["ids"]) == 16


def test_reliability_diagram_counts_every_answer(sample):
    at = open_page("evaluate")
    show(at, "calibration")
    bars = charts(at)["eval_reliability"][0]["data"][0]
    assert np.asarray(bars["customdata"])[:, 0].sum() == 2000


def test_comparing_a_model_with_itself_shows_no_difference(sample, bundled_answers):
    at = open_page("evaluate")
    model = tiny_model(sample)
    answers = predict_all(model, sample.X_test, sample.y_test)
    at.session_state[K.WORKSPACE].add_model(model, "tiny", "mnist", answers.summary().accuracy)
    at.run()
    show(at, "compare")
    title = at.selectbox(key=keys.COMPARE_A).value
    at.selectbox(key=keys.COMPARE_B).set_value(title).run()
    diff = np.asarray(charts(at)["eval_confusion_diff"][0]["data"][0]["z"])
    assert diff.shape == (10, 10) and not diff.any()
    assert len(at.info) >= 2  # no image that one gets right and the other wrong, both ways
    bundled = next(o for o in at.selectbox(key=keys.COMPARE_B).options if "bundled" in o.lower())
    at.selectbox(key=keys.COMPARE_B).set_value(bundled).run()
    found = charts(at)
    diff = np.asarray(found["eval_confusion_diff"][0]["data"][0]["z"])
    expected = bundled_answers.summary().confusion - answers.summary().confusion
    assert np.array_equal(diff, expected)
    only_a = found["eval_only_a"][0]["layout"]["meta"]["ids"]
    assert answers.correct[only_a].all() and not bundled_answers.correct[only_a].any()


def test_an_uploaded_model_can_be_compared_and_a_bad_file_is_refused(sample):
    at = open_page("evaluate")
    show(at, "compare")
    at.file_uploader(key=keys.UPLOAD).set_value(("junk.npz", b"not a model", "application/zip"))
    at.run()
    assert not at.exception, at.exception
    assert at.error  # the engine's sentence about the bad file
    buffer = io.BytesIO()
    MLP((784, 8, 10), seed=5).save(buffer)
    at.file_uploader(key=keys.UPLOAD).set_value(("mine.npz", buffer.getvalue(), "application/zip"))
    at.run()
    assert not at.error
    assert "uploaded file mine.npz" in at.selectbox(key=keys.COMPARE_B).options
    buffer = io.BytesIO()
    MLP((784, 8, 3), seed=5).save(buffer)
    at.file_uploader(key=keys.UPLOAD).set_value(("three.npz", buffer.getvalue(), "application/zip"))
    at.run()
    assert "3 classes" in at.error[0].value


def test_fashion_mnist_needs_a_model_and_shows_class_names(sample, fashion_from_sample):
    fashion = fashion_from_sample
    at = open_page("evaluate")
    at.session_state[K.DATASET] = "fashion-mnist"
    at.run()
    assert not at.exception, at.exception
    assert "no model for Fashion-MNIST" in at.info[-1].value
    at.session_state[K.WORKSPACE].add_model(tiny_model(sample), "clothes", "fashion-mnist", 0.5)
    at.run()
    assert not at.exception, at.exception
    names = list(fashion.class_names)
    assert at.selectbox(key=f"{keys.CELL_TRUE}.0").options == names
    assert charts(at)["eval_confusion"][0]["data"][0]["x"] == names


def upload(at: AppTest, name: str, model: MLP) -> None:
    """Put a saved model in the Compare section's uploader, as a visitor would."""
    buffer = io.BytesIO()
    model.save(buffer)
    at.file_uploader(key=keys.UPLOAD).set_value((name, buffer.getvalue(), "application/zip"))
    at.run()
    assert not at.exception, at.exception


def offered_uploads(at: AppTest) -> list[str]:
    options = at.selectbox(key=keys.COMPARE_B).options
    return [o for o in options if o.startswith("uploaded file")]


@pytest.mark.parametrize(
    "sizes, sentence",
    [
        (
            (784, 16, 16, 16, 16, 10),
            "This model has 4 hidden layers; this server allows at most 3.",
        ),
        ((784, 600, 10), "Hidden layer 1 has 600 units; this server allows at most 512 per layer."),
    ],
)
def test_an_upload_beyond_the_server_limits_is_refused_and_not_offered(sample, sizes, sentence):
    at = open_page("evaluate")
    show(at, "compare")
    upload(at, "big.npz", MLP(sizes))
    assert [seen(e.value) for e in at.error] == [
        f"big.npz is larger than this server allows: {sentence}"
    ]
    assert offered_uploads(at) == []


def test_an_upload_over_the_parameter_cap_is_refused_with_the_cap(sample, monkeypatch):
    monkeypatch.setattr(
        server.limits, "LIMITS", replace(server.limits.LIMITS, max_upload_params=1000)
    )
    at = open_page("evaluate")
    show(at, "compare")
    upload(at, "small.npz", MLP((784, 8, 10)))
    assert "this server accepts at most 1,000" in seen(at.error[0].value)
    assert offered_uploads(at) == []


def test_an_upload_is_read_once_not_at_every_rerun(sample, monkeypatch):
    reads = []
    real = ui.uploads.check_upload
    monkeypatch.setattr(ui.uploads, "check_upload", lambda *a: reads.append(a[1]) or real(*a))
    at = open_page("evaluate")
    show(at, "compare")
    upload(at, "mine.npz", MLP((784, 8, 10), seed=5))
    at.run().run()
    assert reads == ["mine.npz"] and offered_uploads(at) == ["uploaded file mine.npz"]
    upload(at, "mine.npz", MLP((784, 8, 10), seed=6))  # another file: read again
    assert reads == ["mine.npz", "mine.npz"]
    kept = [k for k in at.session_state[keys.CACHE] if k[0] == "upload"]
    assert len(kept) == 1  # the first file's model is let go


def test_a_model_of_another_data_set_is_refused_and_not_offered(sample):
    """MNIST and Fashion-MNIST have the same image size: only the file's meta tells them
    apart, and a clothes network scored on digits would be nonsense."""
    at = open_page("evaluate")
    show(at, "compare")
    clothes = MLP((784, 8, 10), seed=5)
    clothes.meta = {"dataset": "fashion-mnist"}
    upload(at, "clothes.npz", clothes)
    assert [seen(e.value) for e in at.error] == [
        "clothes.npz was trained on Fashion-MNIST, and this page shows MNIST: its answers "
        "would be clothes, not digits. To use it, choose Fashion-MNIST under “Data set” "
        "in the sidebar."
    ]
    assert offered_uploads(at) == []


def _text_sizes(figure: dict) -> list[float]:
    """Every font size a figure sets for its title, axes and annotations."""
    layout = figure["layout"]
    sizes = [layout.get("title", {}).get("font", {}).get("size")]
    for name, axis in layout.items():
        if name.startswith(("xaxis", "yaxis")):
            sizes += [axis.get("tickfont", {}).get("size")]
            sizes += [axis.get("title", {}).get("font", {}).get("size")]
    sizes += [a.get("font", {}).get("size") for a in layout.get("annotations", [])]
    return [s for s in sizes if s is not None]


def test_evaluate_follows_presentation_mode(sample):
    """Presenting, the figures grow by the presentation scale (text at least 18 px, the
    confusion matrix taller) and the explanations under them are left to the teacher."""
    plain = open_page("evaluate")
    presenting = open_page("evaluate", {K.PRESENTATION: True})
    small, big = charts(plain), charts(presenting)
    for chart in ("eval_confusion", "eval_per_class"):
        assert min(_text_sizes(big[chart][0])) >= 18
        assert big[chart][0]["layout"]["height"] > small[chart][0]["layout"]["height"]
    explained = [c.value for c in plain.caption if c.value.startswith("Rows are the true")]
    assert explained and not [c for c in presenting.caption if c.value == explained[0]]
