"""The sentences that describe a run, built in one place from the run record alone.

The progress bar, the result box, the sidebar and the history table all read the same
fields of ``Run`` (``steps``, ``total_steps``, ``status``), so a step count can never
disagree between two corners of the screen.
"""

from __future__ import annotations

from nn_core.status import RunStatus
from ui.workspace.runs import Run


def refresh_every(base: float, load: dict[str, int]) -> float:
    """Seconds between two redraws of the live panel: ``base``, twice that while more
    runs train than the server has workers.

    Then every core is taken, and each redraw costs the server (building the figures)
    and, where the browsers share the server's machine, the browser too: with three tabs
    drawing on the 2-core machine, Chromium took 1.2 cores and the three runs, sharing
    what was left, fell to 20-22 % of one run alone (bench_app_training (d)).
    """
    return 2 * base if load.get("running", 0) > load.get("workers", 1) else base


def seconds_left(run: Run) -> float | None:
    """A rough estimate of the wall-clock time until the run ends, or None."""
    rate = run.steps_per_second
    if rate <= 0 or not run.total_steps:
        return None
    left = (run.total_steps - run.steps) / rate
    for budget in (run.train_config.get("time_budget"), run.train_config.get("max_seconds")):
        if budget:
            left = min(left, budget - run.train_seconds)
    return max(0.0, left)


def status_line(run: Run, ahead: int = 0) -> str:
    """'Epoch 2 of 3 · step 812 of 1,407 · 310 steps/s · about 2 s left'."""
    if run.status == RunStatus.QUEUED:
        who = "1 run is" if ahead == 1 else f"{ahead} runs are"
        return f"Waiting for a free place on the server: {who} ahead of yours."
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
    if run.status == RunStatus.RUNNING:
        parts.append(f"{run.steps_per_second:,.0f} steps/s")
        left = seconds_left(run)
        if left is not None:
            parts.append("under a second left" if left < 1 else f"about {left:,.0f} s left")
    elif run.status == RunStatus.PAUSED:
        parts.append("paused")
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
