"""Which network a page should look at: the visitor's own, a kept run, or the bundled one.

Inside, Evaluate, Draw and Learn all show "a model". Which one is a single rule, kept
here so the pages cannot disagree: "your model" (the visitor's own network) when it was
trained on the data set on screen, else the pretrained model that ships with the app (it
knows MNIST digits only), and the page says which in one sentence.

``ModelInUse`` is the one description of such a network: the model, its names for a
selector and for a sentence, the data set and classes it knows, and whether it is the
bundled one. Draw, Inside, Evaluate and Learn take it as it is; none wraps it again.
``ModelInUse.key`` names the exact weights, so a page can cache what it computes from a
model (predictions on 10,000 test images, PCA of activations) and recompute only when
the weights change; ``ModelInUse.stable_id`` names its place among the choices, which
survives retraining.
"""

from __future__ import annotations

from dataclasses import dataclass

from nn_core.errors import ModelFileError
from ui import shared as ui_shared
from ui import state, text
from ui.active import dataset_info

BUNDLED_DATASET = "mnist"
"""The data set the bundled model learned: the only one that ships with a trained network."""

BUNDLED, YOURS = "bundled", "current"
"""``stable_id`` of the bundled network and of "your model" (a kept run's is "run-3").
The stored word of ``YOURS`` stays "current": a selector may remember it."""


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

    @property
    def stable_id(self) -> str:
        """Which of the choices this is, in a way that survives retraining (``key`` does
        not): ``BUNDLED``, ``YOURS`` or "run-<id>". What a model selector remembers."""
        if self.is_bundled:
            return BUNDLED
        return YOURS if self.key[0] == YOURS else f"run-{self.run_id}"


def _pct(accuracy) -> str:
    return "" if accuracy is None else f", {accuracy:.1%} on the test set"


def bundled_network():
    """The shipped network, loaded once per server and shared (``ui.shared``); raises
    ModelFileError when its file is missing. Every page reaches it through here, so a
    test can take it away in one place."""
    return ui_shared.get_bundled_model()


def bundled(dataset_name: str = BUNDLED_DATASET) -> ModelInUse | None:
    """The bundled pretrained model, or None (missing file, or another data set)."""
    if dataset_name != BUNDLED_DATASET:
        return None
    try:
        model = bundled_network()
    except ModelFileError:
        return None
    accuracy = model.meta.get("test_accuracy")
    info = dataset_info(BUNDLED_DATASET)
    return ModelInUse(
        model,
        (BUNDLED,),
        f"Bundled pretrained model ({info.title}{_pct(accuracy)})",
        "the bundled pretrained model",
        info.name,
        info.class_names,
        is_bundled=True,
    )


def _visitors(model, key, whose: str, name: str, dataset: str, accuracy, run_id) -> ModelInUse:
    """One of the visitor's own networks, named the same way on every page."""
    words = f"{text.plain(name)}{_pct(accuracy)}"  # a name may hold an uploaded file's
    title = f"{whose.capitalize()}: {words}" if whose == "your model" else f"Run {words}"
    sentence = f"your model ({words})" if whose == "your model" else f"run {words}"
    return ModelInUse(
        model, key, title, sentence, dataset, dataset_info(dataset).class_names, run_id=run_id
    )


def yours(dataset_name: str) -> ModelInUse | None:
    """The visitor's own network, "your model" (``TrainWorkspace.current``), if it was
    trained on ``dataset_name``."""
    now = state.workspace().current
    if now is None or now.dataset != dataset_name:
        return None
    key = (YOURS, now.version)
    return _visitors(
        now.model, key, "your model", now.name, now.dataset, now.test_accuracy, now.run_id
    )


def model_in_use(dataset_name: str) -> ModelInUse | None:
    """Your model for this data set, else the bundled one, else None."""
    return yours(dataset_name) or bundled(dataset_name)


def model_options(dataset_name: str) -> list[ModelInUse]:
    """Every network worth choosing for this data set: yours, each kept run, the bundled."""
    options = [m for m in (yours(dataset_name),) if m is not None]
    taken = {m.run_id for m in options}
    for run in reversed(state.workspace().kept_runs()):
        if run.dataset == dataset_name and run.id not in taken:
            key = ("run", run.id)
            acc = run.test_accuracy
            options.append(_visitors(run.model, key, "run", run.name, run.dataset, acc, run.id))
    pretrained = bundled(dataset_name)
    return options + ([pretrained] if pretrained else [])


def uploaded(model, digest: str, file_name: str, dataset_name: str) -> ModelInUse:
    """A model file the visitor uploaded to compare, named by its file and keyed by its
    contents' digest (the same file uploaded twice is the same model)."""
    title = f"uploaded file {text.plain(file_name)}"
    names = dataset_info(dataset_name).class_names
    return ModelInUse(model, ("upload", digest), title, f"the {title}", dataset_name, names)
