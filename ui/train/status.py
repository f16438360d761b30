"""The sentences that describe a run, built in one place from the run record alone.

The progress bar, the result box, the sidebar and the history table all read the same
fields of ``Run`` (``steps``, ``total_steps``, ``status``), so a step count can never
disagree between two corners of the screen.
"""

from __future__ import annotations

from nn_core.status import RunStatus
from server.job import QueueSpot
from ui.workspace.runs import Run


def refresh_every(base: float, load: dict[str, int]) -> float:
    """Seconds between two redraws of the live panel: ``base``, twice that while more
    runs train than the server has workers.

    Then every core is taken, and each redraw costs the server (building the figures)
    and, where the browsers share the server's machine, the browser too: with three tabs
    drawing on the 2-core machine, Chromium took 1.2 cores and the three runs, sharing
    what was left, fell to 20-22 % of one run alone (bench_app_training (d)).
    """
    return 2 * base if load.get(RunStatus.RUNNING, 0) > load.get("workers", 1) else base


def seconds_left(run: Run) -> float | None:
    """The wall-clock time until the run ends, from its pace measured lately, or None.

    The pace (``steps_per_second``) is measured by the worker in the run's current speed,
    so slow motion and full speed each get their own honest estimate. A time cap
    (``time_budget``, the server's ``max_seconds``) counts seconds of *training*, which in
    slow motion are a sliver of the wall clock: it is turned into the steps it still
    allows, at the run's measured training time per step, before it can shorten the wait.
    """
    rate = run.steps_per_second
    if rate <= 0 or not run.total_steps:
        return None
    steps = run.total_steps - run.steps
    per_step = run.train_seconds / run.steps if run.steps else 0.0
    for budget in (run.train_config.get("time_budget"), run.train_config.get("max_seconds")):
        if budget and per_step > 0:
            steps = min(steps, (budget - run.train_seconds) / per_step)
    return max(0.0, steps / rate)


def set_aside_line(run: Run) -> str:
    """What a set-aside run keeps and what it lost, said while it is paused."""
    line = (
        "Paused for so long that the server set this run aside: its weights and curves are "
        "kept, and the training process gave its memory back for other runs. Resume carries "
        "on from here (it may wait for a free place)"
    )
    if run.train_config.get("optimizer") in ("momentum", "adam"):
        return f"{line}, with the optimiser's running averages starting again from zero."
    return f"{line}; plain SGD loses nothing by it."


def minutes(seconds: float) -> str:
    """'10 minutes', '1 minute', '90 s': a server limit as a teacher would say it."""
    if seconds % 60:
        return f"{seconds:g} s"
    n = int(seconds // 60)
    return "1 minute" if n == 1 else f"{n} minutes"


def queue_line(spot: QueueSpot | None) -> str:
    """Why a queued run waits, in numbers that are true: only runs training hold places,
    and only runs queued before this one are ahead of it."""
    if spot is not None and spot.own_run_training:
        return (
            "Waiting for your other run: each visitor trains one run at a time, so this one "
            "starts when that one is paused or ends."
        )
    if spot is None or spot.training < spot.places:
        return "Waiting for a free place on the server: one is coming free, starting in a moment."
    ahead, one = spot.ahead, spot.places == 1
    taken = (
        "the one place is taken by a run training now"
        if one
        else f"all {spot.places:,} places are taken by runs training now"
    )
    if ahead == 0:
        which = "that run" if one else f"one of the {spot.training:,} running"
        return (
            f"Waiting for a free place on the server: {taken}. Your run starts when "
            f"{which} finishes or is paused."
        )
    waiting = "1 run is" if ahead == 1 else f"{ahead:,} runs are"
    return (
        f"Waiting for a free place on the server: {taken}, and {waiting} waiting ahead of "
        f"yours. Yours starts once {ahead + 1:,} places have come free (a run finishes or "
        "is paused)."
    )


def status_line(run: Run, spot: QueueSpot | None = None) -> str:
    """'Epoch 2 of 3 · step 812 of 1,407 · 310 steps/s · about 2 s left'."""
    if run.status == RunStatus.QUEUED and not run.steps:
        return queue_line(spot)
    if not run.total_steps:
        return "Starting: the training process is preparing the data and the network..."
    epochs = run.train_config.get("epochs") or 1
    if run.train_config.get("target_accuracy"):
        parts = [f"{run.epoch:.2f} epochs"]
    else:
        parts = [
            f"Epoch {min(int(run.epoch) + 1, epochs)} of {epochs}"
            if run.live
            else f"{run.epoch:.2f} epochs"
        ]
    parts.append(f"step {run.steps:,} of {run.total_steps:,}")
    if run.status == RunStatus.RUNNING and run.steps_per_second > 0:
        parts.append(f"{run.steps_per_second:,.0f} steps/s")  # none yet: a new pace
        left = seconds_left(run)
        if left is not None:
            parts.append("under a second left" if left < 1 else f"about {left:,.0f} s left")
    elif run.status == RunStatus.PAUSED:
        parts.append("paused, set aside" if run.set_aside else "paused")
    elif run.status == RunStatus.QUEUED:
        parts.append(queue_line(spot))
    return " · ".join(parts)


def result_line(run: Run) -> str:
    """What a finished run achieved, in one sentence."""
    rate = run.steps / run.train_seconds if run.train_seconds else 0.0
    acc = "" if run.test_accuracy is None else f"Test accuracy **{run.test_accuracy:.2%}** "
    loss = "" if run.test_loss is None else f"(loss {run.test_loss:.3f}) on the test set. "
    return (
        f"{acc}{loss}{run.steps:,} steps in {run.train_seconds:.1f} s of training "
        f"({rate:,.0f} steps/s)."
    )


def short_status(run: Run) -> str:
    """A few words for the sidebar and the history: 'running · 45%', 'finished', and
    'finished · no better than guessing' for a run that learned nothing (a plain
    "finished" there would tell a student that all went well)."""
    if run.status in (RunStatus.RUNNING, RunStatus.PAUSED) and run.total_steps:
        return f"{run.status} · {min(1.0, run.steps / run.total_steps):.0%}"
    if run.notice and run.status in (RunStatus.FINISHED, RunStatus.STOPPED):
        return f"{run.status} · no better than guessing"
    return run.status
