"""Compare two models on the same test images.

Two accuracies a few tenths apart look like "about the same". Side by side, the
difference of their confusion matrices shows which mistakes one fixes and the other
makes, and the images one gets right and the other wrong show what that means.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from nn_core.errors import ModelFileError
from nn_core.predictions import compare
from server import limits
from ui import models, text, uploads
from ui.active import dataset_info
from ui.evaluate import cache, charts_images, charts_scores, keys
from ui.evaluate.charts_images import WRONG
from ui.figures import presentation

SHOW = 24  # images shown per disagreement list


def read_upload(file, dataset_name: str) -> models.ModelInUse | None:
    """The uploaded model if this server allows it and it reads these images, else None
    after saying why.

    Streamlit reruns the page at every click, and the file stays in its uploader: the
    verdict on it is kept in this tab's Evaluate cache under the file's digest, so the
    file is read and checked once, not at every click. Only the latest upload is kept.
    """
    data = file.getvalue()
    digest = hashlib.sha1(data).hexdigest()
    store: dict = st.session_state.setdefault(keys.CACHE, {})
    key = ("upload", digest, file.name, dataset_name)
    if key not in store:
        for old in [k for k in store if k[0] == "upload"]:
            del store[old]
        store[key] = _verdict(data, file.name, digest, dataset_name)
    verdict = store[key]
    if isinstance(verdict, str):
        st.error(text.md(verdict, text.MESSAGE), icon=":material/error:")
        return None
    return verdict


def _verdict(data: bytes, name: str, digest: str, dataset_name: str) -> models.ModelInUse | str:
    """The checked model, or the sentence that says why it cannot be used here."""
    n_classes = len(dataset_info(dataset_name).class_names)
    try:
        model = uploads.check_upload(data, name, limits.LIMITS, dataset_name)
    except ModelFileError as err:
        return str(err)
    sizes = model.config.sizes
    if sizes[0] != limits.IMAGE_PIXELS or sizes[-1] != n_classes:
        return (
            f"This model reads {sizes[0]} pixels and answers {sizes[-1]} classes; the test "
            f"images here have {limits.IMAGE_PIXELS} pixels and {n_classes} classes."
        )
    return models.uploaded(model, digest, name, dataset_name)


def _pick(label: str, key: str, titles: list[str], default: int) -> int:
    if st.session_state.get(key) not in titles:
        st.session_state[key] = titles[default]
    return titles.index(st.selectbox(label, titles, key=key))


def compare_view(options: list, active) -> None:
    """Choose models A and B (or upload one), then show where they differ."""
    ds = active.dataset
    names = list(ds.class_names)
    file = st.file_uploader("Add a saved model (.npz)", type=["npz"], key=keys.UPLOAD)
    if file is not None:
        uploaded = read_upload(file, ds.name)
        if uploaded is not None:
            options = [*options, uploaded]
    titles = [m.title for m in options]
    left, right = st.columns(2)
    a = options[_pick("Model A", keys.COMPARE_A, titles, 0)]
    with left:
        st.caption(text.md(a.sentence, text.SENTENCE))
    with right:
        b = options[_pick("Model B", keys.COMPARE_B, titles, min(1, len(titles) - 1))]
        st.caption(text.md(b.sentence, text.SENTENCE))
    result = compare(cache.predictions(a, active), cache.predictions(b, active))
    cols = st.columns(3)
    cols[0].metric("Accuracy of A", f"{result.accuracy_a:.2%}")
    cols[1].metric("Accuracy of B", f"{result.accuracy_b:.2%}")
    cols[2].metric(
        "Images they disagree on",
        f"{len(result.only_a_right) + len(result.only_b_right):,}",
        help="Images one model gets right and the other wrong.",
    )
    presentation.chart(
        charts_scores.confusion_diff_figure(result.confusion_diff, names, "A", "B"),
    )
    presentation.note(
        "B's counts minus A's. Off the diagonal, blue is a mistake B makes less often, red "
        "one it makes more often. Notice that a better model still has red cells."
    )
    pb = cache.predictions(b, active)
    pa = cache.predictions(a, active)
    for ids, winner, loser, chart in (
        (result.only_a_right, "A", "B", "eval_only_a"),
        (result.only_b_right, "B", "A", "eval_only_b"),
    ):
        if len(ids) == 0:
            st.info(f"No test image that {winner} gets right and {loser} wrong.")
            continue
        shown = ids[:SHOW]
        wrong_answers = (pb if loser == "B" else pa).y_pred[shown]
        fig = charts_images.image_grid_figure(
            ds.X_test[shown],
            shown,
            [names[k] for k in wrong_answers],
            [WRONG] * len(shown),
            chart=chart,
            title=f"{len(ids):,} images {winner} gets right and {loser} wrong "
            f"(first {len(shown)}; caption: {loser}'s answer)",
        )
        presentation.chart(fig)
    presentation.note("Notice whether the disagreements are hard images for a person too.")
