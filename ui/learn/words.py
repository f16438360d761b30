"""What the Learn page says about the network and the data set on screen.

The lesson is the same for everyone, but its examples are not: a visitor who has trained
a network sees their own layers, and a Fashion-MNIST lesson cannot end by drawing a
piece of clothing for a digit reader. These two small objects hold those differences,
so the page's sections only read them.
"""

from __future__ import annotations

from dataclasses import dataclass

from nn_core.model import ModelConfig
from nn_core.presets import PRESETS
from ui.active import dataset_info


@dataclass(frozen=True)
class NetworkShown:
    """The network the Learn page draws, and how the page names it."""

    config: ModelConfig
    sentence: str  # "the default network (...)": the default preset's; or "your model (...)"


def network_shown(in_use) -> NetworkShown:
    """The visitor's own model when they have one for this data set (``in_use``: a
    ``ui.models.ModelInUse`` or None), else the network of the default preset, the one
    the Train page starts from (the page calls it "the default network").

    Not the bundled model: Learn explains the recipe a student is about to train."""
    if in_use is not None and not in_use.is_bundled:
        return NetworkShown(in_use.model.config, in_use.sentence)
    default_preset = PRESETS["default"]
    return NetworkShown(
        default_preset.model, f"the default network (the Train page's “{default_preset.title}”)"
    )


@dataclass(frozen=True)
class LessonWords:
    """The sentences and links of the Learn page that depend on the data set."""

    noun: str  # one image shows one ...
    next_steps: str
    links: tuple[tuple[str, str, str], ...]  # (page file, label, icon)


_DATA = ("app_pages/data.py", "Step 2 · Explore the data", ":material/grid_view:")
_TRAIN = ("app_pages/train.py", "Step 3 · Train a network", ":material/model_training:")


def lesson_words(dataset: str) -> LessonWords:
    """Digits end the lesson on the Draw page; clothes cannot be drawn for a digit
    reader, so a Fashion-MNIST lesson ends by looking inside and evaluating instead."""
    info = dataset_info(dataset)
    if info.drawable:
        return LessonWords(
            info.noun,
            "Then explore the data, train your own network and try it on your handwriting.",
            (_DATA, _TRAIN, ("app_pages/draw.py", "Step 4 · Draw a digit", ":material/draw:")),
        )
    return LessonWords(
        info.noun,
        f"Then explore the data, train your own network, look inside it and see which "
        f"{info.plural} it confuses.",
        (
            _DATA,
            _TRAIN,
            ("app_pages/inside.py", "Step 4 · Look inside", ":material/neurology:"),
            ("app_pages/evaluate.py", "Step 5 · Evaluate", ":material/fact_check:"),
        ),
    )
