"""The plain records a training workspace hands around: what pages read, what a run needs.

Frozen dataclasses, no behaviour beyond a small helper each, so every page can hold
them without fear of changing another page's view.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nn_core.model import MLP, ModelConfig
from nn_core.train import TrainConfig
from server.job import JobSpec, new_job_id
from server.limits import ServerLimits


@dataclass(frozen=True)
class YourModel:
    """ "Your model": read-only for every page (copy it before changing anything)."""

    model: MLP
    name: str
    dataset: str
    test_accuracy: float | None
    version: int  # changes whenever "your model" changes: a cache key for other pages
    run_id: int | None = None


@dataclass(frozen=True)
class LiveWeights:
    """The newest weights of a run in training (about once a second)."""

    run_id: int
    step: int
    version: int  # increases with every new copy
    weights: tuple  # (W0, b0, W1, b1, ...) float32
    config: ModelConfig

    def model(self) -> MLP:
        model = MLP(config=self.config)
        model.set_weights(list(self.weights))
        return model


@dataclass(frozen=True)
class Message:
    kind: str  # "info" | "success" | "warning" | "error"
    text: str
    where: str = "controls"


@dataclass(frozen=True)
class RunPlan:
    """What the next run should be: the settings, the data, and how to pace it."""

    preset: str
    model: ModelConfig
    train: TrainConfig
    standardize: bool
    dataset: object  # nn_core.data.Dataset
    shared: object  # server.shared_data.SharedData of that data set
    val_index: np.ndarray | None = None
    speed: float | None = None  # steps per second, None: full speed
    label: str = ""

    def job_spec(
        self, config: ModelConfig, standardize: bool, weights: tuple | None, limits: ServerLimits
    ) -> JobSpec:
        """What a worker needs to train this plan: ``config`` (the plan's network or an
        uploaded one, whose ``weights`` it then starts from), as plain data."""
        return JobSpec(
            job_id=new_job_id(),
            model_config=config.to_dict(),
            train_config=self.train.to_dict(),
            data=self.shared,
            standardize=standardize,
            weights=weights,
            val_index=self.val_index,
            speed=self.speed,
            health_every=limits.health_every,
            snapshot_seconds=limits.snapshot_seconds,
        )


def describe(model: ModelConfig, train: TrainConfig) -> str:
    """A short label for charts and tables: '256 relu, he init, momentum lr 0.1'."""
    hidden = "-".join(str(h) for h in model.hidden) or "no hidden layer"
    return f"{hidden} {model.activation}, {model.init} init, {train.optimizer} lr {train.lr:g}"


def misfit(config: ModelConfig, dataset) -> str | None:
    """Why a model with ``config`` cannot train on ``dataset`` (None when it can)."""
    n_in, n_classes = dataset.X_train.shape[1], len(dataset.class_names)
    sizes = config.sizes
    if sizes[0] != n_in or sizes[-1] != n_classes:
        return (
            f"this model takes {sizes[0]} inputs and gives {sizes[-1]} classes; the data set "
            f"has {n_in} pixels per image and {n_classes} classes."
        )
    return None
