"""Run each model version over the test set once, and keep what it answered.

Every view of the Evaluate page (confusion matrix, mistakes, confidence, calibration,
comparison) reads the same ``Predictions``: one batched forward pass per model version
and data set, so clicking a cell or moving a slider never runs the network again.

Entries are keyed by ``ModelInUse.key`` (it changes whenever the weights change) and
the data set's cache key (name, source, size); no big array is ever hashed. The
visitor's own models are private, so they are cached in their session (a few entries,
oldest dropped first). The bundled model is the same for everyone, so its results are
computed once per server process and shared.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import numpy as np
import streamlit as st

from nn_core import predictions as pred
from nn_core import robustness
from nn_core.subset import fixed_subset
from ui.state import K

SESSION_ENTRIES = 12  # a few models x (predictions + a curve or two)
SUBSET_SIZE = 2000  # test images behind the robustness curves


@st.cache_data(show_spinner=False, max_entries=32)
def _shared(what: str, data_key: tuple, extra: Hashable, _compute: Callable[[], Any]) -> Any:
    """Results for the bundled model, shared by every visitor (``_compute`` is not hashed)."""
    return _compute()


def _cached(what: str, in_use, data_key: tuple, extra: Hashable, compute: Callable[[], Any]) -> Any:
    if in_use.is_bundled:
        return _shared(what, data_key, extra, compute)
    store: dict = st.session_state.setdefault(K.EVAL_CACHE, {})
    key = (what, in_use.key, data_key, extra)
    if key not in store:
        while len(store) >= SESSION_ENTRIES:
            store.pop(next(iter(store)))  # dicts keep insertion order: drop the oldest
        store[key] = compute()
    return store[key]


def predictions(in_use, active) -> pred.Predictions:
    """What model ``in_use`` answers for every test image of ``active.dataset``."""
    ds = active.dataset
    return _cached(
        "predictions",
        in_use,
        active.cache_key,
        None,
        lambda: pred.predict_all(in_use.model, ds.X_test, ds.y_test),
    )


def robustness_subset(n_test: int) -> np.ndarray:
    """The fixed test images (at least 2,000, or all) the robustness curves use: (m,)."""
    return fixed_subset(n_test, SUBSET_SIZE)


def robustness_curve(in_use, active, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """(strengths (s,), accuracies (s,)) of model ``in_use`` for one perturbation."""
    ds = active.dataset
    idx = robustness_subset(ds.n_test)

    def compute():
        return robustness.accuracy_curve(in_use.model, ds.X_test[idx], ds.y_test[idx], kind)

    return _cached("robustness", in_use, active.cache_key, kind, compute)
