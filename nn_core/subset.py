"""The fixed subset of test images that every held-out figure is computed on.

Scoring a network on all 10,000 test images after every few steps would cost more than
the training itself, so the live held-out curve, Evaluate's robustness sweep and
Inside's activation maps each look at a fixed random subset. Fixed matters: the same
images on every call and every visit, so two runs (or two students) are compared on the
same questions, and a number on screen does not wobble because the questions changed.
"""

from __future__ import annotations

import numpy as np


def fixed_subset(n: int, size: int = 2000, seed: int = 0) -> np.ndarray:
    """Sorted numbers of ``size`` of ``n`` test images (all of them if fewer): the same
    every time for the same arguments."""
    if n <= size:
        return np.arange(n)  # (n,)
    return np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False))  # (size,)
