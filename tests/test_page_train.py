"""The Train page through Streamlit's AppTest: controls, live ticks, history, upload.

AppTest does not fire the live panel's timer, so each ``at.run()`` stands for one tick.
The bundled sample is forced (an empty NN_DATA_DIR) so the runs are small and the test
does not depend on where the full data lives.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import ui.limits
from nn_core.model import MLP
from ui import data as ui_data
from ui.state import K
from ui.train.widgets import units_key, widget_keys

BUTTONS = (
    K.TRAIN_START,
    K.TRAIN_PAUSE,
    K.TRAIN_RESUME,
    K.TRAIN_STEP,
    K.TRAIN_STOP,
    K.TRAIN_RESET,
)


@pytest.fixture
def at(tmp_path, monkeypatch):
    """The app on the Train page, on the bundled sample, with short ticks."""
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("NN_DATA_DIR", str(tmp_path / "empty"))
    monkeypatch.setenv("NN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(
        ui.limits, "LIMITS", dataclasses.replace(ui.limits.LIMITS, tick_seconds=0.1)
    )
    ui_data.get_dataset.clear()
    app = AppTest.from_file("../app.py", default_timeout=60)
    app.run()
    app.switch_page("app_pages/train.py").run()
    assert not app.exception
    yield app
    ui_data.get_dataset.clear()


def session(at):
    return at.session_state[K.TRAIN_SESSION]


def start_long_run(at):
    """A run of many steps on the sample, so that it outlives a few ticks."""
    at.slider(key=K.TRAIN_EPOCHS).set_value(30)
    at.button(key=K.TRAIN_START).click().run()
    return session(at)


def chart_spec(at, index: int) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def values(array) -> np.ndarray:
    """A Plotly array from a figure's JSON: a list, or base64 'bdata' with its dtype."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
    return np.asarray(array)


def test_every_control_is_reachable_by_key(at):
    at.slider(key=K.TRAIN_LAYERS).set_value(ui.limits.LIMITS.max_hidden_layers).run()
    keys = {getattr(w, "key", None) for w in _all_widgets(at)}
    missing = set(widget_keys(ui.limits.LIMITS)) | set(BUTTONS) | {K.TRAIN_UPLOAD}
    assert missing <= keys, missing - keys
    start_long_run(at)
    assert K.TRAIN_LIVE_LR in {getattr(w, "key", None) for w in _all_widgets(at)}
    at.button(key=K.TRAIN_STOP).click().run()
    keys = {getattr(w, "key", None) for w in _all_widgets(at)}
    assert {K.TRAIN_EXPORT_RUN, K.TRAIN_KEEP} <= keys
    assert {K.TRAIN_DOWNLOAD_CSV, K.TRAIN_DOWNLOAD_JSON, K.TRAIN_DOWNLOAD_MODEL} <= keys
    at.button(key=K.TRAIN_RESET).click().run()
    assert K.TRAIN_COMPARE in {getattr(w, "key", None) for w in _all_widgets(at)}
    for w in _all_widgets(at):
        if getattr(w, "key", None) in set(widget_keys(ui.limits.LIMITS)):
            assert w.help, f"{w.key} has no explanation"


def _all_widgets(at):
    kinds = (
        "button",
        "slider",
        "select_slider",
        "selectbox",
        "multiselect",
        "number_input",
        "toggle",
        "file_uploader",
        "download_button",
    )
    return [w for kind in kinds for w in getattr(at, kind)]


def test_preset_fills_the_controls_and_limits_are_explained(at):
    at.selectbox(key=K.TRAIN_PRESET).select("best").run()
    assert at.slider(key=K.TRAIN_LAYERS).value == 2
    assert at.select_slider(key=units_key(1)).value == 512
    assert at.select_slider(key=K.TRAIN_DROPOUT).value == 0.2
    assert at.select_slider(key=K.TRAIN_SHIFT).value == 2
    assert at.slider(key=K.TRAIN_EPOCHS).value == ui.limits.LIMITS.max_epochs
    assert any("epochs" in w.value for w in at.warning)  # 200 epochs asked: say why not
    at.selectbox(key=K.TRAIN_PRESET).select("original").run()
    assert at.selectbox(key=K.TRAIN_INIT).value == "naive"
    assert at.select_slider(key=K.TRAIN_BATCH).value == 1
    assert not any("epochs" in w.value for w in at.warning)


def test_start_pause_resume_step_stop_reset(at):
    s = start_long_run(at)
    assert s.running and s.step_count > 0
    first = s.step_count
    at.run()
    assert s.step_count > first  # one more tick, more steps
    at.button(key=K.TRAIN_PAUSE).click().run()
    paused = s.step_count
    at.run().run()
    assert s.state == "paused" and s.step_count == paused
    at.button(key=K.TRAIN_STEP).click().run()
    assert s.step_count == paused + 1 and s.state == "paused"
    at.button(key=K.TRAIN_RESUME).click().run()
    assert s.running and s.step_count > paused + 1, (s.state, s.run.message, s.step_count)
    assert at.session_state[K.MODEL_STATUS] == "training"
    at.button(key=K.TRAIN_STOP).click().run()
    assert s.state == "stopped"
    assert at.session_state[K.MODEL] is s.model
    assert at.session_state[K.MODEL_STATUS] == "trained"
    assert at.session_state[K.MODEL_ACCURACY] == s.run.test_accuracy
    assert any("Test accuracy" in m.value for m in at.success)
    assert at.get("page_link")
    at.button(key=K.TRAIN_RESET).click().run()
    assert at.session_state[K.TRAIN_SESSION] is None
    assert len(at.session_state[K.TRAIN_RUNS]) == 1  # the finished run stays in history
    assert not at.exception


def test_reset_discards_an_unfinished_run_and_restores_the_model(at):
    start_long_run(at)
    at.button(key=K.TRAIN_RESET).click().run()
    assert at.session_state[K.TRAIN_RUNS] == []
    assert at.session_state[K.MODEL] is None
    assert at.session_state[K.MODEL_STATUS] == "untrained"


def test_step_alone_starts_a_paused_run_of_one_step(at):
    at.button(key=K.TRAIN_STEP).click().run()
    s = session(at)
    assert s.step_count == 1 and s.state == "paused"
    at.button(key=K.TRAIN_STEP).click().run()
    assert s.step_count == 2


def test_charts_carry_the_run_and_the_lr_change(at):
    s = start_long_run(at)
    at.run()
    at.select_slider(key=K.TRAIN_LIVE_LR).set_value(0.01).run()
    assert s.lr == 0.01 and len(s.run.lr_changes) == 1
    at.button(key=K.TRAIN_PAUSE).click().run()
    loss, accuracy, lr = (chart_spec(at, i) for i in range(3))
    c = s.run.log.arrays()
    raw, smooth, held = loss["data"]
    assert smooth["name"] == s.run.name
    np.testing.assert_allclose(values(raw["y"]), c["loss"])
    np.testing.assert_allclose(values(raw["x"]), c["epoch"])
    assert len(values(held["y"])) == len(s.run.val_loss)
    assert loss["layout"]["shapes"][0]["x0"] == pytest.approx(s.run.lr_changes[0][1])
    np.testing.assert_allclose(values(lr["data"][0]["y"]), c["lr"])
    assert values(lr["data"][0]["y"])[-1] == pytest.approx(0.01 * _linear_left(s))
    assert len(accuracy["data"]) == 2


def _linear_left(s) -> float:
    """The fast preset's linear schedule factor at the last recorded step."""
    return 1.0 - (s.step_count - 1) / s.trainer.total_steps


def test_earlier_runs_can_be_overlaid(at):
    start_long_run(at)
    at.button(key=K.TRAIN_STOP).click().run()
    at.select_slider(key=K.TRAIN_LR).set_value(0.01)
    at.button(key=K.TRAIN_START).click().run()
    first = at.session_state[K.TRAIN_RUNS][0]
    at.multiselect(key=K.TRAIN_COMPARE).select(first.id).run()
    names = [t.get("name") for t in chart_spec(at, 0)["data"]]
    assert first.name in names and session(at).run.name in names


def test_switching_pages_keeps_the_run_the_model_and_the_settings(at):
    at.select_slider(key=K.TRAIN_SUBSET).set_value(2000)
    s = start_long_run(at)
    at.button(key=K.TRAIN_STOP).click().run()
    at.switch_page("app_pages/draw.py").run()
    at.switch_page("app_pages/train.py").run()
    assert not at.exception
    assert session(at) is s and at.session_state[K.MODEL] is s.model
    assert at.select_slider(key=K.TRAIN_SUBSET).value == 2000
    assert at.slider(key=K.TRAIN_EPOCHS).value == 30


def test_a_garbage_upload_shows_a_message_not_a_traceback(at):
    at.file_uploader(key=K.TRAIN_UPLOAD).set_value(("junk.npz", b"garbage", "application/zip"))
    at.run()
    assert not at.exception
    assert any("junk.npz" in e.value and "not a model file" in e.value for e in at.error)
    assert at.session_state[K.TRAIN_START_MODEL] is None


def test_an_uploaded_model_is_used_by_the_next_run(at):
    buf = io.BytesIO()
    MLP((784, 24, 10), seed=1).save(buf)
    at.file_uploader(key=K.TRAIN_UPLOAD).set_value(("mine.npz", buf.getvalue(), "application/zip"))
    at.run()
    assert any("mine.npz" in m.value for m in at.success)
    assert at.session_state[K.MODEL_STATUS] == "trained"
    at.button(key=K.TRAIN_START).click().run()
    s = session(at)
    assert s.run.started_from == "mine.npz" and s.model.config.sizes == (784, 24, 10)
    assert at.session_state[K.TRAIN_START_MODEL] is None


def test_a_run_that_blows_up_stops_and_says_why(at):
    at.selectbox(key=K.TRAIN_PRESET).select("original").run()  # N(0, 1) weights, plain SGD
    at.select_slider(key=K.TRAIN_LR).set_value(10.0)
    at.button(key=K.TRAIN_START).click().run()
    for _ in range(20):
        if not session(at).live:
            break
        at.run()
    assert session(at).state == "diverged"
    assert any("blew up" in e.value and "learning rate" in e.value for e in at.error)
    assert at.session_state[K.MODEL_STATUS] == "trained"  # the last good weights
    assert not at.exception
