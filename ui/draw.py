"""What the Draw page does with a drawing, as plain functions (no Streamlit, unit-testable).

A drawing goes through three steps, each kept here so a test can run it without a
browser: choose which network reads it (among ``ui.models.model_options``: the
visitor's own, their kept runs, the bundled MNIST model),
read it (MNIST's preprocessing, the ten probabilities and a saliency map), and,
if the class wants, keep it in a small test set of the class's own handwriting.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nn_core.data import DATASETS, dataset_info
from nn_core.preprocess import PreprocessSteps, canvas_to_mnist_steps

BUNDLED, MINE = "bundled", "current"  # ids of the two usual choices (runs: "run-3")

DEFAULT_THRESHOLD = 0.6
"""The Evaluate page's default "not sure" threshold (``ui.evaluate.threshold``): the page
passes the one in force, this is only the default for code without a session."""

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
class Choice:
    """A network the page offers (a ``ui.models.ModelInUse``), with what to say about it."""

    id: str  # stable across retraining: BUNDLED, MINE or "run-<id>"
    in_use: object  # ui.models.ModelInUse
    note: str | None = None  # a warning to show next to the prediction, or None

    @property
    def model(self):
        return self.in_use.model

    @property
    def class_names(self) -> tuple[str, ...]:
        return tuple(self.in_use.class_names)

    @property
    def title(self) -> str:
        return self.in_use.title


def choice_id(in_use) -> str:
    """A name for a model that survives retraining (its cache key does not)."""
    if in_use.is_bundled:
        return BUNDLED
    return MINE if in_use.key[0] == "current" else f"run-{in_use.run_id}"


def note_for(in_use, shown: str) -> str | None:
    """What to tell someone about to draw for this model, when the sidebar shows ``shown``.

    The bundled model knows digits only, so with Fashion-MNIST selected we say so
    instead of letting it name a drawn shoe "8"; a clothing model answers with clothes.
    """
    if in_use.dataset == "mnist" and shown != "mnist":
        return (
            f"{in_use.sentence.capitalize()} was trained on MNIST digits, not "
            f"{DATASETS[shown].title}: draw a digit for it. Train your own model on "
            f"{DATASETS[shown].title} to draw clothes."
        )
    if in_use.dataset != "mnist":
        return (
            f"This model was trained on {DATASETS[in_use.dataset].title}: it answers with "
            "clothing names. Try drawing a trouser, a bag or a shoe."
        )
    return None


def choices(options: Sequence, shown: str, digit_reader=None) -> list[Choice]:
    """The models to offer: ``options`` (``ui.models.model_options(shown)``), and when
    they hold no digit reader for another data set, ``digit_reader`` (the bundled one)."""
    found = [Choice(choice_id(m), m, note_for(m, shown)) for m in options]
    if digit_reader is not None and not any(c.id == BUNDLED for c in found):
        found.append(Choice(BUNDLED, digit_reader, note_for(digit_reader, shown)))
    return found


def pick(wanted: str | None, offered: Sequence[Choice]) -> Choice | None:
    """The choice asked for if it is offered, else the first one, else None."""
    return next((c for c in offered if c.id == wanted), offered[0] if offered else None)


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
    threshold: float = DEFAULT_THRESHOLD  # below this top probability: "not sure"

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
        return self.confidence < self.threshold

    @property
    def runner_up(self) -> int:
        """The second most probable class: what the network hesitates with."""
        return int(np.argsort(self.probs)[-2])


def read_drawing(
    model,
    image: np.ndarray | None,
    class_names: Sequence[str],
    threshold: float = DEFAULT_THRESHOLD,
) -> Reading | None:
    """Preprocess a canvas image like MNIST, then predict and explain; None if it is empty.

    image: (h, w, 4) RGBA uint8 from the canvas (white ink on black), or None.
    threshold: the "not sure" threshold in force (the Evaluate page's).
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
    saliency = saliency.astype(np.float32, copy=False)
    return Reading(steps, probs, saliency, tuple(class_names), float(threshold))


def not_sure_message(reading: Reading) -> str:
    """What to say when the network hesitates: its two candidates, and what helps.

    Not "draw it bigger": the drawing is cut to its ink and enlarged to MNIST's 20-pixel
    box anyway, so size and position change nothing. What does change the answer is
    what the network saw in training: one clear character per image.
    """
    first, second = reading.predicted, reading.runner_up
    names, p = reading.class_names, reading.probs
    head = (
        f"Not sure: maybe **{names[first]}** ({p[first]:.0%}), maybe **{names[second]}** "
        f"({p[second]:.0%}). "
    )
    if tuple(names) == DIGITS:
        return head + (
            "Size and place do not matter (the drawing is enlarged and centred first); what "
            "helps is a single digit drawn with clear, connected strokes. Scribbles and two "
            "digits side by side are a known weak spot of any MNIST model: it has only "
            "ever seen one digit per image."
        )
    return head + (
        "This model learned from photos of clothes, not drawings: a single item, drawn as "
        "a filled outline, is its best chance. A line drawing is a known weak spot."
    )


def noun(dataset: str) -> str:
    """What one drawing should show for a network trained on ``dataset``: "digit" or
    "piece of clothing". The Learn page's word, so the two pages never disagree."""
    return dataset_info(dataset).noun


def class_set_intro(dataset: str) -> str:
    """Why the class's own drawings are a test worth taking, for what the network learned."""
    if dataset == "mnist":
        return (
            "MNIST's digits were written by American high-school students and Census Bureau "
            "employees around 1990. Does the network read *your* class's handwriting as "
            "well? Say what you drew, add it, and watch the score."
        )
    return (
        f"{DATASETS[dataset].title}'s pictures are photos of clothes from Zalando's online "
        "shop, not drawings. How well does a network that learned from photos read *your* "
        "class's drawings? Say what you drew, add it, and watch the score."
    )


def threshold_sentence(threshold: float) -> str:
    """Which "not sure" threshold is in force, and where it is set."""
    return (
        f"The network says “not sure” when its top probability is below **{threshold:.0%}**: "
        "the threshold set on the Evaluate page."
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
