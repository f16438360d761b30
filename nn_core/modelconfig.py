"""The architecture of a network, as data: what a model file stores to rebuild it.

A ``ModelConfig`` names the layer sizes, the activation, the initialisation, the dropout,
the input standardisation and the seed, and nothing else: no weights. Kept apart from
the network itself (``nn_core.model``), it can be read from a model file, checked against
a server's limits and described in words before a single weight is allocated.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from nn_core.activations import ACTIVATIONS
from nn_core.layers import INITS


@dataclass(frozen=True)
class ModelConfig:
    """Everything needed to rebuild the architecture; saved inside every model file."""

    sizes: tuple[int, ...] = (784, 128, 10)
    activation: str = "relu"
    init: str = "he"
    dropout: float = 0.0
    x_mean: float = 0.0  # inputs are standardised as (X - x_mean) / x_std
    x_std: float = 1.0
    seed: int = 0

    def __post_init__(self) -> None:
        if not all(isinstance(s, int | np.integer) and not isinstance(s, bool) for s in self.sizes):
            raise ValueError(f"layer sizes must be whole numbers, got {self.sizes}")
        object.__setattr__(self, "sizes", tuple(int(s) for s in self.sizes))
        if (
            isinstance(self.seed, bool)
            or not isinstance(self.seed, int | np.integer)
            or self.seed < 0
        ):
            raise ValueError(f"seed must be a whole number >= 0, got {self.seed!r}")
        if len(self.sizes) < 2 or min(self.sizes) < 1:
            raise ValueError(f"sizes must list at least two positive layer sizes, got {self.sizes}")
        if self.activation not in ACTIVATIONS:
            raise ValueError(
                f"unknown activation {self.activation!r}; choose one of {sorted(ACTIVATIONS)}"
            )
        if self.init not in INITS:
            raise ValueError(f"unknown initialisation {self.init!r}; choose one of {INITS}")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout}")
        if not (np.isfinite(self.x_mean) and np.isfinite(self.x_std) and self.x_std > 0):
            raise ValueError("x_mean must be finite and x_std positive")

    def to_dict(self) -> dict:
        return {**dataclasses.asdict(self), "sizes": list(self.sizes)}

    @classmethod
    def from_dict(cls, d: dict) -> ModelConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ValueError(f"unknown model settings: {sorted(unknown)}")
        return cls(**d)

    @property
    def hidden(self) -> tuple[int, ...]:
        return self.sizes[1:-1]

    def describe(self) -> str:
        """'784 -> 128 relu -> 10' style summary for the sidebar and the CLI."""
        inner = " -> ".join(f"{h} {self.activation}" for h in self.hidden)
        return " -> ".join(str(s) for s in (self.sizes[0], inner, self.sizes[-1]) if s != "")
