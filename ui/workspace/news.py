"""A worker's news, copied into the run record it is about.

The worker reports in a few kinds of message (see ``server.worker``), and the scheduler
adds "released" when it sets a long-paused run aside; each changes the ``Run`` in one
obvious way. Kept apart from the workspace so that what a message means
is readable in one place, and testable without a worker. The last news also brings a
judgement (``refusal``): whether the run's network may become "your model".
"""

from __future__ import annotations

from nn_core.checks import no_better_than_chance
from nn_core.model import MLP, ModelConfig
from nn_core.status import RunStatus
from ui.workspace.runs import Run


def apply_news(run: Run, kind: str, data) -> bool:
    """Apply a "started", "progress", "released", "error" or "cancelled" message; True if
    it ended the run."""
    if kind == "released":
        run.set_aside = True
    elif kind == "started":
        run.initial_weights = data["initial_weights"]
        run.model_config = data["model_config"]  # with the measured input statistics
        run.total_steps = data["total_steps"]
    elif kind == "progress":
        for step, epoch, loss, acc, lr in data["rows"]:  # (n, 5) one row per step
            run.log.append(int(step), epoch, loss, acc, lr)
        for step, epoch, loss, acc in data["val"]:
            run.record_validation(step, epoch, loss, acc)
        run.steps, run.train_seconds = data["step"], data["elapsed"]
        run.lr_now, run.base_lr = data["lr_now"], data["base_lr"]
        run.steps_per_second = data["rate"]
    elif kind in ("error", "cancelled"):
        text = data if isinstance(data, str) else data["message"]
        run.status = RunStatus.STOPPED
        run.message = text if kind == "cancelled" else f"The run could not go on: {text}."
        return True
    return False


def close_run(run: Run, data: dict) -> MLP:
    """Apply the final "done" message: status, scores, health; returns the trained model."""
    run.status, run.message = RunStatus(data["status"]), data["message"]
    run.steps, run.train_seconds = data["step"], data["elapsed"]
    run.test_accuracy, run.test_loss = data["test_accuracy"], data["test_loss"]
    run.health = data.get("health") or run.health
    model = MLP(config=ModelConfig.from_dict(run.model_config))
    model.set_weights(data["weights"])
    run.model = model
    return model


def refusal(run: Run, n_classes: int) -> str:
    """Why a closed run's network must not become "your model" ("" when it may).

    A run that blew up, or one that learned nothing (no better than picking a class at
    random), would quietly replace a network that works on every other page."""
    if run.status == RunStatus.DIVERGED:
        return "A run that blew up never replaces your model."
    if no_better_than_chance(run.test_accuracy, n_classes):
        return (
            f"No better than guessing: {run.test_accuracy:.1%} on the test set, where "
            f"picking a class at random gets {1 / n_classes:.0%}. Your model stays as it was."
        )
    return ""


def resumed_note(run: Run) -> str:
    """What a set-aside run kept and lost, said when it goes back to a worker.

    The server kept its weights, curves and place in the epoch; it let go of the
    optimiser's running averages (``Trainer.bookmark``), which only momentum and Adam have.
    """
    kept = (
        f"This run had been set aside; it carries on from its weights at step {run.steps:,}, "
        "curves and all."
    )
    optimiser = run.train_config.get("optimizer")
    if optimiser not in ("momentum", "adam"):
        return f"{kept} Plain SGD keeps no running averages, so nothing was lost."
    lost = (
        "its momentum, which builds"
        if optimiser == "momentum"
        else ("Adam's running averages, which build")
    )
    return (
        f"{kept} Meanwhile the server let go of {lost} up again over the next few dozen "
        "steps: the loss may wobble a little at first."
    )
