"""Which network a page should look at: the visitor's own, a kept run, or the bundled one.

Inside, Evaluate, Draw and Learn all show "a model". Which one is a single rule, kept
here so the pages cannot disagree: the visitor's current model when it was trained on
the data set on screen, else the pretrained model that ships with the app (it knows
MNIST digits only), and the page says which in one sentence.

``ModelInUse.key`` names the exact weights, so a page can cache what it computes from a
model (predictions on 10,000 test images, PCA of activations) and recompute only when
the weights change.
"""

from __future__ import annotations

from dataclasses import dataclass

from nn_core.data import DATASETS
from nn_core.errors import ModelFileError
from ui import shared as ui_shared
from ui import state


@dataclass(frozen=True)
class ModelInUse:
    """A network a page can show, with the words to name it."""

    model: object  # nn_core.MLP, read-only: copy it (model.astype(model.dtype)) to edit
    key: tuple  # names these exact weights: a cache key
    title: str  # for a selector: "Your model: #3 256 relu ... (97.8%)"
    sentence: str  # in running text: "your model (run #3, 97.8% on the test set)"
    dataset: str  # the data set it was trained on
    class_names: tuple[str, ...]
    is_bundled: bool = False
    run_id: int | None = None


def _pct(accuracy) -> str:
    return "" if accuracy is None else f", {accuracy:.1%} on the test set"


def bundled(dataset_name: str = "mnist") -> ModelInUse | None:
    """The pretrained MNIST model, or None (missing file, or another data set)."""
    if dataset_name != "mnist":
        return None
    try:
        model = ui_shared.get_bundled_model()
    except ModelFileError:
        return None
    accuracy = model.meta.get("test_accuracy")
    return ModelInUse(
        model,
        ("bundled",),
        f"Bundled pretrained model (MNIST{_pct(accuracy)})",
        "the bundled pretrained model",
        "mnist",
        DATASETS["mnist"].class_names,
        is_bundled=True,
    )


def _visitors(model, key, whose: str, name: str, dataset: str, accuracy, run_id) -> ModelInUse:
    """One of the visitor's own networks, named the same way on every page."""
    words = f"{name}{_pct(accuracy)}"
    title = f"{whose.capitalize()}: {words}" if whose == "your model" else f"Run {words}"
    sentence = f"your model ({words})" if whose == "your model" else f"run {words}"
    return ModelInUse(
        model, key, title, sentence, dataset, DATASETS[dataset].class_names, run_id=run_id
    )


def current(dataset_name: str) -> ModelInUse | None:
    """The visitor's current model if it was trained on ``dataset_name``."""
    now = state.workspace().current
    if now is None or now.dataset != dataset_name:
        return None
    key = ("current", now.version)
    return _visitors(
        now.model, key, "your model", now.name, now.dataset, now.test_accuracy, now.run_id
    )


def model_in_use(dataset_name: str) -> ModelInUse | None:
    """Your model for this data set, else the bundled one, else None."""
    return current(dataset_name) or bundled(dataset_name)


def model_options(dataset_name: str) -> list[ModelInUse]:
    """Every network worth choosing for this data set: yours, each kept run, the bundled."""
    options = [m for m in (current(dataset_name),) if m is not None]
    taken = {m.run_id for m in options}
    for run in reversed(state.workspace().kept_runs()):
        if run.dataset == dataset_name and run.id not in taken:
            key = ("run", run.id)
            acc = run.test_accuracy
            options.append(_visitors(run.model, key, "run", run.name, run.dataset, acc, run.id))
    pretrained = bundled(dataset_name)
    return options + ([pretrained] if pretrained else [])
