"""The records of a class board: who is in it and what they shared, as plain values.

The store turns database rows into these frozen dataclasses before anything else sees
them, so the board, the charts and the exports work on values that cannot change under
them halfway through a refresh. ``run_row`` is the other direction: a shared run checked
field by field (``fields``) before it becomes a row.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, field

import numpy as np

from nn_core.status import TERMINAL, RunStatus
from ui.classroom import fields
from ui.classroom.fields import InvalidField


class ClassError(Exception):
    """Something a visitor asked for that the class does not allow; the message says why."""


class NotFound(ClassError):
    pass


class Forbidden(ClassError):
    pass


@dataclass(frozen=True)
class Member:
    """One student (or the teacher) in one class; ``token`` never leaves their session."""

    code: str
    id: int
    nickname: str
    token: str = field(repr=False)


@dataclass(frozen=True)
class RunEntry:
    """What a student shares about one run: settings, thinned curves and results."""

    name: str
    dataset: str
    status: RunStatus  # stored as its plain word; only an ended run is shared
    settings: dict
    curves: dict
    validation: dict
    test_accuracy: float | None
    test_loss: float | None
    train_seconds: float
    wall_seconds: float
    steps: int
    model: bytes | None = field(default=None, repr=False)
    health: dict | None = None  # the last health check: {"step", "grad_norm", "dead_share"}


@dataclass(frozen=True)
class SharedRun:
    id: int
    member_id: int
    nickname: str
    name: str
    dataset: str
    status: RunStatus  # read back from its stored word
    settings: dict
    curves: dict
    validation: dict
    test_accuracy: float | None
    test_loss: float | None
    train_seconds: float
    wall_seconds: float
    steps: int
    has_model: bool
    hidden: bool
    created: float
    health: dict = field(default_factory=dict)  # as in RunEntry; {} when none was recorded


@dataclass(frozen=True)
class Drawing:
    id: int
    member_id: int
    nickname: str
    label: int
    image: np.ndarray = field(repr=False)  # (28, 28) float32 in [0, 1]
    hidden: bool


@dataclass(frozen=True)
class Board:
    """One snapshot of a class: what the board draws on one refresh."""

    code: str
    created: float
    expires: float
    closed: bool
    members: int  # students, one per nickname, the teacher left out
    prompt: str | None
    choices: tuple[str, ...]
    revealed: bool
    tally: tuple[int, ...]  # answers per choice
    runs: tuple[SharedRun, ...]
    drawings: tuple[Drawing, ...]
    version: int = 0  # the store's version of the class when it was read (ClassStore.version)


def collection_name(code: str, collection_id: int) -> str:
    """The data-set name of a class's collection: what a run trained on it records."""
    return f"class-{code}-{collection_id}"


@dataclass(frozen=True)
class CollectionInfo:
    """One collection of a class without its pixels: its classes and how far it got."""

    id: int
    code: str
    title: str
    class_names: tuple[str, ...]
    counts: tuple[int, ...]  # visible drawings of each class
    students: tuple[int, ...]  # how many students drew each class
    contributors: int  # how many students drew any of it
    drawn: str  # a fingerprint of its visible drawings: it changes exactly when they do

    @property
    def name(self) -> str:
        return collection_name(self.code, self.id)

    @property
    def n(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class RosterLine:
    """What one student added to one collection: ``counts`` per class, in its order."""

    nickname: str
    collection_id: int
    counts: tuple[int, ...]


HEALTH_LISTS = ("grad_norm", "dead_share")  # per layer; a blown-up layer's norm is None


def health(values) -> dict:
    """A run's last health check, bounded: a step and a few per-layer numbers (None where
    the run blew up and a norm became infinite)."""
    if not values:
        return {}
    if not isinstance(values, dict):
        raise InvalidField("the health figures must be named values")
    out = {"step": int(fields.number(values.get("step", 0), "The health step", 0, 1e9))}
    for name in HEALTH_LISTS:
        column = values.get(name) or []
        if not isinstance(column, list | tuple) or len(column) > fields.SIZES_MAX:
            raise InvalidField(f"the health figure {name} has more than {fields.SIZES_MAX} layers")
        out[name] = [None if _blown(v) else fields.number(v, name, 0, 1e300) for v in column]
    return out


def _blown(v) -> bool:
    """A missing figure, or one that overflowed as the run blew up."""
    return v is None or (isinstance(v, float) and not math.isfinite(v))


def run_row(entry: RunEntry) -> dict:
    """The row for one shared run, every field checked and bounded."""
    if entry.status not in TERMINAL:  # a run still training would change under the board
        raise InvalidField("only a finished or stopped run can be shared")
    curves = {
        "train": fields.curves(entry.curves),
        "validation": fields.curves(
            entry.validation, fields.VALIDATION_FIELDS, fields.VALIDATION_POINTS
        ),
        "health": health(entry.health),
    }
    return {
        "name": fields.text(entry.name, "The run's name", fields.RUN_NAME_MAX),
        "dataset": fields.text(entry.dataset, "The data set", fields.TEXT_MAX),
        "status": str(entry.status),  # the plain word: "finished", not the enum
        "settings": json.dumps(fields.settings(entry.settings)),
        "curves": json.dumps(curves),
        "test_accuracy": fields.optional_number(entry.test_accuracy, "Test accuracy", 0, 1),
        "test_loss": fields.optional_number(entry.test_loss, "Test loss", 0, 1e6),
        "train_seconds": fields.number(entry.train_seconds, "Training time", 0, 1e6),
        "wall_seconds": fields.number(entry.wall_seconds, "Wall time", 0, 1e7),
        "steps": int(fields.number(entry.steps, "Steps", 0, 1e9)),
    }


@functools.lru_cache(maxsize=2 * fields.RUNS_PER_CLASS)
def parsed_curves(text: str) -> dict:
    """A run's curves, parsed once per server process. A board is read again at every
    change of its class, and 300 runs' curves take a fifth of a second to parse, while a
    shared run never changes. (Shared between boards, so never to be modified.)"""
    return json.loads(text)


def shared_run(row, names: dict) -> SharedRun:
    curves = parsed_curves(row.curves)
    return SharedRun(
        id=row.id,
        member_id=row.member_id,
        nickname=names.get(row.member_id, "?"),
        name=row.name,
        dataset=row.dataset,
        status=RunStatus(row.status),
        settings=json.loads(row.settings),
        curves=curves["train"],
        validation=curves["validation"],
        test_accuracy=row.test_accuracy,
        test_loss=row.test_loss,
        train_seconds=row.train_seconds,
        wall_seconds=row.wall_seconds,
        steps=row.steps,
        has_model=bool(row.has_model),
        hidden=bool(row.hidden),
        created=row.created,
        health=curves.get("health") or {},
    )


def drawing(row, names: dict) -> Drawing:
    pixels = np.frombuffer(row.pixels, dtype=np.uint8).reshape(28, 28)  # (28, 28)
    image = (pixels / 255).astype(np.float32)
    return Drawing(
        row.id, row.member_id, names.get(row.member_id, "?"), row.label, image, bool(row.hidden)
    )
