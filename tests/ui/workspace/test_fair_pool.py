"""One tab's workspace in a fair pool: its owner id, its place in the queue, and a run
set aside and resumed (the scheduler's clock moved by hand)."""

from __future__ import annotations

import pytest

from server.scheduler import Scheduler
from tests.ui.workspace.test_workspace import plan, until
from ui.train.status import status_line
from ui.workspace.news import resumed_note
from ui.workspace.workspace import TrainWorkspace


@pytest.fixture(scope="module")
def clock():
    return [1000.0]


@pytest.fixture(scope="module")
def scheduler(clock):
    s = Scheduler(workers=1, max_active=1, idle_pause=10**6, cores=1, clock=lambda: clock[0])
    yield s
    s.close()


def test_each_tab_is_its_own_visitor(scheduler, mnist_sample, shared_sample):
    first, second = TrainWorkspace(lambda: scheduler), TrainWorkspace(lambda: scheduler)
    assert first.owner != second.owner
    first.start(plan(mnist_sample, shared_sample, speed=5.0))
    second.start(plan(mnist_sample, shared_sample, speed=5.0))
    assert first._job.owner == first.owner and second.queue_spot().training == 1
    assert status_line(second.shown_run(), second.queue_spot()).endswith(
        "the one place is taken by a run training now. Your run starts when that run "
        "finishes or is paused."
    )
    first.on_disconnect()  # a closed tab gives its place away ...
    second.sync()
    assert second.shown_run().status == "running"
    second.on_disconnect()
    first.resume()
    second.resume()  # ... and a queued run of a closed tab leaves the queue
    assert second.shown_run().status == "queued"
    second.on_disconnect()
    second.sync()
    assert second.shown_run().status == "paused"
    first.release()
    second.release()


def test_a_set_aside_run_says_so_and_carries_on(scheduler, clock, mnist_sample, shared_sample):
    ws = TrainWorkspace(lambda: scheduler)
    run = ws.start(plan(mnist_sample, shared_sample, speed=5.0))
    until(ws, lambda r: r.steps > 0)
    ws.pause()
    clock[0] += 600
    until(ws, lambda r: r.set_aside)
    assert run.status == "paused" and status_line(run).endswith("paused, set aside")
    steps = run.steps
    ws.resume()
    assert not run.set_aside and ws.message.text == resumed_note(run)
    assert ws.message.text.endswith("Plain SGD keeps no running averages, so nothing was lost.")
    until(ws, lambda r: r.steps > steps)
    ws.stop()
    assert run.status == "stopped" and run.steps > steps


def test_what_a_resumed_run_lost_depends_on_its_optimiser():
    from tests.support.runs import make_run

    adam = resumed_note(make_run(optimizer="adam", steps=812))
    assert adam.startswith("This run had been set aside; it carries on from its weights at step")
    assert "812" in adam and "Adam's running averages, which build up again" in adam
    assert "its momentum, which builds up again" in resumed_note(make_run(optimizer="momentum"))
