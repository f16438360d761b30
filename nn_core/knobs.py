"""The Train settings, declared once: one row per knob a class turns, TensorFlow-Playground style.

Each row says everything the app and the command line need to know about one setting:
the word a lesson link and the CLI use for it (``lr``, ``batch_size``, ``init``), the
config field it sets (``ModelConfig``, ``TrainConfig``, or the recipe itself, a
``Preset``), the values the Train page offers, the control's label and help, whether a
lesson may lock it, whether its values have an order (the class board colours those
along an ordered scale) and the short word that names a run by it on the board ("lr
0.1"). The presets, the controls, lesson links and their locks, *Share these
settings*, the class board's columns and the CLI's flags all read these rows, so none of
them can disagree with another: a new setting is one new row.

Why here, in the engine, and not in the Train page's folder: the command-line trainer
builds its flags from the rows, and the engine may import nothing of the app. The rows
are plain data (words, numbers, tuples), so nothing about them needs Streamlit; what
only the page knows (a control's widget key, how a server's limits cut the choices, how
a value is printed) is derived from them in ``ui.train``.
"""

from __future__ import annotations

from dataclasses import dataclass

from nn_core.activations import ACTIVATIONS
from nn_core.layers import INITS
from nn_core.optimizers import OPTIMIZERS, SCHEDULES

# The values each control offers (a server's limits may take the largest away). A short
# list instead of a free number keeps a room inside what a shared machine can afford and
# makes "lr 0.01 against lr 1" a matter of two clicks.
UNITS = (8, 16, 32, 64, 128, 256, 512, 1024, 2048)
DROPOUTS = (0.0, 0.1, 0.2, 0.3, 0.5)
LRS = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.05, 0.1, 0.3, 1.0, 3.0, 10.0)
BATCHES = (1, 8, 16, 32, 64, 128, 256, 512, 1024)
MOMENTA = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99)
L2S = (0.0, 1e-5, 1e-4, 1e-3, 1e-2)
SHIFTS = (0, 1, 2, 3)
BUDGETS = (0, 10, 20, 30, 60, 90, 110, 120, 180, 300)  # 0: no time budget
SUBSETS = (500, 1000, 2000, 5000, 10_000, 20_000, 30_000, 0)  # 0: all
PRESET_CHOICES = ("original", "default", "fast", "best", "small")
SEED_END = 2**31  # seeds are whole numbers from 0 up to (not including) this

KINDS = ("choice", "number", "count", "seed", "flag", "sizes", "preset")
"""How a row's value is read: ``choice`` a word from ``choices``; ``number`` a decimal
and ``count`` a whole number, both snapped to the nearest offered value; ``seed`` any
whole number from 0; ``flag`` true or false; ``sizes`` the hidden layers' widths
("256,128"); ``preset`` the name of a recipe, which sets every other row at once."""


@dataclass(frozen=True)
class Knob:
    """One Train setting (see the module docstring)."""

    name: str  # the lesson-link word; the CLI's flag is the same word with dashes
    field: str  # the config field it sets, and the key of a shared run's settings
    parts: tuple[str, ...]  # whose field: "model" (ModelConfig), "train", "recipe" (Preset)
    kind: str  # one of KINDS
    label: str  # the control's label; the board writes it in lower case
    help: str  # one sentence for the control's tooltip and the CLI's --help
    choices: tuple = ()  # offered values; () for a range the server's limits set
    lockable: bool = True  # a lesson link may fix it (lock=name)
    ordered: bool = False  # its values have an order: the board colours along a scale
    short: str = ""  # the board's word before the value in a run's name ("lr 0.1")
    board: str = ""  # "table": a column and a colouring on the board; "colour": a colouring
    none_at_zero: bool = False  # the control's 0 is the config's None ("all", "no budget")

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r} of setting {self.name!r}")

    @property
    def flag(self) -> str:
        """The command-line flag: ``--batch-size`` for ``batch_size``."""
        return "--" + self.name.replace("_", "-")

    @property
    def board_label(self) -> str:
        """The board's word for it, mid-sentence: "learning rate", "weight decay (L2)"."""
        return self.label[:1].lower() + self.label[1:]


def _row(name, field, parts, kind, label, help, **more) -> Knob:
    return Knob(name, field, tuple(parts.split()), kind, label, help, **more)


# The order is the board's: the settings a class compares come first.
KNOBS: tuple[Knob, ...] = (
    _row("lr", "lr", "train", "number", "Learning rate",
         "How big each step is. Too small: slow. Too big: the loss jumps around or explodes.",
         choices=LRS, ordered=True, short="lr", board="table"),
    _row("optimizer", "optimizer", "train", "choice", "Optimiser",
         "sgd: plain steps downhill; momentum: keeps rolling; adam: adapts each weight's step.",
         choices=OPTIMIZERS, board="table"),
    _row("init", "init", "model", "choice", "Initialisation",
         "How the starting weights are drawn. Scaled (He/Xavier) keeps signals a sane size.",
         choices=INITS, board="table"),
    _row("activation", "activation", "model", "choice", "Activation",
         "The bend applied after each hidden layer; without it, layers collapse into one.",
         choices=tuple(ACTIVATIONS), board="table"),
    _row("hidden", "sizes", "model", "sizes", "Hidden layers",
         "Layers between the pixels and the answer, and the units in each; none: a linear "
         "classifier. More units can learn more patterns, but train more slowly.",
         choices=UNITS, ordered=True, short="hidden", board="table"),
    _row("batch_size", "batch_size", "train", "count", "Batch size",
         "Images averaged per step. Bigger: smoother and faster per image; 1: the notebook.",
         choices=BATCHES, ordered=True, short="batch", board="table"),
    _row("epochs", "epochs", "train", "count", "Epochs",
         "How many times the network sees every training image.",
         ordered=True, short="epochs", board="table"),
    _row("schedule", "schedule", "train", "choice", "Learning-rate schedule",
         "How the learning rate shrinks during the run: big steps first, fine ones at the end.",
         choices=SCHEDULES, board="colour"),
    _row("dropout", "dropout", "model", "number", "Dropout",
         "Fraction of hidden units switched off at random in each step: fights overfitting.",
         choices=DROPOUTS, ordered=True, short="dropout", board="colour"),
    _row("weight_decay", "weight_decay", "train", "number", "Weight decay (L2)",
         "Pulls every weight a little towards 0 at each step: a guard against overfitting.",
         choices=L2S, ordered=True, short="L2", board="colour"),
    _row("momentum", "momentum", "train", "number", "Momentum",
         "With the momentum optimiser: how much of the last step carries into the next.",
         choices=MOMENTA, ordered=True, short="momentum"),
    _row("standardize", "standardize", "recipe", "flag", "Standardise inputs",
         "Shift and scale the pixels to mean 0, spread 1 first: the optimiser has it easier.",
         choices=(False, True)),
    _row("seed", "seed", "model train", "seed", "Seed",
         "Fixes the random starting weights and the order of the images: same seed, same run."),
    _row("shift", "shift", "train", "count", "Random shifts (pixels)",
         "Move each training image by up to this many pixels: more varied data for free.",
         choices=SHIFTS, ordered=True, short="shift"),
    _row("subset", "subset", "train", "count", "Training subset",
         "Train on fewer images for a quick run in class: faster, a little less accurate.",
         choices=SUBSETS, ordered=True, short="subset", none_at_zero=True),
    _row("time_budget", "time_budget", "train", "number", "Time budget (seconds)",
         "Stop after this long, with the learning-rate schedule following the clock.",
         choices=BUDGETS, ordered=True, short="budget", none_at_zero=True),
    _row("preset", "preset", "recipe", "preset", "Preset",
         "A ready-made recipe. Choosing one fills in every setting; then change any.",
         choices=PRESET_CHOICES, lockable=False, board="colour"),
)  # fmt: skip
BY_NAME: dict[str, Knob] = {k.name: k for k in KNOBS}
FIELDS: tuple[str, ...] = tuple(k.field for k in KNOBS)


def to_config(knob: Knob, value):
    """A control's value as its config field holds it (0 of "all" or "none" is None)."""
    if knob.none_at_zero and not value:
        return None
    if knob.kind == "number":
        return float(value)
    if knob.kind in ("count", "seed"):
        return int(value)
    if knob.kind == "flag":
        return bool(value)
    return value
