"""Cached access to what every visitor shares: data sets, the bundled model, the scheduler.

``st.cache_resource`` keeps one copy per server process: thirty students on one hosted
demo share one 190 MB MNIST array instead of holding thirty. The arrays are even shared
with the training workers: they are memory-mapped from files the server writes once
(``server.shared_data``). Nothing returned from here may be modified in place.

This is where the ``server`` package meets Streamlit: the pool of training processes
(``server.scheduler``) and the shared data maps know nothing of Streamlit, and
``st.cache_resource`` makes each of them one per server process here, on the ui side.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import streamlit as st

from nn_core.data import Dataset, load_dataset
from nn_core.subset import fixed_subset
from server.limits import LIMITS
from server.scheduler import Scheduler
from server.shared_data import SharedData, fingerprint, publish


@st.cache_resource(show_spinner="Loading the data set...")
def get_dataset(name: str) -> Dataset:
    """The data set from a folder, the cache or the bundled sample; never downloads.

    Downloading is an explicit choice made in the sidebar (``download_dataset``), so an
    offline laptop starts instantly instead of waiting for mirrors to time out.
    """
    data = load_dataset(name, download=False)
    arrays = shared_data(data).open()  # read-only maps of the files the workers read too
    return dataclasses.replace(data, **arrays)


def shared_data(data: Dataset) -> SharedData:
    """Where the training workers find ``data``: written once per content, then reused.

    Keyed on the content, not the name: a collection keeps its name as it grows, and a
    grown one must reach the workers as it is now."""
    return _published(data.name, fingerprint(data), _data=data)


@st.cache_resource(show_spinner=False, max_entries=64)
def _published(name: str, content: str, _data: Dataset) -> SharedData:
    return publish(_data)


@st.cache_resource(show_spinner=False)
def get_scheduler() -> Scheduler:
    """The server's pool of training processes: created once, shared by every visitor."""
    return Scheduler(
        workers=LIMITS.workers,
        max_active=LIMITS.max_active_runs,
        idle_pause=LIMITS.idle_pause_seconds,
        paused_release=LIMITS.paused_release_seconds,
    )


def download_dataset(name: str, progress) -> Dataset:
    """Fetch the full data set into the per-user cache, then reload the shared copy.

    ``progress(fraction, message)`` is called as bytes arrive.
    """
    data = load_dataset(name, download=True, allow_bundled=False, progress=progress)
    get_dataset.clear()
    return data


@st.cache_resource(show_spinner="Loading the pretrained model...")
def get_bundled_model():
    """The bundled pretrained MNIST model (read-only: never train it in place)."""
    from nn_core import load_default_model

    return load_default_model()


@st.cache_data(show_spinner=False)
def validation_indices(name: str, n: int, size: int = 2000, seed: int = 0) -> np.ndarray:
    """A fixed random subset of the test set used for the live held-out curves: all of
    it when the test set is smaller than ``size`` (a collection's 48 held-out drawings)."""
    return fixed_subset(n, size, seed)
