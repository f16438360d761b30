"""The Activations view: one image through every layer, and thousands at once.

Following one digit shows *how* the network decides: which units fire, how their votes
add up to ten scores, how softmax turns scores into probabilities. The two PCA maps show
*what* the hidden layers achieve: in raw pixels the classes overlap; after the last
hidden layer the same images fall into separate clusters. The network untangles them.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from nn_core import probe
from ui.active import dataset_info
from ui.inside import charts_activations as charts
from ui.inside import keys
from ui.inside.charts_weights import weight_grid_figure
from ui.inside.context import Inside, memo

PLOT_CONFIG = {"displayModeBar": False}
TEST, DRAWING = "a test image", "my drawing"
TOP_UNITS = 8


def random_image(n_test: int) -> None:
    """Jump to another test image, drawn from a generator seeded by the current one."""
    current = int(st.session_state.get(keys.INDEX) or 0)
    st.session_state[keys.INDEX] = int(np.random.default_rng(current).integers(n_test))
    st.session_state[keys.SOURCE] = TEST


def pick_point() -> None:
    """A click on either PCA map looks at that test image."""
    points = st.session_state[keys.PCA].get("selection", {}).get("points", [])
    picked = [p.get("customdata") for p in points if p.get("customdata") is not None]
    if picked:
        value = picked[0][0] if isinstance(picked[0], list) else picked[0]
        st.session_state[keys.INDEX] = int(value)
        st.session_state[keys.SOURCE] = TEST


def choose_image(ins: Inside) -> tuple[np.ndarray, str, int | None]:
    """The image to follow: (784,) pixels, a caption, and its true label if known."""
    drawing = st.session_state.get(keys.DRAWING)
    source, number, shuffle = st.columns([2, 2, 1], vertical_alignment="bottom")
    choice = TEST
    if drawing is None:
        noun = dataset_info(ins.in_use.dataset).noun  # a clothing model can read drawings too
        source.caption(f"Draw a {noun} on the Draw page and press **Look inside** to see it here.")
    else:
        fingerprint = hash(np.asarray(drawing).tobytes())
        if st.session_state.get(keys.SEEN_DRAWING) != fingerprint:  # a new drawing came
            st.session_state[keys.SEEN_DRAWING] = fingerprint
            st.session_state[keys.SOURCE] = DRAWING
        st.session_state.setdefault(keys.SOURCE, DRAWING)
        choice = source.segmented_control(
            "Look at", [TEST, DRAWING], key=keys.SOURCE, required=True
        )
    n_test = ins.data.n_test
    st.session_state.setdefault(keys.INDEX, 0)
    index = number.number_input("Test image", 0, n_test - 1, key=keys.INDEX)
    shuffle.button(
        "Random", key=keys.RANDOM, icon=":material/casino:", on_click=random_image,
        args=(n_test,),
    )  # fmt: skip
    if choice == DRAWING:
        return np.asarray(drawing, dtype=np.float32).reshape(784), "your drawing", None
    label = int(ins.data.y_test[index])
    return ins.data.X_test[index], f"test image #{index}", label


def render(ins: Inside) -> None:
    model, names = ins.in_use.model, ins.in_use.class_names
    x, caption, label = choose_image(ins)
    acts = model.activations(x)  # [input, hidden..., probabilities]
    logits = model.pre_activations(x)[-1][0]  # (k,)
    probs = acts[-1][0]  # (k,)
    predicted = int(probs.argmax())
    truth = f", labelled {names[label]}" if label is not None else ""

    left, right = st.columns([1, 2], gap="large")
    with left:
        title = f"{caption}{truth}"
        st.plotly_chart(charts.image_figure(x, title), config=PLOT_CONFIG)
        st.metric("The network says", names[predicted], f"{probs[predicted]:.1%} sure",
                  delta_color="off", delta_arrow="off")  # fmt: skip
    with right:
        st.plotly_chart(charts.scores_figure(logits, probs, names), config=PLOT_CONFIG)
        st.caption(
            "Scores can be any size and sign; softmax makes them positive and sum to 100 %. "
            "A lead of a few points in score is already near-certainty in probability."
        )
    if not ins.in_use.model.config.hidden:
        return
    st.plotly_chart(charts.layer_activations_figure([a[0] for a in acts[1:-1]]), config=PLOT_CONFIG)
    st.caption(
        "Most ReLU units stay at exactly zero for any one image: each image wakes a small "
        "team of specialists, and a different image wakes a different team."
    )
    strongest_units(ins, x, predicted)
    projections(ins)


def strongest_units(ins: Inside, x: np.ndarray, predicted: int) -> None:
    """The most active first-layer units, their weight images and their votes."""
    names = ins.in_use.class_names
    share = probe.contributions(ins.in_use.model, x, target=predicted, layer=0)
    top = np.argsort(-share.activation, kind="stable")[:TOP_UNITS]
    st.subheader(f"The {TOP_UNITS} most active first-layer units")
    pictures, votes = st.columns(2, gap="large")
    pictures.plotly_chart(
        weight_grid_figure(
            ins.in_use.model.dense[0].W, top, "What they look for", height=300, cols=4,
            chart="inside.top_units",
        ),
        config=PLOT_CONFIG,
    )  # fmt: skip
    votes.plotly_chart(
        charts.contributions_figure(top, share.contribution[top], names[predicted]),
        config=PLOT_CONFIG,
    )
    deeper = len(ins.in_use.model.config.hidden) > 1
    exact = " (the outgoing weight through the deeper layers)" if deeper else ""
    votes.caption(
        f"A unit's vote is its activation times its outgoing weight to {names[predicted]}"
        f"{exact}. Strongly active is not the same as helpful: some vote against."
    )


def projections(ins: Inside) -> None:
    """Raw pixels against the last hidden layer, both by PCA, for the same test images."""
    idx, X, y = ins.sample()
    last = len(ins.in_use.model.config.hidden) - 1
    hidden = memo(
        "pca_hidden",
        ins.key,
        lambda: probe.pca_2d(probe.hidden_activations(ins.in_use.model, X, last)),
    )
    pixels = memo("pca_pixels", ins.key[1:], lambda: probe.pca_2d(X))
    st.subheader("Thousands of test images at once")
    raw, learnt = st.columns(2, gap="large")
    names = ins.in_use.class_names
    raw.plotly_chart(
        memo("pca_pixels_figure", ins.key, lambda: charts.projection_figure(
            pixels.coords, y, idx, names, pixels.explained, "inside.pca_pixels", "Raw pixels (PCA)")),
        config=PLOT_CONFIG,
    )  # fmt: skip
    learnt.plotly_chart(
        memo("pca_hidden_figure", ins.key, lambda: charts.projection_figure(
            hidden.coords, y, idx, names, hidden.explained, "inside.pca_hidden",
            f"Hidden layer {last + 1} (PCA)")),
        config=PLOT_CONFIG, key=keys.PCA, on_select=pick_point, selection_mode="points",
    )  # fmt: skip
    st.caption(
        f"The same {len(idx):,} test images, squashed to two dimensions the same way. In "
        "pixels the classes overlap; after the hidden layers they sit in their own "
        "clusters: the layers have untangled them so the last layer only has to draw "
        "straight borders. Click a dot on the right map to look at that image."
    )
