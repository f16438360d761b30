"""The board as tables: one row per run, the settings a class compares, and the exports.

The projected table, the CSV and the JSON export are built from the same rows, so what
the teacher downloads is what the class saw. Drawings export in MNIST's own format (the
same ``.npz`` as the Draw page's "My drawings"), so any MNIST code can read them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

import numpy as np

from ui import text
from ui.classroom.records import Board, Drawing, SharedRun

# What the teacher can colour the board by: label -> key in a run's settings.
COLOR_BY: dict[str, str] = {
    "learning rate": "lr",
    "initialisation": "init",
    "optimizer": "optimizer",
    "activation": "activation",
    "hidden layers": "sizes",
    "batch size": "batch_size",
    "epochs": "epochs",
    "schedule": "schedule",
    "dropout": "dropout",
    "weight decay": "weight_decay",
    "preset": "preset",
    "student": "nickname",
}
TABLE_SETTINGS = ("lr", "optimizer", "init", "activation", "sizes", "batch_size", "epochs")


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


def ranked(runs: Sequence[SharedRun]) -> list[SharedRun]:
    """Best test accuracy first; runs without one (stopped early) at the end."""
    return sorted(runs, key=lambda r: (r.test_accuracy is None, -(r.test_accuracy or 0), r.id))


def final_loss(run: SharedRun) -> float | None:
    losses = [v for v in run.curves.get("loss", []) if v is not None]
    return losses[-1] if losses else None


def board_rows(runs: Sequence[SharedRun], with_ids: bool = False) -> list[dict]:
    """The projected table: rank, who, settings, results; sorted by test accuracy."""
    rows = []
    for rank, run in enumerate(ranked(runs), start=1):
        row = {"#": rank, "student": run.nickname, "run": run.name}
        for key in TABLE_SETTINGS:
            label = next(k for k, v in COLOR_BY.items() if v == key)
            row[label] = show_value(setting_value(run, key))
        acc = run.test_accuracy
        row["test accuracy %"] = None if acc is None else round(100 * acc, 2)
        loss = final_loss(run)
        row["final loss"] = None if loss is None else round(loss, 4)
        row["training s"] = round(run.train_seconds, 1)
        row["status"] = run.status
        if with_ids:
            row = {"id": run.id, **row, "hidden": run.hidden}
        rows.append(row)
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
