"""What the Learn page says: the network on screen and the lesson's last steps."""

from __future__ import annotations

from nn_core.model import MLP
from nn_core.presets import PRESETS
from ui.learn import words


def test_learn_names_the_network_on_screen():
    default = words.network_shown(None)
    assert default.config.sizes == PRESETS["default"].model.sizes == (784, 256, 10)
    assert default.sentence.startswith("the default network")

    class InUse:  # what ui.models.model_in_use returns, reduced to what Learn reads
        def __init__(self, model, sentence, is_bundled):
            self.model, self.sentence, self.is_bundled = model, sentence, is_bundled

    mine = MLP((784, 64, 10), activation="tanh")
    shown = words.network_shown(InUse(mine, "your model (run #3)", False))
    assert shown.config.sizes == (784, 64, 10) and shown.sentence == "your model (run #3)"
    bundled = words.network_shown(InUse(MLP((784, 32, 10)), "the bundled model", True))
    assert bundled.config.sizes == (784, 256, 10)  # Learn explains what a student will train


def test_lesson_ends_on_draw_only_for_digits():
    digits = words.lesson_words("mnist")
    assert "handwriting" in digits.next_steps and digits.links[-1][0] == "app_pages/draw.py"
    clothes = words.lesson_words("fashion-mnist")
    assert "handwriting" not in clothes.next_steps and "digit" not in clothes.noun
    pages = [page for page, _, _ in clothes.links]
    assert "app_pages/draw.py" not in pages and "app_pages/evaluate.py" in pages
