"""The Train page's moving parts: the control buttons and the live panel.

The training itself happens in the server's worker processes; the visitor's
``TrainWorkspace`` sends commands there. Each button is one line that calls the
workspace. The live panel is a fragment with a timer that exists only while a run is
queued or running: each tick copies the worker's news into the run (``ws.sync()``, a
few milliseconds) and redraws the curves, so nothing on the page waits for training
and nothing fades as stale. When the run ends, one full rerun refreshes the buttons,
the history and the sidebar.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from nn_core.knobs import LRS
from nn_core.status import RunStatus
from server.job import QueueSpot
from server.limits import ServerLimits
from ui import shared as ui_shared
from ui import text
from ui.active import active_dataset, dataset_info
from ui.classroom.sharing import share_run_button
from ui.figures.presentation import PLOT_CONFIG
from ui.state import workspace
from ui.train import keys, small_data
from ui.train.charts import accuracy_figure, loss_figure, lr_figure
from ui.train.settings import nearest
from ui.train.status import (
    minutes,
    refresh_every,
    result_line,
    seconds_left,
    set_aside_line,
    short_status,
    status_line,
)
from ui.train.widgets import current_settings
from ui.workspace.runs import Run
from ui.workspace.workspace import RunPlan

DRAW_PAGE = "app_pages/draw.py"
INSIDE_PAGE = "app_pages/inside.py"
EVALUATE_PAGE = "app_pages/evaluate.py"
MOVING = (RunStatus.QUEUED, RunStatus.RUNNING)  # the live panel's timer ticks for these


def plan(limits: ServerLimits) -> RunPlan:
    """The next run as the controls describe it, on the data set the sidebar shows."""
    dataset = active_dataset().dataset
    s = current_settings(limits, dataset.n_train)
    val = ui_shared.validation_indices(dataset.name, len(dataset.y_test), limits.val_size)
    answers = (*s.model.sizes[:-1], len(dataset.class_names))  # 3 outputs for 3 shapes
    return RunPlan(
        s.preset,
        dataclasses.replace(s.model, sizes=answers),
        s.train,
        s.standardize,
        dataset,
        ui_shared.shared_data(dataset),
        val,
        s.speed,
    )


def show_message(where: str) -> None:
    message = workspace().message
    if message and message.where == where:
        getattr(st, message.kind)(message.text)


def _request_lr(run_id: int) -> None:
    """Callback of the Set button, and only of it: the one moment a person asks for a new
    rate. A rerun the browser sends for any other reason (the panel's timer, a click
    elsewhere) carries no press of this button, so it can never change the run."""
    ws, key = workspace(), keys.live_lr(run_id)
    run = ws.active_run()
    if run is None or run.id != run_id or key not in st.session_state:
        return  # the run ended meanwhile: its result says what it reached
    if not ws.set_lr(st.session_state[key]):
        ws.say("info", "The run ended before the new rate could reach it.")


def controls(limits: ServerLimits) -> None:
    """The row of buttons; each one is enabled only when it makes sense.

    All of it sits in one container, so the live panel below keeps its place in the
    page whether a message or the caption is shown or not: a panel that moved would be
    drawn afresh, and its charts with it, at a run's start and end."""
    with st.container(key=keys.CONTROLS):
        missing = small_data.problems(active_dataset().dataset)
        if missing and workspace().active_run() is None:
            small_data.show_problems(missing)
        else:
            _controls(limits)


def _controls(limits: ServerLimits) -> None:
    ws = workspace()
    run = ws.active_run()
    live, running = run is not None, run is not None and run.status in MOVING
    row = st.container(horizontal=True, gap="small")
    buttons = [
        ("Start", "play_arrow", keys.START, lambda: ws.start(plan(limits)), not live,
         "Build a new network with the settings on the left and train it (one run at a "
         "time per tab: while one is under way, Stop or Reset it first)."),
        ("Pause", "pause", keys.PAUSE, ws.pause, running,
         "Hold training and give your place on the server to the next run in line. "
         f"After {minutes(limits.paused_release_seconds)} paused, the run is set aside: "
         "its weights and curves stay, the server frees the rest (momentum and Adam then "
         "start their running averages afresh)."),
        ("Resume", "resume", keys.RESUME, ws.resume, live and not running,
         "Carry on where the run paused; if every place on the server is taken, it waits "
         "its turn in the queue."),
        ("Step", "skip_next", keys.STEP, lambda: ws.step(plan(limits)), not running,
         "Train on exactly one mini-batch, then pause: learning in slow motion."),
        ("Stop", "stop", keys.STOP, ws.stop, live,
         "End the run now and score it on the test set; the network keeps what it learned."),
        ("Reset", "restart_alt", keys.RESET, ws.reset, ws.shown_run() is not None,
         "Clear the panel. An unfinished run is discarded; your model stays."),
    ]  # fmt: skip
    for label, icon, key, action, enabled, why in buttons:
        row.button(
            label,
            key=key,
            icon=f":material/{icon}:",
            on_click=action,
            disabled=not enabled,
            type="primary" if enabled and key in (keys.START, keys.RESUME) else "secondary",
            help=why,
        )
    show_message("controls")
    if running:
        st.caption("The run keeps training while you visit other pages (try *Inside*).")


END_MARGIN = 0.5  # seconds: a run's last steps and its final test, beyond the estimate
NO_FADE = (
    f".st-key-{keys.LIVE_PANEL}[data-stale='true'], .st-key-{keys.LIVE_PANEL} [data-stale='true']"
    " {opacity: 1 !important; transition: none !important;}"
)
"""While a fragment reruns, Streamlit marks its elements stale and fades them after a
moment, which says "this is out of date, wait". The live panel reruns every second or
two by design and its last curves are the freshest there are: fading them made the
charts flicker at every redraw whenever the browser or the server was a little slow."""
SMALL_READ_OUT = f".st-key-{keys.LIVE_PANEL} [data-testid='stMetricValue'] {{font-size: 1.7rem;}}"
"""The rate in force shares a row with the picker and Set: at a metric's own size its
digits were cut to "0.0…" on a tablet and on a laptop beside the sidebar."""


def live_panel(limits: ServerLimits) -> None:
    """Progress, the live learning-rate control and the curves, redrawn while training."""
    st.html(f"<style>{NO_FADE} {SMALL_READ_OUT}</style>")  # style only: out of the layout
    with st.container(key=keys.LIVE_PANEL):
        _live_panel(limits)


def _live_panel(limits: ServerLimits) -> None:
    ws = workspace()
    ws.sync()
    run = ws.active_run()
    moving = run is not None and run.status in MOVING
    every = refresh_every(limits.refresh_seconds, ws.server_load()) if moving else None

    @st.fragment(run_every=every)
    def _live() -> None:
        left = seconds_left(run) if moving and run.status == RunStatus.RUNNING else None
        if left is not None and left < every:
            ws.wait_for_end(left + END_MARGIN)  # show the result as soon as it exists
        ended = ws.sync()
        _draw(ws.shown_run())  # a run that just ended: its result, on screen at once
        if ended is not None and moving:
            st.rerun()  # then a full rerun stops the timer and refreshes buttons and history
        if moving and refresh_every(limits.refresh_seconds, ws.server_load()) != every:
            st.rerun()  # the server got busier or quieter: a full rerun resets the timer

    _live()


def _draw(run: Run | None) -> None:
    ws = workspace()
    compared = [r for r in ws.runs if r.id in (st.session_state.get(keys.COMPARE) or [])]
    if run is None:
        st.info("Press **Start** to train a network with the settings on the left.")
    else:
        _progress(run, ws.queue_spot())
        compared = [r for r in compared if r is not run]
    shown = ([run] if run is not None else []) + compared
    if not shown:
        return
    chart = {"width": "stretch", "config": PLOT_CONFIG}
    st.plotly_chart(loss_figure(shown), key=keys.CHART_LOSS, **chart)
    left, right = st.columns(2)
    with left:
        st.plotly_chart(accuracy_figure(shown), key=keys.CHART_ACCURACY, **chart)
    with right:
        st.plotly_chart(lr_figure(shown), key=keys.CHART_LR, **chart)


def _progress(run: Run, spot: QueueSpot | None) -> None:
    origin = f" · continued from {text.md(run.started_from)}" if run.started_from else ""
    st.markdown(f"**{run.name}**{origin}")
    fraction = min(1.0, run.steps / run.total_steps) if run.total_steps else 0.0
    st.progress(1.0 if run.done else fraction, text=status_line(run, spot))
    if run.set_aside and run.status == RunStatus.PAUSED:
        st.caption(set_aside_line(run))
    if run.live and run.status != RunStatus.QUEUED:
        _live_lr(run)
    if run.lr_changes:
        step, _, lr = run.lr_changes[-1]
        st.caption(
            f"Learning rate changed to {lr:g} at step {step:,} (the dashed line on the charts)."
        )
    if run.status == RunStatus.DIVERGED:
        st.error(f"**The run blew up.** {run.message} {run.notice}", icon=":material/error:")
        share_run_button(run)  # the run a class remembers: the board marks it
    elif run.done:
        _result(run)


def _live_lr(run: Run) -> None:
    """The rate in force, read from the run, beside a request to change it.

    Two owners, two things on screen: the program owns the rate in force (the schedule
    lowers it step by step), shown as a read-out; the person owns the picker, which the
    server never writes, and nothing happens until they press Set. The picker is the
    run's own (its key names the run), so a new run starts from its own rate."""
    now = run.lr_now or run.train_config["lr"]
    read, pick, press = st.columns([1.4, 3, 1], vertical_alignment="bottom")
    read.metric(
        "Rate in force",
        f"{now:.3g}",
        help="The learning rate the run uses right now: the schedule lowers it as the run "
        "goes on. The program sets it; the picker beside it is yours.",
    )
    pick.select_slider(
        "New learning rate",
        LRS,
        value=nearest(run.train_config["lr"], LRS),
        format_func=lambda v: f"{v:g}",
        key=keys.live_lr(run.id),
        help="Pick a rate, then press Set: the run continues from that rate, and the "
        "schedule carries on lowering it from there.",
    )
    press.button(
        "Set",
        key=keys.set_lr(run.id),
        icon=":material/speed:",
        on_click=_request_lr,
        args=(run.id,),
        help="Change the running network's learning rate to the one picked here.",
    )


def _result(run: Run) -> None:
    """What the run achieved; green only when it learned something (``run.notice`` flags a
    result no better than guessing, which must not look like a success at a glance)."""
    if run.notice:
        st.warning(f"{result_line(run)}\n\n{run.notice}", icon=":material/casino:")
    else:
        st.success(result_line(run), icon=":material/check_circle:")
    share_run_button(run)
    if not run.notice and run.status == RunStatus.STOPPED:
        st.caption(run.message)
    links = st.container(horizontal=True)
    if dataset_info(run.dataset).drawable:
        links.page_link(DRAW_PAGE, label="Try it on your handwriting", icon=":material/draw:")
    links.page_link(INSIDE_PAGE, label="Look inside it", icon=":material/neurology:")
    links.page_link(EVALUATE_PAGE, label="See where it is wrong", icon=":material/fact_check:")


def compare_picker() -> None:
    """Which earlier runs to overlay on the charts."""
    ws = workspace()
    active = ws.active_run()
    others = [r for r in ws.runs if r is not active]
    if not others:
        return
    names = {r.id: r.name for r in others}
    chosen = [i for i in (st.session_state.get(keys.COMPARE) or []) if i in names]
    if chosen != (st.session_state.get(keys.COMPARE) or []):
        st.session_state[keys.COMPARE] = chosen
    st.multiselect(
        "Compare with earlier runs",
        list(names),
        format_func=names.get,
        key=keys.COMPARE,
        max_selections=5,
        help="Overlay earlier runs on the charts, each in its own colour.",
    )


def sidebar_progress() -> None:
    """The visitor's run in a line on every page: it keeps training while they look around.

    Its timer also tells the server that the tab is still open, so a run is paused as
    idle only when nobody is looking at all. The fragment is drawn on every page run, an
    empty one without a run: a fragment that a later page run no longer draws leaves its
    timer in the browser, whose calls then find no fragment, and such calls crossing a
    page change left a student's next page half-drawn (1 lesson in 4 in Chromium).
    """
    ws = workspace()
    run = ws.active_run()
    moving = run is not None and run.status in MOVING

    @st.fragment(run_every=2.0 if moving else None)
    def _line() -> None:
        if run is None:
            return
        ended = ws.sync()
        if ended is not None:
            st.rerun()  # "your model" may have changed: every page should know
        st.caption(f"Training {run.name}: {short_status(run)}")

    _line()
