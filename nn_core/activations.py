"""Activation functions: the bends that let a stack of linear layers draw curved boundaries.

Without a non-linearity between them, two Dense layers collapse into one: ``(X @ W1) @ W2``
is just ``X @ (W1 @ W2)``. Each activation below is applied element by element to the
pre-activations ``Z`` of a layer and gives its outputs ``A = f(Z)``.

Every derivative here is written in terms of the *output* ``A`` rather than the input
``Z``. That is a small trick with a big pay-off: the backward pass only has to remember
``A`` (which the next layer needed anyway), so the forward pass may overwrite ``Z`` in place.

Activations are layers (``nn_core.layers.Layer``) with nothing to learn:
    forward(Z, training) -> A        Z, A: (n, units)
    backward(dA) -> dZ               the chain rule: dZ = dA * f'(Z)
    infer(Z) -> A                    a read: A = f(Z), nothing kept
    input_gradient(Z, A, dA) -> dZ   a read: dA * f'(Z), from the A the caller kept
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
    def f(Z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """A = f(Z), written into ``out`` when given (it may be Z itself)."""
        raise NotImplementedError

    @staticmethod
    def df(A: np.ndarray) -> np.ndarray:
        """The slope f'(Z), computed from the output A = f(Z)."""
        raise NotImplementedError

    def derivative(self, Z: np.ndarray) -> np.ndarray:
        """f'(Z) for plotting: the slope of the curve at each input value."""
        return np.asarray(self.df(self.f(np.asarray(Z, dtype=float))), dtype=float)

    def forward(self, Z: np.ndarray, training: bool = False) -> np.ndarray:
        """During training Z is overwritten in place: its memory is reused for A."""
        # Plain form: A = f(Z). In place: the same 13 us with glibc's defaults, 13 instead
        # of 67 us where big arrays are fresh mappings (ReLU, 128 x 256; see nn_core.layers).
        self._A = self.f(Z, out=Z if training else None)  # (n, units)
        return self._A

    def backward(self, dA: np.ndarray) -> np.ndarray:
        """dZ = dA * f'(Z). dA belongs to the caller's scratch space, so we reuse it."""
        # Plain form: dZ = dA * f'(Z). In place: 9 instead of 10 us with glibc's defaults,
        # 9 instead of 70 us where big arrays are fresh mappings (ReLU, 128 x 256).
        return np.multiply(dA, self.df(self._A), out=dA)  # (n, units)

    def infer(self, Z: np.ndarray) -> np.ndarray:
        return self.f(Z)  # (n, units), a new array: Z is left alone

    def input_gradient(self, Z: np.ndarray, A: np.ndarray, dA: np.ndarray) -> np.ndarray:
        return dA * self.df(A)  # (n, units), a new array: dA is left alone


class ReLU(Activation):
    """max(0, z): cheap, and its slope is exactly 1 wherever the unit is active.

    That constant slope is why deep ReLU nets train well: gradients pass through
    active units without shrinking. The price: a unit whose input is negative for
    every example has slope 0 everywhere and stops learning ("dead ReLU").
    """

    name = "relu"

    @staticmethod
    def f(Z, out=None):
        return np.maximum(Z, 0, out=out)  # same shape as Z

    @staticmethod
    def df(A):
        return A > 0  # same shape as A: 1 where the unit is active, else 0


class LeakyReLU(Activation):
    """max(alpha*z, z): a ReLU with a small slope for negative inputs, so no unit can die."""

    name = "leaky_relu"
    alpha = 0.01

    @classmethod
    def f(cls, Z, out=None):
        return np.maximum(Z, cls.alpha * Z, out=out)  # same shape as Z

    @classmethod
    def df(cls, A):
        return np.where(A > 0, 1.0, cls.alpha).astype(A.dtype)  # same shape as A


class Sigmoid(Activation):
    """1 / (1 + e^-z): squashes to (0, 1). Its slope is at most 1/4, so stacked sigmoids
    multiply gradients by small numbers: the "vanishing gradient" of early deep nets."""

    name = "sigmoid"

    @staticmethod
    def f(Z, out=None):
        # 1 / (1 + e^-z) == (1 + tanh(z / 2)) / 2, and tanh never overflows for large |z|.
        # Plain form: 0.5 * (1 + np.tanh(0.5 * Z)); here every step writes into ``out``
        # (what that earns: see Activation.forward).
        out = np.multiply(Z, 0.5, out=out)  # same shape as Z
        np.tanh(out, out=out)
        out += 1
        out *= 0.5
        return out

    @staticmethod
    def df(A):
        return A * (1 - A)  # same shape as A


class Tanh(Activation):
    """tanh(z): like the sigmoid but centred on zero, with slope 1 at the origin."""

    name = "tanh"

    @staticmethod
    def f(Z, out=None):
        return np.tanh(Z, out=out)  # same shape as Z

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
