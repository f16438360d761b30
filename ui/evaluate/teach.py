"""Teach it our handwriting: fine-tune the digit model on the class's own drawings.

The network read MNIST's strangers well and *our* drawings less well (My drawings on the
Draw page says how much). Here it takes a few hundred small steps on some of our
drawings and is tested on the others it never saw, and on MNIST again: the bars show
what it learned and what it forgot. The work is ``nn_core.finetune``; this module picks
the drawings, the model and the settings, and shows the result.

Fine-tuning runs in the page's own script run: at most ``MAX_STEPS`` batches of 32
through a 784-256-10 network, half a second to a second and a half on a busy two-core
server, with a progress bar. Its result (a copy of the network, this visitor's own) is
kept in this tab under ``keys.TEACH_RESULT`` until the next one.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import streamlit as st

from nn_core.collection import DIGITS, Collection
from nn_core.finetune import MAX_STEPS, BeforeAfter, compare, fine_tune, forgot
from nn_core.metrics import evaluate
from nn_core.model import MLP
from nn_core.subset import fixed_subset
from ui import models, state, text
from ui.classroom import tables
from ui.classroom.connection import get_store
from ui.classroom.membership import membership
from ui.classroom.records import ClassError
from ui.classroom.sharing import share_run_button
from ui.draw import keys as draw_keys
from ui.draw import my_drawings
from ui.evaluate import charts_teach, keys
from ui.figures import presentation

MIN_DRAWINGS = 20  # fewer, and the held-out part is three or four drawings: a coin toss
RATES = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)  # 0.3 forgets, 3 blows up
MNIST_SUBSET = 2000  # the fixed MNIST test images it is checked on (the same every time)
SOURCES = {"mine": "My drawings", "class": "The class's handwriting", "both": "Both"}
DRAWINGS, MNIST = "held-out drawings", "MNIST test images"


@dataclass(frozen=True)
class Taught:
    """One fine-tuning of this tab: the tuned copy and what it changed."""

    model: MLP  # the tuned copy: this visitor's own, never shared
    base: str  # the model it started from, in running text
    steps: int
    lr: float
    n_learn: int  # drawings it learned from
    result: dict[str, BeforeAfter]  # DRAWINGS and MNIST, before and after
    message: str  # why it stopped early (the loss blew up), or ""
    run_id: int | None = None  # the run it became, once kept


def handwriting(images: np.ndarray, labels: np.ndarray) -> Collection:
    """Drawings of digits as a collection, so that they split as every collection does."""
    return Collection("handwriting", "Our handwriting", DIGITS, images, labels)


def shortfall(c: Collection) -> str | None:
    """What to do before fine-tuning can be measured, in one sentence; None when ready."""
    if c.n >= MIN_DRAWINGS:
        return None
    more = MIN_DRAWINGS - c.n
    return (
        f"There {'is' if c.n == 1 else 'are'} {c.n} drawing{'' if c.n == 1 else 's'} of digits "
        f"here; draw {more} more (on the **Draw** page, *Add to my drawings*). It needs at "
        f"least {MIN_DRAWINGS}: most to learn from, and a fifth kept aside to test on."
    )


def class_drawings() -> tuple[np.ndarray, np.ndarray]:
    """The handwriting set of the class this tab has joined, (n, 28, 28) and (n,)."""
    m = membership()
    if m is None:
        return my_drawings.arrays([])
    try:
        return tables.drawing_arrays(get_store().board(m.code).drawings)
    except ClassError:  # the class closed or was removed: nothing of it to learn
        return my_drawings.arrays([])


def drawings(source: str) -> tuple[np.ndarray, np.ndarray]:
    """The drawings ``source`` names (a key of ``SOURCES``), images and labels."""
    mine = my_drawings.arrays(st.session_state.get(draw_keys.MY_DRAWINGS, []))
    if source == "mine":
        return mine
    theirs = class_drawings()
    if source == "class":
        return theirs
    return np.concatenate([mine[0], theirs[0]]), np.concatenate([mine[1], theirs[1]])


def choose_source() -> str:
    """Whose drawings: mine, unless this tab is in a class and the visitor picks."""
    if membership() is None:
        return "mine"
    return st.radio(
        "Drawings to learn from", list(SOURCES), format_func=SOURCES.get, key=keys.TEACH_SOURCE
    )


def choose_model(options: list, in_use) -> models.ModelInUse | None:
    """The bundled model or "your model" (the two a class shares an idea of), or None."""
    choices = {m.stable_id: m for m in options if m.stable_id in (models.BUNDLED, models.YOURS)}
    if not choices:
        return None
    ids = list(choices)
    first = ids.index(in_use.stable_id) if in_use.stable_id in ids else 0
    chosen = st.selectbox(
        "Model to teach",
        ids,
        index=first,
        format_func=lambda i: choices[i].title,
        key=keys.TEACH_MODEL,
    )
    return choices[chosen]


def teach(start: models.ModelInUse, c: Collection, ds, steps: int, lr: float) -> Taught:
    """Fine-tune a copy of ``start`` on the learning part of ``c``, with a progress bar,
    and score both networks on the held-out drawings and on MNIST."""
    learn, test = c.split()
    X = c.images.reshape(c.n, 784)  # (n, 784)
    bar = st.progress(0.0, text="Teaching it your handwriting…")

    def moved(done: int, total: int) -> None:
        if done % 10 == 0 or done == total:
            bar.progress(done / total, text=f"Step {done} of {total}")

    tuned = fine_tune(start.model, X[learn], c.labels[learn], steps=steps, lr=lr, on_step=moved)
    bar.empty()
    sub = fixed_subset(ds.n_test, MNIST_SUBSET)  # (2000,)
    sets = {DRAWINGS: (X[test], c.labels[test]), MNIST: (ds.X_test[sub], ds.y_test[sub])}
    note = tuned.meta["fine_tune"]
    result = compare(start.model, tuned, sets)
    return Taught(tuned, start.sentence, steps, lr, len(learn), result, note["message"])


def keep(taught: Taught, ds) -> None:
    """The tuned copy becomes "your model", kept as a run (Train's history, Export, the
    class board's Share button), with its accuracy on the whole test set."""
    ws = state.workspace()
    accuracy = evaluate(taught.model, ds.X_test, ds.y_test).accuracy
    note = f"fine-tuned on {taught.n_learn} drawings: {taught.steps} steps at rate {taught.lr:g}"
    run = ws.add_model(taught.model, "taught our handwriting", ds.name, accuracy, note)
    st.session_state[keys.TEACH_RESULT] = dataclasses.replace(taught, run_id=run.id)


def show(taught: Taught, ds) -> None:
    """The bars, the sentences they need, and the button that keeps the tuned copy."""
    st.caption(
        f"Started from {text.md(taught.base, text.SENTENCE)}; learned from "
        f"{taught.n_learn} drawings, {taught.steps} steps at learning rate {taught.lr:g}."
    )
    if taught.message:
        st.warning(taught.message, icon=":material/warning:")
    presentation.chart(charts_teach.before_after_figure(taught.result))
    drawn, mnist = taught.result[DRAWINGS], taught.result[MNIST]
    if drawn.change > 0:
        st.markdown(
            f"On drawings it never learned from, it went from **{drawn.before:.0%}** to "
            f"**{drawn.after:.0%}**: it learned something about your handwriting, not only "
            "the drawings it saw."
        )
    if forgot(mnist):
        st.markdown(
            f"On MNIST it fell from **{mnist.before:.1%}** to **{mnist.after:.1%}**: every "
            "step towards your drawings pulled the weights away from what MNIST had taught "
            "them. This is *catastrophic forgetting*; fewer steps or a smaller learning "
            "rate forget less."
        )
    if taught.run_id is None:
        st.button(
            "Use it as my model",
            key=keys.TEACH_KEEP,
            icon=":material/check:",
            on_click=keep,
            args=(taught, ds),
            help="Draw, Inside and Export then use the taught network; Train lists it.",
        )
        return
    st.success("It is your model now: Draw, Inside and Export use it.", icon=":material/check:")
    run = state.workspace().run(taught.run_id)
    if run is not None:
        share_run_button(run)


def teach_view(options: list, in_use, active) -> None:
    """The whole section: model, drawings, settings, the button, and the last result."""
    ds = active.dataset
    if ds.name != models.BUNDLED_DATASET:
        st.info("Teaching handwriting works with the digits: choose MNIST in the sidebar.")
        return
    start = choose_model(options, in_use)
    if start is None:
        st.info("There is no digit model to teach here yet.")
        return
    c = handwriting(*drawings(choose_source()))
    short = shortfall(c)
    if short:
        st.info(short, icon=":material/draw:")
        return
    learn, test = c.split()
    st.markdown(
        f"**{len(learn)}** of the {c.n} drawings to learn from; **{len(test)}** kept aside "
        "(some of every digit) to test on."
    )
    left, right = st.columns(2)
    steps = left.slider("Steps", 10, MAX_STEPS, 100, step=10, key=keys.TEACH_STEPS)
    lr = right.select_slider("Learning rate", RATES, value=0.03, key=keys.TEACH_LR)
    if st.button("Teach it", key=keys.TEACH_RUN, icon=":material/school:", type="primary"):
        st.session_state[keys.TEACH_RESULT] = teach(start, c, ds, steps, lr)
    taught = st.session_state.get(keys.TEACH_RESULT)
    if taught is not None:
        show(taught, ds)
