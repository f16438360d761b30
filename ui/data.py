"""Cached access to data sets and the bundled model, shared read-only by every user.

``st.cache_resource`` keeps one copy per server process: thirty students on one hosted
demo share one 190 MB MNIST array instead of holding thirty. Nothing returned from here
may be modified in place.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from nn_core.data import Dataset, load_dataset


@st.cache_resource(show_spinner="Loading the data set...")
def get_dataset(name: str) -> Dataset:
    """The data set from a folder, the cache or the bundled sample; never downloads.

    Downloading is an explicit choice made in the sidebar (``download_dataset``), so an
    offline laptop starts instantly instead of waiting for mirrors to time out.
    """
    data = load_dataset(name, download=False)
    for array in (data.X_train, data.y_train, data.X_test, data.y_test):
        array.flags.writeable = False  # shared by every session: guard against accidents
    return data


def download_dataset(name: str, progress) -> Dataset:
    """Fetch the full data set into the per-user cache, then reload the shared copy.

    ``progress(fraction, message)`` is called as bytes arrive.
    """
    data = load_dataset(name, download=True, allow_bundled=False, progress=progress)
    get_dataset.clear()
    return data


@st.cache_resource(show_spinner="Loading the pretrained model...")
def get_default_model():
    """The bundled pretrained MNIST model (read-only: never train it in place)."""
    from nn_core import load_default_model

    return load_default_model()


@st.cache_data(show_spinner=False)
def validation_indices(name: str, n: int, size: int = 2000, seed: int = 0) -> np.ndarray:
    """A fixed random subset of the test set used for the live held-out curves."""
    return np.sort(np.random.default_rng(seed).choice(n, size=min(size, n), replace=False))
