"""A run that waits for a place, as its owner sees it on the Train page (issue 23).

The page's workspace is pointed at a small pool of its own, whose places other tabs'
runs (slow motion: they outlive the test) fill first.
"""

from __future__ import annotations

import pytest

from server.scheduler import Scheduler
from tests.support.apptest import open_page
from tests.ui.train.test_page import chart_spec, ws
from tests.ui.workspace.test_workspace import plan
from ui.train import keys
from ui.workspace.workspace import TrainWorkspace


@pytest.fixture
def pool():
    s = Scheduler(workers=1, max_active=2, idle_pause=600, cores=1)
    yield s
    s.close()


def test_a_queued_run_says_how_many_runs_it_waits_on_and_its_charts_are_sane(
    bundled_sample_only, pool, mnist_sample, shared_sample
):
    others = [TrainWorkspace(lambda: pool) for _ in range(2)]
    for other in others:
        other.start(plan(mnist_sample, shared_sample, speed=1.0))  # a step a second
    at = open_page("train")
    ws(at)._scheduler = lambda: pool
    at.button(key=keys.START).click().run()
    assert ws(at).shown_run().status == "queued"
    line = at.get("progress")[0].proto.text
    assert line == (
        "Waiting for a free place on the server: all 2 places are taken by runs training "
        "now. Your run starts when one of the 2 running finishes or is paused."
    )
    accuracy = chart_spec(at, 1)["layout"]
    assert accuracy["yaxis"]["range"] == [0.0, 1.005] and accuracy["xaxis"]["range"] == [0, 1]
    others[0].stop()
    at.run()
    assert ws(at).shown_run().status in ("running", "finished")  # the place came to it
    at.button(key=keys.STOP).click().run()
    others[1].stop()
    assert not at.exception
