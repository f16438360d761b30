"""Draw: draw a digit (or a piece of clothing, for a clothing model) and watch the network
read it. Every sentence names what the chosen network knows (``draw.noun``).

The drawing goes through MNIST's own preparation (cut to the ink, scale to 20 pixels,
centre by mass in 28x28), so a drawing small or in a corner is read as well as a big
centred one. The page shows that preparation, the ten probabilities and which pixels
swayed the network; a class can also collect its own drawings as a test set.

Test seam: if ``st.session_state[K.DRAW_RESULT]`` holds an RGBA array (h, w, 4) uint8,
the page reads it instead of the canvas. AppTest cannot draw on the canvas, so the page
tests put their drawing there; the Clear button empties it along with the canvas. (Under
AppTest the component imports and returns an empty result; outside any Streamlit runtime
its import raises, and the page says so and still reads an injected drawing.)
"""

import streamlit as st
from streamlit.errors import StreamlitAPIException

from ui import charts_draw, draw, models, state
from ui.active import active_dataset
from ui.classroom.sharing import share_drawing
from ui.evaluate.threshold import get_threshold
from ui.figures import presentation
from ui.state import K

CANVAS_SIZE = 280  # pixels: ten canvas pixels per MNIST pixel
PENS = {12: "Thin", 20: "Medium", 32: "Thick"}  # stroke width in canvas pixels: its name


def load_canvas():
    """The canvas component, or None where it cannot run (it refuses outside a server)."""
    try:
        from streamlit_drawable_canvas import st_canvas
    except (ImportError, StreamlitAPIException):
        return None
    return st_canvas


def clear_canvas() -> None:
    """A new key mounts a fresh, empty canvas; the injected test drawing goes too."""
    state.put(K.DRAW_CANVAS_VERSION, state.get(K.DRAW_CANVAS_VERSION) + 1)
    state.put(K.DRAW_RESULT, None)


def canvas_image():
    """Draw the pen, the canvas and Clear under it; return the drawing as RGBA (h, w, 4)
    or None."""
    pen = st.segmented_control(  # three named pens, not a slider: read at a glance
        "Pen", list(PENS), format_func=PENS.get, default=20, required=True, key=K.DRAW_PEN
    )
    st.space("small")  # room for the canvas's own toolbar, which appears above it on hover
    st_canvas = load_canvas()
    image = None
    if st_canvas is None:
        st.caption("The drawing canvas appears when the app runs with `streamlit run app.py`.")
    else:
        result = st_canvas(
            stroke_width=pen,
            stroke_color="#ffffff",
            background_color="#000000",
            height=CANVAS_SIZE,
            width=CANVAS_SIZE,
            drawing_mode="freedraw",
            update_streamlit=True,
            return_image_data=True,
            key=f"{K.DRAW_CANVAS}.{state.get(K.DRAW_CANVAS_VERSION)}",
        )
        image = result.image_data
    st.button("Clear", key=K.DRAW_CLEAR, icon=":material/delete:", on_click=clear_canvas)
    injected = state.get(K.DRAW_RESULT)
    return injected if injected is not None else image


def show_prediction(reading: draw.Reading | None, noun: str) -> None:
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
    fig = charts_draw.probability_figure(reading.probs, reading.class_names, height=290)
    presentation.chart(fig)
    if reading.not_sure:
        st.warning(draw.not_sure_message(reading), icon=":material/help:")


def show_insides(reading: draw.Reading, noun: str) -> None:
    """The preprocessing strip and the saliency map, side by side, and the way Inside."""
    st.subheader("How the network sees your drawing")
    steps_col, saliency_col = st.columns([3, 2], gap="large")
    with steps_col:
        presentation.chart(charts_draw.preprocess_figure(reading.steps))
        presentation.note(
            "MNIST's own recipe: cut out the ink (red box), shrink it so its longer side is "
            "20 pixels, then place it in a 28 × 28 square with its centre of mass on the "
            f"centre (+). That is why a small {noun} in a corner is read as well as a big one."
        )
        if st.button(
            "Look inside the network with this drawing",
            key=K.DRAW_INSIDE,
            icon=":material/neurology:",
        ):
            state.put(K.INSIDE_DRAWING, reading.steps.centred.astype("float32"))
            st.switch_page("app_pages/inside.py")
    with saliency_col:
        fig = charts_draw.saliency_figure(reading.steps.centred, reading.saliency, reading.label)
        presentation.chart(fig)
        presentation.note(
            f"Which pixels matter for **{reading.label}**: more ink on the red pixels would "
            f"make the network surer of {reading.label}, ink on the blue ones speaks against "
            f"it. (The gradient of log P({reading.label}) with respect to each input pixel.)"
        )


def model_details(choice: draw.Choice) -> None:
    """One line about the network in use, and its recipe for those who ask. The recipe
    is sent only when the expander is opened: its code block and settings viewer would
    make every visitor's browser load 1.6 MB of script before the page is complete."""
    model = choice.model
    line = f"`{model.config.describe()}` · {model.n_params:,} weights"
    box = st.expander(f"About this model: {line}", key=K.DRAW_ABOUT_OPEN, on_change="rerun")
    if not box.open:
        return
    with box:
        st.markdown(f"This is {choice.in_use.sentence}.")
        if choice.id == draw.BUNDLED:
            st.markdown(
                "Trained with this project's own trainer on the 60,000 MNIST training "
                "digits, with random shifts, rotations and stroke widths so that it copes "
                "with the way people draw. Rebuilt by `tools/build_default_model.py`:"
            )
            st.code(model.meta.get("command", "(recipe not recorded)"), language="bash")
        settings = model.meta.get("train_config")
        if settings:
            st.json(settings, expanded=False)


def choose_model(shown: str) -> draw.Choice | None:
    """The model selector; returns the network that will read the drawing."""
    digit_reader = None  # with Fashion-MNIST shown, the bundled digit reader is still offered
    if shown != "mnist":
        digit_reader = next((m for m in models.model_options("mnist") if m.is_bundled), None)
    offered = draw.choices(models.model_options(shown), shown, digit_reader)
    if not offered:
        st.error(
            "No network is available: the bundled model file is missing and you have not "
            "trained one yet. Train one on the Train page, then come back."
        )
        st.page_link("app_pages/train.py", label="Go to Train", icon=":material/model_training:")
        return None
    titles = {c.id: c.title for c in offered}
    if st.session_state.get(K.DRAW_MODEL_CHOICE) not in titles:
        st.session_state[K.DRAW_MODEL_CHOICE] = offered[0].id  # e.g. a run was forgotten
    if len(offered) == 1:  # nothing to choose (a first visit): just say who reads
        st.markdown(f"The network reading your drawing: **{offered[0].title}**")
        return offered[0]
    wanted = st.selectbox(
        "Which network reads your drawing?",
        list(titles),
        format_func=titles.get,
        key=K.DRAW_MODEL_CHOICE,
    )
    return draw.pick(wanted, offered)


def add_to_class_set(image, class_names) -> None:
    """Button callback: keep the current drawing with the label the user picked."""
    label = state.get(K.DRAW_LABEL)
    if image is None or label is None:  # the button is disabled then; be safe anyway
        return
    try:
        items = draw.add_drawing(state.get(K.DRAW_CLASS_SET), image, label)
    except ValueError as exc:
        state.put(K.DRAW_MESSAGE, ("error", str(exc)))
        return
    state.put(K.DRAW_CLASS_SET, items)
    text = f"Added a drawing of {class_names[label]}: {len(items)} in the set."
    if tuple(class_names) == draw.DIGITS:  # the class board pools handwritten digits
        text = " ".join(filter(None, (text, share_drawing(image, label))))
    state.put(K.DRAW_MESSAGE, ("success", text))


def empty_class_set() -> None:
    state.put(K.DRAW_CLASS_SET, [])
    state.put(K.DRAW_MESSAGE, ("success", "The class set is empty again."))


def class_set_section(choice: draw.Choice, reading: draw.Reading | None) -> None:
    """Collect the class's drawings with their true labels, score the model, download them."""
    st.divider()
    st.subheader("Your class's own test set")
    st.markdown(draw.class_set_intro(choice.in_use.dataset))
    names = choice.class_names
    add_col, score_col = st.columns([3, 2], gap="large")
    with add_col:
        label = st.pills(
            "What did you draw? (the true answer)",
            list(range(len(names))),
            format_func=lambda k: names[k],
            key=K.DRAW_LABEL,
        )
        st.button(
            "Add this drawing to the class set",
            key=K.DRAW_ADD,
            icon=":material/add:",
            disabled=reading is None or label is None,
            on_click=add_to_class_set,
            args=(None if reading is None else reading.steps.centred, names),
        )
        message = state.get(K.DRAW_MESSAGE)
        if message:
            kind, text = message
            (st.success if kind == "success" else st.error)(text)
            state.put(K.DRAW_MESSAGE, None)
    items = state.get(K.DRAW_CLASS_SET)
    with score_col:
        if not items:
            st.caption(f"No drawings yet (room for {draw.CLASS_SET_LIMIT}).")
            return
        score = draw.score_class_set(choice.model, items)
        st.metric(
            "Read correctly by this model",
            f"{score.correct} / {score.n}",
            delta=f"{score.accuracy:.0%}",
            delta_color="off",
            delta_arrow="off",
        )
        st.download_button(
            "Download the set (.npz)",
            data=lambda: draw.class_set_npz(items, names),
            file_name="class_drawings.npz",
            mime="application/octet-stream",
            key=K.DRAW_DOWNLOAD,
            icon=":material/download:",
            on_click="ignore",
        )
        st.button("Empty the set", key=K.DRAW_EMPTY_SET, on_click=empty_class_set)
    images, _ = draw.class_set_arrays(items)
    fig = charts_draw.class_set_figure(images, score.labels, score.predictions, names)
    presentation.chart(fig)
    st.caption("The latest drawings: green when read right, red with the wrong answer after →.")


def heading(noun: str) -> None:
    """The title and the invitation, in the words of the classes the chosen network knows."""
    st.title(f"Draw a {noun}")
    presentation.explain(
        f"Draw a {noun} with your mouse, finger or pen. The network reads it the moment you "
        "lift the pen, as a 28 × 28 image like the ones it learned from."
    )


shown = active_dataset().requested  # a model of yours needs no data on disk to read drawings


@st.fragment
def drawing_board() -> None:
    """Everything that follows the pen. A fragment: a stroke reruns only this part of the
    page, not the sidebar and the rest of the app, so the answer comes back sooner.
    The canvas and the answer come first, so both are on screen without scrolling. The
    title is in the fragment too: it names what the chosen network reads."""
    head = st.container()
    canvas_col, answer_col = st.columns([2, 3], gap="large")
    with answer_col:
        choice = choose_model(shown)
    noun = draw.noun(shown if choice is None else choice.in_use.dataset)
    with head:
        heading(noun)
    with canvas_col:
        drawing = canvas_image()
    if choice is None:
        return
    threshold = get_threshold()
    reading = draw.read_drawing(choice.model, drawing, choice.class_names, threshold)
    with answer_col:
        show_prediction(reading, noun)
        if choice.note:
            st.warning(choice.note, icon=":material/warning:")
    model_details(choice)
    if choice.id != draw.MINE:
        st.page_link(
            "app_pages/train.py",
            label="Train your own model to choose it here",
            icon=":material/model_training:",
        )
    if reading is not None:
        if reading.not_sure or not presentation.is_on():
            st.markdown(draw.threshold_sentence(threshold))
            st.page_link(
                "app_pages/evaluate.py",
                label="Change the threshold on the Evaluate page",
                icon=":material/fact_check:",
            )
        show_insides(reading, noun)
    class_set_section(choice, reading)


drawing_board()
