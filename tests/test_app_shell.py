"""The app shell: app.py runs, the sidebar tells where the data came from, and a missing
data set (offline laptop, no Fashion-MNIST) degrades to the bundled sample, never a crash."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from nn_core.errors import DataUnavailableError
from nn_core.model import MLP
from ui import data as ui_data
from ui.sidebar import model_lines
from ui.state import K

APP = str(Path(__file__).resolve().parents[1] / "app.py")
REAL_DATA = os.environ.get("NN_DATA_DIR")
needs_real_data = pytest.mark.skipif(
    not (REAL_DATA and (Path(REAL_DATA) / "mnist").is_dir()),
    reason="set NN_DATA_DIR to a folder holding mnist/ and fashion-mnist/ (e.g. /work/shared)",
)


@pytest.fixture(autouse=True)
def fresh_data():
    """get_dataset is cached per process: forget it around tests that change env vars."""
    ui_data.get_dataset.clear()
    yield
    ui_data.get_dataset.clear()


@pytest.fixture()
def no_data(monkeypatch, tmp_path):
    """A laptop with no data folder and an empty cache: only the bundled sample is left."""
    (tmp_path / "data").mkdir()
    monkeypatch.setenv("NN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NN_CACHE_DIR", str(tmp_path / "cache"))


def run_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def sidebar_text(at: AppTest) -> str:
    parts = [m.value for m in at.sidebar.markdown] + [w.value for w in at.sidebar.warning]
    return "\n".join(parts + [e.value for e in at.sidebar.error])


def test_app_runs_with_sidebar_and_learn_page(no_data):
    at = run_app()
    assert at.title[0].value.startswith("How a neural network")
    assert at.radio(key=K.DATASET).value == "mnist"
    assert "Source:" in sidebar_text(at)
    assert "not trained yet" in sidebar_text(at)


def test_bundled_sample_fallback(no_data):
    at = run_app()
    text = sidebar_text(at)
    assert "bundled sample" in text and "8,000 train" in text
    assert "small sample of MNIST" in text
    assert at.button(key=K.DOWNLOAD_BUTTON).label == "Download full MNIST"
    assert "NN_DATA_DIR" in " ".join(m.value for m in at.sidebar.expander[0].markdown)
    at.switch_page("app_pages/data.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Explore the data: MNIST"


def test_fashion_mnist_missing_falls_back_to_mnist(no_data):
    at = run_app()
    at.radio(key=K.DATASET).set_value("fashion-mnist").run()
    assert not at.exception, at.exception
    text = sidebar_text(at)
    assert "Fashion-MNIST is not available" in text and "shows MNIST" in text
    assert at.button(key=K.DOWNLOAD_BUTTON).label == "Download full Fashion-MNIST"
    at.switch_page("app_pages/data.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Explore the data: MNIST"
    assert "Fashion-MNIST is not available" in at.info[0].value


def test_failed_download_keeps_the_app_working(no_data, monkeypatch):
    calls = []

    def offline(name, progress):
        calls.append(name)
        progress(0.1, "connecting")
        raise DataUnavailableError(
            "Could not load the MNIST data set. What was tried:\n"
            "  - mirror https://example.org/ unreachable (network is unreachable)\n"
            "  - download failed: all 1 mirrors unreachable"
        )

    monkeypatch.setattr(ui_data, "download_dataset", offline)
    at = run_app()
    at.button(key=K.DOWNLOAD_BUTTON).click().run()
    assert not at.exception, at.exception
    assert calls == ["mnist"]
    error = at.sidebar.error[0].value
    assert "Could not download MNIST (download failed: all 1 mirrors unreachable)" in error
    assert "network is unreachable" in at.sidebar.expander[-1].text[0].value  # the details
    assert "bundled sample" in sidebar_text(at)  # still working on the sample
    at.radio(key=K.DATASET).set_value("fashion-mnist").run()
    assert not at.sidebar.error  # that error was about MNIST


@needs_real_data
def test_successful_download_switches_source(no_data, monkeypatch):
    def fake_download(name, progress):
        monkeypatch.setenv("NN_DATA_DIR", REAL_DATA)  # "the files have arrived"
        progress(1.0, "done")
        ui_data.get_dataset.clear()

    monkeypatch.setattr(ui_data, "download_dataset", fake_download)
    at = run_app()
    at.button(key=K.DOWNLOAD_BUTTON).click().run()
    assert not at.exception, at.exception
    assert "60,000 train" in sidebar_text(at) and not at.sidebar.warning


@needs_real_data
def test_real_data_comes_from_the_folder(monkeypatch):
    monkeypatch.setenv("NN_DATA_DIR", REAL_DATA)
    at = run_app()
    text = sidebar_text(at)
    assert "data folder" in text and "60,000 train / 10,000 test" in text
    assert str(Path(REAL_DATA) / "mnist") in at.sidebar.caption[0].value
    assert not at.sidebar.warning
    at.radio(key=K.DATASET).set_value("fashion-mnist").run()
    assert not at.exception, at.exception
    assert "**Fashion-MNIST** · 60,000 train" in sidebar_text(at)


@needs_real_data
def test_model_trained_on_the_other_data_set(monkeypatch):
    monkeypatch.setenv("NN_DATA_DIR", REAL_DATA)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[K.MODEL] = MLP((784, 32, 10))
    at.session_state[K.MODEL_STATUS] = "trained"
    at.session_state[K.MODEL_ACCURACY] = 0.9731
    at.session_state[K.MODEL_DATASET] = "mnist"
    at.run()
    assert not at.exception, at.exception
    assert "97.3%" in sidebar_text(at) and "784 -> 32 relu -> 10" in sidebar_text(at)
    at.radio(key=K.DATASET).set_value("fashion-mnist").run()
    assert not at.exception, at.exception
    assert "Trained on **MNIST**, not Fashion-MNIST" in sidebar_text(at)
    at.switch_page("app_pages/data.py").run()
    assert not at.exception, at.exception


def test_model_lines():
    assert "not trained yet" in model_lines(None, "untrained", None, None, "mnist")[0]
    model = MLP((784, 16, 10))
    lines = model_lines(model, "training", None, "mnist", "mnist")
    assert lines[0] == "**Your model:** training..." and "784 -> 16 relu -> 10" in lines[1]
    lines = model_lines(model, "trained", 0.5, "fashion-mnist", "mnist")
    assert "Test accuracy: **50.0%**" in lines and "Trained on **Fashion-MNIST**" in lines[-1]
