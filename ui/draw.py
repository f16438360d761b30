"""What the Draw page does with a drawing, as plain functions (no Streamlit, unit-testable).

A drawing goes through three steps, each kept here so a test can run it without a
browser: choose which network reads it (the bundled MNIST model or the user's own),
read it (MNIST's preprocessing, the ten probabilities and a saliency map), and,
if the class wants, keep it in a small test set of the class's own handwriting.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nn_core.data import DATASETS
from nn_core.preprocess import PreprocessSteps, canvas_to_mnist_steps

BUNDLED, MINE = "bundled", "mine"
CHOICES = (BUNDLED, MINE)

NOT_SURE_BELOW = 0.6
"""Below this top probability the page says the network is not sure.

A well-trained network gives a clear digit 90 % or more; when the best class gets less
than 60 %, two classes are competing and the honest answer is "I'm not sure"."""

CLASS_SET_LIMIT = 500
"""At most this many drawings in the class's test set: 500 images is 400 kB of memory
per browser tab, and plenty to measure a model on a class's handwriting."""

DIGITS = DATASETS["mnist"].class_names

_MODEL_LOCK = threading.Lock()
"""The bundled model is one object shared by every browser tab, and a saliency map is a
forward pass followed by a backward pass that reads what the forward pass left in the
layers. Two students drawing at the same instant must not interleave those two passes,
so every model call made here takes this lock (each call lasts about a millisecond)."""


@dataclass(frozen=True)
class ModelChoice:
    """A network the page can use, with the words the page says about it."""

    key: str  # BUNDLED or MINE
    model: object | None  # an nn_core.MLP, or None when this choice is not available
    class_names: tuple[str, ...]
    name: str  # in a sentence: "the bundled model", "your model"
    title: str  # for the model selector
    note: str | None = None  # a warning to show next to the prediction, or None

    @property
    def available(self) -> bool:
        return self.model is not None


def _pct(accuracy: float | None) -> str:
    return "" if accuracy is None else f", {accuracy:.1%} on its test set"


def bundled_choice(model, shown: str) -> ModelChoice:
    """The pretrained MNIST model; ``shown`` is the data set the sidebar shows.

    It only knows digits, so with Fashion-MNIST selected we say so instead of letting
    it name a drawn shoe "8".
    """
    accuracy = None if model is None else model.meta.get("test_accuracy")
    title = f"Bundled model (MNIST digits{_pct(accuracy)})"
    if model is None:
        title = "Bundled model (not available)"
    note = None
    if shown != "mnist":
        note = (
            f"The bundled model was trained on MNIST digits, not {DATASETS[shown].title}: "
            "draw a digit for it. Train your own model on the Train page to draw clothes."
        )
    return ModelChoice(BUNDLED, model, DIGITS, "the bundled model", title, note)


def my_choice(model, status: str, accuracy: float | None, dataset: str | None) -> ModelChoice:
    """The user's own model from the Train page, labelled with its data set's class names."""
    if model is None or status == "untrained" or model.config.sizes[0] != 784:
        title = "Your model (train one on the Train page)"
        return ModelChoice(MINE, None, DIGITS, "your model", title)
    info = DATASETS.get(dataset or "mnist", DATASETS["mnist"])
    words = "still training" if status == "training" else f"{info.title}{_pct(accuracy)}"
    note = None
    if info.name != "mnist":
        note = (
            f"Your model was trained on {info.title}: it answers with clothing names. "
            "Try drawing a trouser, a bag or a shoe."
        )
    return ModelChoice(MINE, model, info.class_names, "your model", f"Your model ({words})", note)


def pick(choice: str | None, options: dict[str, ModelChoice]) -> ModelChoice | None:
    """The choice asked for if it is available, else any available one, else None."""
    wanted = options.get(choice or BUNDLED)
    if wanted is not None and wanted.available:
        return wanted
    return next((c for c in options.values() if c.available), None)


@dataclass(frozen=True)
class Reading:
    """What the network makes of one drawing.

    steps:    the preprocessing, step by step (``steps.centred`` is the network's input)
    probs:    (10,) float, the probability of each class
    saliency: (28, 28) float32, d log P[predicted] / d pixel: positive where more ink
              would make the network surer of its answer
    """

    steps: PreprocessSteps
    probs: np.ndarray
    saliency: np.ndarray
    class_names: tuple[str, ...]

    @property
    def predicted(self) -> int:
        return int(np.argmax(self.probs))

    @property
    def confidence(self) -> float:
        return float(self.probs[self.predicted])

    @property
    def label(self) -> str:
        return self.class_names[self.predicted]

    @property
    def not_sure(self) -> bool:
        return self.confidence < NOT_SURE_BELOW

    @property
    def runner_up(self) -> int:
        """The second most probable class: what the network hesitates with."""
        return int(np.argsort(self.probs)[-2])


def read_drawing(model, image: np.ndarray | None, class_names: Sequence[str]) -> Reading | None:
    """Preprocess a canvas image like MNIST, then predict and explain; None if it is empty.

    image: (h, w, 4) RGBA uint8 from the canvas (white ink on black), or None.
    """
    if image is None:
        return None
    steps = canvas_to_mnist_steps(image)
    if steps is None:
        return None
    x = steps.centred.reshape(1, 784)
    with _MODEL_LOCK:
        probs = model.predict_proba(x)[0]
        predicted = int(np.argmax(probs))
        # copied while we hold the lock: the gradient lives in a buffer the layers reuse
        saliency = model.input_gradient(x, classes=predicted)[0].reshape(28, 28).copy()
    return Reading(steps, probs, saliency.astype(np.float32, copy=False), tuple(class_names))


def not_sure_message(reading: Reading) -> str:
    """One sentence for a hesitant network: its two candidates and what to try."""
    first, second = reading.predicted, reading.runner_up
    names, p = reading.class_names, reading.probs
    return (
        f"Not sure: maybe **{names[first]}** ({p[first]:.0%}), maybe **{names[second]}** "
        f"({p[second]:.0%}). Try drawing it again, bigger and with clear strokes."
    )


# --- the class's own test set ---------------------------------------------------------


def add_drawing(
    items: list, image: np.ndarray, label: int, limit: int = CLASS_SET_LIMIT
) -> list[tuple[np.ndarray, int]]:
    """A new list with ``(image, label)`` appended; raises ValueError once ``limit`` is reached.

    image: (28, 28) float32 in [0, 1], the network's input (``Reading.steps.centred``).
    A new list rather than an append, so Streamlit sees the change and nothing shared is
    modified behind anyone's back.
    """
    if len(items) >= limit:
        raise ValueError(
            f"The class set is full ({limit} drawings): download it, then empty it to go on."
        )
    if not 0 <= int(label) <= 9:
        raise ValueError(f"label must be a class number 0..9, got {label}")
    image = np.asarray(image, dtype=np.float32).reshape(28, 28).copy()
    return [*items, (image, int(label))]


def class_set_arrays(items: Sequence) -> tuple[np.ndarray, np.ndarray]:
    """The set as arrays: images (n, 28, 28) float32 in [0, 1] and labels (n,) int64."""
    if not items:
        return np.zeros((0, 28, 28), np.float32), np.zeros(0, np.int64)
    images = np.stack([np.asarray(img, np.float32).reshape(28, 28) for img, _ in items])
    return images, np.array([label for _, label in items], dtype=np.int64)


@dataclass(frozen=True)
class ClassSetScore:
    """How a model does on the class's drawings."""

    labels: np.ndarray  # (n,) the true labels
    predictions: np.ndarray  # (n,) what the model says

    @property
    def n(self) -> int:
        return len(self.labels)

    @property
    def correct(self) -> int:
        return int((self.labels == self.predictions).sum())

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.n if self.n else None

    def per_class(self, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """(drawings, read correctly) for each class 0..k-1."""
        right = self.labels == self.predictions
        drawn = np.bincount(self.labels, minlength=k)[:k]
        return drawn, np.bincount(self.labels[right], minlength=k)[:k]


def score_class_set(model, items: Sequence) -> ClassSetScore:
    """Run ``model`` on every drawing of the set and compare with the true labels."""
    images, labels = class_set_arrays(items)
    if not len(labels):
        return ClassSetScore(labels, np.zeros(0, np.int64))
    with _MODEL_LOCK:
        predictions = model.predict(images)
    return ClassSetScore(labels, np.asarray(predictions, dtype=np.int64))


def class_set_npz(items: Sequence, class_names: Sequence[str] = DIGITS) -> bytes:
    """The set as an ``.npz`` file, in MNIST's own format so any MNIST code can read it.

    images (n, 28, 28) uint8 0..255 (ink bright), labels (n,) uint8, class_names (10,) str.
    """
    images, labels = class_set_arrays(items)
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        images=np.rint(images * 255).astype(np.uint8),
        labels=labels.astype(np.uint8),
        class_names=np.array(list(class_names)),
    )
    return buffer.getvalue()
