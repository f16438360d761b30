"""The sidebar every page shares: which data, where it came from, and the user's model.

A teacher projects this panel, so it answers three questions at first sight and no more:
*what are we looking at* (the data set switch), *is it the real thing* (source and size,
with a way to get the full data when only the sample is here) and *what has the network
learned so far* ("your model" and its test accuracy).

Where the files live on the server is shown only when the app runs locally (see
``ui.active.show_paths``): a hosted app tells visitors the source, not the layout of
the machine.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from nn_core.data import DATASETS
from nn_core.errors import DataError
from ui import shared as ui_shared
from ui import state, text
from ui.active import (
    HOW_TO_PROVIDE,
    SOURCE_LABELS,
    ActiveData,
    active_dataset,
    redact,
    show_paths,
    title,
)
from ui.collections import mine
from ui.figures import presentation
from ui.state import K

DATASET_CHOICES = tuple(DATASETS)  # "mnist", "fashion-mnist": every data set the engine knows
FALLBACK_WORDS = {  # what the app reads when the NN_DATA_DIR folder could not be used
    "cache": "the download cache",
    "download": "a fresh download",
    "bundled": "the small bundled sample",
}


def render_sidebar(progress: Callable[[], None] | None = None) -> ActiveData:
    """Draw the sidebar; return the data set the pages will use (see ``ui.active``).

    ``progress`` draws the visitor's run in a line under their model: the frame passes
    the Train page's (``ui.train.panel.sidebar_progress``), as this shared module may
    not import a feature. The Class panel goes below the sidebar, drawn by the frame too.
    """
    with st.sidebar:
        labels = dataset_labels()
        st.radio(
            "Data set",
            list(labels),
            format_func=labels.get,
            key=K.DATASET,
            horizontal=True,
            on_change=_forget_download_error,  # an old download error is about the other set
            help="Every page follows this choice.",
        )
        active = active_dataset()
        _data_source(active)
        if active.needs_data:
            _missing_data(active)
        st.divider()
        _model_panel(active.dataset.name)
        if progress is not None:
            progress()
        presentation.toggle()
    return active


def dataset_labels() -> dict[str, str]:
    """MNIST, Fashion-MNIST, then the collections this tab may use (``ui.collections``):
    each data-set name with the words the radio shows, its title (as text). Two
    collections called alike get a number, so the choice sent back is never ambiguous."""
    labels = {name: title(name) for name in DATASET_CHOICES}
    titles: list[str] = []
    for c in mine.usable():
        same = titles.count(c.title)  # earlier collections of this title
        titles.append(c.title)
        whose = "" if mine.is_mine(c) else " · class"
        labels[c.name] = text.md(c.title) + (f" ({same + 1})" if same else "") + whose
    return labels


def _forget_download_error() -> None:
    st.session_state[K.DOWNLOAD_ERROR] = None


def source_line(active: ActiveData) -> str:
    """One line saying where the data came from and how big it is."""
    ds = active.dataset
    label = SOURCE_LABELS.get(ds.source, ds.source)
    return f"**{title(ds.name)}** · {ds.n_train:,} train / {ds.n_test:,} test  \nSource: {label}"


def _data_source(active: ActiveData) -> None:
    st.markdown(source_line(active))
    if active.dataset.fallback_reason:
        st.warning(fallback_warning(active.dataset), icon=":material/folder_off:")
    if show_paths() and active.dataset.source != "collection":
        with st.expander("Where the data is"):
            st.caption(f"`{active.dataset.location}`")


def fallback_warning(dataset) -> str:
    """Why the folder named by NN_DATA_DIR was not used, and what is shown instead."""
    instead = FALLBACK_WORDS.get(dataset.source, dataset.source)
    return (
        f"The data folder set by `NN_DATA_DIR` could not be used "
        f"({redact(dataset.fallback_reason)}), so the app reads {instead} instead."
    )


def _missing_data(active: ActiveData) -> None:
    """The notice shown when the full data set is not here, with the download button."""
    st.warning(active.notice or "The full data set is not available.", icon=":material/info:")
    with st.expander("How to get the full data"):
        st.markdown(HOW_TO_PROVIDE)
    label = f"Download full {title(active.requested)}"
    if st.button(label, key=K.DOWNLOAD_BUTTON, icon=":material/download:", width="stretch"):
        _download(active.requested)
    error = st.session_state.get(K.DOWNLOAD_ERROR)
    if error:
        summary, _, details = error.partition("\n\n")
        st.error(redact(summary), icon=":material/wifi_off:")
        with st.expander("What was tried"):
            st.text(redact(details))


def _download(name: str) -> None:
    """Fetch ``name`` with a progress bar; on failure keep working and say why."""
    bar = st.progress(0.0, text="Starting the download...")

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(float(fraction), 0.0), 1.0), text=message[:80])

    try:
        ui_shared.download_dataset(name, progress)
    except (DataError, OSError) as exc:
        st.session_state[K.DOWNLOAD_ERROR] = download_error_message(name, str(exc))
        bar.empty()
        return
    st.session_state[K.DOWNLOAD_ERROR] = None
    st.rerun()


def download_error_message(name: str, details: str) -> str:
    """A short, calm summary of a failed download, a blank line, then the full details.

    The loader's message lists every source it tried; the line about the download is
    the one that explains this failure, so it goes into the summary.
    """
    lines = [line.strip(" -") for line in details.splitlines() if line.strip()]
    reason = next((line for line in lines if line.startswith("download failed")), None)
    reason = reason or (lines[0] if lines else "unknown error")
    return (
        f"Could not download {title(name)} ({reason}). Is this computer offline? "
        f"Nothing is lost: the app keeps working with the data it has.\n\n{details}"
    )


def model_lines(
    model, status: str, accuracy: float | None, model_dataset: str | None, current: str
) -> list[str]:
    """What the sidebar says about the user's model, as short markdown lines."""
    if model is None or status == "untrained":
        return ["**Your model:** not trained yet", "Train one on the *Train* page."]
    word = {"training": "training...", "trained": "trained"}.get(status, status)
    lines = [f"**Your model:** {word}", f"`{model.config.describe()}`"]
    if accuracy is not None:
        lines.append(f"Test accuracy: **{accuracy:.1%}**")
    if model_dataset and model_dataset != current:
        lines.append(
            f"⚠️ Trained on **{title(model_dataset)}**, not {title(current)}: "
            f"switch back to {title(model_dataset)} to use it."
        )
    elif model_dataset:
        lines.append(f"Trained on {title(model_dataset)}.")
    return lines


def _model_panel(shown: str) -> None:
    """The user's model; ``shown`` is the data set the pages show (after any fallback)."""
    current = state.workspace().current  # ui.workspace.workspace.YourModel, or None
    if current is None:
        lines = model_lines(None, "untrained", None, None, shown)
    else:
        lines = model_lines(current.model, "trained", current.test_accuracy, current.dataset, shown)
    st.markdown("  \n".join(lines))
