"""The Train page's moving parts: the control buttons and the live panel.

The training itself happens in ``ui.train.session.TrainingSession``; this module only wires
it to Streamlit. The live panel is a fragment with a timer (``run_every``) that exists
only while a run is training: each tick trains for a fraction of a second and redraws
the curves, so the rest of the page stays usable. Every button changes the session in a
callback and then lets Streamlit rerun the whole page, which (re)creates the fragment
with or without its timer. The run history lives in ``ui.train.history``.
"""

from __future__ import annotations

import streamlit as st

from ui import data as ui_data
from ui import state
from ui.active import active_dataset
from ui.train.charts import accuracy_figure, loss_figure, lr_figure
from ui.limits import ServerLimits
from ui.train.runs import release_weights, trim_history
from ui.state import K
from ui.train.widgets import LRS, Settings, current_settings, nearest
from ui.train.session import TrainingSession

DRAW_PAGE = "app_pages/draw.py"


def session() -> TrainingSession | None:
    return state.get(K.TRAIN_SESSION)


def runs() -> list:
    return state.get(K.TRAIN_RUNS)


def say(kind: str, text: str, where: str = "controls") -> None:
    """Leave a message ("info", "success", "warning" or "error") for the next redraw."""
    state.put(K.TRAIN_MESSAGE, (kind, text, where))


def show_message(where: str) -> None:
    message = state.get(K.TRAIN_MESSAGE)
    if message and message[2] == where:
        getattr(st, message[0])(message[1])


# --- actions (button callbacks) ----------------------------------------------------------


def _new_session(dataset, settings: Settings, limits: ServerLimits) -> TrainingSession | None:
    """Build the next run from the settings (or the uploaded model) and add it to history."""
    start = state.get(K.TRAIN_START_MODEL)
    run_id = state.get(K.TRAIN_NEXT_RUN_ID)
    val = ui_data.validation_indices(dataset.name, len(dataset.y_test), limits.val_size)
    try:
        s = TrainingSession.create(
            dataset,
            settings.model,
            settings.train,
            settings.standardize,
            run_id=run_id,
            preset=settings.preset,
            limits=limits,
            model=start[1].astype(start[1].dtype) if start else None,  # keep the upload as is
            started_from=start[0] if start else None,
            val_index=val,
        )
    except ValueError as exc:
        say("error", f"Cannot start: {exc}")
        return None
    s.previous_model = tuple(
        state.get(k) for k in (K.MODEL, K.MODEL_STATUS, K.MODEL_ACCURACY, K.MODEL_DATASET)
    )
    state.put(K.TRAIN_START_MODEL, None)
    state.put(K.TRAIN_NEXT_RUN_ID, run_id + 1)
    state.put(K.TRAIN_SESSION, s)
    history = trim_history([*runs(), s.run], limits.max_runs, current=s.run)
    release_weights(history, current=s.run)
    state.put(K.TRAIN_RUNS, history)
    st.session_state.pop(K.TRAIN_LIVE_LR, None)  # the live control starts at the run's rate
    state.set_model(s.model, "training", None, dataset.name)
    state.put(K.TRAIN_MESSAGE, None)
    return s


def _dataset_and_settings(limits: ServerLimits) -> tuple:
    dataset = active_dataset().dataset
    return dataset, current_settings(limits, dataset.n_train)


def start(limits: ServerLimits) -> None:
    s = _new_session(*_dataset_and_settings(limits), limits)
    if s is not None:
        s.start()


def pause() -> None:
    if session() is not None:
        session().pause()


def resume() -> None:
    if session() is not None:
        session().resume()


def step(limits: ServerLimits) -> None:
    """One mini-batch; starts a new (paused) run first if none is under way."""
    s = session()
    if s is None or not s.live:
        s = _new_session(*_dataset_and_settings(limits), limits)
    if s is not None:
        s.step()
        hand_over(s)


def stop() -> None:
    s = session()
    if s is not None and s.live:
        s.stop()
        hand_over(s)


def reset() -> None:
    """Clear the panel. An unfinished run is thrown away and the previous model comes back."""
    s = session()
    if s is not None and s.live:
        state.put(K.TRAIN_RUNS, [r for r in runs() if r is not s.run])
        if s.previous_model is not None:
            model, status, accuracy, dataset = s.previous_model
            state.set_model(model, status, accuracy, dataset)
    state.put(K.TRAIN_SESSION, None)
    state.put(K.TRAIN_MESSAGE, None)


def change_lr() -> None:
    s = session()
    if s is not None:
        s.set_lr(st.session_state[K.TRAIN_LIVE_LR])


def hand_over(s: TrainingSession) -> None:
    """Once a run has ended, make its network "your model" for the sidebar and Draw page."""
    if s.done and not s.handed_over:
        s.handed_over = True
        state.set_model(s.model, "trained", s.run.test_accuracy, s.run.dataset)


# --- what is drawn -------------------------------------------------------------------------


def controls(limits: ServerLimits) -> None:
    """The row of buttons; each one is enabled only when it makes sense."""
    s = session()
    live, running = s is not None and s.live, s is not None and s.running
    row = st.container(horizontal=True, gap="small")
    buttons = [
        ("Start", "play_arrow", K.TRAIN_START, start, (limits,), not live,
         "Build a new network with the settings on the left and train it."),
        ("Pause", "pause", K.TRAIN_PAUSE, pause, (), running,
         "Hold training; nothing is lost."),
        ("Resume", "resume", K.TRAIN_RESUME, resume, (), live and not running,
         "Carry on where the run paused."),
        ("Step", "skip_next", K.TRAIN_STEP, step, (limits,), not running,
         "Train on exactly one mini-batch, then pause: learning in slow motion."),
        ("Stop", "stop", K.TRAIN_STOP, stop, (), live,
         "End the run now and score it on the test set; the network keeps what it learned."),
        ("Reset", "restart_alt", K.TRAIN_RESET, reset, (), s is not None,
         "Clear the panel. An unfinished run is discarded."),
    ]  # fmt: skip
    for label, icon, key, action, args, enabled, why in buttons:
        row.button(
            label,
            key=key,
            icon=f":material/{icon}:",
            on_click=action,
            args=args,
            disabled=not enabled,
            type="primary" if enabled and key in (K.TRAIN_START, K.TRAIN_RESUME) else "secondary",
            help=why,
        )
    show_message("controls")
    if running:
        st.caption("Training pauses while you visit another page and carries on when you return.")


def live_panel(limits: ServerLimits) -> None:
    """Progress, the live learning-rate control and the curves, redrawn while training.

    The fragment's timer exists only while a run is training: ``run_every`` is computed
    at each full rerun, and a full rerun with ``run_every=None`` makes the browser drop
    the timer. So every change of state (a button, the end of a run) goes through a
    full rerun; the timer's own ticks rerun just the fragment.
    """
    s = session()
    every = limits.tick_interval if s is not None and s.running else None

    @st.fragment(run_every=every)
    def _live() -> None:
        s = session()
        if s is not None and s.running:
            s.tick()
            if s.done:
                hand_over(s)
                st.rerun()  # a full rerun stops the timer and refreshes buttons and history
        _draw(s)

    _live()


def _draw(s: TrainingSession | None) -> None:
    compared = [r for r in runs() if r.id in (state.get(K.TRAIN_COMPARE) or [])]
    if s is None:
        st.info("Press **Start** to train a network with the settings on the left.")
    else:
        _progress(s)
        compared = [r for r in compared if r is not s.run]
    shown = ([s.run] if s is not None else []) + compared
    if not shown:
        return
    st.plotly_chart(loss_figure(shown), key="train.chart.loss", width="stretch")
    left, right = st.columns(2)
    with left:
        st.plotly_chart(accuracy_figure(shown), key="train.chart.accuracy", width="stretch")
    with right:
        st.plotly_chart(lr_figure(shown), key="train.chart.lr", width="stretch")


def _progress(s: TrainingSession) -> None:
    run = s.run
    origin = f" · continued from `{run.started_from}`" if run.started_from else ""
    st.markdown(f"**{run.name}**{origin}")
    st.progress(s.progress, text=s.status_line())
    if s.live:
        st.select_slider(
            "Learning rate now",
            LRS,
            value=nearest(s.lr, LRS),  # also the browser's default: a reset there changes nothing
            format_func=lambda v: f"{v:g}",
            key=K.TRAIN_LIVE_LR,
            on_change=change_lr,
            help="Change the step size of the running network; the change is marked on the curves.",
        )
    if run.lr_changes:
        step, _, lr = run.lr_changes[-1]
        st.caption(
            f"Learning rate changed to {lr:g} at step {step:,} (the dashed line on the charts)."
        )
    if s.state == "diverged":
        st.error(
            f"**The run blew up.** {run.message} Lower the learning rate (or use Adam, or a "
            "scaled initialisation) and start again.",
            icon=":material/error:",
        )
    elif s.done:
        st.success(s.result_line(), icon=":material/check_circle:")
        if run.status == "stopped":
            st.caption(run.message)
        st.page_link(
            DRAW_PAGE, label="Try this network on your handwriting", icon=":material/draw:"
        )


def compare_picker(limits: ServerLimits) -> None:
    """Which earlier runs to overlay on the charts."""
    s = session()
    others = [r for r in runs() if s is None or r is not s.run]
    if not others:
        return
    names = {r.id: r.name for r in others}
    chosen = [i for i in (state.get(K.TRAIN_COMPARE) or []) if i in names]
    if chosen != (state.get(K.TRAIN_COMPARE) or []):
        st.session_state[K.TRAIN_COMPARE] = chosen
    st.multiselect(
        "Compare with earlier runs",
        list(names),
        format_func=names.get,
        key=K.TRAIN_COMPARE,
        max_selections=5,
        help="Overlay earlier runs on the charts, each in its own colour.",
    )
