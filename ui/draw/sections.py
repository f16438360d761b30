"""The Draw page's sections: who reads the drawing, its answer, how the network saw it,
and my drawings as a test set.

Each section draws one part of the page from a ``ui.models.ModelInUse`` and a
``ui.draw.reading.Reading``; the reading itself is computed once, in ``ui.draw.board``.
"""

from __future__ import annotations

import streamlit as st

from ui import models, text
from ui.active import dataset_info
from ui.classroom.sharing import share_drawing
from ui.draw import choice, figures, keys, my_drawings
from ui.draw.reading import Reading, not_sure_message
from ui.figures import presentation
from ui.inside import keys as inside_keys
from ui.models import ModelInUse


def heading(noun: str, title_with_switch) -> None:
    """The title (drawn by ``title_with_switch``, beside the mode switch) and the
    invitation, in the words of the classes the chosen network knows."""
    title_with_switch(f"Draw a {noun}")
    presentation.explain(
        f"Draw a {noun} with your mouse, finger or pen. The network reads it the moment you "
        "lift the pen, as a 28 × 28 image like the ones it learned from."
    )


def choose_model(shown: str) -> ModelInUse | None:
    """The model selector; returns the network that will read the drawing."""
    digit_reader = None  # with clothes on screen, the bundled digit reader is still offered
    if not dataset_info(shown).drawable:
        digit_reader = models.bundled()
    offered = choice.choices(models.model_options(shown), digit_reader)
    if not offered:
        st.error(
            "No network is available: the bundled model file is missing and you have not "
            "trained one yet. Train one on the Train page, then come back."
        )
        st.page_link("app_pages/train.py", label="Go to Train", icon=":material/model_training:")
        return None
    titles = {m.stable_id: m.title for m in offered}
    if st.session_state.get(keys.MODEL_CHOICE) not in titles:
        st.session_state[keys.MODEL_CHOICE] = offered[0].stable_id  # e.g. a run was forgotten
    if len(offered) == 1:  # nothing to choose (a first visit): just say who reads
        st.markdown(
            f"The network reading your drawing: **{text.md(offered[0].title, text.SENTENCE)}**"
        )
        return offered[0]
    wanted = st.selectbox(
        "Which network reads your drawing?",
        list(titles),
        format_func=titles.get,
        key=keys.MODEL_CHOICE,
    )
    return choice.pick(wanted, offered)


def show_prediction(reading: Reading | None, noun: str) -> None:
    """The answer, how sure the network is, and all ten probabilities. A "not sure" comes
    after the bars: on a laptop screen the bars must stay in view, and they are what a
    hesitation is about."""
    if reading is None:
        st.info(
            f"Draw one {noun} in the black square: big or small, anywhere. The network "
            "reads it each time you lift the pen. **Clear** starts again.",
            icon=":material/draw:",
        )
        return
    st.metric(
        "Prediction",
        reading.label,
        delta=f"{reading.confidence:.0%} sure",
        delta_color="off",
        delta_arrow="off",
        help="The class with the highest probability, and that probability.",
    )
    fig = figures.probability_figure(reading.probs, reading.class_names, height=290)
    presentation.chart(fig)
    if reading.not_sure:
        st.warning(not_sure_message(reading), icon=":material/help:")


def show_insides(reading: Reading, noun: str) -> None:
    """The preprocessing strip and the saliency map, side by side, and the way Inside."""
    st.subheader("How the network sees your drawing")
    steps_col, saliency_col = st.columns([3, 2], gap="large")
    with steps_col:
        presentation.chart(figures.preprocess_figure(reading.steps))
        presentation.note(
            "MNIST's own recipe: cut out the ink (red box), shrink it so its longer side is "
            "20 pixels, then place it in a 28 × 28 square with its centre of mass on the "
            f"centre (+). That is why a small {noun} in a corner is read as well as a big one."
        )
        if st.button(
            "Look inside the network with this drawing",
            key=keys.INSIDE,
            icon=":material/neurology:",
        ):
            st.session_state[inside_keys.DRAWING] = reading.steps.centred.astype("float32")
            st.switch_page("app_pages/inside.py")
    with saliency_col:
        fig = figures.saliency_figure(reading.steps.centred, reading.saliency, reading.label)
        presentation.chart(fig)
        label = text.md(reading.label)  # a collection's class is a name someone typed
        presentation.note(
            f"Which pixels matter for **{label}**: more ink on the red pixels would make the "
            f"network surer of {label}, ink on the blue ones speaks against it. (The "
            f"gradient of log P({label}) with respect to each input pixel.)"
        )


def model_details(in_use: ModelInUse) -> None:
    """One line about the network in use, and its recipe for those who ask. The recipe
    is sent only when the expander is opened: its code block and settings viewer would
    make every visitor's browser load 1.6 MB of script before the page is complete."""
    model = in_use.model
    line = f"`{model.config.describe()}` · {model.n_params:,} weights"
    box = st.expander(f"About this model: {line}", key=keys.ABOUT_OPEN, on_change="rerun")
    if not box.open:
        return
    with box:
        st.markdown(f"This is {text.md(in_use.sentence, text.SENTENCE)}.")
        if in_use.is_bundled:
            st.markdown(
                "Trained with this project's own trainer on the 60,000 MNIST training "
                "digits, with random shifts, rotations and stroke widths so that it copes "
                "with the way people draw. Rebuilt by `tools/build_default_model.py`:"
            )
            st.code(model.meta.get("command", "(recipe not recorded)"), language="bash")
        settings = model.meta.get("train_config")
        if settings:
            st.json(settings, expanded=False)


# --- my drawings: the visitor's own test set ------------------------------------------

NOTHING_DRAWN = "Draw in the black square first: there is nothing to add yet."
NO_LABEL = "Choose what you drew (the true answer) first, then add it."


def add_to_my_drawings(dataset: str) -> None:
    """Button callback: keep the drawing on the canvas with the label the user picked.

    The button is always enabled, and says what is missing: it is outside the part of
    the page a stroke redraws, so it cannot follow the canvas as it is drawn on."""
    image, label = st.session_state.get(keys.LATEST), st.session_state.get(keys.LABEL)
    if image is None:
        st.session_state[keys.MESSAGE] = ("error", NOTHING_DRAWN)
        return
    if label is None:
        st.session_state[keys.MESSAGE] = ("error", NO_LABEL)
        return
    try:
        items = my_drawings.add_drawing(st.session_state[keys.MY_DRAWINGS], image, label)
    except ValueError as exc:
        st.session_state[keys.MESSAGE] = ("error", str(exc))
        return
    st.session_state[keys.MY_DRAWINGS] = items
    info = dataset_info(dataset)
    text = f"Added a drawing of {info.class_names[label]}: {len(items)} in my drawings."
    if info.drawable:  # the class board pools handwriting, not drawn clothes
        text = " ".join(filter(None, (text, share_drawing(image, label))))
    st.session_state[keys.MESSAGE] = ("success", text)


def empty_my_drawings() -> None:
    st.session_state[keys.MY_DRAWINGS] = []
    st.session_state[keys.MESSAGE] = ("success", "My drawings are empty again.")


def my_drawings_section(in_use: ModelInUse) -> None:
    """Collect my drawings with their true labels, score the model, download them."""
    st.divider()
    st.subheader("My drawings: your own test set")
    st.markdown(my_drawings.intro(in_use.dataset))
    names = in_use.class_names
    add_col, score_col = st.columns([3, 2], gap="large")
    with add_col:
        st.pills(
            "What did you draw? (the true answer)",
            list(range(len(names))),
            format_func=lambda k: names[k],
            key=keys.LABEL,
        )
        st.button(
            "Add this drawing to my drawings",
            key=keys.ADD,
            icon=":material/add:",
            on_click=add_to_my_drawings,
            args=(in_use.dataset,),
        )
        message = st.session_state[keys.MESSAGE]
        if message:
            kind, text = message
            (st.success if kind == "success" else st.error)(text)
            st.session_state[keys.MESSAGE] = None
    items = st.session_state[keys.MY_DRAWINGS]
    with score_col:
        if not items:
            st.caption(f"No drawings yet (room for {my_drawings.LIMIT}).")
            return
        score = my_drawings.score(in_use.model, items)
        st.metric(
            "Read correctly by this model",
            f"{score.correct} / {score.n}",
            delta=f"{score.accuracy:.0%}",
            delta_color="off",
            delta_arrow="off",
        )
        st.download_button(
            "Download my drawings (.npz)",
            data=lambda: my_drawings.npz(items, names),
            file_name="my_drawings.npz",
            mime="application/octet-stream",
            key=keys.DOWNLOAD,
            icon=":material/download:",
            on_click="ignore",
        )
        st.button("Empty my drawings", key=keys.EMPTY_SET, on_click=empty_my_drawings)
    images, _ = my_drawings.arrays(items)
    fig = figures.my_drawings_figure(images, score.labels, score.predictions, names)
    presentation.chart(fig)
    st.caption("The latest drawings: green when read right, red with the wrong answer after →.")
