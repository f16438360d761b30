"""The Draw page in AppTest: an injected drawing goes through the page as a drawn one would.

AppTest cannot draw on the canvas, so the tests use the page's documented seam: an RGBA
array in ``st.session_state[keys.RESULT]`` is read instead of the canvas's image.
"""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from nn_core import canvas_to_mnist, load_default_model
from nn_core.errors import ModelFileError
from nn_core.model import MLP
from tests.support.apptest import (
    SVG,
    figure_widths,
    open_join_form,
    open_page,
    page_alone,
    svg_figures,
    svg_picture,
    svg_texts,
    svg_values,
)
from ui import models
from ui.classroom import keys as class_keys
from ui.draw import figures, keys, my_drawings, sections
from ui.figures.png import ink_pixels
from ui.inside import keys as inside_keys
from ui.state import K
from ui.workspace.workspace import TrainWorkspace

pytestmark = pytest.mark.usefixtures("bundled_sample_only")  # the same data on every machine


def block(top: int = 40, left: int = 180, h: int = 180, w: int = 26) -> np.ndarray:
    """A tall white bar on the transparent canvas, off-centre: a "1"."""
    rgba = np.zeros((280, 280, 4), np.uint8)
    rgba[top : top + h, left : left + w] = 255
    return rgba


def fixed_model(winner: int | None = None) -> MLP:
    """A network that says 10 % for everything, or always ``winner`` if given."""
    net = MLP((784, 10))
    bias = np.zeros(10, np.float32)
    if winner is not None:
        bias[winner] = 6.0
    net.set_weights([np.zeros((784, 10), np.float32), bias])
    return net


def bold_labels(figure) -> list[str]:
    return [t.text for t in figure.iter(f"{SVG}text") if t.get("font-weight") == "bold"]


def use_my_model(at: AppTest, model: MLP, dataset: str = "mnist") -> None:
    """Give the visitor a model of their own (as Train does), then choose it."""
    workspace = TrainWorkspace()
    workspace.add_model(model, "mine", dataset, 0.5)
    at.session_state[K.WORKSPACE] = workspace
    at.run()
    if any(box.key == keys.MODEL_CHOICE for box in at.selectbox):
        at.selectbox(key=keys.MODEL_CHOICE).set_value(models.YOURS).run()
    else:  # the only network on offer: the page names it instead of asking
        assert reader(at).startswith("**Your model")
    assert not at.exception, at.exception


def reader(at: AppTest) -> str:
    """The network the page names when there is no other to choose from."""
    start = "The network reading your drawing: "
    assert not any(box.key == keys.MODEL_CHOICE for box in at.selectbox)
    return next(m.value for m in at.markdown if m.value.startswith(start))[len(start) :]


def test_empty_canvas_shows_a_hint_not_an_error():
    at = open_page("draw")
    assert at.title[0].value == "Draw a digit"
    assert any("Draw one digit" in i.value for i in at.info)
    assert len(at.metric) == 0 and len(at.error) == 0
    assert reader(at).startswith("**Bundled pretrained model")
    at.button_group(key=keys.LABEL).set_value(1).run()
    at.button(key=keys.ADD).click().run()  # nothing drawn: said, and nothing added
    assert [e.value for e in at.error] == [sections.NOTHING_DRAWN] and not at.metric
    assert len(at.get("button")) and not any(b.key == keys.INSIDE for b in at.button)


def test_an_injected_drawing_is_read_like_a_drawn_one():
    at = open_page("draw")
    image = block()
    at.session_state[keys.RESULT] = image
    at.run()
    assert not at.exception, at.exception
    model = load_default_model()
    x = canvas_to_mnist(image).reshape(1, 784)
    probs = model.predict_proba(x)[0]
    metric = at.metric[0]
    assert metric.label == "Prediction" and metric.value == "1" == str(int(np.argmax(probs)))
    assert metric.delta == f"{probs.max():.0%} sure"
    found = svg_figures(at)
    assert {"draw_probs", "draw_steps", "draw_saliency"} <= set(found)
    np.testing.assert_allclose(svg_values(found["draw_probs"]), probs, rtol=1e-5)
    assert "1" in bold_labels(found["draw_probs"])
    centred = svg_picture(found["draw_steps"], 3)  # the fourth step: the network's input
    np.testing.assert_array_equal(centred, ink_pixels(x.reshape(28, 28)))
    expected = model.input_gradient(x, classes=[1])[0].reshape(28, 28)
    limit = figures.saliency_range(expected)
    shown = [r for r in found["draw_saliency"].iter(f"{SVG}rect") if r.get("data-limit")]
    assert float(shown[0].get("data-limit")) == pytest.approx(limit, rel=1e-4)
    overlay = svg_picture(found["draw_saliency"], 0).astype(int)
    wanted = figures.saliency_pixels(x.reshape(28, 28), expected, limit).astype(int)
    assert np.abs(overlay - wanted).max() <= 1  # the gradient of P(1), over the input
    assert "P(1)" in svg_texts(found["draw_saliency"])
    assert not any(w.value.startswith("Not sure") for w in at.warning)  # sure of itself


def test_clear_brings_back_an_empty_canvas():
    at = open_page("draw", {keys.RESULT: block()})
    assert at.metric[0].value == "1"
    version = at.session_state[keys.CANVAS_VERSION]
    at.button(key=keys.CLEAR).click().run()
    assert not at.exception, at.exception
    assert at.session_state[keys.CANVAS_VERSION] == version + 1  # a fresh canvas key
    assert at.session_state[keys.RESULT] is None
    assert len(at.metric) == 0 and any("Draw one digit" in i.value for i in at.info)


def in_order(node):
    """Every element under ``node``, in the order the page draws them."""
    yield node
    for index in sorted(getattr(node, "children", {})):
        yield from in_order(node.children[index])


def test_a_hesitant_network_says_it_is_not_sure_and_what_helps():
    at = open_page("draw", {keys.RESULT: block()})
    use_my_model(at, fixed_model())
    assert at.metric[0].delta == "10% sure"
    warning = next(w.value for w in at.warning if w.value.startswith("Not sure"))
    assert "bigger" not in warning and "single digit" in warning and "weak spot" in warning
    assert any("below **60%**" in m.value for m in at.markdown)  # the threshold in force
    assert "evaluate" in {link.proto.page for link in at.get("page_link")}
    # below the bars, not above: on a laptop screen the bars must stay above the fold
    answer = next(c for c in at.columns if any(m.label == "Prediction" for m in c.metric))
    shown = [e for e in in_order(answer) if e.type in ("html", "markdown", "warning")]
    texts = [e.proto.body if e.type == "html" else e.value for e in shown]
    bars = next(i for i, t in enumerate(texts) if 'data-chart="draw_probs"' in t)
    assert texts[bars + 1 :] == [warning]


def test_the_threshold_comes_from_the_evaluate_page():
    at = open_page("draw", {keys.RESULT: block(), K.CONFIDENCE: 0.05})
    use_my_model(at, fixed_model())
    assert at.metric[0].delta == "10% sure"  # above a 5 % threshold: an answer, no doubt
    assert not any(w.value.startswith("Not sure") for w in at.warning)
    assert any("below **5%**" in m.value for m in at.markdown)


def test_look_inside_sends_the_drawing_to_the_inside_page():
    at = open_page("draw", {keys.RESULT: block()})
    at.button(key=keys.INSIDE).click().run()
    sent = at.session_state[inside_keys.DRAWING]
    assert sent.shape == (28, 28) and sent.dtype == np.float32
    np.testing.assert_array_equal(sent, canvas_to_mnist(block()))
    assert at.title[0].value != "Draw a digit"  # now on the Inside page


def test_my_fashion_model_answers_with_clothes():
    at = open_page("draw", {keys.RESULT: block(), K.DATASET: "fashion-mnist"})
    use_my_model(at, fixed_model(winner=8), dataset="fashion-mnist")
    assert at.metric[0].value == "Bag"
    assert any("clothing" in w.value for w in at.warning)
    probs = svg_figures(at)["draw_probs"]
    assert bold_labels(probs)[1] == "Bag" and "Ankle boot" in svg_texts(probs)


def test_bundled_model_on_fashion_data_asks_for_digits(fashion_from_sample):
    at = open_page("draw", {K.DATASET: "fashion-mnist", keys.RESULT: block()})
    assert any("trained on MNIST digits" in w.value for w in at.warning)
    assert at.metric[0].value == "1"  # still a digit model, with digit labels


def test_before_training_only_the_bundled_model_is_offered():
    at = open_page("draw", {keys.RESULT: block()})
    assert reader(at).startswith("**Bundled pretrained model")  # one offered: no choice
    assert "train" in {link.proto.page for link in at.get("page_link")}
    assert at.metric[0].value == "1"


def test_a_forgotten_choice_falls_back_to_what_is_offered():
    at = open_page("draw", {keys.RESULT: block(), keys.MODEL_CHOICE: "run-7"})
    assert reader(at).startswith("**Bundled pretrained model")
    assert at.session_state[keys.MODEL_CHOICE] == models.BUNDLED
    assert at.metric[0].value == "1"


def test_without_the_bundled_model_file(monkeypatch):
    def missing():
        raise ModelFileError("default_model.npz: no such model file")

    monkeypatch.setattr(models, "bundled_network", missing)
    at = open_page("draw", {keys.RESULT: block()})
    assert any("No network is available" in e.value for e in at.error)
    assert len(at.metric) == 0
    use_my_model(at, fixed_model(winner=3))
    assert at.metric[0].value == "3" and len(at.error) == 0


def test_page_still_reads_a_drawing_when_the_canvas_cannot_load(monkeypatch):
    monkeypatch.setitem(sys.modules, "streamlit_drawable_canvas", None)  # import fails
    at = open_page("draw", {keys.RESULT: block()})
    assert any("streamlit run app.py" in c.value for c in at.caption)
    assert at.metric[0].value == "1"


def test_my_drawings_add_score_and_empty():
    at = open_page("draw", {keys.RESULT: block()})
    at.button(key=keys.ADD).click().run()  # no true label chosen yet: said, not added
    assert [e.value for e in at.error] == [sections.NO_LABEL]
    assert at.session_state[keys.MY_DRAWINGS] == []
    at.button_group(key=keys.LABEL).set_value(7).run()  # say it was a 7: a wrong reading
    at.button(key=keys.ADD).click().run()
    assert not at.exception, at.exception
    items = at.session_state[keys.MY_DRAWINGS]
    assert len(items) == 1 and items[0][1] == 7
    np.testing.assert_array_equal(items[0][0], canvas_to_mnist(block()))
    assert any("Added a drawing of 7" in s.value for s in at.success)
    score = [m for m in at.metric if m.label == "Read correctly by this model"][0]
    assert score.value == "0 / 1" and score.delta == "0%"
    thumbnails = svg_figures(at)["draw_my_drawings"]
    assert svg_texts(thumbnails) == ["7→1"]
    np.testing.assert_array_equal(
        svg_picture(thumbnails)[9:37, :28], ink_pixels(canvas_to_mnist(block()))
    )
    assert at.get("download_button")
    at.button(key=keys.EMPTY_SET).click().run()
    assert at.session_state[keys.MY_DRAWINGS] == []
    assert "draw_my_drawings" not in svg_figures(at)


def test_my_drawings_are_scored_by_the_network_chosen():
    """*My drawings* sit outside the part of the page a stroke redraws, so choosing
    another network must rerun the whole page: their score is then the new network's."""
    at = open_page("draw", {keys.RESULT: block()})  # the bundled model reads a "1"
    at.button_group(key=keys.LABEL).set_value(1).run()
    at.button(key=keys.ADD).click().run()
    assert at.metric[-1].label == "Read correctly by this model" and at.metric[-1].value == "1 / 1"
    use_my_model(at, fixed_model(winner=7))  # a network that always says 7
    assert at.metric[0].value == "7" and at.metric[-1].value == "0 / 1"


def test_full_my_drawings_refuse_more():
    full = [(np.zeros((28, 28), np.float32), 1)] * my_drawings.LIMIT
    at = open_page("draw", {keys.RESULT: block(), keys.MY_DRAWINGS: full})
    at.button_group(key=keys.LABEL).set_value(1).run()
    at.button(key=keys.ADD).click().run()
    assert not at.exception, at.exception
    assert len(at.session_state[keys.MY_DRAWINGS]) == my_drawings.LIMIT
    assert any("full" in e.value for e in at.error)


def test_a_drawing_added_in_a_class_goes_to_the_class_handwriting_set(tmp_path, monkeypatch):
    from ui.classroom.connection import get_store

    monkeypatch.setenv("NN_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("NN_CLASS_DB_URL", raising=False)
    teacher = page_alone("classroom")
    teacher.run()
    teacher.button(key=class_keys.START).click().run()
    code = teacher.session_state[K.CLASS].membership.code
    at = open_page("draw", {keys.RESULT: block()})
    open_join_form(at)
    at.text_input(key=class_keys.CODE).input(code)
    at.text_input(key=class_keys.NICKNAME).input("Ada")
    at.button(key=class_keys.JOIN).click().run()
    at.button_group(key=keys.LABEL).set_value(1).run()
    at.button(key=keys.ADD).click().run()
    assert not at.exception, at.exception
    assert any("Added a drawing of 1" in s.value and "class" in s.value for s in at.success)
    drawings = get_store().board(code).drawings
    assert [d.label for d in drawings] == [1]


def fake_canvas(calls: list) -> types.ModuleType:
    """A stand-in for the canvas component that notes what the page asks of it."""

    def st_canvas(**settings):
        calls.append(settings)
        return types.SimpleNamespace(image_data=None)

    module = types.ModuleType("streamlit_drawable_canvas")
    module.st_canvas = st_canvas
    return module


def test_the_pen_width_is_kept_and_given_to_the_canvas(monkeypatch):
    calls = []
    monkeypatch.setitem(sys.modules, "streamlit_drawable_canvas", fake_canvas(calls))
    at = open_page("draw")
    assert calls[-1]["stroke_width"] == 20  # the default
    pens = at.button_group(key=keys.PEN)
    assert pens.options == ["Thin", "Medium", "Thick"]
    pens.set_value(32).run()
    assert not at.exception, at.exception
    assert calls[-1]["stroke_width"] == 32
    at.session_state[keys.RESULT] = block()  # a stroke: the page runs again
    at.run()
    assert at.button_group(key=keys.PEN).value == 32 and calls[-1]["stroke_width"] == 32


def test_about_this_model_shows_the_recipe_when_opened():
    at = open_page("draw", {keys.RESULT: block()})
    about = next(e for e in at.expander if e.label.startswith("About this model"))
    model = load_default_model()
    assert model.config.describe() in about.label
    assert not at.code  # the recipe is not sent until asked for
    at.session_state[keys.ABOUT_OPEN] = True  # what a click on the expander does
    at.run()
    assert not at.exception, at.exception
    assert [c.value for c in at.code] == [model.meta["command"]]
    assert any("this project's own trainer" in m.value for m in at.markdown)


def test_presentation_mode_keeps_the_answer_and_drops_the_explanations():
    at = open_page("draw", {keys.RESULT: block()})
    before = figure_widths(at)
    assert any("with your mouse" in m.value for m in at.markdown)
    assert any("MNIST's own recipe" in c.value for c in at.caption)
    assert any("below **60%**" in m.value for m in at.markdown)
    at.sidebar.toggle(key=K.PRESENTATION).set_value(True).run()
    assert not at.exception, at.exception
    assert at.session_state[K.PRESENTATION] is True
    after = figure_widths(at)
    assert not any("with your mouse" in m.value for m in at.markdown)
    assert not any("MNIST's own recipe" in c.value for c in at.caption)
    assert not any("below **60%**" in m.value for m in at.markdown)  # sure: no threshold
    assert at.metric[0].value == "1" and at.title[0].value == "Draw a digit"
    for name in ("draw_probs", "draw_steps", "draw_saliency"):
        assert after[name] == pytest.approx(1.3 * before[name], abs=1)
