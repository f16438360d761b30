"""My drawings: the visitor's own drawings, with their true labels, kept as a test set.

MNIST's digits were written around 1990 by people who never saw this app; a test set of
the visitor's own drawings asks whether the network reads *them* as well. The set
belongs to one browser tab (a list in its session, ``keys.MY_DRAWINGS``); when the tab
has joined a class, each drawing added also goes to the class's handwriting on the board
(``ui.classroom.sharing``). Plain functions, no Streamlit: a test runs them directly.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ui.active import dataset_info
from ui.draw.reading import DIGITS

LIMIT = 500
"""At most this many of my drawings: 500 images is 400 kB of memory per browser tab,
and plenty to measure a model on one person's handwriting."""


def intro(dataset: str) -> str:
    """Why my own drawings are a test worth taking, for what the network learned."""
    info = dataset_info(dataset)
    if info.drawable:
        return (
            "MNIST's digits were written by American high-school students and Census Bureau "
            "employees around 1990. Does the network read *your* handwriting as well? Say "
            "what you drew, add it to my drawings, and watch the score."
        )
    return (
        f"{info.title}'s pictures are photos of clothes from Zalando's online shop, not "
        "drawings. How well does a network that learned from photos read *your* drawings? "
        "Say what you drew, add it to my drawings, and watch the score."
    )


def add_drawing(
    items: list, image: np.ndarray, label: int, limit: int = LIMIT
) -> list[tuple[np.ndarray, int]]:
    """A new list with ``(image, label)`` appended; raises ValueError once ``limit`` is reached.

    image: (28, 28) float32 in [0, 1], the network's input (``Reading.steps.centred``).
    A new list rather than an append, so Streamlit sees the change and nothing shared is
    modified behind anyone's back.
    """
    if len(items) >= limit:
        raise ValueError(
            f"My drawings are full ({limit} drawings): download them, then empty them to go on."
        )
    if not 0 <= int(label) <= 9:
        raise ValueError(f"label must be a class number 0..9, got {label}")
    image = np.asarray(image, dtype=np.float32).reshape(28, 28).copy()  # (28, 28)
    return [*items, (image, int(label))]


def arrays(items: Sequence) -> tuple[np.ndarray, np.ndarray]:
    """My drawings as arrays: images (n, 28, 28) float32 in [0, 1] and labels (n,) int64."""
    if not items:
        return np.zeros((0, 28, 28), np.float32), np.zeros(0, np.int64)
    images = np.stack([np.asarray(img, np.float32).reshape(28, 28) for img, _ in items])
    return images, np.array([label for _, label in items], dtype=np.int64)


@dataclass(frozen=True)
class Score:
    """How a model does on my drawings."""

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


def score(model, items: Sequence) -> Score:
    """Run ``model`` on every one of my drawings and compare with the true labels."""
    images, labels = arrays(items)
    if not len(labels):
        return Score(labels, np.zeros(0, np.int64))
    predictions = model.predict(images)  # a read: shared models need no lock
    return Score(labels, np.asarray(predictions, dtype=np.int64))


def npz(items: Sequence, class_names: Sequence[str] = DIGITS) -> bytes:
    """My drawings as an ``.npz`` file, in MNIST's own format so any MNIST code can read it.

    images (n, 28, 28) uint8 0..255 (ink bright), labels (n,) uint8, class_names (10,) str.
    """
    images, labels = arrays(items)
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        images=np.rint(images * 255).astype(np.uint8),
        labels=labels.astype(np.uint8),
        class_names=np.array(list(class_names)),
    )
    return buffer.getvalue()
