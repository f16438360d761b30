"""What every Inside view needs: the network to look at, the images, and a memory.

The page looks at "your model" (the visitor's own network), or the bundled pretrained
one when they have none for this data set, and says which: that network is a
``ui.models.ModelInUse``, the same description every page uses, held here as it is. What this module adds is the
visit's own: the data set on screen and a memory. Heavy results (importance of every
unit, a PCA of thousands of activations, the accuracy of the untouched network) are
remembered per model version (``ModelInUse.key``), per visitor: switching views or
moving a slider then costs milliseconds, and a retrained model is never confused with
its predecessor.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

import numpy as np
import streamlit as st

from nn_core.data import Dataset
from nn_core.subset import fixed_subset
from ui.active import active_dataset
from ui.inside import keys
from ui.models import ModelInUse, model_in_use

SAMPLE = 2000  # test images behind importance, top activations and the PCA map
MEMO_SIZE = 48  # results remembered per visitor (old model versions fall out first)


@dataclass(frozen=True)
class Inside:
    """One visit to the page: the model in use and the data it is shown on."""

    in_use: ModelInUse
    data: Dataset
    notice: str | None  # about the data set (a sample, a fallback), or None

    @property
    def key(self) -> Hashable:
        """Names this model on these images: what the memory files results under."""
        return (self.in_use.key, self.data.name, self.data.source, self.data.n_test)

    def sample(self, n: int = SAMPLE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A fixed random subset of the test set: (indices, images (n, 784), labels)."""
        idx = fixed_subset(self.data.n_test, n)
        return idx, self.data.X_test[idx], self.data.y_test[idx]


def inside_context() -> Inside | None:
    """This visit's ``Inside``: the network to look inside and its data set, or None when
    there is none yet."""
    active = active_dataset()
    in_use = model_in_use(active.dataset.name)
    if in_use is None:
        return None
    return Inside(in_use, active.dataset, active.notice)


def memo(
    name: str, key: Hashable, compute: Callable[[], object], shared: ModelInUse | None = None
) -> object:
    """``compute()`` once per (name, key) for this visitor; a small LRU in session state.

    ``shared``: the network the value is made from, when the value depends on nothing
    else and nobody changes it (a figure, facts that are only read). For the bundled
    network, the same for every visitor, it is then made once per server: a class
    opening the page at once builds the bundled network's figures once, not thirty times."""
    if shared is not None and shared.is_bundled:
        return _for_everyone(name, key, id(shared.model), compute)
    store = st.session_state.get(keys.CACHE)
    if store is None:
        store = st.session_state[keys.CACHE] = OrderedDict()
    slot = (name, key)
    if slot in store:
        store.move_to_end(slot)
        return store[slot]
    value = compute()
    store[slot] = value
    while len(store) > MEMO_SIZE:
        store.popitem(last=False)
    return value


@st.cache_resource(show_spinner=False, max_entries=64)
def _for_everyone(name: str, key: Hashable, model_id: int, _compute: Callable[[], object]):
    """``memo``'s values for the bundled network, one per server (``model_id`` tells a
    replaced network from the one before)."""
    return _compute()
