"""The command-line trainer: ``python -m nn_core.train`` (or ``python -m nn_core``).

Every run ends with one line of JSON on stdout (test accuracy, test loss, seconds per
epoch, the data source, ...) so scripts and benchmarks can read the result; the
progress bar goes to stderr so it never gets in their way.

    python -m nn_core.train --preset fast --out fast.npz
    python -m nn_core.train --hidden 256 128 --optimizer adam --lr 0.001 --epochs 5

Exit codes: 0 done; 1 the run diverged, or the model could not be saved at --out as
asked (the JSON's "out" says where it went, if anywhere, and "out_problem" why); 2 bad
flags, data or --out, found before any training.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import math
import sys
import time

from nn_core.checks import no_better_than_chance
from nn_core.cli_save import check_out, save_somewhere
from nn_core.knobs import BY_NAME, KNOBS, Knob
from nn_core.metrics import evaluate
from nn_core.presets import PRESETS
from nn_core.status import RunStatus
from nn_core.train import StepMetrics, Trainer

PROG = "python -m nn_core.train"  # the documented spelling; ``python -m nn_core`` is the other

# The settings' flags come from the one table of Train settings (``nn_core.knobs``), so
# ``--batch-size`` here, ``batch_size=`` in a lesson link and the page's Batch size are one
# setting; the flags below it are the command line's own.
MODEL_FLAGS = tuple(k.name for k in KNOBS if "model" in k.parts and k.kind != "sizes")
TRAIN_FLAGS = (*(k.name for k in KNOBS if "train" in k.parts), "distort")


def _setting_flag(p: argparse.ArgumentParser, knob: Knob) -> None:
    """One row of the table as a flag: its word, its help, its type or choices."""
    if knob.kind == "preset":
        help_ = f"{knob.help} Any flag below overrides it (default: default)"
        p.add_argument(knob.flag, choices=sorted(PRESETS), default="default", help=help_)
    elif knob.kind == "sizes":
        p.add_argument(knob.flag, type=int, nargs="*", help=f"{knob.help} E.g. --hidden 256 128")
    elif knob.kind == "flag":
        p.add_argument(
            knob.flag, action=argparse.BooleanOptionalAction, default=None, help=knob.help
        )
    elif knob.kind == "choice":
        p.add_argument(knob.flag, choices=knob.choices, help=knob.help)
    else:
        p.add_argument(knob.flag, type=float if knob.kind == "number" else int, help=knob.help)


def parse_args(argv=None, prog: str = PROG) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog=prog,
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _setting_flag(p, BY_NAME["preset"])
    p.add_argument("--dataset", default="mnist", choices=["mnist", "fashion-mnist"])
    p.add_argument(
        "--data-dir",
        help="folder with the IDX files; an error if unusable (without it: NN_DATA_DIR, "
        "then the cache, a download, the bundled sample)",
    )
    p.add_argument("--no-download", action="store_true", help="never try the internet")
    for knob in KNOBS:
        if knob.kind != "preset":
            _setting_flag(p, knob)
    p.add_argument("--distort", type=float, help="random affine/stroke distortion strength")
    p.add_argument("--out", help="save the trained model to this .npz file")
    p.add_argument(
        "--float16", action="store_true", help="store the saved weights as float16 (half the size)"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p.parse_args(argv)


def configs_from_args(args):
    """The preset's configs with every flag the user gave laid on top."""
    preset = PRESETS[args.preset]
    given = {k: v for k, v in vars(args).items() if v is not None}
    model = dataclasses.replace(preset.model, **{k: given[k] for k in MODEL_FLAGS if k in given})
    if args.hidden is not None:
        model = dataclasses.replace(model, sizes=(model.sizes[0], *args.hidden, model.sizes[-1]))
    train = dataclasses.replace(preset.train, **{k: given[k] for k in TRAIN_FLAGS if k in given})
    standardize = preset.standardize if args.standardize is None else args.standardize
    return dataclasses.replace(preset, model=model, train=train, standardize=standardize)


class ProgressBar:
    """A text progress bar on stderr: one line redrawn ten times a second on a terminal,
    a new line every five seconds when stderr goes to a log file."""

    def __init__(self, stream=sys.stderr, enabled=True):
        self.stream, self.enabled, self._last = stream, enabled, 0.0
        tty = hasattr(stream, "isatty") and stream.isatty()
        self.every, self.start, self.end = (0.1, "\r", "") if tty else (5.0, "", "\n")

    def update(self, trainer: Trainer, m: StepMetrics, force=False) -> None:
        now = time.perf_counter()
        if not self.enabled or (now - self._last < self.every and not force):
            return
        self._last = now
        p = trainer.progress
        bar = "#" * int(30 * p) + "." * (30 - int(30 * p))
        epoch = min(int(m.epoch) + 1, trainer.config.epochs)
        self.stream.write(
            f"{self.start}epoch {epoch}/{trainer.config.epochs} [{bar}] {100 * p:3.0f}% "
            f"loss {m.loss:.3f} acc {100 * m.accuracy:5.1f}% {m.elapsed:6.1f}s {self.end}"
        )
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.start:
            self.stream.write("\n")


def history_of(metrics: list[StepMetrics], max_points: int = 400) -> dict[str, list]:
    """A thinned copy of the run's curves, small enough to keep inside the model file."""
    every = max(1, math.ceil(len(metrics) / max_points))
    kept = metrics[::every]
    if metrics and kept[-1] is not metrics[-1]:
        kept = kept[:-1] + [metrics[-1]]  # the final point matters most: keep it
    return {f: [getattr(m, f) for m in kept] for f in ("step", "epoch", "loss", "accuracy", "lr")}


def main(argv=None, prog: str = PROG) -> int:
    """Train as the flags say; print the JSON summary last; return the exit code."""
    t_start = time.perf_counter()
    args = parse_args(argv, prog)
    from nn_core.data import load_dataset

    try:
        check_out(args.out)
        recipe = configs_from_args(args)
        data = load_dataset(args.dataset, args.data_dir, download=not args.no_download)
        model = recipe.build(data.X_train)
        trainer = Trainer(model, data.X_train, data.y_train, recipe.train)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if data.fallback_reason:
        print(
            f"note: NN_DATA_DIR not used ({data.fallback_reason}); "
            f"training on the {data.source} data instead",
            file=sys.stderr,
        )
    bar = ProgressBar(enabled=not args.quiet)
    metrics = []
    for m in trainer.steps():
        metrics.append(m)
        bar.update(trainer, m)
    if metrics:
        bar.update(trainer, metrics[-1], force=True)
    bar.close()
    if trainer.status == RunStatus.DIVERGED:
        print(trainer.message, file=sys.stderr)
    result = evaluate(model, data.X_test, data.y_test)
    summary = summarise(args, model, trainer, result, data)
    out_problem = None
    if args.out:
        meta = run_meta(args, argv, recipe, metrics, result, data, trainer, prog)
        out_problem = save_and_report(model, args, meta, summary)
    summary["total_seconds"] = round(time.perf_counter() - t_start, 3)
    print(json.dumps(summary))
    return 1 if trainer.status == RunStatus.DIVERGED or out_problem else 0


def save_and_report(model, args, meta: dict, summary: dict) -> str | None:
    """Save the trained model at --out, or wherever it can go; say so if not as asked.

    The JSON's ``"out"`` is where the file really is (None: nowhere) and ``"out_problem"``
    why it is not the file that was asked for; stderr says the same in a sentence.
    """
    dtype = "float16" if args.float16 else None
    summary["out"], problem = save_somewhere(model, args.out, dtype=dtype, meta=meta)
    if problem:
        summary["out_problem"] = problem
        where = summary["out"]
        said = "not saved" if where is None else f"saved it to {where}"
        instead = "" if where in (None, args.out) else " instead"
        print(f"error: {problem}; {said}{instead}", file=sys.stderr)
    return problem


def summarise(args, model, trainer, result, data) -> dict:
    """The JSON summary; adds ``"warning"`` (and says why on stderr) if nothing was learned."""
    epochs_done = trainer.step_count / trainer.steps_per_epoch
    summary = {
        "test_accuracy": round(result.accuracy, 5),
        "test_loss": round(result.loss, 5),
        "seconds_per_epoch": round(trainer.elapsed / max(epochs_done, 1e-9), 4),
        "train_seconds": round(trainer.elapsed, 3),
        "epochs": round(epochs_done, 3),
        "steps": trainer.step_count,
        "status": trainer.status,
        "preset": args.preset,
        "model": model.config.describe(),
        "dataset": data.name,
        "data_source": data.source,
        "out": args.out,
    }
    n_classes = len(data.class_names)
    if no_better_than_chance(result.accuracy, n_classes):
        summary["warning"] = "no better than guessing"
        print(
            f"warning: test accuracy {result.accuracy:.1%} is no better than guessing "
            f"({1 / n_classes:.0%} for {n_classes} classes): the network learned nothing. "
            "Check the learning rate (far too large or too small) and the data.",
            file=sys.stderr,
        )
    return summary


def run_meta(args, argv, recipe, metrics, result, data, trainer, prog: str = PROG) -> dict:
    """What the saved model remembers about how it was made."""
    return {
        "train_config": recipe.train.to_dict(),
        "history": history_of(metrics),
        "test_accuracy": result.accuracy,
        "test_loss": result.loss,
        "dataset": data.name,
        "data_source": data.source,
        "seed": recipe.train.seed,
        "status": trainer.status,
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "command": f"{prog} " + " ".join(sys.argv[1:] if argv is None else argv),
    }
