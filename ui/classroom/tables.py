"""The board as tables: one row per run, the settings a class compares, and the exports.

The projected table, the CSV and the JSON export are built from the same rows, so what
the teacher downloads is what the class saw. Drawings export in MNIST's own format (the
same ``.npz`` as the Draw page's "My drawings"), so any MNIST code can read them.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence

import numpy as np

from nn_core.data import DATASETS
from nn_core.knobs import KNOBS
from nn_core.status import RunStatus
from ui import text
from ui.classroom.records import Board, Drawing, SharedRun

# The board reads the table of Train settings (``nn_core.knobs``): its columns, what it can
# be coloured by, which settings are ordered and the short words that name a run.
# What the teacher can colour the board by: label -> key in a run's settings.
COLOR_BY: dict[str, str] = {
    **{k.board_label: k.field for k in KNOBS if k.board},
    "student": "nickname",
}
TABLE_SETTINGS = tuple(k.field for k in KNOBS if k.board == "table")
ORDERED = frozenset(k.field for k in KNOBS if k.ordered)
"""Settings whose values have an order (coloured by an ordered scale); the rest are kinds."""
SHORT = {k.field: k.short for k in KNOBS if k.short}

# Words a teacher's question may use for a setting, longest first where one holds another.
QUESTION_WORDS: dict[str, tuple[str, ...]] = {
    "lr": ("learning rate", "learning-rate", "step size", "lr"),
    "init": ("initialisation", "initialization", "initial weights", "starting weights", "init"),
    "optimizer": ("optimizer", "optimiser"),
    "activation": ("activation",),
    "sizes": ("hidden layer", "width", "layers", "units", "neurons"),
    "batch_size": ("batch size", "batch"),
    "epochs": ("epochs", "epoch"),
    "schedule": ("schedule",),
    "dropout": ("dropout",),
    "weight_decay": ("weight decay",),
    "preset": ("preset", "recipe"),
}


def setting_value(run: SharedRun, key: str):
    """The run's value of one setting, as something sortable (None when unknown)."""
    if key == "nickname":
        return run.nickname
    value = run.settings.get(key)
    if key == "sizes" and isinstance(value, list):
        return tuple(value[1:-1])  # the hidden layers: input and output are always 784, 10
    return value


def show_value(value) -> str:
    """A setting as the legend and the table print it."""
    if value is None:
        return "?"
    if isinstance(value, tuple):
        return "-".join(str(v) for v in value) or "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def sort_key(value) -> tuple:
    """Numbers in numeric order, then text, unknowns last: 0.001 < 0.01 < 0.1."""
    if value is None:
        return (2, "")
    if isinstance(value, bool):
        return (1, str(value))
    if isinstance(value, int | float):
        return (0, float(value))
    if isinstance(value, tuple):
        return (0, len(value), *value)
    return (1, str(value))


def is_ordered(key: str) -> bool:
    return key in ORDERED


def label_of(key: str) -> str:
    """The board's word for a setting ("learning rate" for ``lr``)."""
    return next((label for label, k in COLOR_BY.items() if k == key), key)


NAMED_BY = ("lr", "optimizer", "init")  # what names a run when no setting is compared


def run_words(run: SharedRun, key: str | None = None) -> str:
    """The setting being compared ("lr 0.1"), or the run's main settings ("lr 0.1 adam
    he"): what tells a run from a classmate's, never the number its tab gave it."""
    shown = [key] if key and key != "nickname" else list(NAMED_BY)
    words = []
    for k in shown:
        value = show_value(setting_value(run, k))
        words.append(f"{SHORT[k]} {value}" if k in SHORT else value)
    return " ".join(words)


def run_title(run: SharedRun, key: str | None = None) -> str:
    """A run as the board names it, by its student and setting: "Sam, lr 0.1". Plain
    text: the caller makes it safe for where it goes (``ui.text``)."""
    return f"{run.nickname}, {run_words(run, key)}"


def dataset_title(name: str, titles: Mapping[str, str] | None = None) -> str:
    """ "MNIST", "Fashion-MNIST", a class collection's title (``titles``: data-set name
    -> title); an unknown word from a tab as typed (plain text)."""
    if name in DATASETS:
        return DATASETS[name].title
    return (titles or {}).get(name, name)


def datasets(runs: Sequence[SharedRun]) -> list[str]:
    """The data sets the runs were trained on, the most runs first (ties by name)."""
    counts: dict[str, int] = {}
    for run in runs:
        counts[run.dataset] = counts.get(run.dataset, 0) + 1
    return sorted(counts, key=lambda name: (-counts[name], name))


def of_dataset(runs: Sequence[SharedRun], dataset: str | None) -> list[SharedRun]:
    """The runs of one data set: a loss on clothes is not comparable with one on digits."""
    return [r for r in runs if dataset is None or r.dataset == dataset]


def question_setting(prompt: str | None) -> str | None:
    """The setting the teacher's question is about ("Which learning rate ends with the
    lowest loss?" -> ``lr``), or None when it names none the board knows."""
    if not prompt:
        return None
    words = prompt.lower()
    found = []
    for key, names in QUESTION_WORDS.items():
        for name in names:
            at = re.search(rf"\b{re.escape(name)}\b", words)
            if at:
                found.append((at.start(), -len(name), key))
                break
    return min(found)[2] if found else None


def question_metric(prompt: str | None) -> str:
    """What the question compares: the test accuracy when it says so, else the final loss."""
    return "test accuracy" if prompt and "accura" in prompt.lower() else "final loss"


def blew_up_at(run: SharedRun) -> int | None:
    """The step at which a run's loss exploded (the one after its last good step)."""
    return run.steps + 1 if run.status == RunStatus.DIVERGED else None


def status_text(run: SharedRun) -> str:
    step = blew_up_at(run)
    return f"blew up at step {step:,}" if step is not None else str(run.status)


def gradient_norms(run: SharedRun) -> str:
    """The gradient norm of each layer, input to output, at the last check ("" if none)."""
    norms = run.health.get("grad_norm") or []
    return " / ".join("inf" if v is None else f"{v:.2g}" for v in norms)


def dead_percent(run: SharedRun) -> float | None:
    """The share of hidden ReLU units dead at the last check, over all hidden layers."""
    shares = [v for v in run.health.get("dead_share") or [] if v is not None]
    sizes = setting_value(run, "sizes")
    if not shares:
        return None
    if isinstance(sizes, tuple) and len(sizes) == len(shares) and sum(sizes):
        return round(100 * float(np.dot(shares, sizes)) / sum(sizes), 1)
    return round(100 * float(np.mean(shares)), 1)


def ranked(runs: Sequence[SharedRun]) -> list[SharedRun]:
    """Best test accuracy first; runs without one (stopped early) at the end."""
    return sorted(runs, key=lambda r: (r.test_accuracy is None, -(r.test_accuracy or 0), r.id))


def final_loss(run: SharedRun) -> float | None:
    """The last training loss recorded; a run that blew up has none worth comparing."""
    if run.status == RunStatus.DIVERGED:
        return None
    losses = [v for v in run.curves.get("loss", []) if v is not None]
    return losses[-1] if losses else None


def board_rows(
    runs: Sequence[SharedRun], with_ids: bool = False, titles: Mapping[str, str] | None = None
) -> list[dict]:
    """The projected table: rank, who, settings, results; sorted by test accuracy."""
    rows = []
    for rank, run in enumerate(ranked(runs), start=1):
        where = dataset_title(run.dataset, titles)
        row = {"#": rank, "student": run.nickname, "data set": where}
        for key in TABLE_SETTINGS:
            row[label_of(key)] = show_value(setting_value(run, key))
        acc = run.test_accuracy
        row["test accuracy %"] = None if acc is None else round(100 * acc, 2)
        loss = final_loss(run)
        row["final loss"] = None if loss is None else round(loss, 4)
        row["status"] = status_text(run)
        row["gradient norm by layer"] = gradient_norms(run)
        row["dead units %"] = dead_percent(run)
        row["training s"] = round(run.train_seconds, 1)
        if with_ids:
            row = {"id": run.id, **row, "hidden": run.hidden}
        rows.append(row)
    return rows


def _median(values) -> float | None:
    values = [v for v in values if v is not None]
    return float(np.median(values)) if values else None


def _layer_medians(runs: Sequence[SharedRun]) -> str:
    """Each layer's median gradient norm over the runs that have as many layers as most."""
    columns = [r.health.get("grad_norm") or [] for r in runs]
    columns = [c for c in columns if c]
    if not columns:
        return ""
    depth = max({len(c) for c in columns}, key=[len(c) for c in columns].count)
    layers = zip(*(c for c in columns if len(c) == depth), strict=True)
    medians = [_median(layer) for layer in layers]
    return " / ".join("inf" if v is None else f"{v:.2g}" for v in medians)


def group_rows(grouped: Sequence[tuple[str, Sequence[SharedRun]]], label: str) -> list[dict]:
    """One row per group of runs (``charts.groups``): how many, how well they did, how
    many blew up, and their health, as medians: "naive against He" across a class."""
    rows = []
    for value, members in grouped:
        accuracy = _median(r.test_accuracy for r in members if not blew_up_at(r))
        loss = _median(final_loss(r) for r in members)
        dead = _median(dead_percent(r) for r in members)
        rows.append({
            label: value,
            "runs": len(members),
            "blew up": sum(blew_up_at(r) is not None for r in members),
            "test accuracy %": "" if accuracy is None else f"{100 * accuracy:.1f}",
            "final loss": "" if loss is None else f"{loss:.3g}",
            "gradient norm by layer": _layer_medians(members),
            "dead units %": "" if dead is None else f"{dead:.0f}",
        })  # fmt: skip
    return rows


def runs_csv(board: Board) -> bytes:
    """One row per run with every setting as its own column (curves: see the JSON).

    A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and
    nicknames, run names and settings are typed by students: such text cells get a leading
    single quote (``ui.text.csv_cell``); numbers stay numbers."""
    keys = sorted({k for run in board.runs for k in run.settings})
    out = io.StringIO()
    writer = csv.writer(out)
    head = ["id", "student", "run", "dataset", "status", "hidden", "test_accuracy"]
    head += ["test_loss", "final_loss", "train_seconds", "wall_seconds", "steps"]
    writer.writerow(text.csv_row([*head, *keys]))  # a setting's name is text from a tab too
    for run in ranked(board.runs):
        settings = [
            json.dumps(run.settings.get(k)) if k == "sizes" else run.settings.get(k) for k in keys
        ]
        writer.writerow(
            text.csv_row([
                run.id, run.nickname, run.name, run.dataset, run.status, run.hidden,
                run.test_accuracy, run.test_loss, final_loss(run), run.train_seconds,
                run.wall_seconds, run.steps, *settings,
            ])
        )  # fmt: skip
    return out.getvalue().encode()


def runs_json(board: Board) -> bytes:
    """Every run with its settings, results and (thinned) curves."""
    runs = [
        {
            "id": r.id,
            "student": r.nickname,
            "name": r.name,
            "dataset": r.dataset,
            "status": r.status,
            "hidden": r.hidden,
            "settings": r.settings,
            "test_accuracy": r.test_accuracy,
            "test_loss": r.test_loss,
            "train_seconds": r.train_seconds,
            "wall_seconds": r.wall_seconds,
            "steps": r.steps,
            "curves": r.curves,
            "validation": r.validation,
            "health": r.health,
        }
        for r in ranked(board.runs)
    ]
    question = {"prompt": board.prompt, "choices": list(board.choices), "tally": list(board.tally)}
    doc = {"class": board.code, "question": question, "runs": runs}
    return json.dumps(doc, indent=1).encode()


def drawing_arrays(drawings: Sequence[Drawing]) -> tuple[np.ndarray, np.ndarray]:
    """(n, 28, 28) float32 images in [0, 1] and (n,) int64 labels."""
    if not drawings:
        return np.zeros((0, 28, 28), np.float32), np.zeros(0, np.int64)
    images = np.stack([d.image for d in drawings])  # (n, 28, 28)
    return images, np.array([d.label for d in drawings], dtype=np.int64)  # (n,)


def drawings_npz(board: Board) -> bytes:
    """The handwriting set: images (n, 28, 28) uint8 ink 0..255, labels (n,) uint8."""
    images, labels = drawing_arrays(board.drawings)
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        images=np.rint(images * 255).astype(np.uint8),
        labels=labels.astype(np.uint8),
        class_names=np.array([str(k) for k in range(10)]),
        hidden=np.array([d.hidden for d in board.drawings], dtype=bool),
    )
    return buffer.getvalue()
