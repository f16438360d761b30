"""One owner for every value on the Train page (issue 23), through Streamlit's AppTest.

The server never writes a control the person sees on a redraw: what the program knows
(the learning rate in force) is a read-out, and a control only sends requests. Each test
here replays what a browser can send: a rerun carrying the values it held before the
server's last redraw (``stale``), or a button pressed on a page drawn before a run ended.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import server.limits
from tests.support.apptest import open_page
from tests.ui.train.test_page import (
    _all_widgets,
    chart_spec,
    finish_short_run,
    start_long_run,
    values,
    ws,
)
from ui.train import keys
from ui.train.settings import units_key


@pytest.fixture
def at(bundled_sample_only):
    return open_page("train")


def test_the_live_rate_is_read_out_and_changes_only_when_set(at):
    run = start_long_run(at)
    at.button(key=keys.PAUSE).click().run()
    assert _rate_in_force(at) == pytest.approx(0.1, rel=0.02)  # fast: lr 0.1, barely decayed
    picker = at.select_slider(key=keys.live_lr(run.id))
    assert picker.value == 0.1
    picker.set_value(0.01).run()
    assert not run.lr_changes  # picking is not asking
    at.button(key=keys.set_lr(run.id)).click().run()
    assert run.lr_now == pytest.approx(0.01, rel=1e-3) and len(run.lr_changes) == 1
    assert _rate_in_force(at) == pytest.approx(0.01, rel=1e-3)
    assert at.select_slider(key=keys.live_lr(run.id)).value == 0.01  # the person's pick
    at.button(key=keys.STEP).click().run()
    loss, _, lr = (chart_spec(at, i) for i in range(3))
    c = run.log.arrays()
    np.testing.assert_allclose(values(loss["data"][0]["y"]), c["loss"])
    assert loss["layout"]["shapes"][0]["x0"] == pytest.approx(run.lr_changes[0][1])
    assert values(lr["data"][0]["y"])[-1] == pytest.approx(0.01, rel=1e-3)
    at.button(key=keys.STOP).click().run()


def test_a_rerun_carrying_an_old_rate_does_not_change_the_run(at):
    """Issue 23: the browser still held the rate it was last shown when the server wrote
    the one in force; its next rerun carried the old one and set it on the run."""
    run = start_long_run(at)
    at.button(key=keys.PAUSE).click().run()
    stale = at._tree.get_widget_states()  # what the browser holds now: 0.1 on the picker
    ws(at).set_lr(0.01)  # the rate in force moves without the picker (here: by hand)
    at.run()
    assert _rate_in_force(at) == pytest.approx(0.01, rel=1e-3) and len(run.lr_changes) == 1
    at._run(stale)  # a rerun the browser sends with the values it had before
    assert len(run.lr_changes) == 1 and run.lr_now == pytest.approx(0.01, rel=1e-3)
    assert not any("changed to 0.1 " in c.value for c in at.caption)
    at.button(key=keys.STOP).click().run()


def test_set_on_a_run_that_has_just_ended_answers_calmly(at):
    run = start_long_run(at)
    at.button(key=keys.PAUSE).click().run()
    set_button = at.button(key=keys.set_lr(run.id))
    ws(at).stop()  # it ends (another tab of the same visitor, the time limit...)
    set_button.click().run()  # the Set pressed on the page drawn before
    assert not at.exception and not run.lr_changes and run.status == "stopped"


def test_a_speed_change_applies_to_the_running_run(at):
    run = start_long_run(at)
    job = ws(at)._job
    assert job.spec.speed == server.limits.LIMITS.slow_motion
    at.segmented_control(key=keys.SPEED).set_value("full").run()
    assert job.spec.speed is None and run.live  # the worker was told too (tests/server)
    at.segmented_control(key=keys.SPEED).set_value("slow").run()
    assert job.spec.speed == server.limits.LIMITS.slow_motion
    at.button(key=keys.STOP).click().run()


def _rate_in_force(at) -> float:
    return float(next(m.value for m in at.metric if m.label == "Rate in force"))


def test_a_rerun_carrying_an_old_keep_switch_changes_no_run(at):
    """The Keep weights switch used to be written from the run shown at every redraw; a
    rerun carrying the switch's old value then marked the newest run kept by itself."""
    first = finish_short_run(at)
    at.toggle(key=keys.keep(first.id)).set_value(True).run()
    assert first.keep
    stale = at._tree.get_widget_states()  # the browser still shows "kept" on the switch
    second = finish_short_run(at)  # the export row now shows the newest run, not kept
    at._run(stale)
    assert first.keep and not second.keep and not at.exception


def test_a_refused_keep_sets_its_switch_back(at, monkeypatch):
    """Refused (too many kept), the switch goes back off in the click's own callback."""
    monkeypatch.setattr(server.limits, "LIMITS", replace(server.limits.LIMITS, max_kept_models=1))
    first = finish_short_run(at)
    at.toggle(key=keys.keep(first.id)).set_value(True).run()
    second = finish_short_run(at)
    at.toggle(key=keys.keep(second.id)).set_value(True).run()
    assert at.toggle(key=keys.keep(second.id)).value is False and not second.keep
    assert any("At most 1 runs can keep" in w.value for w in at.warning)


def test_a_redraw_of_the_train_page_writes_no_control_on_screen(at):
    """A control's value belongs to the person using it: after the first drawing, the
    server sends no value of its own for any of them (``set_value``), so a click crossing
    a redraw is never undone in the browser (and never comes back as a change)."""
    at.slider(key=keys.EPOCHS).set_value(7).run()
    at.run()  # an ordinary redraw (the timer, another control)
    written = [w.key for w in _all_widgets(at) if getattr(w.proto, "set_value", False)]
    assert written == []
    assert at.slider(key=keys.EPOCHS).value == 7


def test_a_hidden_layer_keeps_its_size_while_the_network_is_shallower(at):
    at.slider(key=keys.LAYERS).set_value(2).run()
    at.select_slider(key=units_key(1)).set_value(64).run()
    at.slider(key=keys.LAYERS).set_value(1).run()
    at.run()
    at.slider(key=keys.LAYERS).set_value(2).run()
    assert at.select_slider(key=units_key(1)).value == 64
