"""The server-wide scheduler and its worker processes, without Streamlit.

Runs use the bundled sample, so each takes a fraction of a second. Waiting is always
"until this happens, with a generous deadline", never "sleep, then assert".
"""

from __future__ import annotations

import dataclasses
import os
import signal
import time

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from nn_core.model import MLP, ModelConfig
from nn_core.train import TrainConfig, Trainer
from server.job import GONE, JobSpec, new_job_id
from server.scheduler import Scheduler

LONG = TrainConfig(epochs=30, batch_size=64, optimizer="sgd", lr=0.05, seed=1)


def spec(shared, train=LONG, hidden=16, **extra) -> JobSpec:
    model = ModelConfig((784, hidden, 10), seed=train.seed)
    return JobSpec(new_job_id(), model.to_dict(), train.to_dict(), shared, **extra)


def wait_for(predicate, timeout=60.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def news(job, kind="progress"):
    return [data for k, data in list(job.inbox) if k == kind]


def last_step(job) -> int:
    steps = [d["step"] for d in news(job)]
    return max(steps) if steps else 0


@pytest.fixture
def one_worker():
    s = Scheduler(workers=1, max_active=2, idle_pause=600, cores=1)
    yield s
    s.close()


def test_queue_order_and_position(shared_sample):
    s = Scheduler(workers=1, max_active=1, idle_pause=600, cores=1)
    try:
        a, b, c = (s.submit(spec(shared_sample)) for _ in range(3))
        assert (a.state, b.state, c.state) == ("running", "queued", "queued")
        assert s.queue_spot(a) is None  # it trains: it waits for nothing
        assert (s.queue_spot(b).ahead, s.queue_spot(c).ahead) == (0, 1)  # runs ahead
        assert s.load()["queued"] == 2
        s.stop(a, "done with a")
        wait_for(lambda: b.state == "running", what="b to start")
        assert c.state == "queued" and s.queue_spot(c).ahead == 0
        s.stop(c, "cancelled")  # a queued run can be cancelled before it starts
        assert c.state == GONE and news(c, "cancelled")
    finally:
        s.close()


def test_two_runs_on_one_worker_take_turns(one_worker, shared_sample):
    a, b = one_worker.submit(spec(shared_sample)), one_worker.submit(spec(shared_sample))
    wait_for(lambda: last_step(a) > 50 and last_step(b) > 50, what="both runs to move")
    assert a.worker == b.worker == 0


def test_pause_step_lr_and_stop_between_slices(one_worker, shared_sample):
    constant = dataclasses.replace(LONG, schedule="constant")
    job = one_worker.submit(spec(shared_sample, constant))
    wait_for(lambda: last_step(job) > 5, what="training")
    one_worker.pause(job)
    paused = last_step(job)
    assert job.state == "paused"
    one_worker.step(job)  # exactly one more batch, reported before step() returns
    assert last_step(job) == paused + 1
    reply = one_worker.set_lr(job, 0.2)
    assert reply["step"] == paused + 1 and reply["lr_now"] == pytest.approx(0.2)
    one_worker.step(job)
    assert news(job)[-1]["rows"][-1, 4] == pytest.approx(0.2)  # the lr column
    one_worker.run(job)
    wait_for(lambda: last_step(job) > paused + 10, what="resume")
    one_worker.stop(job, "Stopped after {steps} steps.")
    done = news(job, "done")[0]
    assert done["status"] == "stopped" and done["step"] == last_step(job)
    assert done["message"] == f"Stopped after {done['step']} steps."
    assert 0 < done["test_accuracy"] <= 1 and len(done["weights"]) == 4


def test_runs_are_isolated_and_match_a_plain_trainer(shared_sample, mnist_sample):
    """Two runs at once never touch each other: each ends exactly where a lone Trainer
    with the same seed ends."""
    s = Scheduler(workers=2, idle_pause=600, cores=1)
    try:
        short = [dataclasses.replace(LONG, epochs=1, seed=seed) for seed in (3, 4)]
        jobs = [s.submit(spec(shared_sample, t)) for t in short]
        wait_for(lambda: all(news(j, "done") for j in jobs), what="both runs to finish")
        for job, train in zip(jobs, short, strict=True):
            model = MLP(config=ModelConfig((784, 16, 10), seed=train.seed))
            with threadpool_limits(1):  # as in the worker: BLAS's summation order is fixed
                Trainer(model, mnist_sample.X_train, mnist_sample.y_train, train).run()
            for ours, theirs in zip(
                news(job, "done")[0]["weights"], model.get_weights(), strict=True
            ):
                np.testing.assert_array_equal(ours, theirs)
    finally:
        s.close()


def test_idle_runs_are_paused(shared_sample):
    s = Scheduler(workers=1, idle_pause=0.5, cores=1)
    try:
        job = s.submit(
            spec(shared_sample, speed=5.0)
        )  # slow motion: it cannot end before the pause
        wait_for(lambda: job.state == "paused", what="the idle pause")
        assert job.pause_reason == "idle"
    finally:
        s.close()


def test_a_dropped_run_frees_its_place(one_worker, shared_sample):
    job = one_worker.submit(spec(shared_sample))
    wait_for(lambda: last_step(job) > 0, what="training")
    one_worker.drop(job)
    assert one_worker.load()["running"] == 0 and not job.inbox and job.latest == {}


def test_a_dead_worker_is_replaced_and_its_runs_told(shared_sample):
    s = Scheduler(workers=1, idle_pause=600, cores=1)
    try:
        job = s.submit(spec(shared_sample))
        wait_for(lambda: last_step(job) > 0, what="training")
        os.kill(s._workers.procs[0].pid, signal.SIGKILL)
        wait_for(lambda: news(job, "error"), what="the failure to be reported")
        again = s.submit(spec(shared_sample, dataclasses.replace(LONG, epochs=1)))
        wait_for(lambda: news(again, "done"), what="the new worker to train")
    finally:
        s.close()


def test_bad_settings_come_back_as_a_message(one_worker, shared_sample):
    broken = spec(shared_sample, hidden=16)
    broken = dataclasses.replace(
        broken, model_config={**broken.model_config, "sizes": [100, 16, 10]}
    )
    job = one_worker.submit(broken)
    wait_for(lambda: news(job, "error"), what="the error")
    assert "784" in news(job, "error")[0] or "input" in news(job, "error")[0].lower()


def test_a_finished_run_is_forgotten_by_its_worker_and_the_scheduler(shared_sample):
    """Its model and curves now live in the visitor's session: keeping a second copy in a
    worker would cost every class a few megabytes per run."""
    import queue

    from server.worker import Worker

    results = queue.Queue()
    worker = Worker(conn=None, results=results)
    job_spec = spec(shared_sample, dataclasses.replace(LONG, epochs=1))
    worker.handle(("add", job_spec))
    worker.handle(("run", job_spec.job_id))
    while worker.jobs:
        worker.turns()
    kinds = [message[0] for message in list(results.queue)]
    assert kinds[0] == "started" and kinds[-1] == "done" and not worker.order

    s = Scheduler(workers=1, idle_pause=600, cores=1)
    try:
        job = s.submit(spec(shared_sample, dataclasses.replace(LONG, epochs=1)))
        wait_for(lambda: news(job, "done"), what="the run to finish")
        assert job.id not in s._jobs and s.load()["running"] == 0
    finally:
        s.close()


class Commands:
    """A worker's end of the pipe, fed from a list: once it is empty, nothing more comes
    until the worker has given memory back (or ten thousand turns went by), then "quit"."""

    def __init__(self, commands, given):
        self.commands, self.given, self.polls = list(commands), given, 0

    def poll(self, timeout=None):
        self.polls += 1
        return bool(self.commands) or bool(self.given) or self.polls > 10_000

    def recv(self):
        return self.commands.pop(0) if self.commands else ("quit",)


def test_a_worker_gives_a_runs_memory_back_before_anything_else(shared_sample, monkeypatch):
    """glibc keeps what a run freed for the next run (``server.heap``), and a worker may wait
    hours for one: it hands the memory back as soon as a run has gone, dropped (before
    it answers the next command) or finished (once its last news has gone out)."""
    import queue

    from server import worker

    for commands, last in (
        (lambda job: [("add", job), ("drop", job.job_id), ("pause", job.job_id, 7)], "reply"),
        (lambda job: [("add", job), ("run", job.job_id)], "done"),
    ):
        results, given = queue.Queue(), []
        monkeypatch.setattr(worker, "give_back", lambda r=results, g=given: g.append(r.qsize()))
        job = spec(shared_sample, dataclasses.replace(LONG, epochs=1))
        worker.Worker(Commands(commands(job), given), results).loop()
        kinds = [message[0] for message in list(results.queue)]
        assert kinds[-1] == last and given == [kinds.index(last) + (last == "done")]


def test_a_speed_change_paces_the_run_from_now_on(shared_sample, monkeypatch):
    """Leaving slow motion mid-run lifts the pace at once; entering it counts from the
    moment of the change (no burst of the steps "owed" since the run started)."""
    import queue

    from server import worker_job
    from server.worker import Worker

    now = [100.0]
    monkeypatch.setattr(worker_job.time, "perf_counter", lambda: now[0])
    worker = Worker(conn=None, results=queue.Queue())
    job_spec = spec(shared_sample, speed=20.0)
    worker.handle(("add", job_spec))
    worker.handle(("run", job_spec.job_id))
    job = worker.jobs[job_spec.job_id]
    assert job.allowed_steps() == 1
    worker.handle(("speed", job_spec.job_id, None))
    assert job.allowed_steps() is None and job.running  # full speed, still training
    now[0] += 60.0
    worker.handle(("speed", job_spec.job_id, 20.0))
    assert job.allowed_steps() == 1  # one step now, not the 1,200 of a minute
    now[0] += 0.5
    assert job.allowed_steps() == 11


def test_every_training_run_has_a_process_of_its_own(shared_sample):
    """Three runs on a two-core default pool: three processes, not two runs taking turns
    in one (which trained one run twice as fast as the others). The first processes
    start with the pool, the rest when a run first needs them."""
    s = Scheduler(max_active=3, idle_pause=600, cores=1)
    try:
        assert (s.n_workers, s._workers.started) == (3, 1)
        jobs = [s.submit(spec(shared_sample, speed=50.0), owner=f"tab{k}") for k in range(3)]
        wait_for(lambda: all(news(j) for j in jobs), what="three runs training")
        assert sorted(j.worker for j in jobs) == [0, 1, 2]
        assert s._workers.started == 3
        pids = {s._workers.procs[j.worker].pid for j in jobs}
        assert len(pids) == 3 and os.getpid() not in pids
    finally:
        s.close()


def test_a_pool_smaller_than_its_places_shares_workers(shared_sample):
    """``NN_WORKERS`` set by hand below the places: runs take turns in a worker, as before."""
    s = Scheduler(workers=1, max_active=2, idle_pause=600, cores=1)
    try:
        jobs = [s.submit(spec(shared_sample, speed=50.0), owner=f"tab{k}") for k in range(2)]
        wait_for(lambda: all(news(j) for j in jobs), what="two runs training")
        assert [j.worker for j in jobs] == [0, 0] and s._workers.started == 1
    finally:
        s.close()
