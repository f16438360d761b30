"""Activation functions: the bends that let a stack of linear layers draw curved boundaries.

Without a non-linearity between them, two Dense layers collapse into one: ``(X @ W1) @ W2``
is just ``X @ (W1 @ W2)``. Each activation below is applied element by element to the
pre-activations ``Z`` of a layer and gives its outputs ``A = f(Z)``.

Every derivative here is written in terms of the *output* ``A`` rather than the input
``Z``. That is a small trick with a big pay-off: between the forward and the backward
pass a layer only has to keep ``A`` (which the next Dense layer keeps anyway, as its
input), never ``Z``, so no extra array per layer is held for the backward pass.

Activations are layers (``nn_core.layers.Layer``) with nothing to learn:
    forward(Z, training) -> A        Z, A: (n, units)
    backward(dA) -> dZ               the chain rule: dZ = dA * f'(Z)
    params, grads                    empty dicts
"""

from __future__ import annotations

import numpy as np

from nn_core.layers import Layer


class Activation(Layer):
    """Base class: subclasses define ``f(Z)`` and ``df(A)`` (the slope, from the output)."""

    name = "identity"

    def __init__(self) -> None:
        super().__init__()
        self._A: np.ndarray | None = None  # (n, units): the last output, for the slope

    @staticmethod
    def f(Z: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    @staticmethod
    def df(A: np.ndarray) -> np.ndarray:
        """The slope f'(Z), computed from the output A = f(Z)."""
        raise NotImplementedError

    def derivative(self, Z: np.ndarray) -> np.ndarray:
        """f'(Z) for plotting: the slope of the curve at each input value."""
        return np.asarray(self.df(self.f(np.asarray(Z, dtype=float))), dtype=float)

    def forward(self, Z: np.ndarray, training: bool = False) -> np.ndarray:
        self._A = self.f(Z)  # (n, units)
        return self._A

    def backward(self, dA: np.ndarray) -> np.ndarray:
        return dA * self.df(self._A)  # (n, units): dZ = dA * f'(Z)


class ReLU(Activation):
    """max(0, z): cheap, and its slope is exactly 1 wherever the unit is active.

    That constant slope is why deep ReLU nets train well: gradients pass through
    active units without shrinking. The price: a unit whose input is negative for
    every example has slope 0 everywhere and stops learning ("dead ReLU").
    """

    name = "relu"

    @staticmethod
    def f(Z):
        return np.maximum(Z, 0)  # same shape as Z

    @staticmethod
    def df(A):
        return A > 0  # same shape as A: 1 where the unit is active, else 0


class LeakyReLU(Activation):
    """max(alpha*z, z): a ReLU with a small slope for negative inputs, so no unit can die."""

    name = "leaky_relu"
    alpha = 0.01

    @classmethod
    def f(cls, Z):
        return np.maximum(Z, cls.alpha * Z)  # same shape as Z

    @classmethod
    def df(cls, A):
        return np.where(A > 0, 1.0, cls.alpha).astype(A.dtype)  # same shape as A


class Sigmoid(Activation):
    """1 / (1 + e^-z): squashes to (0, 1). Its slope is at most 1/4, so stacked sigmoids
    multiply gradients by small numbers: the "vanishing gradient" of early deep nets."""

    name = "sigmoid"

    @staticmethod
    def f(Z):
        # 1 / (1 + e^-z) == (1 + tanh(z / 2)) / 2, and tanh never overflows for large |z|
        return 0.5 * (1 + np.tanh(0.5 * Z))  # same shape as Z

    @staticmethod
    def df(A):
        return A * (1 - A)  # same shape as A


class Tanh(Activation):
    """tanh(z): like the sigmoid but centred on zero, with slope 1 at the origin."""

    name = "tanh"

    @staticmethod
    def f(Z):
        return np.tanh(Z)  # same shape as Z

    @staticmethod
    def df(A):
        return 1 - A * A  # same shape as A


ACTIVATIONS: dict[str, type[Activation]] = {
    cls.name: cls for cls in (ReLU, LeakyReLU, Sigmoid, Tanh)
}


def get_activation(name: str) -> Activation:
    """A fresh activation object by name ("relu", "leaky_relu", "sigmoid", "tanh")."""
    try:
        return ACTIVATIONS[name]()
    except KeyError:
        raise ValueError(
            f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}"
        ) from None
