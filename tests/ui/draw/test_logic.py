"""ui/draw/ reading.py, choice.py and my_drawings.py: reading a drawing, choosing the model,
and my drawings as a test set."""

from __future__ import annotations

import io
import threading

import numpy as np
import pytest

from nn_core import canvas_to_mnist, load_default_model
from nn_core.data import DATASETS
from nn_core.model import MLP
from tests.support.samples import redrawn_digits
from ui import models
from ui.draw import choice, my_drawings
from ui.draw import reading as draw
from ui.models import ModelInUse

FASHION = DATASETS["fashion-mnist"].class_names


def paint(strokes, width: int = 20, size: int = 280) -> np.ndarray:
    """White strokes on a transparent canvas, RGBA uint8, as the drawing component returns.

    strokes: lists of (x, y) points in fractions of the canvas; the pen is a disc.
    """
    yy, xx = np.mgrid[0:size, 0:size]
    ink = np.zeros((size, size), bool)
    for points in strokes:
        pts = np.asarray(points, float) * size
        for (x0, y0), (x1, y1) in zip(pts[:-1], pts[1:], strict=True):
            for t in np.linspace(0, 1, max(2, int(np.hypot(x1 - x0, y1 - y0) / 2))):
                cx, cy = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
                ink |= (xx - cx) ** 2 + (yy - cy) ** 2 <= (width / 2) ** 2
    rgba = np.zeros((size, size, 4), np.uint8)
    rgba[ink] = 255
    return rgba


ONE = [[(0.5, 0.15), (0.5, 0.85)]]


@pytest.fixture(scope="module")
def model() -> MLP:
    return load_default_model()


@pytest.fixture(scope="module")
def redrawn():
    """Real MNIST test digits from the bundled sample, redrawn at random sizes and places."""
    return redrawn_digits(300, seed=1)


def uniform_model() -> MLP:
    """A network that cannot tell anything apart: every class gets 10 %."""
    net = MLP((784, 10))
    net.set_weights([np.zeros((784, 10), np.float32), np.zeros(10, np.float32)])
    return net


# --- reading a drawing -----------------------------------------------------------------


def test_nothing_drawn_reads_as_none(model):
    assert draw.read_drawing(model, None, draw.DIGITS) is None
    assert draw.read_drawing(model, np.zeros((280, 280, 4), np.uint8), draw.DIGITS) is None
    dot = paint([[(0.5, 0.5), (0.5, 0.5)]], width=2)  # a stray click is not a digit
    assert draw.read_drawing(model, dot, draw.DIGITS) is None


def test_a_vertical_stroke_is_a_one(model):
    reading = draw.read_drawing(model, paint(ONE), draw.DIGITS)
    assert reading.predicted == 1 and reading.label == "1"
    assert reading.confidence > 0.9 and not reading.not_sure
    assert reading.probs.shape == (10,) and reading.probs.sum() == pytest.approx(1, abs=1e-5)
    np.testing.assert_array_equal(reading.steps.centred, canvas_to_mnist(paint(ONE)))


def test_position_and_size_do_not_matter(model):
    """A 7 drawn big in the middle or small in a corner becomes the same 28x28 input."""
    seven = [[(0.2, 0.15), (0.8, 0.15)], [(0.8, 0.15), (0.45, 0.9)]]
    corner = [[(x * 0.3 + 0.68, y * 0.3 + 0.68) for x, y in s] for s in seven]
    big = draw.read_drawing(model, paint(seven), draw.DIGITS)
    small = draw.read_drawing(model, paint(corner, width=7), draw.DIGITS)
    assert small.predicted == big.predicted == 7
    for reading in (big, small):
        rows = np.flatnonzero(reading.steps.centred.max(axis=1) > 0.1)
        assert rows[-1] - rows[0] + 1 in (19, 20, 21)  # fitted to the 20-pixel box
        com = reading.steps.centred.sum(axis=1) @ np.arange(28) / reading.steps.centred.sum()
        assert abs(com - 14) <= 0.5  # centre of mass on the centre, as in MNIST
    shifts = [
        np.abs(np.roll(small.steps.centred, (dy, dx), (0, 1)) - big.steps.centred).mean()
        for dy in (-1, 0, 1)
        for dx in (-1, 0, 1)
    ]
    assert min(shifts) < 0.05  # the same picture, give or take a one-pixel shift


def test_redrawn_mnist_digits_are_read_right(model, redrawn):
    """Real handwriting, drawn anywhere at any size: the bundled model reads >= 95 %."""
    canvases, labels = redrawn
    predicted = [draw.read_drawing(model, c, draw.DIGITS).predicted for c in canvases]
    assert np.mean(np.array(predicted) == labels) >= 0.95


def test_saliency_is_the_gradient_of_the_predicted_class(model):
    reading = draw.read_drawing(model, paint(ONE), draw.DIGITS)
    x = reading.steps.centred.reshape(1, 784)
    expected = model.input_gradient(x, classes=[reading.predicted])[0].reshape(28, 28)
    np.testing.assert_allclose(reading.saliency, expected, rtol=1e-5, atol=1e-7)
    # following the gradient a little raises the class's log-probability, as it should
    step = 1e-3 * reading.saliency / np.abs(reading.saliency).max()
    before = np.log(model.predict_proba(x)[0, reading.predicted])
    after = np.log(model.predict_proba(x + step.reshape(1, 784))[0, reading.predicted])
    assert after > before


def test_not_sure_below_the_threshold():
    reading = draw.read_drawing(uniform_model(), paint(ONE), draw.DIGITS)
    assert reading.confidence == pytest.approx(0.1, abs=1e-6)
    assert reading.not_sure
    probs = np.array([0.05, 0.55, 0.3, 0.1, 0, 0, 0, 0, 0, 0])
    hesitant = draw.Reading(reading.steps, probs, reading.saliency, draw.DIGITS)
    assert hesitant.not_sure and hesitant.runner_up == 2
    message = draw.not_sure_message(hesitant)
    assert "**1** (55%)" in message and "**2** (30%)" in message
    probs = np.array([0.0, 0.6, 0.4] + [0.0] * 7)
    assert not draw.Reading(reading.steps, probs, reading.saliency, draw.DIGITS, 0.6).not_sure
    assert draw.Reading(reading.steps, probs, reading.saliency, draw.DIGITS, 0.61).not_sure


def test_the_threshold_in_force_decides():
    lenient = draw.read_drawing(uniform_model(), paint(ONE), draw.DIGITS, threshold=0.05)
    assert lenient.threshold == 0.05 and not lenient.not_sure
    strict = draw.read_drawing(model_for_one(), paint(ONE), draw.DIGITS, threshold=0.999)
    assert strict.not_sure  # even a 99 % answer is "not sure" at 99.9 %
    assert "**5%**" in draw.threshold_sentence(0.05) and "Evaluate" in draw.threshold_sentence(0.5)


def test_not_sure_advice_is_what_actually_helps():
    reading = draw.read_drawing(uniform_model(), paint(ONE), draw.DIGITS)
    digits = draw.not_sure_message(reading)
    assert "bigger" not in digits  # the drawing is enlarged to 20 pixels anyway
    assert "single digit" in digits and "weak spot" in digits and "side by side" in digits
    clothes = draw.not_sure_message(draw.read_drawing(uniform_model(), paint(ONE), FASHION))
    assert "digit" not in clothes and "clothes" in clothes


def test_the_words_name_what_the_network_learned():
    assert draw.noun("mnist") == "digit" and draw.noun("fashion-mnist") == "piece of clothing"
    digits = my_drawings.intro("mnist")
    assert "handwriting" in digits and "digits" in digits
    clothes = my_drawings.intro("fashion-mnist")
    assert "digit" not in clothes and "handwriting" not in clothes
    assert "Fashion-MNIST" in clothes and "photos of clothes" in clothes


def model_for_one() -> MLP:
    """A network that is 99 % sure of 1 whatever it sees."""
    net = uniform_model()
    net.dense[0].b[1] = 7.0
    return net


def test_labels_follow_the_models_class_names():
    net = uniform_model()
    net.dense[0].b[8] = 5.0  # class 8 always wins
    reading = draw.read_drawing(net, paint(ONE), FASHION)
    assert reading.label == "Bag" and reading.class_names == FASHION


def test_concurrent_reads_on_one_shared_model_agree_with_serial_reads(model, redrawn):
    """Thirty students share the bundled model: simultaneous saliency maps must not mix."""
    canvases = redrawn[0][:40]
    serial = [draw.read_drawing(model, c, draw.DIGITS).saliency for c in canvases]
    results: dict[int, np.ndarray] = {}

    def work(offset: int) -> None:
        for i in range(offset, len(canvases), 4):
            results[i] = draw.read_drawing(model, canvases[i], draw.DIGITS).saliency

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, expected in enumerate(serial):
        np.testing.assert_allclose(results[i], expected, rtol=1e-5, atol=1e-7)


# --- choosing the model ------------------------------------------------------------------


def in_use(model, dataset="mnist", bundled=False, key=("current", 1), run_id=None):
    """A ``ui.models.ModelInUse`` as the page gets it from ``ui.models``."""
    names = DATASETS[dataset].class_names
    title = "Bundled pretrained model" if bundled else "Your model"
    sentence = "the bundled pretrained model" if bundled else "your model"
    return ModelInUse(model, key, title, sentence, dataset, names, bundled, run_id)


def test_stable_ids_survive_retraining(model):
    assert in_use(model, bundled=True, key=("bundled",)).stable_id == models.BUNDLED
    assert in_use(MLP((784, 10)), key=("current", 9)).stable_id == models.YOURS
    assert in_use(MLP((784, 10)), key=("run", 3), run_id=3).stable_id == "run-3"


def test_notes_for_the_data_set_on_screen(model):
    bundled = in_use(model, bundled=True, key=("bundled",))
    assert choice.note_for(bundled, "mnist") is None
    note = choice.note_for(bundled, "fashion-mnist")
    assert "MNIST digits" in note and "Fashion-MNIST" in note and "draw a digit" in note
    clothes = choice.note_for(in_use(MLP((784, 10)), "fashion-mnist"), "fashion-mnist")
    assert "clothing" in clothes and "Fashion-MNIST" in clothes


def test_choices_keep_the_digit_reader_for_fashion(model):
    bundled = in_use(model, bundled=True, key=("bundled",))
    mine = in_use(MLP((784, 10)), "fashion-mnist")
    offered = choice.choices([mine], digit_reader=bundled)
    assert [m.stable_id for m in offered] == [models.YOURS, models.BUNDLED]
    assert offered[0].class_names == FASHION and offered[1].class_names == draw.DIGITS
    assert "draw a digit" in choice.note_for(offered[1], "fashion-mnist")
    same = choice.choices([bundled], digit_reader=bundled)
    assert [m.stable_id for m in same] == [models.BUNDLED]  # offered once
    assert choice.choices([]) == []


def test_pick_falls_back_to_what_is_offered(model):
    bundled = in_use(model, bundled=True, key=("bundled",))
    offered = choice.choices([in_use(MLP((784, 10))), bundled])
    assert choice.pick(models.BUNDLED, offered).stable_id == models.BUNDLED
    assert choice.pick(models.YOURS, offered).stable_id == models.YOURS
    assert choice.pick("run-5", offered).stable_id == models.YOURS  # forgotten: the first
    assert choice.pick(None, offered).stable_id == models.YOURS
    assert choice.pick(models.YOURS, []) is None


# --- my drawings ------------------------------------------------------------------------


def test_add_drawing_returns_a_new_list():
    image = canvas_to_mnist(paint(ONE))
    empty: list = []
    one = my_drawings.add_drawing(empty, image, 1)
    assert empty == [] and len(one) == 1
    stored, label = one[0]
    assert label == 1 and stored.shape == (28, 28) and stored.dtype == np.float32
    image[:] = 0  # the set keeps its own copy
    assert stored.sum() > 0
    with pytest.raises(ValueError, match="0..9"):
        my_drawings.add_drawing(one, stored, 10)


def test_the_set_is_bounded():
    image = np.zeros((28, 28), np.float32)
    items = [(image, 0)] * 3
    with pytest.raises(ValueError, match="full"):
        my_drawings.add_drawing(items, image, 1, limit=3)
    assert len(my_drawings.add_drawing(items, image, 1, limit=4)) == 4


def test_score_my_drawings(model, redrawn):
    canvases, labels = redrawn
    items: list = []
    for canvas, label in zip(canvases[:30], labels[:30], strict=True):
        items = my_drawings.add_drawing(items, canvas_to_mnist(canvas), int(label))
    score = my_drawings.score(model, items)
    expected = model.predict(np.stack([img for img, _ in items]))
    np.testing.assert_array_equal(score.predictions, expected)
    assert score.n == 30 and score.correct == int((expected == labels[:30]).sum())
    assert score.accuracy == pytest.approx(score.correct / 30)
    drawn, right = score.per_class()
    np.testing.assert_array_equal(drawn, np.bincount(labels[:30], minlength=10))
    assert right.sum() == score.correct and (right <= drawn).all()
    empty = my_drawings.score(model, [])
    assert empty.n == 0 and empty.accuracy is None


def test_npz_export_round_trip():
    image = canvas_to_mnist(paint(ONE))
    items = my_drawings.add_drawing(my_drawings.add_drawing([], image, 1), np.zeros((28, 28)), 7)
    with np.load(io.BytesIO(my_drawings.npz(items)), allow_pickle=False) as f:
        assert f["images"].shape == (2, 28, 28) and f["images"].dtype == np.uint8
        np.testing.assert_array_equal(f["images"][0], np.rint(image * 255))
        assert f["labels"].tolist() == [1, 7]
        assert tuple(f["class_names"]) == draw.DIGITS
    with np.load(io.BytesIO(my_drawings.npz([], FASHION))) as f:
        assert f["images"].shape == (0, 28, 28) and tuple(f["class_names"]) == FASHION
