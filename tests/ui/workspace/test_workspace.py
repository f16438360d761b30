"""TrainWorkspace: one tab's models, runs and messages, driven without Streamlit."""

from __future__ import annotations

import dataclasses
import gc
import threading
import time
import weakref

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from nn_core.metrics import evaluate
from nn_core.model import MLP, ModelConfig
from nn_core.train import TrainConfig, Trainer
from server.limits import LIMITS
from server.scheduler import Scheduler
from server.worker_job import WorkerJob
from ui.workspace.workspace import RunPlan, TrainWorkspace

SMALL = ModelConfig((784, 16, 10))
LONG = TrainConfig(epochs=30, batch_size=64, optimizer="sgd", lr=0.05)


@pytest.fixture(scope="module")
def sample(mnist_sample):
    return mnist_sample


@pytest.fixture(scope="module")
def shared(shared_sample):
    return shared_sample


@pytest.fixture(scope="module")
def scheduler():
    s = Scheduler(workers=2, idle_pause=600, cores=1)
    yield s
    s.close()


@pytest.fixture
def ws(scheduler):
    return TrainWorkspace(lambda: scheduler, dataclasses.replace(LIMITS, max_runs=3))


def plan(sample, shared, train=LONG, model=SMALL, **extra) -> RunPlan:
    return RunPlan("custom", model, train, False, sample, shared, np.arange(200), **extra)


def until_done(ws, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ws.sync()
        run = ws.shown_run()
        if run.done:
            return run
        time.sleep(0.02)
    raise AssertionError("the run did not end in time")


def until(ws, predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ws.sync()
        if predicate(ws.shown_run()):
            return
        time.sleep(0.02)
    raise AssertionError("timed out")


def test_a_run_goes_through_every_status_and_becomes_your_model(ws, sample, shared):
    run = ws.start(plan(sample, shared))
    assert run.status in ("queued", "running") and ws.current is None
    until(ws, lambda r: ws.live_weights() is not None)  # weights travel back while it trains
    assert run.status == "running" and ws.live_weights().run_id == run.id
    ws.pause()
    assert run.status == "paused"
    steps = run.steps
    ws.step()
    assert run.steps == steps + 1 and run.status == "paused"
    ws.resume()
    assert run.status == "running"
    ws.stop()
    assert run.status == "stopped" and run.done and ws.active_run() is None
    assert run.message == f"Stopped by you after {run.steps:,} steps."
    assert ws.current.run_id == run.id and ws.current.test_accuracy == run.test_accuracy
    assert run.initial_weights is not None and run.health["step"]


def test_your_model_survives_a_new_run_until_it_ends(ws, sample, shared):
    first = ws.start(plan(sample, shared, dataclasses.replace(LONG, epochs=1)))
    until_done(ws)
    mine = ws.current
    second = ws.start(plan(sample, shared))
    until(ws, lambda r: r.steps > 0)
    assert ws.current is mine  # starting never throws away the last good model
    ws.reset()  # an unfinished run is thrown away; your model stays
    assert ws.current is mine and second not in ws.runs and first in ws.runs


def test_a_diverged_run_never_becomes_your_model(ws, sample, shared):
    ws.start(plan(sample, shared, dataclasses.replace(LONG, epochs=1)))
    until_done(ws)
    mine = ws.current
    wild = TrainConfig(epochs=3, batch_size=32, optimizer="sgd", lr=1e30)
    run = ws.start(plan(sample, shared, wild, ModelConfig((784, 16, 10), init="naive")))
    until_done(ws)
    assert run.status == "diverged" and ws.current is mine
    assert "blew up" in run.message or "exploded" in run.message


def test_no_better_than_guessing_is_flagged_and_not_adopted(ws, sample, shared):
    run = ws.start(plan(sample, shared))
    until(ws, lambda r: r.status == "running")
    data = {
        "status": "finished", "message": "Training finished.", "step": 10, "elapsed": 0.1,
        "test_accuracy": 0.089, "test_loss": 2.3, "weights": MLP(config=SMALL).get_weights(),
    }  # fmt: skip
    ws.reset()
    ws._finish(run, data)  # the rule alone, with the numbers of SGD at lr 10
    assert "No better than guessing" in run.notice and ws.current is None


def test_learning_rate_now_is_the_rate_in_force(ws, sample, shared):
    linear = dataclasses.replace(LONG, schedule="linear", lr=0.1)
    run = ws.start(plan(sample, shared, linear))
    until(ws, lambda r: r.steps > 20)
    ws.pause()
    assert run.lr_now < 0.1  # the schedule has already lowered it
    assert ws.set_lr(0.01)
    assert run.lr_now == pytest.approx(0.01, rel=1e-3)  # what the next step will use
    step, _, lr = run.lr_changes[-1]
    assert (step, lr) == (run.steps, 0.01)
    ws.step()
    assert run.log.arrays()["lr"][-1] == pytest.approx(0.01, rel=1e-3)
    ws.stop()


def test_the_history_keeps_max_runs_and_says_which_left(ws, sample, shared):
    short = dataclasses.replace(LONG, epochs=1)
    for _ in range(4):
        ws.start(plan(sample, shared, short))
        until_done(ws)
    assert [r.id for r in ws.runs] == [2, 3, 4]
    assert "#1" in ws.message.text
    kept = [r.id for r in ws.runs if r.model is not None]
    assert kept == [4]  # older runs' weights released; the newest (your model) kept


def test_target_accuracy_ends_the_run(ws, sample, shared):
    target = dataclasses.replace(LONG, target_accuracy=0.5)
    run = ws.start(plan(sample, shared, target))
    until_done(ws)
    assert run.status == "finished" and "target" in run.message
    assert run.val_accuracy[-1] >= 0.5 and run.steps < run.total_steps


def test_a_model_that_does_not_fit_the_data_is_refused(ws, sample, shared):
    assert ws.start(plan(sample, shared, model=ModelConfig((784, 16, 3)))) is None
    assert ws.message.kind == "error" and "3 classes" in ws.message.text


def test_hammering_one_tab_from_many_threads_changes_nothing(ws, sample, shared):
    """Fast reruns make overlapping script runs of one tab: pauses, resumes, polls and
    evaluations from several threads at once must not change what the run computes."""
    train = dataclasses.replace(LONG, epochs=2, seed=7)
    run = ws.start(plan(sample, shared, train))
    stop = threading.Event()
    errors = []

    def hammer(i):
        try:
            while not stop.is_set():
                (ws.pause, ws.resume, ws.sync, ws.resume)[i % 4]()
                live = ws.live_weights()
                if live is not None:
                    evaluate(live.model(), sample.X_test[:200], sample.y_test[:200])
                i += 1
        except Exception as exc:  # noqa: BLE001 - collected and reported below
            errors.append(exc)

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    try:
        deadline = time.monotonic() + 120
        while not run.done and time.monotonic() < deadline:
            ws.resume()
            ws.sync()
            time.sleep(0.01)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors and run.status == "finished"
    model = MLP(config=SMALL)
    with threadpool_limits(1):
        Trainer(model, sample.X_train, sample.y_train, train).run()
    for ours, plain in zip(run.model.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, plain)


def test_stop_right_after_a_rate_change_from_many_threads(ws, sample, shared):
    """The issue's race: "Stop" right after a learning-rate change, while overlapping
    script runs of the same tab pause, resume, poll and evaluate. Nothing may raise, the
    run ends stopped, and its weights are exactly those of a plain Trainer that changed
    its rate at the steps the run recorded and stopped at the step the run stopped at."""
    train = dataclasses.replace(LONG, epochs=10_000, seed=11)  # 1.25 million steps
    run = ws.start(plan(sample, shared, train, speed=400.0))  # hours: only Stop ends it
    rates = (0.02, 0.03, 0.01, 0.04)
    calm = threading.Event()
    errors = []

    def clicks(i):
        actions = (ws.pause, ws.resume, ws.sync, lambda: ws.set_lr(rates[i]), ws.resume)
        try:
            n = i
            while not calm.is_set():
                actions[n % len(actions)]()
                live = ws.live_weights()
                if live is not None:
                    evaluate(live.model(), sample.X_test[:200], sample.y_test[:200])
                n += 1
            ws.set_lr(rates[i])
            ws.stop()
        except Exception as exc:  # noqa: BLE001 - collected and reported below
            errors.append(exc)

    threads = [threading.Thread(target=clicks, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    try:
        until(ws, lambda r: r.steps >= 50 and len(r.lr_changes) >= 2)
    finally:
        calm.set()
        for t in threads:
            t.join()
    until_done(ws)
    assert not errors and run.status == "stopped"
    weights = run.model.get_weights()
    assert all(np.isfinite(w).all() for w in weights)
    changes = [step for step, _, _ in run.lr_changes]
    assert changes == sorted(changes) and changes[-1] <= run.steps
    model = MLP(config=SMALL)
    trainer = Trainer(model, sample.X_train, sample.y_train, train)
    with threadpool_limits(1):
        for step, _, lr in run.lr_changes:
            trainer.run(max_steps=step - trainer.step_count)
            trainer.set_lr(lr)
        trainer.run(max_steps=run.steps - trainer.step_count)
    assert trainer.step_count == run.steps
    for ours, plain in zip(weights, model.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, plain)


def test_a_released_tab_leaves_nothing_on_the_server(scheduler, sample, shared):
    ws = TrainWorkspace(lambda: scheduler)
    ws.start(plan(sample, shared))
    until(ws, lambda r: r.steps > 0)
    job = ws._job
    assert job.id in scheduler._jobs
    ref = weakref.ref(ws)
    del ws
    gc.collect()
    assert ref() is None  # nothing shared holds the workspace
    assert job.id not in scheduler._jobs and job.latest == {}


def test_release_lets_go_while_a_callback_still_holds_the_workspace(scheduler, sample, shared):
    """Streamlit may keep a released tab's widget callbacks (bound methods of its
    workspace) a while longer: ``release`` drops the runs and the networks all the same."""
    ws = TrainWorkspace(lambda: scheduler)
    ws.start(plan(sample, shared))
    until(ws, lambda r: r.steps > 0)
    job, callback = ws._job, ws.pause
    ws.release()
    assert job.id not in scheduler._jobs and job.latest == {}
    assert ws.runs == [] and ws.current is None and ws.live_weights() is None
    callback()  # a late click from a released tab finds nothing to do


def test_disconnect_pauses_the_run(ws, sample, shared):
    run = ws.start(plan(sample, shared))
    until(ws, lambda r: r.status == "running")
    ws.on_disconnect()
    ws.sync()
    assert run.status == "paused"
    ws.stop()


def test_slow_motion_paces_by_the_clock(sample, shared, monkeypatch):
    """The pace is a rule about the clock, so the test moves the clock itself."""
    from server import worker_job

    now = [100.0]
    monkeypatch.setattr(worker_job.time, "perf_counter", lambda: now[0])
    spec = worker_job.JobSpec("x", SMALL.to_dict(), LONG.to_dict(), shared, speed=20.0)
    job = WorkerJob(spec, shared.open())
    job.set_running(True)
    assert job.allowed_steps() == 1  # one step at once
    job.train_slice(None, 1)
    assert job.allowed_steps() == 0
    now[0] += 0.5
    assert job.allowed_steps() == 10  # 20 steps per second


def test_waiting_for_the_end_returns_with_the_last_news(ws, sample, shared):
    assert ws.wait_for_end(0.0) is False  # no run yet: nothing to wait for
    short = dataclasses.replace(LONG, epochs=1)
    run = ws.start(plan(sample, shared, train=short))
    assert ws.wait_for_end(60.0) is True  # returns as soon as the worker has finished
    ended = ws.sync()  # the news is there already: one sync shows the result
    assert ended is run and run.done and run.test_accuracy is not None


def test_waiting_gives_up_on_a_run_that_goes_on(ws, sample, shared):
    ws.start(plan(sample, shared, speed=1.0))  # one step a second: 120 steps take minutes
    try:
        assert ws.wait_for_end(0.2) is False
        assert not ws.shown_run().done
    finally:
        ws.stop()


def test_a_rate_change_as_the_run_ends_is_answered_calmly(ws, sample, shared):
    """The slider's callback reads the news first; when that news says the run has just
    ended there is nothing left to change (it used to raise AttributeError)."""
    run = ws.start(plan(sample, shared, dataclasses.replace(LONG, epochs=1), speed=5.0))
    until(ws, lambda r: r.status == "running")
    ws.set_speed(None)  # full speed: the run ends in a moment
    assert ws._job.ended.wait(60)  # ended on the server; the page has not read it yet
    assert ws.set_lr(0.1) is False
    assert run.done and ws.active_run() is None and not run.lr_changes
