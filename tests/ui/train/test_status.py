"""What the Train page says about a waiting or paused run: numbers that are true.

The queue message used to read "0 runs are ahead of yours" while four paused runs held
every place for good. Only runs training hold places now, and the message counts them.
"""

from __future__ import annotations

import pytest

from nn_core.status import RunStatus
from server.job import QueueSpot
from tests.support.runs import make_run
from ui.train.status import minutes, queue_line, seconds_left, set_aside_line, status_line

PREFIX = "Waiting for a free place on the server: "


def test_the_queue_message_counts_runs_training_and_runs_ahead():
    assert queue_line(QueueSpot(ahead=2, training=4, places=4)) == (
        f"{PREFIX}all 4 places are taken by runs training now, and 2 runs are waiting "
        "ahead of yours. Yours starts once 3 places have come free (a run finishes or is "
        "paused)."
    )
    assert queue_line(QueueSpot(ahead=1, training=4, places=4)).count("1 run is waiting") == 1
    assert queue_line(QueueSpot(ahead=0, training=1, places=1)).endswith(
        "the one place is taken by a run training now. Your run starts when that run "
        "finishes or is paused."
    )


def test_the_next_in_line_is_told_how_many_runs_it_waits_on():
    """Issue 23: "your run starts when one of the 4 running finishes", with the number."""
    assert queue_line(QueueSpot(ahead=0, training=4, places=4)) == (
        f"{PREFIX}all 4 places are taken by runs training now. Your run starts when one "
        "of the 4 running finishes or is paused."
    )
    assert "one of the 12 running finishes" in queue_line(QueueSpot(0, 12, 12))


def test_the_queue_message_never_promises_what_will_not_come():
    """No "0 runs are ahead" for a run that waits: it says what it waits for."""
    spots = [QueueSpot(a, t, 4, own) for a in (0, 1, 5) for t in (0, 3, 4) for own in (0, 1)]
    for spot in spots:
        line = queue_line(spot)
        assert "0 runs" not in line and line.endswith(".")
    assert queue_line(QueueSpot(0, 1, 4, own_run_training=True)) == (
        "Waiting for your other run: each visitor trains one run at a time, so this one "
        "starts when that one is paused or ends."
    )
    assert "one is coming free" in queue_line(QueueSpot(0, 3, 4))  # a place is being handed on
    assert "one is coming free" in queue_line(None)  # it started while the page asked


def test_the_status_line_of_a_queued_run_is_the_queue_message():
    fresh = make_run(steps=0, status=RunStatus.QUEUED)
    spot = QueueSpot(ahead=2, training=4, places=4)
    assert status_line(fresh, spot) == queue_line(spot)
    resumed = make_run(steps=300, status=RunStatus.QUEUED, total_steps=1000)
    line = status_line(resumed, spot)
    assert line.startswith("Epoch 1 of 2 · step 300 of 1,000 · ") and line.endswith(
        queue_line(spot)
    )


def test_a_set_aside_run_says_what_it_keeps_and_what_it_lost():
    momentum = make_run(steps=300, status=RunStatus.PAUSED, total_steps=1000, set_aside=True)
    assert status_line(momentum).endswith("· paused, set aside")
    assert "running averages starting again from zero" in set_aside_line(momentum)
    sgd = make_run(optimizer="sgd", status=RunStatus.PAUSED, set_aside=True)
    assert set_aside_line(sgd).endswith("plain SGD loses nothing by it.")
    paused = make_run(steps=300, status=RunStatus.PAUSED, total_steps=1000)
    assert status_line(paused).endswith("· paused")  # the word the browser test waits for


def test_limits_read_as_a_teacher_says_them():
    assert (minutes(600), minutes(60), minutes(90)) == ("10 minutes", "1 minute", "90 s")


def test_time_left_comes_from_the_pace_in_the_runs_current_speed():
    """Issue 23: slow motion said "about 100 s left" for minutes. The cap counts seconds
    of training, a sliver of the wall clock in slow motion: it is turned into steps."""
    slow = make_run(steps=400, total_steps=300_000, status=RunStatus.RUNNING)
    slow.train_config["max_seconds"] = 120.0
    slow.train_seconds, slow.steps_per_second = 4.0, 20.0  # 10 ms of training per step
    # 11,600 more steps fit in the cap; at 20 steps/s that is 580 s, not 116 s
    assert seconds_left(slow) == pytest.approx(580.0)
    slow.steps_per_second = 400.0  # switched to full speed: the new pace, the new estimate
    assert seconds_left(slow) == pytest.approx(29.0)
    short = make_run(steps=400, total_steps=1000, status=RunStatus.RUNNING)
    short.train_config["max_seconds"] = 120.0
    short.train_seconds, short.steps_per_second = 4.0, 20.0
    assert seconds_left(short) == pytest.approx(30.0)  # the steps end it, not the cap
    short.steps_per_second = 0.0  # not measured yet (just started, or just changed speed)
    assert seconds_left(short) is None
