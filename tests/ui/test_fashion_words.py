"""What the Draw, Evaluate and Inside pages say follows the classes on screen.

Each page is opened on the Fashion-MNIST stand-in (the bundled sample's pixels under
Fashion-MNIST's name and class names, see ``fashion_from_sample``) with a clothing model,
and must not speak of digits; the same page on MNIST keeps its digit sentences.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from nn_core.model import MLP
from nn_core.robustness import PERTURBATIONS
from ui import models
from ui.draw import keys as draw_keys
from ui.evaluate import keys as evaluate_keys
from ui.inside import keys as inside_keys
from ui.state import K
from ui.workspace.workspace import TrainWorkspace

APP = str(Path(__file__).resolve().parents[2] / "app.py")
DIGIT_WORDS = re.compile(r"digit|handwriting|sixes|nines", re.IGNORECASE)
TEXTS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success")


@pytest.fixture(autouse=True)
def sample_data(bundled_sample_only):
    """The bundled sample is enough for these pages and the same on every machine."""


def page_text(at: AppTest) -> str:
    """Every sentence of the main area (the sidebar names both data sets, by design)."""
    return "\n".join(e.value for kind in TEXTS for e in getattr(at.main, kind))


def tiny_model() -> MLP:
    """An untrained 784-16-10 network: what it answers does not matter here, only the words."""
    return MLP((784, 16, 10), seed=0)


def open_page(page: str, dataset: str, model: MLP | None = None, **state) -> AppTest:
    """``page`` with ``dataset`` in the sidebar, and ``model`` as the visitor's own model."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state[K.DATASET] = dataset
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if model is not None:
        workspace = TrainWorkspace()
        workspace.add_model(model, "mine", dataset, 0.5)
        at.session_state[K.WORKSPACE] = workspace
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def a_drawing() -> np.ndarray:
    """A white bar on the transparent canvas, as the drawing component returns it."""
    rgba = np.zeros((280, 280, 4), np.uint8)
    rgba[40:220, 180:206] = 255
    return rgba


def test_draw_page_speaks_of_clothes_for_a_clothing_model(fashion_from_sample):
    at = open_page(
        "app_pages/draw.py", "fashion-mnist", tiny_model(), **{draw_keys.RESULT: a_drawing()}
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
    mnist = open_page("app_pages/draw.py", "mnist", **{draw_keys.RESULT: a_drawing()})
    assert mnist.title[0].value == "Draw a digit"
    text = page_text(mnist)
    assert "a small digit in a corner" in text and "MNIST's digits were written" in text
    fashion = open_page("app_pages/draw.py", "fashion-mnist")  # only the digit reader
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
    at = open_page("app_pages/evaluate.py", "fashion-mnist", tiny_model())
    notices = robustness_notices(at)
    text = "\n".join(notices) + page_text(at)
    assert not DIGIT_WORDS.search(text), DIGIT_WORDS.findall(text)
    assert "a piece of clothing moved by three or four pixels" in notices[1]
    assert "as wide as a bag" in notices[2]


def test_evaluate_notices_speak_of_digits_on_mnist():
    notices = robustness_notices(open_page("app_pages/evaluate.py", "mnist"))
    assert "a digit moved by three or four pixels" in notices[1]
    assert "sixes and nines" in notices[2]


@pytest.mark.parametrize(
    ("dataset", "noun"), [("fashion-mnist", "piece of clothing"), ("mnist", "digit")]
)
def test_inside_names_what_the_model_reads(fashion_from_sample, dataset, noun):
    at = open_page(
        "app_pages/inside.py", dataset, tiny_model(), **{inside_keys.VIEW: "Activations"}
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
