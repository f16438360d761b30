"""Fine-tuning: a trained network taught a few hundred new examples, and what it forgets.

The bundled model learned MNIST, digits written by strangers around 1990. A class's own
handwriting is a little different (rounder, thicker, slanted), and the network reads it
a little worse. It need not start again: a few hundred small steps of gradient descent
on the class's drawings, starting from the weights it has, teach it the new style.

Two lessons come with it, and this module measures both (:func:`compare`):

* **It works with little data.** The network already knows what strokes and loops are;
  the few drawings only have to move it, not build it.
* **Too large a step forgets.** Every step on the new drawings pulls the weights away
  from what MNIST taught; with a large learning rate they travel far, and the accuracy on
  MNIST falls: *catastrophic forgetting*. Small steps learn the new style and keep the old.

The given network is never written: :func:`fine_tune` trains a copy. The bundled model is
one object shared by every visitor, and a fine-tuned copy is one visitor's own.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from nn_core.metrics import evaluate
from nn_core.model import MLP
from nn_core.status import RunStatus
from nn_core.train import TrainConfig, Trainer

MAX_STEPS = 300
"""The most steps :func:`fine_tune` takes: 300 batches of 32 is a second or so of CPU."""


def fine_tune(
    model: MLP,
    X: np.ndarray,
    y: np.ndarray,
    *,
    steps: int,
    lr: float,
    batch_size: int = 32,
    seed: int = 0,
    shift: int = 1,
    on_step: Callable[[int, int], None] | None = None,
) -> MLP:
    """A copy of ``model`` trained ``steps`` mini-batches of plain SGD on X ``(n, 784)``,
    y ``(n,)``; ``model`` itself is left exactly as it was.

    Plain SGD, no momentum: each step moves the weights by ``lr`` times the gradient of
    this batch alone, so the learning rate a student picks is the whole story of how far
    the network travels from what it knew. ``shift`` moves each drawing by up to that many
    pixels at random, so a few hundred drawings look like more. ``on_step(done, steps)``
    is told after every step (a progress bar). If the loss explodes the copy keeps its
    last good weights, and ``copy.meta["fine_tune"]["message"]`` says so.
    """
    if not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be between 1 and {MAX_STEPS}, got {steps}")
    if len(y) == 0:
        raise ValueError("there is nothing to learn from: no examples")
    copy = model.astype(model.dtype)  # new weights; the shared model is never written
    config = TrainConfig(
        epochs=math.ceil(steps * batch_size / len(y)),
        batch_size=batch_size,
        optimizer="sgd",
        lr=lr,
        shift=shift,
        seed=seed,
    )
    trainer = Trainer(copy, X, y, config)
    for m in trainer.steps(max_steps=steps):
        if on_step is not None:
            on_step(m.step, steps)
    copy.meta = {k: v for k, v in model.meta.items() if k not in ("test_accuracy", "test_loss")}
    diverged = trainer.status is RunStatus.DIVERGED
    copy.meta["fine_tune"] = {
        "steps": trainer.step_count,
        "lr": lr,
        "batch_size": batch_size,
        "examples": len(y),
        "diverged": diverged,
        "message": trainer.message if diverged else "",
    }
    return copy


@dataclass(frozen=True)
class BeforeAfter:
    """One set's accuracy before and after fine-tuning."""

    name: str
    n: int  # examples in the set
    before: float  # accuracy in [0, 1]
    after: float

    @property
    def change(self) -> float:
        """After minus before: positive where it learned, negative where it forgot."""
        return self.after - self.before


def compare(
    before: MLP, after: MLP, sets: Mapping[str, tuple[np.ndarray, np.ndarray]]
) -> dict[str, BeforeAfter]:
    """Each named set ``(X (n, 784), y (n,))`` scored by both networks, in the given order."""
    return {
        name: BeforeAfter(
            name, len(y), evaluate(before, X, y).accuracy, evaluate(after, X, y).accuracy
        )
        for name, (X, y) in sets.items()
    }


def forgot(result: BeforeAfter, margin: float = 0.01) -> bool:
    """True when the set lost more than ``margin`` of accuracy: worth a sentence."""
    return result.change < -margin


__all__ = ["MAX_STEPS", "BeforeAfter", "compare", "fine_tune", "forgot"]
