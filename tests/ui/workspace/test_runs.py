"""The run record: compact curves, CSV and JSON export that read back, bounded history."""

from __future__ import annotations

import numpy as np
import pytest

from nn_core.model import MLP, load_model
from nn_core.modelfile import model_to_bytes
from nn_core.status import RunStatus
from tests.support.runs import make_run
from ui.train.status import refresh_every, short_status
from ui.workspace.runs import Run, StepLog, release_weights, trim_history


def stopped_run(run_id: int = 3, n: int = 50) -> Run:
    """A run of adam at lr 0.001 stopped after ``n`` of its 100 steps, with a held-out
    point every 10 steps and the rate changed by hand to 0.3 at step 25."""
    return make_run(
        run_id,
        lr=0.001,
        optimizer="adam",
        accuracy=0.9312,
        steps=n,
        status=RunStatus.STOPPED,
        validate_every=10,
        lr_change=(25, 1.25, 0.3),
        total_steps=100,
        standardize=True,
        message=f"Stopped by you after {n} steps.",
        test_loss=0.231,
        train_seconds=1.25,
        wall_seconds=1.5,
    )


def test_steplog_keeps_every_step_while_there_is_room():
    log = StepLog(capacity=16)
    for s in range(1, 11):
        log.append(s, s / 5, loss=float(s), accuracy=0.5, lr=0.1)
    a = log.arrays()
    assert len(log) == 10 and log.stride == 1
    np.testing.assert_array_equal(a["step"], np.arange(1, 11))
    np.testing.assert_allclose(a["loss"], np.arange(1, 11))


def test_steplog_merges_neighbours_when_full_and_stays_bounded():
    log = StepLog(capacity=8)
    for s in range(1, 101):
        log.append(s, s / 10, loss=float(s), accuracy=1.0 if s % 2 else 0.0, lr=s * 1e-3)
    a = log.arrays()
    assert len(log) <= 8 + 1  # the arrays plus one partial bucket
    assert log.stride > 1
    assert a["step"][-1] == 100  # the newest step is always there
    assert np.all(np.diff(a["step"]) > 0)
    # every full point is the mean loss of the steps it stands for
    for i in range(log.n):
        last = a["step"][i]
        first = last - log.stride + 1
        assert a["loss"][i] == pytest.approx(np.mean(np.arange(first, last + 1)))
        assert a["lr"][i] == pytest.approx(last * 1e-3)


def test_steplog_memory_does_not_grow_with_the_run():
    log = StepLog(capacity=64)
    before = log.loss.nbytes
    for s in range(1, 20_001):
        log.append(s, s, 1.0, 1.0, 1.0)
    assert log.loss.nbytes == before and len(log) <= 65


def test_json_round_trip():
    run = stopped_run()
    text = run.to_json()
    assert '"status": "stopped"' in text  # the plain word, as before the enum
    back = Run.from_json(text)
    assert back.summary() == run.summary() and back.status is RunStatus.STOPPED
    for k, v in run.log.arrays().items():
        np.testing.assert_array_equal(back.log.arrays()[k], v)
    assert back.validation() == run.validation()
    assert back.lr_changes == run.lr_changes


def test_csv_round_trip():
    run = stopped_run()
    text = run.to_csv()
    assert text.startswith("# id: 3\n")
    assert "kind,step,epoch,loss,accuracy,lr" in text
    assert '# status: "stopped"\n' in text
    back = Run.from_csv(text)
    assert back.summary() == run.summary() and back.status is RunStatus.STOPPED
    for k, v in run.log.arrays().items():
        np.testing.assert_array_equal(back.log.arrays()[k], v)
    assert back.validation() == run.validation()
    assert back.lr_changes == [(25, 1.25, 0.3)]


def test_csv_has_one_row_per_point():
    run = stopped_run(n=30)
    rows = [r for r in run.to_csv().splitlines() if not r.startswith("#")]
    kinds = [r.split(",")[0] for r in rows[1:]]
    assert kinds.count("train") == 30
    assert kinds.count("validation") == 3
    assert kinds.count("lr_change") == 1


def test_export_of_a_long_run_keeps_the_compacted_curves():
    run = stopped_run(n=10_000)
    back = Run.from_json(run.to_json())
    assert len(back.log) == len(run.log) < 10_000
    assert back.log.arrays()["step"][-1] == 10_000


def test_trim_history_drops_the_oldest_but_never_the_current_or_kept():
    runs = [stopped_run(i, n=2) for i in range(1, 6)]
    runs[0].keep = True
    current = runs[-1]
    kept = trim_history(runs, 3, current=current)
    assert [r.id for r in kept] == [1, 4, 5]
    assert trim_history(runs, 10, current) == runs


def test_release_weights_keeps_current_and_marked_runs():
    runs = [stopped_run(i, n=2) for i in range(1, 4)]
    for r in runs:
        r.model = object()
    runs[0].keep = True
    release_weights(runs, current=runs[2])
    assert [r.model is not None for r in runs] == [True, False, True]


def test_model_meta_travels_inside_a_model_file():
    run = stopped_run(n=1000)
    model = MLP((784, 8, 10))
    model.meta.update(run.model_meta(max_points=100))
    back = load_model(model_to_bytes(model)).meta
    assert back["test_accuracy"] == run.test_accuracy and back["dataset"] == "mnist"
    assert back["train_config"] == run.train_config
    assert len(back["history"]["loss"]) <= 100 + 1
    assert back["lr_changes"] == [[25, 1.25, 0.3]]


def test_the_live_panel_redraws_half_as_often_while_more_runs_train_than_workers():
    assert refresh_every(1.0, {"running": 2, "workers": 2}) == 1.0  # every run has a core
    assert refresh_every(1.0, {"running": 3, "workers": 2}) == 2.0  # the cores are taken
    assert refresh_every(0.5, {"running": 0, "workers": 1}) == 0.5


def test_the_short_status_flags_a_run_no_better_than_guessing():
    run = stopped_run()
    run.status = RunStatus.FINISHED
    assert short_status(run) == "finished"
    run.notice = "No better than guessing: 9.8% on the test set, ..."
    assert short_status(run) == "finished · no better than guessing"
    run.status = RunStatus.STOPPED
    assert short_status(run) == "stopped · no better than guessing"
    run.status, run.notice = RunStatus.DIVERGED, "A run that blew up never replaces your model."
    assert short_status(run) == "diverged"  # its own word says enough
    run.status, run.notice, run.steps = RunStatus.RUNNING, "", 25
    assert short_status(run) == "running · 25%"
