"""Experiments on a trained network: cut units, turn knobs, add noise, prune, teach.

How robust is what the network learnt? Switch off a few hidden units and watch the
accuracy; prune away the smallest half of the weights and be surprised how little it
minds. Every edit here works on a *copy*: an experiment is the original model plus a
list of ``Edit`` records, replayed in order by ``apply_edits``. Undo is then simply
forgetting an edit, and the original is never touched, so undoing restores it exactly.

Hidden layer ``l`` (0 = first) means the units between ``dense[l]`` and ``dense[l + 1]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nn_core.losses import SoftmaxCrossEntropy
from nn_core.model import as_batch
from nn_core.optimizers import SGD

KINDS = ("off", "scale", "noise", "prune", "teach")


@dataclass(frozen=True)
class Edit:
    """One change to the network, described well enough to replay it exactly.

    off    units of hidden ``layer`` stop talking: their outgoing weights become 0
    scale  unit ``units[0]`` of hidden ``layer``: incoming weights and bias times ``amount``
    noise  Dense ``layer``'s weights get N(0, (amount * their std)^2) noise, drawn with ``seed``
    prune  the smallest ``amount`` share of |w| in every weight matrix become 0
    teach  one SGD step of size ``amount`` on ``image`` with true label ``label``
    """

    kind: str
    layer: int = 0
    units: tuple[int, ...] = ()
    amount: float = 0.0
    seed: int = 0
    image: np.ndarray | None = field(default=None, compare=False, repr=False)
    label: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown edit {self.kind!r}; choose one of {KINDS}")

    def describe(self) -> str:
        """A short sentence for the list of edits on screen."""
        n = len(self.units)
        if self.kind == "off":
            shown = ", ".join(str(u) for u in self.units[:8]) + (" ..." if n > 8 else "")
            unit_word = "unit" if n == 1 else "units"
            return f"switched off {n} {unit_word} of hidden layer {self.layer + 1} ({shown})"
        if self.kind == "scale":
            return (
                f"scaled unit {self.units[0]} of hidden layer {self.layer + 1} by {self.amount:g}"
            )
        if self.kind == "noise":
            return f"added noise ({self.amount:g} x weight spread) to weight layer {self.layer + 1}"
        if self.kind == "prune":
            return f"pruned the smallest {self.amount:.0%} of the weights"
        return f"one gradient step (size {self.amount:g}) towards '{self.label}' on a drawing"


def switch_off(model, layer: int, units) -> None:
    """Silence hidden units in place: nothing they compute reaches the next layer."""
    units = np.asarray(list(units), dtype=np.int64)
    model.dense[layer + 1].W[units, :] = 0.0  # (units, n_next) rows: their voice
    model.dense[layer].W[:, units] = 0.0  # their ears too, so their activation reads 0
    model.dense[layer].b[units] = 0.0


def scale_unit(model, layer: int, unit: int, factor: float) -> None:
    """Multiply one unit's incoming weights and bias: a ReLU unit's output scales with it."""
    model.dense[layer].W[:, unit] *= factor  # (n_in,)
    model.dense[layer].b[unit] *= factor


def add_noise(model, layer: int, strength: float, seed: int = 0) -> None:
    """W += noise with a standard deviation of ``strength`` times the spread of W."""
    W = model.dense[layer].W  # (n_in, n_out)
    rng = np.random.default_rng(seed)
    W += (rng.standard_normal(W.shape) * (strength * float(W.std()))).astype(W.dtype)


def prune(model, share: float) -> None:
    """Magnitude pruning: in every weight matrix, zero the ``share`` of smallest |w|."""
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"share must be in [0, 1], got {share}")
    for dense in model.dense:
        W = dense.W
        n = int(round(share * W.size))
        if n == 0:
            continue
        smallest = np.argpartition(np.abs(W).reshape(-1), n - 1)[:n]
        W.reshape(-1)[smallest] = 0.0


def teach(model, image, label: int, lr: float) -> None:
    """One plain gradient step on a single image with its true label, in place."""
    X = as_batch(image, model.config.sizes[0])[:1]  # (1, 784)
    loss = SoftmaxCrossEntropy()
    loss.forward(model.forward(X), np.array([int(label)]))
    model.backward(loss.backward())
    SGD(model.parameters(), lr=lr).step()  # W = W - lr * dW for every layer


def apply_edit(model, edit: Edit) -> None:
    """Apply one edit to ``model`` in place."""
    if edit.kind == "off":
        switch_off(model, edit.layer, edit.units)
    elif edit.kind == "scale":
        scale_unit(model, edit.layer, edit.units[0], edit.amount)
    elif edit.kind == "noise":
        add_noise(model, edit.layer, edit.amount, edit.seed)
    elif edit.kind == "prune":
        prune(model, edit.amount)
    else:
        teach(model, edit.image, edit.label, edit.amount)


def apply_edits(model, edits) -> object:
    """A copy of ``model`` with every edit applied in order; the original is untouched."""
    twin = model.astype(model.dtype)
    for edit in edits:
        apply_edit(twin, edit)
    return twin


def ranked_units(importance: np.ndarray, k: int, most: bool = True) -> tuple[int, ...]:
    """The ``k`` most (or least) important units, given their importance scores."""
    order = np.argsort(-importance if most else importance, kind="stable")
    return tuple(int(u) for u in order[:k])
