"""A fair training pool (issue 21): places go to runs that train, one per visitor, and a
run paused for long gives back everything its worker held.

Four tabs that pressed Start then Pause used to hold all four places for as long as they
stayed open, and a fifth student's run waited for ever, told "0 runs are ahead of yours".
"""

from __future__ import annotations

import dataclasses
import queue

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from nn_core.model import MLP, ModelConfig
from nn_core.train import Trainer
from server.job import GONE
from server.scheduler import Scheduler
from server.worker import Worker
from tests.server.test_scheduler import LONG, last_step, news, spec, wait_for

SHORT = dataclasses.replace(LONG, epochs=1, seed=5)  # 125 steps of plain SGD on the sample
SLOW = 5.0  # steps per second: a run in slow motion cannot end while a test looks at it


def plain_run(mnist_sample, train) -> list[np.ndarray]:
    """The weights a lone Trainer ends with: what a run must reach, set aside or not."""
    model = MLP(config=ModelConfig((784, 16, 10), seed=train.seed))
    with threadpool_limits(1):  # as in the worker: BLAS's summation order is fixed
        Trainer(model, mnist_sample.X_train, mnist_sample.y_train, train).run()
    return model.get_weights()


@pytest.fixture
def four_places():
    s = Scheduler(workers=1, max_active=4, idle_pause=600, cores=1)
    yield s
    s.close()


def test_four_paused_runs_hold_no_place_and_a_fifth_trains(four_places, shared_sample):
    s = four_places
    paused = [s.submit(spec(shared_sample, speed=SLOW)) for _ in range(4)]
    for job in paused:
        s.pause(job)
    fifth = s.submit(spec(shared_sample, speed=SLOW))
    assert fifth.state == "running" and s.queue_spot(fifth) is None
    wait_for(lambda: last_step(fifth) > 0, what="the fifth run to train")
    assert s.load() == {"running": 1, "paused": 4, "queued": 0, "workers": 1}


def test_a_resumed_run_joins_the_back_of_the_queue(four_places, shared_sample):
    s = four_places
    a, b, c, d = (s.submit(spec(shared_sample, speed=SLOW)) for _ in range(4))
    s.pause(a)  # its place goes to the next in line at once
    e, f = s.submit(spec(shared_sample, speed=SLOW)), s.submit(spec(shared_sample, speed=SLOW))
    assert (e.state, f.state) == ("running", "queued")
    s.run(a)  # behind f, who was waiting first
    assert a.state == "queued" and s.queue_spot(f).ahead == 0
    spot = s.queue_spot(a)
    assert (spot.ahead, spot.training, spot.places, spot.own_run_training) == (1, 4, 4, False)
    s.stop(b, "done with b")
    assert f.state == "running" and a.state == "queued" and s.queue_spot(a).ahead == 0
    s.pause(c)
    assert a.state == "running"
    for job in (a, c, d, e, f):
        s.drop(job)


def test_one_visitor_cannot_hold_two_places(four_places, shared_sample):
    """A second run of the same tab waits behind its own first run, and lets other
    visitors' runs pass: it never takes a second place."""
    s = four_places
    first = s.submit(spec(shared_sample, speed=SLOW), owner="tab-1")
    second = s.submit(spec(shared_sample, speed=SLOW), owner="tab-1")
    other = s.submit(spec(shared_sample, speed=SLOW), owner="tab-2")
    assert (first.state, second.state, other.state) == ("running", "queued", "running")
    spot = s.queue_spot(second)
    assert spot.own_run_training and spot.training == 2
    s.pause(first)
    assert second.state == "running"
    s.run(first)
    assert first.state == "queued" and s.queue_spot(first).own_run_training
    assert s.load()["running"] == 2  # tab-1 still trains one run, tab-2 one


def test_commands_on_an_ended_run_answer_calmly(four_places, shared_sample):
    """The page may send a command for a run whose last news it has not read yet (a rate
    change as the run ends), or none at all: nothing raises, nothing changes."""
    s = four_places
    ended = s.submit(spec(shared_sample, dataclasses.replace(LONG, epochs=1)))
    wait_for(lambda: ended.state == GONE, what="the run to end")
    for job in (ended, None):
        assert s.set_lr(job, 0.1) is None
        s.pause(job)
        s.run(job)
        s.step(job)
        s.stop(job, "Stopped after {steps} steps.")
        s.set_speed(job, 5.0)
        s.touch(job)
        s.drop(job)
    assert len(news(ended, "done")) == 1 and s.load()["running"] == 0
    assert s.queue_spot(ended) is None and s.queue_spot(None) is None


def test_a_worker_sets_a_run_aside_and_builds_it_again(shared_sample, mnist_sample):
    """The worker hands back weights and position, forgets the rest (its memory goes back
    to the system), and the rebuilt run ends exactly where an uninterrupted one does."""
    results = queue.Queue()
    worker = Worker(conn=None, results=results)
    job_spec = spec(shared_sample, SHORT)
    with threadpool_limits(1):
        worker.handle(("add", job_spec))
        worker.handle(("run", job_spec.job_id))
        worker.jobs[job_spec.job_id].train_slice(None, 40)
        worker.handle(("park", job_spec.job_id))
        assert worker.jobs == {} and not worker.order and worker.freed
        kind, job_id, mark = results.queue[-1]
        assert (kind, job_id, mark["trainer"]["step_count"]) == ("parked", job_spec.job_id, 40)
        worker.handle(("add", dataclasses.replace(job_spec, resume=mark)))
        worker.handle(("run", job_spec.job_id))
        while worker.jobs:
            worker.turns()
    kinds = [message[0] for message in list(results.queue)]
    assert kinds.count("started") == 1  # the run's first weights stay those it started from
    done = next(data for kind, _, data in list(results.queue) if kind == "done")
    assert done["step"] == 125 and done["health"]["step"][0] == 1  # the health record goes on
    for ours, theirs in zip(done["weights"], plain_run(mnist_sample, SHORT), strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_a_run_paused_past_the_limit_is_set_aside_and_resumes(shared_sample, mnist_sample):
    """The scheduler's clock is moved by hand: at 599 s paused the run keeps its worker,
    at 600 s it is set aside; a Step or a Resume builds it again, and plain SGD loses
    nothing on the way (twice set aside, it ends where a lone Trainer ends)."""
    now = [1000.0]
    s = Scheduler(
        workers=1, max_active=1, idle_pause=10**6, paused_release=600, cores=1, clock=lambda: now[0]
    )
    try:
        job = s.submit(spec(shared_sample, SHORT, speed=SLOW))
        wait_for(lambda: last_step(job) > 0, what="training")
        s.pause(job)
        held = last_step(job)
        now[0] += 599
        s._chores()
        assert job.worker == 0 and not job.set_aside
        now[0] += 1
        wait_for(lambda: job.set_aside, what="the run to be set aside")
        assert job.worker is None and job.state == "paused"
        assert news(job, "released") == [{"step": held}]
        assert job.latest["weights"] is job.bookmark["weights"]  # one copy, not two
        s.step(job)  # one batch: back in a worker, no place needed
        assert last_step(job) == held + 1 and job.worker == 0 and not job.set_aside
        now[0] += 600
        wait_for(lambda: job.set_aside, what="the run to be set aside again")
        s.set_speed(job, None)  # kept while it is set aside: full speed from now on
        s.run(job)
        assert job.state == "running"
        wait_for(lambda: news(job, "done"), what="the run to finish")
        steps = np.concatenate([data["rows"][:, 0] for data in news(job)])  # (125,)
        np.testing.assert_array_equal(steps, np.arange(1, 126))  # curves go on, no gap
        assert len(news(job, "started")) == 1
        done = news(job, "done")[0]
        for ours, theirs in zip(done["weights"], plain_run(mnist_sample, SHORT), strict=True):
            np.testing.assert_array_equal(ours, theirs)
    finally:
        s.close()
