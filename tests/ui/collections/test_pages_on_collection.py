"""Every page on a collection, as on MNIST: the sidebar offers it, Train says how it is
split (or what is missing), Data, Evaluate and Inside open on it with a model trained
on it, and Draw reads a drawing with the collection's class names."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nn_core.collection import new_collection
from nn_core.presets import PRESETS
from nn_core.status import RunStatus
from nn_core.train import Trainer
from tests.support.apptest import open_page, svg_figures, svg_texts
from tests.support.shapes import SHAPES, shape_canvas, shapes_collection
from ui import text
from ui.collections.mine import MyCollections
from ui.draw import keys as draw_keys
from ui.evaluate import keys as evaluate_keys
from ui.evaluate.sections import SECTIONS as EVALUATE_SECTIONS
from ui.inside import keys as inside_keys
from ui.state import K
from ui.train import keys as train_keys

pytestmark = pytest.mark.usefixtures("bundled_sample_only")

SHAPES_SET = shapes_collection(per_class=20, seed=3)
INSIDE_TABS = ["Weights", "Activations", "Health", "Experiments", "Backprop"]  # its page's tabs


@pytest.fixture(scope="module")
def shapes_model():
    """A network trained on the shapes collection with the Small data recipe."""
    data = SHAPES_SET.to_dataset()
    preset = PRESETS["small"]
    model = preset.build(data.X_train, dataclasses.replace(preset.model, sizes=(784, 64, 3)))
    trainer = Trainer(model, data.X_train, data.y_train, preset.train, data.X_test, data.y_test)
    for _ in trainer.steps():
        pass
    assert trainer.status == RunStatus.FINISHED
    return model


def on(collection, **state):
    return {K.COLLECTIONS: MyCollections([collection]), K.DATASET: collection.name, **state}


def test_the_sidebar_lists_the_collection_by_its_title():
    hostile = new_collection("mine-0badc0de", "[x](http://x.test) :red[big]", ("a", "b"))
    at = open_page("data", {K.COLLECTIONS: MyCollections([SHAPES_SET, hostile])})
    radio = at.radio(key=K.DATASET)
    assert radio.options[2:] == ["Our shapes", text.md(hostile.title)]
    radio.set_value(SHAPES_SET.name).run()  # as a click on "Our shapes" does
    assert not at.exception, at.exception
    assert at.title[0].value == "Explore the data: Our shapes"


def test_train_on_a_too_small_collection_shows_what_is_missing_instead_of_start():
    small = shapes_collection(per_class=3, seed=4)
    at = open_page("train", on(small))
    assert not [b for b in at.button if b.key == train_keys.START]
    warnings = " ".join(w.value for w in at.warning)
    assert text.md("Too few drawings of: circle (3), square (3), triangle (3)") in warnings


def test_train_names_the_split_and_offers_the_small_data_recipe():
    at = open_page("train", on(SHAPES_SET))
    assert at.button(key=train_keys.START)
    (about,) = [i.value for i in at.info if "drawings:" in i.value]
    learn, test = (len(part) for part in SHAPES_SET.split())
    assert about.startswith(f"60 drawings: {learn} to learn from, {test} held out")
    assert PRESETS["small"].title in at.selectbox(key=train_keys.PRESET).options


def test_start_trains_a_network_with_one_output_per_class():
    """The worker trains on the published drawings, split as the page said."""
    at = open_page("train", on(SHAPES_SET, **{train_keys.PRESET: "small"}))
    at.button(key=train_keys.START).click().run()
    assert not at.exception, at.exception
    ws = at.session_state[K.WORKSPACE]
    (run,) = ws.runs
    assert run.dataset == SHAPES_SET.name and run.model_config["sizes"][-1] == len(SHAPES)
    assert ws.wait_for_end(300)  # returns as soon as the run's last news is in
    ws.sync()
    assert run.status == RunStatus.FINISHED, run.message
    assert run.model.config.sizes[-1] == len(SHAPES) and run.test_accuracy >= 0.8


@pytest.mark.parametrize("page", ["data", "evaluate", "inside", "train"])
def test_the_pages_open_on_a_collection(page, shapes_model):
    at = open_page(page, on(SHAPES_SET), model=shapes_model)
    assert not at.exception, at.exception


@pytest.mark.parametrize("section", list(EVALUATE_SECTIONS))
def test_every_evaluate_section_works_on_a_collection(section, shapes_model):
    """Confusion matrix, mistakes, robustness, "not sure", calibration, comparing: each on
    the collection's held-out drawings and its three classes."""
    at = open_page("evaluate", on(SHAPES_SET, **{evaluate_keys.VIEW: section}), model=shapes_model)
    assert at.title[0].value == "Evaluate: Our shapes"
    held_out = str(len(SHAPES_SET.split()[1]))
    assert any(held_out in m.value for m in at.markdown)  # "on the 14 test images"
    assert at.header  # the section was drawn, under its heading


@pytest.mark.parametrize("view", INSIDE_TABS)
def test_every_inside_view_works_on_a_collection(view, shapes_model):
    at = open_page("inside", on(SHAPES_SET, **{inside_keys.VIEW: view}), model=shapes_model)
    assert any("784 -> 64 relu -> 3" in m.value for m in at.markdown)
    assert at.session_state[inside_keys.VIEW] == view


def test_draw_reads_a_drawing_with_the_collections_class_names(shapes_model):
    drawing = shape_canvas("triangle", np.random.default_rng(7))
    at = open_page("draw", on(SHAPES_SET, **{draw_keys.RESULT: drawing}), model=shapes_model)
    (prediction,) = [m for m in at.metric if m.label == "Prediction"]
    assert prediction.value == "triangle"


def test_learn_follows_the_collection_on_screen():
    """Learn's first image and its one-hot label have the collection's three classes."""
    at = open_page("learn", on(SHAPES_SET))
    assert any("Our shapes" in m.value for m in at.markdown)
    labels = svg_texts(svg_figures(at)["one_hot"])
    assert [name for name in SHAPES if name in labels] == list(SHAPES)


def test_two_collections_of_one_title_are_told_apart_in_the_sidebar():
    twin = shapes_collection(per_class=5, seed=8, name="mine-twin0000")
    at = open_page("data", {K.COLLECTIONS: MyCollections([SHAPES_SET, twin])})
    assert at.radio(key=K.DATASET).options[2:] == ["Our shapes", "Our shapes (2)"]
    at.radio(key=K.DATASET).set_value(twin.name).run()
    assert not at.exception and at.title[0].value == "Explore the data: Our shapes"
    assert at.session_state[K.DATASET] == twin.name
