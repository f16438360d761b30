"""Teach it our handwriting, in AppTest: the visitor's drawings are MNIST digits rewritten
backhand with a thick pen (``tests/support/styles.py``), on the bundled sample.

Every number on the chart is computed again here with the engine (the same split, the
same fixed MNIST subset, the same seeded fine-tuning) and compared with what the page
drew; the shared bundled model must come out of it unchanged.
"""

from __future__ import annotations

import numpy as np
import pytest

from nn_core.collection import DIGITS, Collection
from nn_core.finetune import fine_tune
from nn_core.metrics import evaluate
from nn_core.model import MLP
from nn_core.pretrained import load_default_model
from nn_core.subset import fixed_subset
from tests.support.apptest import open_page
from tests.support.apptest import plotly_charts as charts
from tests.support.styles import backhand
from ui.draw import keys as draw_keys
from ui.evaluate import keys, teach
from ui.state import K


@pytest.fixture()
def sample(bundled_sample_only):
    return bundled_sample_only("mnist")


def my_drawings(sample, n: int) -> list:
    """``n`` backhand digits as the Draw page keeps them: (28x28 image, label) pairs."""
    images = backhand(sample.X_train[1000 : 1000 + n]).reshape(-1, 28, 28)
    return [
        (img, int(label))
        for img, label in zip(images, sample.y_train[1000 : 1000 + n], strict=True)
    ]


def opened(sample, n: int):
    at = open_page("evaluate", {draw_keys.MY_DRAWINGS: my_drawings(sample, n)})
    at.segmented_control(key=keys.VIEW).set_value("teach").run()
    assert not at.exception, at.exception
    return at


def taught(at, steps: int, lr: float):
    at.slider(key=keys.TEACH_STEPS).set_value(steps)
    at.select_slider(key=keys.TEACH_LR).set_value(lr)
    at.button(key=keys.TEACH_RUN).click().run()
    assert not at.exception, at.exception
    return at


def expected(sample, n: int, steps: int, lr: float) -> dict:
    """The chart's bars, computed with the engine alone: {(set, when): accuracy}."""
    images = np.stack([img for img, _ in my_drawings(sample, n)])  # (n, 28, 28)
    labels = sample.y_train[1000 : 1000 + n].astype(np.int64)
    c = Collection("x", "x", DIGITS, images, labels)
    learn, test = c.split()
    X = images.reshape(n, 784)
    before = load_default_model()
    after = fine_tune(before, X[learn], labels[learn], steps=steps, lr=lr)
    sub = fixed_subset(sample.n_test, teach.MNIST_SUBSET)
    sets = {"drawings": (X[test], labels[test]), "MNIST": (sample.X_test[sub], sample.y_test[sub])}
    return {
        (name, when): evaluate(model, *xy).accuracy
        for name, xy in sets.items()
        for when, model in (("before", before), ("after", after))
    }


def bars(at) -> dict:
    (spec,) = charts(at)["eval_teach"]
    out = {}
    for trace in spec["data"]:
        when = trace["name"].split()[0]
        for x, y in zip(trace["x"], trace["y"], strict=True):
            out[("drawings" if "drawings" in x else "MNIST", when)] = y
    return out


def words(at) -> str:
    return " ".join(m.value for m in at.markdown)


def test_too_few_drawings_says_how_many_more(sample):
    at = opened(sample, 7)
    assert any("7 drawings of digits here; draw 13 more" in i.value for i in at.info)
    assert keys.TEACH_RUN not in [b.key for b in at.button]  # nothing to press yet
    assert "eval_teach" not in charts(at)


def test_no_drawings_at_all(sample):
    at = opened(sample, 0)
    assert any("0 drawings of digits here; draw 20 more" in i.value for i in at.info)


def test_teaching_shows_exactly_the_engines_numbers_and_leaves_the_bundled_model(sample):
    from ui.shared import get_bundled_model

    at = opened(sample, 120)
    images = np.stack([img for img, _ in my_drawings(sample, 120)])  # (120, 28, 28)
    split = Collection("x", "x", DIGITS, images, sample.y_train[1000:1120].astype(np.int64)).split()
    learn, held_out = (len(part) for part in split)
    assert f"**{learn}** of the 120 drawings to learn from; **{held_out}** kept" in words(at)
    taught(at, 60, 0.03)
    got, want = bars(at), expected(sample, 120, 60, 0.03)
    assert got.keys() == want.keys()
    for key in want:
        assert got[key] == pytest.approx(want[key], abs=1e-9), key
    assert got[("drawings", "after")] > got[("drawings", "before")]  # it learned the style
    shared, fresh = get_bundled_model(), load_default_model()
    same = [
        np.array_equal(a, b) for a, b in zip(shared.get_weights(), fresh.get_weights(), strict=True)
    ]
    assert all(same), "the shared bundled model was written"


def test_a_large_rate_is_explained_as_forgetting(sample):
    at = taught(opened(sample, 60), 100, 0.3)
    got = bars(at)
    assert got[("MNIST", "after")] < got[("MNIST", "before")] - 0.05
    assert "catastrophic forgetting" in words(at)


def test_a_rate_that_blows_up_says_so(sample):
    at = taught(opened(sample, 40), 50, 3.0)
    assert any("Try a smaller learning rate" in w.value for w in at.warning)


def test_the_taught_copy_can_become_my_model(sample):
    at = taught(opened(sample, 60), 30, 0.03)
    at.button(key=keys.TEACH_KEEP).click().run()
    assert not at.exception, at.exception
    now = at.session_state[K.WORKSPACE].current
    result = at.session_state[keys.TEACH_RESULT]
    assert now.model is result.model and now.dataset == "mnist"
    assert now.test_accuracy == pytest.approx(
        evaluate(result.model, sample.X_test, sample.y_test).accuracy
    )
    assert any("It is your model now" in s.value for s in at.success)
    assert now.name in " ".join(o for o in at.selectbox(key=keys.MODEL).options)


def test_other_data_sets_are_told_to_choose_mnist(sample, fashion_from_sample):
    model = MLP((784, 8, 10), seed=0)
    at = open_page("evaluate", {K.DATASET: "fashion-mnist"}, model=model)
    at.segmented_control(key=keys.VIEW).set_value("teach").run()
    assert not at.exception, at.exception
    assert any("choose MNIST" in i.value for i in at.info)


@pytest.fixture()
def class_store(tmp_path, monkeypatch):
    """A fresh SQLite class store in a temporary state folder (as the board tests use)."""
    import streamlit as st

    from ui.classroom import views
    from ui.classroom.connection import get_store

    monkeypatch.setenv("NN_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("NN_CLASS_DB_URL", raising=False)
    st.cache_resource.clear()
    views._targets.clear()
    yield get_store()
    st.cache_resource.clear()
    views._targets.clear()


def test_a_class_member_can_learn_from_the_class_handwriting(sample, class_store):
    from ui.classroom.membership import ClassSession, Membership

    code, _ = class_store.create_class()
    ana = class_store.join(code, "Ana")
    for image, label in my_drawings(sample, 30):
        class_store.add_drawing(ana, image, label)
    sam = ClassSession(membership=Membership(class_store.join(code, "Sam")))
    at = open_page("evaluate", {draw_keys.MY_DRAWINGS: my_drawings(sample, 5), K.CLASS: sam})
    at.segmented_control(key=keys.VIEW).set_value("teach").run()
    assert any("5 drawings of digits here; draw 15 more" in i.value for i in at.info)
    at.radio(key=keys.TEACH_SOURCE).set_value("class").run()
    assert "of the 30 drawings to learn from" in words(at)
    at.radio(key=keys.TEACH_SOURCE).set_value("both").run()
    assert "of the 35 drawings to learn from" in words(at)
    taught(at, 20, 0.03)
    assert at.session_state[keys.TEACH_RESULT].n_learn + bars_n(at) == 35


def bars_n(at) -> int:
    """How many held-out drawings the chart says it tested on: "(7)" under the bar."""
    (spec,) = charts(at)["eval_teach"]
    label = next(x for x in spec["data"][0]["x"] if "drawings" in x)
    return int(label.rsplit("(", 1)[1].rstrip(")").replace(",", ""))
