"""The app shell: app.py runs, the sidebar tells where the data came from, and a missing
data set (offline laptop, no Fashion-MNIST) degrades to the bundled sample, never a crash."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import tomllib
from streamlit.testing.v1 import AppTest

from nn_core.errors import DataUnavailableError
from nn_core.model import MLP
from tests.support.apptest import ROOT, open_app, open_page
from ui import shared as ui_shared
from ui.active import redact, show_paths
from ui.sidebar import model_lines
from ui.state import K
from ui.workspace.workspace import TrainWorkspace

REAL_DATA = os.environ.get("NN_DATA_DIR")
needs_real_data = pytest.mark.skipif(
    not (REAL_DATA and (Path(REAL_DATA) / "mnist").is_dir()),
    reason="set NN_DATA_DIR to a folder holding mnist/ and fashion-mnist/ (e.g. /work/shared)",
)


@pytest.fixture(autouse=True)
def fresh_data():
    """get_dataset is cached per process: forget it around tests that change env vars."""
    ui_shared.get_dataset.clear()
    yield
    ui_shared.get_dataset.clear()


def sidebar_alone() -> None:
    """The shared sidebar without any page: what a visitor sees beside every page."""
    from ui.sidebar import render_sidebar

    render_sidebar()


def run_sidebar() -> AppTest:
    at = AppTest.from_function(sidebar_alone, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def sidebar_text(at: AppTest) -> str:
    parts = [m.value for m in at.sidebar.markdown] + [w.value for w in at.sidebar.warning]
    return "\n".join(parts + [e.value for e in at.sidebar.error])


def test_app_runs_with_sidebar_and_learn_page(bundled_sample_only):
    at = open_page()
    assert at.title[0].value.startswith("How a neural network")
    assert at.radio(key=K.DATASET).value == "mnist"
    assert "Source:" in sidebar_text(at)
    assert "not trained yet" in sidebar_text(at)


def test_bundled_sample_fallback(bundled_sample_only):
    at = open_page()
    text = sidebar_text(at)
    assert "bundled sample" in text and "8,000 train" in text
    assert "small sample of MNIST" in text
    assert at.button(key=K.DOWNLOAD_BUTTON).label == "Download full MNIST"
    how = next(e for e in at.sidebar.expander if e.label == "How to get the full data")
    assert "NN_DATA_DIR" in " ".join(m.value for m in how.markdown)
    at.switch_page("app_pages/data.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Explore the data: MNIST"


def test_an_unusable_nn_data_dir_is_a_visible_warning_with_the_reason(
    bundled_sample_only, tmp_path
):
    at = run_sidebar()
    warnings = [w.value for w in at.sidebar.warning]
    reason = next(w for w in warnings if "NN_DATA_DIR" in w)
    assert "could not be used" in reason and "no MNIST files" in reason
    assert str(tmp_path / "data") in reason  # run locally: the path helps the teacher
    assert "the small bundled sample instead" in reason


def test_a_hosted_app_shows_the_source_but_no_server_path(
    bundled_sample_only, tmp_path, monkeypatch
):
    monkeypatch.setenv("NN_HOSTED", "1")
    at = run_sidebar()
    text = sidebar_text(at) + "\n".join(c.value for c in at.sidebar.caption)
    assert "bundled sample" in text and "8,000 train" in text
    assert "Where the data is" not in [e.label for e in at.sidebar.expander]
    assert str(tmp_path) not in text and "/nn_core/" not in text
    assert "could not be used (folder: no MNIST files in the data folder (NN_DATA_DIR)" in text
    monkeypatch.setenv("NN_SHOW_PATHS", "1")  # the teacher's own override wins
    at = run_sidebar()
    assert "Where the data is" in [e.label for e in at.sidebar.expander]


@pytest.mark.parametrize(
    ("env", "shown"),
    [
        ({}, True),
        ({"NN_HOSTED": "1"}, False),
        ({"NN_HOSTED": "0"}, True),
        ({"NN_HOSTED": "1", "NN_SHOW_PATHS": "yes"}, True),
        ({"NN_SHOW_PATHS": "0"}, False),
        ({"NN_SHOW_PATHS": "False"}, False),
        ({"NN_SHOW_PATHS": "maybe", "NN_HOSTED": "1"}, False),
    ],
)
def test_show_paths(env, shown):
    assert show_paths(env) is shown


def test_redact_replaces_this_computers_folders_only_when_hosted():
    env = {"NN_HOSTED": "1", "NN_DATA_DIR": "/srv/class/data"}
    message = "/srv/class/data/mnist/train-images-idx3-ubyte.gz: truncated"
    assert (
        redact(message, env)
        == "the data folder (NN_DATA_DIR)/mnist/train-images-idx3-ubyte.gz: truncated"
    )
    assert redact(message, {"NN_DATA_DIR": "/srv/class/data"}) == message
    assert (
        redact("https://example.org/mnist/ unreachable", env)
        == "https://example.org/mnist/ unreachable"
    )


@pytest.mark.parametrize(
    ("given", "spelled"),
    [
        ("/srv/class/data/", "/srv/class/data"),
        ("classdata", "{cwd}/classdata"),
        ("~/classdata", "{home}/classdata"),
        ("~/classdata", "~/classdata"),
        ("{cwd}/link", "{cwd}/real"),
    ],
    ids=["trailing slash", "relative", "tilde expanded", "tilde as given", "symlink"],
)
def test_redact_replaces_every_spelling_of_the_data_folder(tmp_path, monkeypatch, given, spelled):
    """NN_DATA_DIR as typed is rarely how a message spells it; every spelling is hidden."""
    (tmp_path / "home").mkdir()
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    where = {"cwd": str(tmp_path.resolve()), "home": str(tmp_path / "home")}
    env = {"NN_HOSTED": "1", "NN_DATA_DIR": given.format(**where)}
    folder = spelled.format(**where)
    message = f"folder {folder} (from NN_DATA_DIR): {folder}/mnist/t10k.gz is truncated"
    assert redact(message, env) == (
        "folder the data folder (NN_DATA_DIR) (from NN_DATA_DIR): "
        "the data folder (NN_DATA_DIR)/mnist/t10k.gz is truncated"
    )


def test_redact_leaves_our_words_alone_when_the_data_folder_is_a_bare_name():
    """NN_DATA_DIR=data must not turn "the data folder" into nonsense."""
    message = "the data folder given as data_dir= does not exist"
    assert redact(message, {"NN_HOSTED": "1", "NN_DATA_DIR": "data"}) == message


def test_fashion_mnist_missing_falls_back_to_mnist(bundled_sample_only):
    at = open_page()
    at.radio(key=K.DATASET).set_value("fashion-mnist").run()
    assert not at.exception, at.exception
    text = sidebar_text(at)
    assert "Fashion-MNIST is not available" in text and "shows MNIST" in text
    assert at.button(key=K.DOWNLOAD_BUTTON).label == "Download full Fashion-MNIST"
    at.switch_page("app_pages/data.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Explore the data: MNIST"
    assert "Fashion-MNIST is not available" in at.info[0].value


def test_failed_download_keeps_the_app_working(bundled_sample_only, monkeypatch):
    calls = []

    def offline(name, progress):
        calls.append(name)
        progress(0.1, "connecting")
        raise DataUnavailableError(
            "Could not load the MNIST data set. What was tried:\n"
            "  - mirror https://example.org/ unreachable (network is unreachable)\n"
            "  - download failed: all 1 mirrors unreachable"
        )

    monkeypatch.setattr(ui_shared, "download_dataset", offline)
    at = open_page()
    at.button(key=K.DOWNLOAD_BUTTON).click().run()
    assert not at.exception, at.exception
    assert calls == ["mnist"]
    error = at.sidebar.error[0].value
    assert "Could not download MNIST (download failed: all 1 mirrors unreachable)" in error
    tried = next(box for box in at.sidebar.expander if box.label == "What was tried")
    assert "network is unreachable" in tried.text[0].value  # the details
    assert "bundled sample" in sidebar_text(at)  # still working on the sample
    at.radio(key=K.DATASET).set_value("fashion-mnist").run()
    assert not at.sidebar.error  # that error was about MNIST


@needs_real_data
def test_successful_download_switches_source(bundled_sample_only, monkeypatch):
    def fake_download(name, progress):
        monkeypatch.setenv("NN_DATA_DIR", REAL_DATA)  # "the files have arrived"
        progress(1.0, "done")
        ui_shared.get_dataset.clear()

    monkeypatch.setattr(ui_shared, "download_dataset", fake_download)
    at = open_page()
    at.button(key=K.DOWNLOAD_BUTTON).click().run()
    assert not at.exception, at.exception
    assert "60,000 train" in sidebar_text(at) and not at.sidebar.warning


@needs_real_data
def test_real_data_comes_from_the_folder(monkeypatch):
    monkeypatch.setenv("NN_DATA_DIR", REAL_DATA)
    at = open_page()
    text = sidebar_text(at)
    assert "data folder" in text and "60,000 train / 10,000 test" in text
    where = next(e for e in at.sidebar.expander if e.label == "Where the data is")
    assert str(Path(REAL_DATA) / "mnist") in where.caption[0].value
    assert not at.sidebar.warning
    at.radio(key=K.DATASET).set_value("fashion-mnist").run()
    assert not at.exception, at.exception
    assert "**Fashion-MNIST** · 60,000 train" in sidebar_text(at)


@needs_real_data
def test_model_trained_on_the_other_data_set(monkeypatch):
    monkeypatch.setenv("NN_DATA_DIR", REAL_DATA)
    workspace = TrainWorkspace(ui_shared.get_scheduler)
    workspace.adopt(MLP((784, 32, 10)), "mine", "mnist", 0.9731)
    at = open_app({K.WORKSPACE: workspace})
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


def test_the_streamlit_config_keeps_hosting_safe_and_explains_every_setting():
    path = ROOT / ".streamlit" / "config.toml"
    config = tomllib.loads(path.read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"  # no tracebacks for visitors
    assert config["client"]["toolbarMode"] == "viewer"
    assert config["runner"]["fastReruns"] is True
    assert config["server"]["maxUploadSize"] <= 20
    assert config["server"]["fileWatcherType"] == "none"  # no walk of every module per run
    section, previous = "", ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            section = line
        elif "=" in line and not line.startswith("#") and not section.startswith("[theme"):
            assert previous.startswith("#"), f"{section} {line!r} has no comment saying why"
        previous = line if line.strip() else previous
