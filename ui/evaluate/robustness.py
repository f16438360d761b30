"""Robustness: how the network breaks when the test images are changed a little.

The network only ever saw upright, centred, MNIST-sized digits. Each slider changes the
test images in one way; the curve shows accuracy on a fixed set of test images at every
strength, and the examples show what the chosen strength looks like.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from nn_core.robustness import PERTURBATIONS, perturb
from ui.active import dataset_info
from ui.evaluate import cache, charts_curves, charts_images, keys
from ui.evaluate.charts_images import RIGHT, WRONG
from ui.figures import presentation

EXAMPLES = 8  # images shown before and after
START = {"noise": 0.4, "shift": 3.0, "rotate": 30.0, "scale": 0.7, "thickness": 1.0}
NOTICE = {  # what the curve shows; {noun} is the data set's word for one image
    "noise": "the network copes with a little noise, then fails abruptly as specks "
    "start to look like strokes.",
    "shift": "a {noun} moved by three or four pixels is still obvious to us, but the "
    "network falls apart: it learned where the ink usually is, not what a {noun} is.",
    "rotate": "a {noun} turned by 30 degrees is still read, by 90 rarely; sixes and nines "
    "turn into each other.",
    "scale": "shrinking hurts more than growing: a small {noun} leaves the pixels the "
    "network learned to look at.",
    "thickness": "thinning one pixel erases thin strokes; thickening is tolerated for "
    "longer, but fat digits blur into each other.",
}
CLOTHES_NOTICE = {  # where clothes break unlike digits
    "noise": "accuracy slides steadily from the first specks on, with no plateau before the fall.",
    "rotate": "every photo was taken upright: turned by only 20 degrees, more than half "
    "are misread, and on its side a shirt is as wide as a bag and often read as one.",
    "thickness": "a pixel thinner costs about as much as a pixel thicker: a {noun} is a "
    "filled shape, not a stroke, and both change its outline.",
}

NOTICE_FOR = {"fashion-mnist": CLOTHES_NOTICE}  # a data set's own sentences, where they differ


def notice(kind: str, dataset: str) -> str:
    """What to notice on the curve of ``kind``, true for the data set on screen.

    The clothes sentences were checked on networks trained on Fashion-MNIST with the
    Train page's recipes (about 89 % accurate): they break sooner than a digit reader,
    and differently, so the digit sentences would describe a curve that is not there.
    """
    info = dataset_info(dataset)
    words = {**NOTICE, **NOTICE_FOR.get(info.name, {})}
    return words[kind].format(noun=info.noun)


def robustness(in_use, active) -> None:
    """One perturbation at a time: its slider, its accuracy curve and examples."""
    ds = active.dataset
    names = list(ds.class_names)
    kind = st.radio(
        "Change the test images by",
        list(PERTURBATIONS),
        format_func=lambda k: PERTURBATIONS[k].label,
        horizontal=True,
        key=keys.PERTURBATION,
    )
    spec = PERTURBATIONS[kind]
    strength = st.slider(
        f"{spec.label} ({spec.unit})",
        spec.lo,
        spec.hi,
        START[kind],
        spec.step,
        key=f"{keys.STRENGTH}.{kind}",
    )
    with st.spinner(f"Measuring accuracy at every {spec.label.lower()} strength..."):
        strengths, acc = cache.robustness_curve(in_use, active, kind)
    idx = cache.robustness_subset(ds.n_test)
    left, right = st.columns([3, 2])
    with left:
        presentation.chart(charts_curves.robustness_figure(spec, strengths, acc, strength))
        presentation.note(
            f"Accuracy on the same {len(idx):,} test images at every strength. "
            f"Notice: {notice(kind, ds.name)}"
        )
    with right:
        shown = idx[:EXAMPLES]
        changed = perturb(ds.X_test[shown], kind, strength)  # (8, 784)
        answers = in_use.model.predict(changed)
        right_now = answers == ds.y_test[shown]
        fig = charts_images.image_grid_figure(
            np.concatenate([ds.X_test[shown], changed]),
            np.concatenate([shown, shown]),
            [names[k] for k in ds.y_test[shown]] + [names[k] for k in answers],
            ["#222"] * len(shown) + [RIGHT if ok else WRONG for ok in right_now],
            chart="eval_perturbed",
            title=f"{spec.label} {strength:g}: before, after",
            cols=4,
        )
        presentation.chart(fig)
        presentation.note(
            "Top rows: the originals with their true class. Bottom rows: changed, with the "
            "network's answer (green right, red wrong)."
        )
