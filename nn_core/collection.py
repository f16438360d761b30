"""A data set made by drawing: a few hundred pictures of classes a class names itself.

MNIST was collected once, by strangers, in 1990. A *collection* is made in the lesson:
a student (or a whole class) names 2 to 10 classes (circle, square, triangle; or the
digits 0-9), draws examples of each on the canvas, and trains a network on them. It is
the same kind of thing as MNIST, only smaller and ours, so it becomes an ordinary
:class:`~nn_core.dataset.Dataset` (:meth:`Collection.to_dataset`) and every page that
works on MNIST works on it.

Two things are different about small data, and this module is where they are decided:

* **There is no official test set.** :meth:`Collection.split` holds out about a fifth
  of every class, each drawing's part fixed by the drawing itself: the split changes
  neither when the page reruns nor when the class adds drawings, so no network is ever
  tested on a drawing it learned from.
* **Too little is too little.** :meth:`Collection.problems` says in plain words when a
  collection cannot be trained on yet (a class with no drawings, fewer than
  ``MIN_PER_CLASS`` of one class) and what to do about it.

A collection is immutable, like a data set: adding a drawing makes a new one, so an
object another page (or another visitor) holds never changes under it. Reading and
writing ``.npz`` files is :mod:`nn_core.collectionfile`'s job.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata

import numpy as np

from nn_core.catalog import DatasetInfo
from nn_core.dataset import Dataset
from nn_core.errors import CollectionError

MIN_CLASSES, MAX_CLASSES = 2, 10
MAX_CLASS_NAME = 24  # characters: a name must fit under a bar of a chart
MAX_TITLE = 40
CLASS_NAME = re.compile(r"[\w' -]+")  # letters of any script, digits, spaces, - ' and _
MIN_PER_CLASS = 5  # below this, the held-out part of a class is one drawing or none
HELD_OUT = 0.2  # the part of each class kept aside to test on
DIGITS = tuple(str(d) for d in range(10))
NOUN, PLURAL = "drawing", "drawings"


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class Collection:
    """Drawings with their classes: ``images`` ``(n, 28, 28)`` float32 in [0, 1] and
    ``labels`` ``(n,)`` int64 in ``0 .. len(class_names) - 1``.

    ``name`` identifies the collection among data sets (it becomes ``Dataset.name``, so a
    model trained on it says what it was trained on); ``title`` is what people call it.
    The arrays are read-only, as a shared data set's are.
    """

    name: str
    title: str
    class_names: tuple[str, ...]
    images: np.ndarray  # (n, 28, 28) float32
    labels: np.ndarray  # (n,) int64

    def __post_init__(self) -> None:
        k = len(self.class_names)
        if not MIN_CLASSES <= k <= MAX_CLASSES:
            raise CollectionError(
                f"a collection has {MIN_CLASSES} to {MAX_CLASSES} classes, not {k}"
            )
        if len(set(self.class_names)) != k:
            raise CollectionError("two classes have the same name")
        if self.images.shape != (len(self.labels), 28, 28):
            raise CollectionError(
                f"images must be (n, 28, 28) with one label each, got {self.images.shape} "
                f"and {len(self.labels)} labels"
            )
        if len(self.labels) and not 0 <= int(self.labels.min()) <= int(self.labels.max()) < k:
            raise CollectionError(f"labels must be class numbers 0..{k - 1}")

    @property
    def n(self) -> int:
        """How many drawings there are."""
        return len(self.labels)

    def counts(self) -> np.ndarray:
        """Drawings per class, ``(k,)`` int64, in the order of ``class_names``."""
        return np.bincount(self.labels, minlength=len(self.class_names))  # (k,)

    def with_drawing(self, image: np.ndarray, label: int) -> Collection:
        """A new collection with one more drawing; this one is left as it was."""
        if not 0 <= int(label) < len(self.class_names):
            raise CollectionError(f"label must be a class number 0..{len(self.class_names) - 1}")
        image = np.asarray(image, dtype=np.float32)
        if image.size != 784:
            raise CollectionError(f"a drawing is 28 x 28 pixels, not {image.shape}")
        if not np.isfinite(image).all():
            raise CollectionError("a drawing's pixels must be numbers between 0 and 1")
        image = np.clip(image.reshape(1, 28, 28), 0, 1)  # (1, 28, 28)
        images = np.concatenate([self.images, image])  # (n + 1, 28, 28)
        labels = np.append(self.labels, np.int64(label))  # (n + 1,)
        return _frozen(self, images, labels)

    def without(self, index: int) -> Collection:
        """A new collection without drawing ``index`` (a drawing that went wrong); a
        negative index counts from the end, as in a list."""
        if not -self.n <= int(index) < self.n:
            raise CollectionError(f"there is no drawing number {index} in {self.n} drawings")
        keep = np.arange(self.n) != int(index) % self.n  # (n,)
        return _frozen(self, self.images[keep], self.labels[keep])

    def problems(self, min_per_class: int = MIN_PER_CLASS) -> list[str]:
        """Why this collection cannot be trained on yet, in plain sentences; [] if it can.

        A network needs examples of every class to learn it and a few more to be tested
        on: with fewer than ``min_per_class`` drawings, the held-out part of a class is one
        drawing or none, and its score means nothing.
        """
        counts = self.counts()
        empty = [name for name, c in zip(self.class_names, counts, strict=True) if c == 0]
        few = [
            f"{name} ({c})"
            for name, c in zip(self.class_names, counts, strict=True)
            if 0 < c < min_per_class
        ]
        found = []
        if empty:
            found.append(f"No drawings yet of: {', '.join(empty)}. Draw a few of each.")
        if few:
            found.append(
                f"Too few drawings of: {', '.join(few)}. Draw at least {min_per_class} "
                "of every class, so some can be kept aside to test on."
            )
        return found

    def split(self, held_out: float = HELD_OUT, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """Indices ``(learn, test)``: about ``held_out`` of every class kept aside to test on.

        Each drawing's part is decided by the drawing itself (a hash of its pixels and
        ``seed``), not by its place in the collection: when the class adds drawings, the
        old ones stay where they were. A network trained an hour ago is therefore never
        scored on a drawing it learned from, and the page's numbers do not jump on a
        rerun. Every class with at least two drawings gives at least one to each part (if
        chance put none aside, the drawing nearest the line goes); a class with one
        drawing keeps it to learn from.
        """
        keys = _keys(self.images, seed)  # (n,) in [0, 1)
        test = keys < held_out  # (n,) bool
        for c in range(len(self.class_names)):
            idx = np.flatnonzero(self.labels == c)  # (n_c,)
            if len(idx) < 2:
                test[idx] = False
            elif not test[idx].any():
                test[idx[np.argmin(keys[idx])]] = True
            elif test[idx].all():
                test[idx[np.argmax(keys[idx])]] = False
        return np.flatnonzero(~test), np.flatnonzero(test)  # (n_l,), (n_t,)

    def to_dataset(self, held_out: float = HELD_OUT, seed: int = 0) -> Dataset:
        """This collection as a data set: the learning part as "train", the held-out part
        as "test", pixels flattened to ``(n, 784)`` like every other data set."""
        learn, test = self.split(held_out, seed)
        X = self.images.reshape(self.n, 784)  # (n, 784)
        arrays = {
            "X_train": _read_only(X[learn]),  # (n_l, 784)
            "y_train": _read_only(self.labels[learn]),  # (n_l,)
            "X_test": _read_only(X[test]),  # (n_t, 784)
            "y_test": _read_only(self.labels[test]),  # (n_t,)
        }
        return Dataset(
            self.name, self.class_names, **arrays, source="collection", location=self.title
        )

    def info(self) -> DatasetInfo:
        """What a page needs to talk about this collection, as it does about MNIST."""
        return DatasetInfo(
            name=self.name,
            title=self.title,
            class_names=self.class_names,
            noun=NOUN,
            plural=PLURAL,
            drawable=True,
            md5={},
            mirrors=(),
            files=(),
        )

    def __repr__(self) -> str:
        return f"Collection(name={self.name!r}, classes={self.class_names!r}, n={self.n})"


def check_class_names(names) -> None:
    """Refuse class names with anything but letters, digits, spaces, - ' and _.

    A class name becomes a tick label of charts (the confusion matrix, the probability
    bars), a word in sentences and a heading on the board: "<b>x</b>" or "$x$" would be
    markup in some of them, and no shape, animal or letter needs it.
    """
    odd = [name for name in names if not CLASS_NAME.fullmatch(name)]
    if odd:
        raise CollectionError(
            f"a class name may hold letters, digits, spaces, - and ' only, not “{odd[0]}”"
        )


def new_collection(name: str, title: str, class_names) -> Collection:
    """An empty collection of the named classes (2 to 10 short, distinct names)."""
    names = tuple(" ".join(str(c).split()) for c in class_names)
    if any(not c for c in names):
        raise CollectionError("every class needs a name")
    if any(len(c) > MAX_CLASS_NAME for c in names):
        raise CollectionError(f"a class name has at most {MAX_CLASS_NAME} characters")
    title = " ".join(str(title).split()) or "Our drawings"
    if len(title) > MAX_TITLE:
        raise CollectionError(f"a collection's name has at most {MAX_TITLE} characters")
    if any(unicodedata.category(ch).startswith("C") for ch in "".join(names) + title):
        raise CollectionError("names may not contain control characters")
    check_class_names(names)
    return Collection(
        name,
        title,
        names,
        _read_only(np.zeros((0, 28, 28), np.float32)),  # (0, 28, 28)
        _read_only(np.zeros(0, np.int64)),  # (0,)
    )


def _keys(images: np.ndarray, seed: int) -> np.ndarray:
    """A number in [0, 1) per drawing, fixed by its pixels (as 0..255 bytes, so a drawing
    saved to a file and loaded again keeps its number) and ``seed``."""
    salt = int(seed).to_bytes(8, "little", signed=True)
    pixels = np.rint(images.reshape(len(images), -1) * 255).astype(np.uint8)  # (n, 784)
    digests = [hashlib.blake2b(row.tobytes(), digest_size=8, key=salt).digest() for row in pixels]
    return np.array([int.from_bytes(d, "little") / 2.0**64 for d in digests])  # (n,)


def _frozen(like: Collection, images: np.ndarray, labels: np.ndarray) -> Collection:
    return dataclasses.replace(like, images=_read_only(images), labels=_read_only(labels))


def _read_only(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a)
    a.flags.writeable = False
    return a


__all__ = [
    "DIGITS",
    "HELD_OUT",
    "MAX_CLASSES",
    "MIN_CLASSES",
    "MIN_PER_CLASS",
    "Collection",
    "new_collection",
]
