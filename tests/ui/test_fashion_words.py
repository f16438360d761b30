"""What the Draw, Evaluate and Inside pages say follows the classes on screen.

Each page is opened on the Fashion-MNIST stand-in (the bundled sample's pixels under
Fashion-MNIST's name and class names, see ``fashion_from_sample``) with a clothing model,
and must not speak of digits; the same page on MNIST keeps its digit sentences.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from nn_core.model import MLP
from nn_core.robustness import PERTURBATIONS
from tests.support.apptest import open_page
from ui import models
from ui.draw import keys as draw_keys
from ui.evaluate import keys as evaluate_keys
from ui.inside import keys as inside_keys
from ui.state import K

DIGIT_WORDS = re.compile(r"digit|handwriting|sixes|nines", re.IGNORECASE)
TEXTS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success")


pytestmark = pytest.mark.usefixtures("bundled_sample_only")  # the same data on every machine


def page_text(at: AppTest) -> str:
    """Every sentence of the main area (the sidebar names both data sets, by design)."""
    return "\n".join(e.value for kind in TEXTS for e in getattr(at.main, kind))


def tiny_model() -> MLP:
    """An untrained 784-16-10 network: what it answers does not matter here, only the words."""
    return MLP((784, 16, 10), seed=0)


def a_drawing() -> np.ndarray:
    """A white bar on the transparent canvas, as the drawing component returns it."""
    rgba = np.zeros((280, 280, 4), np.uint8)
    rgba[40:220, 180:206] = 255
    return rgba


def test_draw_page_speaks_of_clothes_for_a_clothing_model(fashion_from_sample):
    at = open_page(
        "draw", {K.DATASET: "fashion-mnist", draw_keys.RESULT: a_drawing()}, model=tiny_model()
    )
    assert at.selectbox(key=draw_keys.MODEL_CHOICE).value == models.YOURS
    text = page_text(at)
    assert at.title[0].value == "Draw a piece of clothing"
    assert "a small piece of clothing in a corner" in text
    assert "Fashion-MNIST's pictures are photos of clothes" in text
    assert not DIGIT_WORDS.search(text), DIGIT_WORDS.findall(text)
    at.button(key=draw_keys.CLEAR).click().run()
    assert any("Draw one piece of clothing" in i.value for i in at.info)
    assert not DIGIT_WORDS.search(page_text(at))


def test_draw_page_speaks_of_digits_for_a_digit_reader(fashion_from_sample):
    mnist = open_page("draw", {K.DATASET: "mnist", draw_keys.RESULT: a_drawing()})
    assert mnist.title[0].value == "Draw a digit"
    text = page_text(mnist)
    assert "a small digit in a corner" in text and "MNIST's digits were written" in text
    fashion = open_page("draw", {K.DATASET: "fashion-mnist"})  # only the digit reader
    assert fashion.title[0].value == "Draw a digit"
    assert any("Draw one digit" in i.value for i in fashion.info)


def robustness_notices(at: AppTest) -> list[str]:
    """The robustness view's caption for every kind of change to the test images."""
    at.segmented_control(key=evaluate_keys.VIEW).set_value("robustness").run()
    found = []
    for kind in PERTURBATIONS:
        at.radio(key=evaluate_keys.PERTURBATION).set_value(kind).run()
        assert not at.exception, at.exception
        found += [c.value for c in at.caption if "Notice:" in c.value]
    assert len(found) == len(PERTURBATIONS)
    return found


def test_evaluate_notices_speak_of_clothes(fashion_from_sample):
    at = open_page("evaluate", {K.DATASET: "fashion-mnist"}, model=tiny_model())
    notices = robustness_notices(at)
    text = "\n".join(notices) + page_text(at)
    assert not DIGIT_WORDS.search(text), DIGIT_WORDS.findall(text)
    assert "a piece of clothing moved by three or four pixels" in notices[1]
    assert "as wide as a bag" in notices[2]


def test_evaluate_notices_speak_of_digits_on_mnist():
    notices = robustness_notices(open_page("evaluate", {K.DATASET: "mnist"}))
    assert "a digit moved by three or four pixels" in notices[1]
    assert "sixes and nines" in notices[2]


@pytest.mark.parametrize(
    ("dataset", "noun"), [("fashion-mnist", "piece of clothing"), ("mnist", "digit")]
)
def test_inside_names_what_the_model_reads(fashion_from_sample, dataset, noun):
    at = open_page(
        "inside", {K.DATASET: dataset, inside_keys.VIEW: "Activations"}, model=tiny_model()
    )
    assert any(f"Draw a {noun} on the Draw page" in c.value for c in at.caption)
    seen = page_text(at)
    at.session_state[inside_keys.VIEW] = "Experiments"
    at.run()
    assert not at.exception, at.exception
    assert any(m.value == f"**Teach it one {noun}**" for m in at.markdown)
    seen += page_text(at)
    if dataset != "mnist":
        assert not DIGIT_WORDS.search(seen), DIGIT_WORDS.findall(seen)
