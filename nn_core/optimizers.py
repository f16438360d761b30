"""Optimisers: how a gradient becomes a step, and learning-rate schedules.

An optimiser holds references to the model's parameter and gradient arrays and updates
the parameters *in place* (``W -= ...``): the layers hold the very same arrays, so a new
array bound to the name would never reach the network. Its working arrays are
preallocated too, so a training step allocates nothing (``nn_core.layers`` says why that
matters). ``lr`` is a plain attribute: change it between two steps and the next step
uses the new value.

Weight decay (L2) adds ``weight_decay * W`` to each weight gradient: the gradient of
``weight_decay/2 * ||W||^2``, a pull towards small weights. Biases are not decayed;
shrinking them buys no simplicity.
"""

from __future__ import annotations

import math

import numpy as np

OPTIMIZERS = ("sgd", "momentum", "adam")
SCHEDULES = ("constant", "step", "cosine", "linear")

TINY = 1e-30  # running averages below this are set to zero ...
FLUSH_EVERY = 64  # ... every this many steps
"""Why: a weight whose gradient is always zero (the weights of a ReLU unit that has died,
common at large learning rates) keeps a momentum that shrinks by 0.9 a step, and after
about 800 steps it falls below the smallest normal float32 (1.2e-38). Such "subnormal"
numbers take the processor's slow path: `fast` at lr 0.3 trained at 490 steps/s instead
of 800 (``python -m nn_core.train --preset fast --lr 0.3``), with the optimiser's two
passes over the momentum taking 45 % of the time. Between two flushes a value shrinks by
at most 0.9 ** 64 (about 1e-3), so it never gets that small; and a step of lr * 1e-30
changes no float32 weight, so the flush changes nothing the network learns. (Measured at
the command line; commit ef78d64.)"""


class Optimizer:
    """Base: keeps (name, param, grad) triples, the learning rate and the decay."""

    def __init__(self, parameters, lr: float, weight_decay: float = 0.0):
        self.parameters = list(parameters)  # [(name, param, grad)]: the model's own arrays
        self.lr = float(lr)
        self.weight_decay = float(weight_decay)
        self._tmp = [np.empty_like(p) for _, p, _ in self.parameters]  # each like its param
        # g + weight_decay * W, one array like each param (None without decay)
        self._decayed = [np.empty_like(p) for _, p, _ in self.parameters] if weight_decay else None
        self._flush_calls = 0  # once per step of an optimiser that keeps running averages

    def _flush(self, averages) -> None:
        """Zero the tiny entries of the running averages now and then (see ``TINY``).

        A speed trick with no maths in it: without it every update is the same, only
        slower once dead units' averages turn subnormal (490 instead of 774 steps/s).
        """
        self._flush_calls += 1
        if self._flush_calls % FLUSH_EVERY == 0:
            for a in averages:
                a[np.abs(a) < TINY] = 0.0

    def _gradient(self, i: int) -> np.ndarray:
        """The gradient to follow: g, plus weight_decay * W for weights when decay is on.

        The sum goes to a separate buffer so that ``grads`` keep the loss's own gradient
        (which is what the app plots as gradient norms).
        """
        name, p, g = self.parameters[i]
        if not (self.weight_decay and name.startswith("W")):
            return g
        # Plain form: g + weight_decay * W. Into a buffer: 40 instead of 38 us with glibc's
        # defaults, 40 instead of 328 us where big arrays are fresh mappings (784 x 256).
        out = self._decayed[i]
        np.multiply(p, self.weight_decay, out=out)
        out += g
        return out

    def step(self) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Plain gradient descent, optionally with momentum.

    v = momentum * v + g        a running direction: steady slopes build up speed,
    W = W - lr * v              zig-zags across a narrow valley cancel out
    """

    def __init__(self, parameters, lr=0.1, momentum=0.0, weight_decay=0.0):
        super().__init__(parameters, lr, weight_decay)
        self.momentum = float(momentum)
        # v: one running direction like each param (None for plain SGD: it keeps none)
        self._v = [np.zeros_like(p) for _, p, _ in self.parameters] if momentum else None

    def step(self) -> None:
        for i, (_, p, _) in enumerate(self.parameters):
            tmp = self._tmp[i]
            g = self._gradient(i)
            direction = g
            if self._v is not None:
                direction = self._v[i]  # the running direction, kept from step to step
                direction *= self.momentum  # v = momentum * v + g
                direction += g
            # Plain form: W -= lr * v. Through tmp: 72 instead of 65 us with glibc's
            # defaults, 72 instead of 360 us where big arrays are fresh mappings (784 x 256).
            np.multiply(direction, self.lr, out=tmp)
            p -= tmp
        if self._v is not None:
            self._flush(self._v)


class Adam(Optimizer):
    """Adam: momentum plus a per-weight step size.

        m = b1 * m + (1 - b1) * g            the average gradient (direction)
        v = b2 * v + (1 - b2) * g^2          the average squared gradient (scale)
        W = W - lr_t * m / (sqrt(v) + eps)   lr_t corrects the zero start of m and v

    Weights with consistently large gradients take small steps and rare, small-gradient
    weights take larger ones, so one learning rate (1e-3) suits most problems.

    A speed detail: every operation on a weight array is a pass over it, and passes are
    what an update costs. We store M = m / (1 - b1) and V = v / (1 - b2) instead, which
    turns the averages into plain decaying sums (M = b1 * M + g) and moves the constant
    factors into one scalar per step, and every pass writes into an array we already
    have. For the 784 x 256 weights (timeit, one BLAS thread) the update takes 221 us,
    against 252 us for the same in place with m and v (twelve passes) and 272 us for the
    three lines above as written, each making new arrays (51 us, 5 % of a 1.0 ms
    `default` step); where big arrays are fresh mappings, 225 against 1,976 us.
    """

    def __init__(self, parameters, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
        super().__init__(parameters, lr, weight_decay)
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)
        self.t = 0
        self._M = [np.zeros_like(p) for _, p, _ in self.parameters]  # each like its param
        self._V = [np.zeros_like(p) for _, p, _ in self.parameters]  # each like its param

    def step(self) -> None:
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        lr_t = self.lr * math.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        # m / (sqrt(v) + eps) == scale * M / (sqrt(V) + eps_V)
        scale = lr_t * (1 - b1) / math.sqrt(1 - b2)
        eps_V = self.eps / math.sqrt(1 - b2)
        for i, (_, p, _) in enumerate(self.parameters):
            M, V, tmp = self._M[i], self._V[i], self._tmp[i]
            g = self._gradient(i)
            M *= b1  # plain form of these two: M = b1 * M + g
            M += g
            V *= b2  # plain form of these three: V = b2 * V + g * g
            np.multiply(g, g, out=tmp)
            V += tmp
            np.sqrt(V, out=tmp)  # plain form of these five: W -= scale * M / (sqrt(V) + eps_V)
            tmp += eps_V
            np.divide(M, tmp, out=tmp)
            tmp *= scale
            p -= tmp
        self._flush(self._M + self._V)


def make_optimizer(name: str, parameters, lr: float, momentum=0.9, weight_decay=0.0) -> Optimizer:
    """Build an optimiser by name: "sgd", "momentum" (SGD with momentum) or "adam"."""
    if name == "sgd":
        return SGD(parameters, lr, 0.0, weight_decay)
    if name == "momentum":
        return SGD(parameters, lr, momentum, weight_decay)
    if name == "adam":
        return Adam(parameters, lr, weight_decay=weight_decay)
    raise ValueError(f"unknown optimizer {name!r}; choose one of {OPTIMIZERS}")


def schedule_factor(name: str, progress: float) -> float:
    """The multiplier of the base learning rate at ``progress`` in [0, 1] of the run.

    constant  1 throughout
    step      1, then 0.1 from half-way, then 0.01 from three quarters
    cosine    a smooth fall from 1 to 0 along half a cosine wave
    linear    a straight fall from 1 to 0
    Large early steps cover ground; small late steps settle into a minimum.
    """
    p = min(max(progress, 0.0), 1.0)
    if name == "constant":
        return 1.0
    if name == "step":
        return 1.0 if p < 0.5 else 0.1 if p < 0.75 else 0.01
    if name == "cosine":
        return 0.5 * (1.0 + math.cos(math.pi * p))
    if name == "linear":
        return 1.0 - p
    raise ValueError(f"unknown schedule {name!r}; choose one of {SCHEDULES}")
