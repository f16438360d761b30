"""One training run as a record: its settings, its curves and how it ended.

The Train page keeps a short history of runs so a class can put two of them side by
side ("naive init against He init", "SGD against Adam") and export them. Curves are
stored in small NumPy arrays of fixed size (``StepLog``): a run of 300,000 steps takes
the same memory as one of 3,000, because once the arrays are full neighbouring points
are averaged in pairs. A chart never shows more than a couple of thousand points anyway.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import math
from dataclasses import dataclass, field

import numpy as np

from nn_core.status import RunStatus
from ui import text

CURVE_FIELDS = ("step", "epoch", "loss", "accuracy", "lr")


class StepLog:
    """Per-step training metrics in preallocated arrays of ``capacity`` points.

    While the arrays have room each point is one step. When they fill up, pairs of
    neighbours are merged (loss and accuracy averaged; step, epoch and learning rate
    taken from the later one) and from then on every point stands for ``stride`` steps.
    """

    def __init__(self, capacity: int = 4096):
        self.capacity = max(2, capacity - capacity % 2)
        self.step = np.zeros(self.capacity, dtype=np.int64)
        self.epoch = np.zeros(self.capacity, dtype=np.float64)
        self.loss = np.zeros(self.capacity, dtype=np.float64)
        self.accuracy = np.zeros(self.capacity, dtype=np.float32)
        self.lr = np.zeros(self.capacity, dtype=np.float64)
        self.n = 0  # points filled
        self.stride = 1  # steps per point
        self._pending = [0, 0.0, 0.0, 0.0, 0.0, 0]  # step, epoch, loss sum, acc sum, lr, count

    def __len__(self) -> int:
        return self.n + (1 if self._pending[5] else 0)

    def append(self, step: int, epoch: float, loss: float, accuracy: float, lr: float) -> None:
        p = self._pending
        p[0], p[1], p[4] = step, epoch, lr
        p[2] += loss
        p[3] += accuracy
        p[5] += 1
        if p[5] >= self.stride:
            self._flush()

    def _flush(self) -> None:
        p, i = self._pending, self.n
        self.step[i], self.epoch[i], self.lr[i] = p[0], p[1], p[4]
        self.loss[i], self.accuracy[i] = p[2] / p[5], p[3] / p[5]
        self.n += 1
        self._pending = [0, 0.0, 0.0, 0.0, 0.0, 0]
        if self.n == self.capacity:
            self._halve()

    def _halve(self) -> None:
        """Merge neighbouring points so half the arrays are free again."""
        h = self.n // 2
        for name in ("loss", "accuracy"):
            a = getattr(self, name)
            a[:h] = (a[0 : 2 * h : 2] + a[1 : 2 * h : 2]) / 2
        for name in ("step", "epoch", "lr"):
            a = getattr(self, name)
            a[:h] = a[1 : 2 * h : 2]
        self.n, self.stride = h, self.stride * 2

    def arrays(self) -> dict[str, np.ndarray]:
        """Copies of the curves, one entry per point (the partial last bucket included)."""
        out = {name: getattr(self, name)[: self.n].copy() for name in CURVE_FIELDS}
        p = self._pending
        if p[5]:
            extra = {"step": p[0], "epoch": p[1], "loss": p[2] / p[5]}
            extra |= {"accuracy": p[3] / p[5], "lr": p[4]}
            out = {k: np.append(v, extra[k]).astype(v.dtype) for k, v in out.items()}
        return out

    @classmethod
    def from_arrays(cls, arrays: dict, capacity: int = 4096) -> StepLog:
        """Rebuild a log from exported curves (one appended point per row)."""
        log = cls(max(capacity, len(arrays["step"]) + 2))
        for row in zip(*(arrays[k] for k in CURVE_FIELDS), strict=True):
            log.append(int(row[0]), float(row[1]), float(row[2]), float(row[3]), float(row[4]))
        return log


@dataclass
class Run:
    """Everything worth keeping about one training run (the weights only if asked)."""

    id: int
    name: str
    preset: str
    dataset: str
    model_config: dict
    train_config: dict
    standardize: bool = False
    log: StepLog = field(default_factory=StepLog, repr=False)
    val_step: list[int] = field(default_factory=list)
    val_epoch: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    lr_changes: list[tuple[int, float, float]] = field(default_factory=list)  # step, epoch, lr
    status: RunStatus = RunStatus.READY  # written as its plain word in JSON and CSV
    message: str = ""
    test_accuracy: float | None = None
    test_loss: float | None = None
    steps: int = 0
    total_steps: int = 0
    train_seconds: float = 0.0  # time spent in training steps
    wall_seconds: float = 0.0  # time the run was live, drawing included, pauses excluded
    started_from: str | None = None  # name of an uploaded model the run continued from
    created: str = field(default_factory=lambda: dt.datetime.now().isoformat(timespec="seconds"))
    keep: bool = False  # keep the weights after the next run starts
    model: object = field(default=None, repr=False, compare=False)
    initial_weights: list | None = field(default=None, repr=False, compare=False)
    health: dict | None = field(default=None, repr=False, compare=False)  # nn_core.health
    lr_now: float | None = None  # the learning rate in force at the latest step
    base_lr: float | None = None  # the rate the schedule scales (changed by hand mid-run)
    steps_per_second: float = 0.0  # lately, as measured by the worker
    notice: str = ""  # one sentence about the result worth flagging ("no better than guessing")
    set_aside: bool = False  # paused so long that the server freed its worker's memory

    def __post_init__(self) -> None:
        self.status = RunStatus(self.status)  # a word read back from JSON or CSV

    @property
    def done(self) -> bool:
        """Finished, stopped or diverged: nothing will change this run any more."""
        return self.status.is_over

    @property
    def live(self) -> bool:
        """Ready, queued, running or paused."""
        return self.status.is_live

    @property
    def epoch(self) -> float:
        """Epochs completed so far (fractional)."""
        return self.steps / self.steps_per_epoch if self.steps_per_epoch else 0.0

    @property
    def steps_per_epoch(self) -> int:
        epochs = self.train_config.get("epochs") or 1
        return max(1, round(self.total_steps / epochs)) if self.total_steps else 0

    def record_validation(self, step: int, epoch: float, loss: float, accuracy: float) -> None:
        self.val_step.append(int(step))
        self.val_epoch.append(float(epoch))
        self.val_loss.append(float(loss))
        self.val_accuracy.append(float(accuracy))

    def record_lr_change(self, step: int, epoch: float, lr: float) -> None:
        self.lr_changes.append((int(step), float(epoch), float(lr)))

    def summary(self) -> dict:
        """Settings and results without the curves: one row of the history table."""
        return {
            "id": self.id,
            "name": self.name,
            "preset": self.preset,
            "dataset": self.dataset,
            "status": self.status.value,  # the plain word
            "message": self.message,
            "steps": self.steps,
            "total_steps": self.total_steps,
            "test_accuracy": self.test_accuracy,
            "test_loss": self.test_loss,
            "train_seconds": round(self.train_seconds, 3),
            "wall_seconds": round(self.wall_seconds, 3),
            "started_from": self.started_from,
            "created": self.created,
            "standardize": self.standardize,
            "model_config": self.model_config,
            "train_config": self.train_config,
        }

    def model_meta(self, max_points: int = 400) -> dict:
        """What to store inside the model file: how it was trained and how well it did."""
        c = self.log.arrays()
        every = max(1, len(c["step"]) // max_points)
        history = {k: v[::every].tolist() for k, v in c.items()}
        keys = ("name", "preset", "dataset", "status", "test_accuracy", "test_loss", "created")
        return {
            **{k: getattr(self, k) for k in keys},
            "status": self.status.value,  # the plain word, in its place among the keys above
            "train_config": self.train_config,
            "standardize": self.standardize,
            "steps": self.steps,
            "history": history,
            "lr_changes": [list(c) for c in self.lr_changes],
        }

    def curves(self) -> dict[str, list]:
        """The training curves as plain lists (what JSON and CSV export)."""
        return {k: v.tolist() for k, v in self.log.arrays().items()}

    def validation(self) -> dict[str, list]:
        return {
            "step": list(self.val_step),
            "epoch": list(self.val_epoch),
            "loss": list(self.val_loss),
            "accuracy": list(self.val_accuracy),
        }

    def to_json(self) -> str:
        """Settings, results and curves as one JSON document."""
        doc = {
            **self.summary(),
            "curves": self.curves(),
            "curve_stride": self.log.stride,
            "validation": self.validation(),
            "lr_changes": [list(c) for c in self.lr_changes],
        }
        return json.dumps(doc, indent=1, allow_nan=True)

    @classmethod
    def from_json(cls, text: str) -> Run:
        doc = json.loads(text)
        run = cls(**{k: doc[k] for k in _SCALARS if k in doc})
        run.log = StepLog.from_arrays(doc["curves"])
        _set_validation(run, doc["validation"])
        run.lr_changes = [(int(s), float(e), float(lr)) for s, e, lr in doc["lr_changes"]]
        return run

    def to_csv(self) -> str:
        """A tidy table: one row per recorded point, settings in ``#`` comment lines.

        ``kind`` is "train" for a training point, "validation" for a held-out check and
        "lr_change" when the learning rate was changed by hand. Spreadsheets and
        ``pandas.read_csv(path, comment="#")`` read it as it is. A comment line's JSON has
        its strings' commas and semicolons escaped (``ui.text.csv_json``): an uploaded
        file's name such as ``a,=cmd|...`` cannot start a cell a spreadsheet would run.
        """
        buf = io.StringIO()
        for key, value in self.summary().items():
            buf.write(f"# {key}: {text.csv_json(value)}\n")
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["kind", *CURVE_FIELDS])
        c = self.curves()
        for row in zip(*(c[k] for k in CURVE_FIELDS), strict=True):
            writer.writerow(["train", int(row[0]), *(_num(x) for x in row[1:])])
        v = self.validation()
        for s, e, loss, acc in zip(v["step"], v["epoch"], v["loss"], v["accuracy"], strict=True):
            writer.writerow(["validation", s, _num(e), _num(loss), _num(acc), ""])
        for s, e, lr in self.lr_changes:
            writer.writerow(["lr_change", s, _num(e), "", "", _num(lr)])
        return buf.getvalue()

    @classmethod
    def from_csv(cls, text: str) -> Run:
        lines = text.splitlines()
        meta = {}
        for line in lines:
            if not line.startswith("# "):
                break
            key, _, value = line[2:].partition(": ")
            meta[key] = json.loads(value)
        run = cls(**{k: meta[k] for k in _SCALARS if k in meta})
        rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))
        train = [r for r in rows if r["kind"] == "train"]
        curves = {k: [float(r[k]) for r in train] for k in CURVE_FIELDS}
        run.log = StepLog.from_arrays(curves | {"step": [int(r["step"]) for r in train]})
        val = [r for r in rows if r["kind"] == "validation"]
        _set_validation(
            run,
            {
                "step": [int(r["step"]) for r in val],
                "epoch": [float(r["epoch"]) for r in val],
                "loss": [float(r["loss"]) for r in val],
                "accuracy": [float(r["accuracy"]) for r in val],
            },
        )
        run.lr_changes = [
            (int(r["step"]), float(r["epoch"]), float(r["lr"]))
            for r in rows
            if r["kind"] == "lr_change"
        ]
        return run


_CURVE_ATTRS = ("log", "val_step", "val_epoch", "val_loss", "val_accuracy", "lr_changes")
_SCALARS = tuple(
    f.name
    for f in dataclasses.fields(Run)
    if f.name not in (*_CURVE_ATTRS, "keep", "model", "initial_weights", "health", "lr_now")
    and f.name not in ("base_lr", "steps_per_second", "notice", "set_aside")
)  # what summary() exports and from_json/from_csv read back


def _num(x: float) -> str:
    """Shortest text that reads back as exactly the same float."""
    return repr(float(x)) if math.isfinite(x) else str(float(x))


def _set_validation(run: Run, v: dict) -> None:
    run.val_step = [int(s) for s in v["step"]]
    run.val_epoch = [float(e) for e in v["epoch"]]
    run.val_loss = [float(x) for x in v["loss"]]
    run.val_accuracy = [float(x) for x in v["accuracy"]]


def trim_history(runs: list[Run], max_runs: int, current: Run | None = None) -> list[Run]:
    """The history with the oldest runs dropped so at most ``max_runs`` remain.

    The current run is never dropped; runs whose weights are kept go last.
    """
    excess = len(runs) - max_runs
    if excess <= 0:
        return list(runs)
    candidates = [r for r in runs if r is not current]
    order = sorted(candidates, key=lambda r: (r.keep, r.id))
    dropped = {id(r) for r in order[:excess]}
    return [r for r in runs if id(r) not in dropped]


def release_weights(runs: list[Run], current: Run | None) -> None:
    """Forget the weights of every run but the current one and those marked ``keep``."""
    for run in runs:
        if run is not current and not run.keep:
            run.model = None
