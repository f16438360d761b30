"""The health of a training run: is every layer learning, and at a sensible pace?

A loss curve says *that* a network learns; these four numbers per layer say *where*.

    gradient norm      ||dW||: how hard the loss pulls on a layer's weights. Norms that
                       shrink towards the input layer are "vanishing" gradients (those
                       layers barely learn); norms in the thousands are "exploding" ones.
    update ratio       ||W_after - W_before|| / ||W_before||: the fraction by which one
                       step changes a layer. Around 1e-3 is the classic healthy pace; 1e-1
                       means the weights are being thrown about, 1e-6 that they are frozen.
    dead share         the share of a hidden layer's ReLU units that output 0 for every
                       example of the batch: they pass no gradient back, so they cannot
                       learn their way out. (Leaky ReLU, tanh and sigmoid cannot die: 0.)
    weight norm        ||W||: how big the layer has grown.

Measuring costs a few norms and one copy of the weights, so the trainer only measures
every ``every`` steps (and on the very first step, where a bad initialisation shows):
at the default of 50 the cost is well under 1 % of the training time (bench/bench_health.py).
The trainer calls ``before_update`` after backpropagation (the gradients are filled, the
weights not yet moved) and ``after_update`` right after the optimiser's step.
"""

from __future__ import annotations

import numpy as np

from nn_core.activations import ReLU

FIELDS = ("step", "grad_norm", "update_ratio", "dead_share", "weight_norm")


class HealthRecorder:
    """Collects per-layer health figures at a fixed cadence; ``as_dict`` hands them over.

    >>> health = HealthRecorder(every=50)
    >>> trainer = Trainer(model, X, y, config, health=health)
    >>> health.as_dict()["grad_norm"]     # one list of per-layer norms per recorded step
    """

    def __init__(self, every: int = 50):
        if every < 1:
            raise ValueError(f"every must be at least 1, got {every}")
        self.every = int(every)
        self.history: dict[str, list] = {name: [] for name in FIELDS}
        self._before: list[np.ndarray] = []  # the weights before the step, reused buffers
        self._pending: dict | None = None
        self._step = 0  # the update last asked about: the one the record belongs to

    def due(self, step: int) -> bool:
        """Measure on update ``step`` (1-based)? The first step and every ``every``-th."""
        self._step = int(step)
        return step == 1 or step % self.every == 0

    def before_update(self, model, step: int | None = None) -> None:
        """Read the gradients and the batch's activations; remember the weights."""
        dense = model.dense
        if len(self._before) != len(dense):
            self._before = [np.empty_like(layer.W) for layer in dense]
        for buffer, layer in zip(self._before, dense, strict=True):
            np.copyto(buffer, layer.W)  # (n_in, n_out)
        self._pending = {
            "step": self._step if step is None else int(step),
            "grad_norm": [float(np.linalg.norm(layer.grads["W"])) for layer in dense],
            "dead_share": dead_shares(model),
        }

    def after_update(self, model) -> None:
        """The weights have moved: measure by how much, and file the record."""
        if self._pending is None:
            return
        record, self._pending = self._pending, None
        ratios, norms = [], []
        for before, layer in zip(self._before, model.dense, strict=True):
            norm_before = float(np.linalg.norm(before))
            moved = float(np.linalg.norm(layer.W - before))
            ratios.append(moved / norm_before if norm_before > 0 else 0.0)
            norms.append(float(np.linalg.norm(layer.W)))
        record["update_ratio"], record["weight_norm"] = ratios, norms
        for name in FIELDS:
            self.history[name].append(record[name])

    def as_dict(self) -> dict[str, list]:
        """Plain lists (JSON- and pickle-friendly): step, then one per-layer list per step."""
        return {name: list(values) for name, values in self.history.items()}

    def __len__(self) -> int:
        return len(self.history["step"])


def dead_shares(model) -> list[float]:
    """Per hidden layer, the share of units that output 0 for every row of the last batch.

    Reads the activations the forward pass left in the activation layers, so it costs one
    comparison per activation and no extra forward pass.
    """
    shares = []
    for layer in model.layers:
        A = getattr(layer, "_A", None)
        if A is None or not hasattr(layer, "df"):
            continue
        if isinstance(layer, ReLU):
            alive = (A > 0).any(axis=0)  # (units,)
            shares.append(float(1.0 - alive.mean()))
        else:
            shares.append(0.0)
    return shares
