"""Commands that reach a run at the wrong moment, and the pace changed mid-run (issue 23).

A page may send a command drawn before the run's last news was read (the run has just
ended), and a student may leave slow motion in the middle of a run: both go through the
visitor's ``TrainWorkspace`` to the server's pool, as in the app.
"""

from __future__ import annotations

import dataclasses

import pytest

from server.limits import LIMITS
from server.scheduler import Scheduler
from tests.ui.workspace.test_workspace import LONG, plan, until
from ui.workspace.workspace import TrainWorkspace


@pytest.fixture(scope="module")
def scheduler():
    s = Scheduler(workers=1, idle_pause=600, cores=1)
    yield s
    s.close()


@pytest.fixture
def ws(scheduler):
    return TrainWorkspace(lambda: scheduler, dataclasses.replace(LIMITS, max_runs=3))


@pytest.fixture
def sample(mnist_sample):
    return mnist_sample


@pytest.fixture
def shared(shared_sample):
    return shared_sample


def test_every_command_on_a_run_that_has_just_ended_answers_calmly(ws, sample, shared):
    """A button pressed on a page drawn before the run's last news was read: Pause, Resume,
    Step, Stop, Set (a rate), Speed. None raises, none changes the ended run or starts
    another one."""
    run = ws.start(plan(sample, shared, dataclasses.replace(LONG, epochs=1), speed=5.0))
    until(ws, lambda r: r.status == "running")
    ws.set_speed(None)
    assert ws._job.ended.wait(60)  # ended on the server; the page has not read it yet
    assert run.live  # as the page still believes
    ws.pause()
    ws.resume()
    ws.step()
    ws.stop()
    assert ws.set_lr(0.3) is False
    ws.set_speed(20.0)
    ws.sync()
    assert run.done and ws.active_run() is None and len(ws.runs) == 1
    assert not run.lr_changes and not run.message.startswith("Stopped by you")


def test_a_speed_change_reaches_the_running_run(ws, sample, shared):
    """Slow motion can be left mid-run: the worker trains the same run at full speed."""
    run = ws.start(plan(sample, shared, speed=2.0))  # 2 steps a second: minutes of run
    until(ws, lambda r: r.status == "running" and r.steps > 0)
    ws.set_speed(None)
    until(ws, lambda r: r.steps > 300)  # at 2 steps a second that would take minutes
    assert run.live and ws._job.spec.speed is None
    ws.set_speed(2.0)  # and back into slow motion
    assert ws._job.spec.speed == 2.0
    ws.stop()
