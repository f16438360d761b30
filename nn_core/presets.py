"""Named recipes: an architecture plus a way to train it, ready for class.

original   the notebook this project started from, flaws included, for "before/after"
default    a sound everyday recipe: He init, Adam, five epochs
fast       98% on MNIST in about two seconds: the one to run live in a lesson
best       99%+ in two minutes: bigger, regularised, trained against the clock
small      a few hundred drawings of our own: a small network, many epochs, small batches
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nn_core.model import MLP, ModelConfig
from nn_core.train import TrainConfig


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    description: str
    model: ModelConfig
    train: TrainConfig
    standardize: bool = False  # fit x_mean/x_std on the training images first

    def build(self, X_train: np.ndarray | None = None, model: ModelConfig | None = None) -> MLP:
        """A fresh model for this recipe (or for ``model`` overriding its architecture).

        With ``standardize``, the input mean and standard deviation are measured on
        X_train (n, 784) and stored in the model, so predictions later need no extra step.
        """
        config = model or self.model
        if self.standardize and X_train is not None:
            config = ModelConfig(**{**config.to_dict(), **input_stats(X_train)})
        return MLP(config=config)


def input_stats(X: np.ndarray, max_rows: int = 20000) -> dict[str, float]:
    """Mean and standard deviation of all pixels (a sample of rows is plenty)."""
    sample = X[:max_rows]
    return {"x_mean": float(sample.mean()), "x_std": float(sample.std()) or 1.0}


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "original",
            "Original notebook",
            "784-128-10 with N(0, 1) weights and per-sample SGD at lr 0.001: slow, and stuck near 90%.",
            ModelConfig((784, 128, 10), init="naive"),
            TrainConfig(epochs=5, batch_size=1, optimizer="sgd", lr=0.001),
        ),
        Preset(
            "default",
            "Sound default",
            "784-256-10 on standardised inputs, He init, Adam at lr 0.001 with a cosine decay, batches of 64.",
            ModelConfig((784, 256, 10)),
            TrainConfig(epochs=5, batch_size=64, optimizer="adam", lr=1e-3, schedule="cosine"),
            standardize=True,
        ),
        Preset(
            "fast",
            "Fast and good",
            "784-256-10 on standardised inputs, momentum 0.9, lr 0.1 falling linearly to 0 over 3 epochs.",
            ModelConfig((784, 256, 10)),
            TrainConfig(epochs=3, batch_size=128, optimizer="momentum", lr=0.1, schedule="linear"),
            standardize=True,
        ),
        Preset(
            "best",
            "Best accuracy",
            "784-512-512-10, dropout 0.2, random 2-pixel shifts, lr decaying with the clock over 110 s.",
            ModelConfig((784, 512, 512, 10), dropout=0.2),
            TrainConfig(
                epochs=200,
                batch_size=128,
                optimizer="momentum",
                lr=0.05,
                schedule="linear",
                time_budget=110.0,
                shift=2,
            ),
            standardize=True,
        ),
        # A collection drawn in class has a few hundred images, not 60,000: an epoch is a
        # dozen steps, so it takes many epochs (30, this server's usual cap) of small
        # batches to make enough updates; 64 units are plenty for a handful of classes
        # and overfit less; each drawing moved by up to 2 pixels on every pass makes
        # 200 drawings look like many more.
        Preset(
            "small",
            "Small data",
            "784-64-10 on standardised inputs, Adam at lr 0.003 with a cosine decay, batches "
            "of 16, 30 epochs, random 2-pixel shifts: for a few hundred drawings.",
            ModelConfig((784, 64, 10)),
            TrainConfig(
                epochs=30, batch_size=16, optimizer="adam", lr=3e-3, schedule="cosine", shift=2
            ),
            standardize=True,
        ),
    )
}
