"""What may be stored about a class, and how big it may be.

A class board is written to by thirty strangers' browsers, so every field is checked
and bounded before it reaches the database: a nickname is a short line of printable
text, a curve has a few hundred points, a drawing is exactly 28 x 28 pixels. A bad value
is refused with a sentence a student can act on, never stored and never "fixed" quietly.
"""

from __future__ import annotations

import math
import unicodedata

import numpy as np

from nn_core.collection import (
    MAX_CLASS_NAME,
    MAX_CLASSES,
    MAX_TITLE,
    MIN_CLASSES,
    check_class_names,
)
from nn_core.errors import CollectionError

NICKNAME_MAX = 24
RUN_NAME_MAX = 60
TEXT_MAX = 40  # one setting's value, e.g. an optimizer's name
QUESTION_MAX = 200
CHOICE_MAX = 60
CHOICES_MIN, CHOICES_MAX = 2, 6
CURVE_POINTS = 300  # a projected chart cannot show more than this per run anyway
VALIDATION_POINTS = 100
SETTINGS_MAX = 24
SIZES_MAX = 8
MODEL_BYTES_MAX = 4_000_000  # 784-512-512-10 in float16 is about 1.3 MB
RUNS_PER_MEMBER = 30
RUNS_PER_CLASS = 300
DRAWINGS_PER_MEMBER = 200
DRAWINGS_PER_CLASS = 3000
COLLECTIONS_PER_CLASS = 5
COLLECTION_DRAWINGS_PER_MEMBER = 200  # in each collection
COLLECTION_DRAWINGS = 3000  # in each collection, everyone's together
CURVE_FIELDS = ("step", "epoch", "loss", "accuracy", "lr")
VALIDATION_FIELDS = ("step", "epoch", "loss", "accuracy")


class InvalidField(ValueError):
    """A value that may not be stored; the message says why in plain words."""


def text(value, what: str, limit: int, allow_empty: bool = False) -> str:
    """One line of printable text, stripped, at most ``limit`` characters."""
    if not isinstance(value, str):
        raise InvalidField(f"{what} must be text")
    value = " ".join(value.split())
    if not value and not allow_empty:
        raise InvalidField(f"{what} is empty")
    if len(value) > limit:
        raise InvalidField(f"{what} is longer than {limit} characters")
    if any(unicodedata.category(c).startswith("C") for c in value):
        raise InvalidField(f"{what} contains control characters")
    return value


def nickname(value) -> str:
    return text(value, "The nickname", NICKNAME_MAX)


def number(value, what: str, low: float = -math.inf, high: float = math.inf) -> float:
    """A finite number between ``low`` and ``high`` (booleans are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise InvalidField(f"{what} must be a number")
    value = float(value)
    if not math.isfinite(value) or not low <= value <= high:
        raise InvalidField(f"{what} must be a finite number between {low} and {high}")
    return value


def optional_number(value, what: str, low: float, high: float) -> float | None:
    return None if value is None else number(value, what, low, high)


def settings(values: dict) -> dict:
    """A flat dict of a run's settings: short names, scalars or a short list of ints."""
    if not isinstance(values, dict) or len(values) > SETTINGS_MAX:
        raise InvalidField(f"settings must be at most {SETTINGS_MAX} named values")
    out = {}
    for key, value in values.items():
        key = text(key, "A setting's name", 32)
        if value is None or isinstance(value, bool):
            out[key] = value
        elif isinstance(value, str):
            out[key] = text(value, f"The setting {key}", TEXT_MAX, allow_empty=True)
        elif isinstance(value, list | tuple):
            if len(value) > SIZES_MAX:
                raise InvalidField(f"The setting {key} has more than {SIZES_MAX} values")
            out[key] = [int(number(v, f"The setting {key}", 0, 1e6)) for v in value]
        else:
            v = number(value, f"The setting {key}", -1e9, 1e9)
            out[key] = int(v) if isinstance(value, int | np.integer) else v
    return out


def thin(columns: dict, names: tuple[str, ...], points: int) -> dict[str, list[float]]:
    """At most ``points`` evenly spaced rows of equal-length columns, the last row kept.

    A curve's end is what the class compares, so thinning never drops it.
    """
    lengths = {len(columns.get(name, ())) for name in names}
    if len(lengths) != 1:
        raise InvalidField("the curves' columns have different lengths")
    n = lengths.pop()
    keep = np.unique(np.linspace(0, n - 1, min(n, points)).round().astype(int)) if n else []
    out = {}
    for name in names:
        column = np.asarray(columns[name], dtype=np.float64)[keep]  # (<= points,)
        out[name] = [float(v) if math.isfinite(v) else None for v in column]
    return out


def curves(columns: dict, names=CURVE_FIELDS, points: int = CURVE_POINTS) -> dict:
    """Bounded curves: accepted only if already thin enough (a store never trusts sizes)."""
    if not isinstance(columns, dict):
        raise InvalidField("curves must be named columns")
    if any(len(columns.get(name, ())) > points for name in names):
        raise InvalidField(f"a curve has more than {points} points")
    return thin(columns, names, points)


def image(value) -> np.ndarray:
    """A (28, 28) drawing with finite values in [0, 1], as 784 bytes of ink (0..255)."""
    array = np.asarray(value)
    if array.shape != (28, 28) or array.dtype.kind not in "fiu":
        raise InvalidField("a drawing must be a 28 x 28 image")
    array = array.astype(np.float64)
    if not np.isfinite(array).all() or array.min() < 0 or array.max() > 1:
        raise InvalidField("a drawing's pixels must lie between 0 and 1")
    return np.rint(array * 255).astype(np.uint8)  # (28, 28)


def label(value) -> int:
    v = number(value, "The label", 0, 9)
    if v != int(v):
        raise InvalidField("The label must be a digit 0..9")
    return int(v)


def class_label(value, classes: int) -> int:
    """A class number of a collection with ``classes`` classes: 0 .. classes - 1."""
    v = number(value, "The class", 0, classes - 1)
    if v != int(v):
        raise InvalidField(f"The class must be a number 0..{classes - 1}")
    return int(v)


def collection(title, class_names) -> tuple[str, tuple[str, ...]]:
    """A collection's title and its 2 to 10 class names, each a short distinct line.

    Names that differ only in capitals ("Cat", "cat") are refused: on a board a class
    reads them as one class split in two.
    """
    title = text(title, "The collection's name", MAX_TITLE)
    if not isinstance(class_names, list | tuple) or not (
        MIN_CLASSES <= len(class_names) <= MAX_CLASSES
    ):
        raise InvalidField(f"give between {MIN_CLASSES} and {MAX_CLASSES} classes")
    names = tuple(text(c, "A class's name", MAX_CLASS_NAME) for c in class_names)
    if len({n.casefold() for n in names}) != len(names):
        raise InvalidField("two classes have the same name")
    try:
        check_class_names(names)  # the engine's one rule: tick labels must not be markup
    except CollectionError as e:
        raise InvalidField(str(e)) from None
    return title, names


def question(prompt, choices) -> tuple[str, list[str]]:
    prompt = text(prompt, "The question", QUESTION_MAX)
    if not isinstance(choices, list | tuple) or not CHOICES_MIN <= len(choices) <= CHOICES_MAX:
        raise InvalidField(f"give between {CHOICES_MIN} and {CHOICES_MAX} answers to choose from")
    choices = [text(c, "An answer", CHOICE_MAX) for c in choices]
    if len(set(choices)) != len(choices):
        raise InvalidField("two answers are the same")
    return prompt, choices
