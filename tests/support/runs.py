"""Training runs as the Train page records them, made without training anything.

One factory for every test that needs a ``Run``: the training charts, the run record's
exports and the class board all read the same object, so they are tested on the same one.
The curves are smooth and deterministic: the loss falls and the accuracy climbs towards
``accuracy``, with a held-out point every ``validate_every`` steps.
"""

from __future__ import annotations

from ui.workspace.runs import Run, StepLog


def make_run(
    run_id: int = 1,
    lr: float = 0.1,
    optimizer: str = "momentum",
    init: str = "he",
    accuracy: float = 0.97,
    steps: int = 1000,
    status: str = "finished",
    model=None,
    *,
    validate_every: int = 100,
    lr_change: tuple[int, float, float] | None = None,
    **fields,
) -> Run:
    """A run of ``steps`` steps of a 784-128-10 network, ended with ``status``.

    ``lr_change``: (step, epoch, new rate), a rate changed by hand mid-run. ``fields``:
    any other ``Run`` field to set afterwards (``total_steps=100``, ``standardize=True``,
    ``message="..."``). ``steps=0`` gives a run with empty curves.
    """
    log = StepLog(capacity=4096)
    for step in range(1, steps + 1):
        loss = 2.3 * (1 - accuracy) ** (step / steps) * (1 + lr) + 0.01
        log.append(step, step / 500, loss, min(1.0, accuracy * step / steps + 0.1), lr)
    run = Run(
        id=run_id,
        name=f"#{run_id} 784-128-10 {optimizer} lr {lr:g}",
        preset="custom",
        dataset="mnist",
        model_config={"sizes": [784, 128, 10], "activation": "relu", "init": init, "dropout": 0.0},
        train_config={"optimizer": optimizer, "lr": lr, "batch_size": 128, "epochs": 2, "seed": 0},
        log=log,
        status=status,
        test_accuracy=accuracy,
        test_loss=0.1,
        steps=steps,
        train_seconds=1.5,
        wall_seconds=2.5,
        model=model,
    )
    for step in range(validate_every, steps + 1, validate_every):
        run.record_validation(step, step / 500, 0.2, accuracy)
    if lr_change is not None:
        run.record_lr_change(*lr_change)
    for name, value in fields.items():
        if not hasattr(run, name):
            raise TypeError(f"Run has no field {name!r}")
        setattr(run, name, value)
    return run
