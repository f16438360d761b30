"""The command-line trainer: ``python -m nn_core.train`` (or ``python -m nn_core``), its
flags, presets and output.

What it refuses, and where it saves a model it cannot save where asked, is in
test_cli_errors.py; both run offline (``offline_env``, in conftest.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
import sys

import numpy as np
import pytest

from nn_core import MLP, PRESETS, TrainConfig, evaluate
from nn_core.cli import configs_from_args, history_of, main, parse_args
from nn_core.presets import input_stats
from nn_core.train import StepMetrics
from tests.engine.helpers import QUICK, ROOT, last_json


def run_cli(
    *args: str, env: dict[str, str], module: str = "nn_core.train"
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


# --------------------------------------------------------------------------- subprocess


def test_a_short_run_prints_one_json_line_and_saves_a_loadable_model(
    tmp_path, offline_env, mnist_sample
):
    out = tmp_path / "model.npz"
    args = ("--no-download", "--subset", "500", "--epochs", "1", "--seed", "3", "--out", str(out))
    proc = run_cli(*args, env=offline_env)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1, proc.stdout  # the progress bar went to stderr
    assert "epoch 1/1" in proc.stderr
    summary = json.loads(lines[-1])
    assert isinstance(summary, dict)
    assert {"test_accuracy", "test_loss", "seconds_per_epoch", "data_source"} <= set(summary)
    assert summary["data_source"] == "bundled"
    assert summary["dataset"] == "mnist" and summary["status"] == "finished"
    assert summary["steps"] == 8  # ceil(500 / 64) steps of one epoch
    assert 0.0 <= summary["test_accuracy"] <= 1.0 and summary["test_loss"] > 0
    assert isinstance(summary["seconds_per_epoch"], float) and summary["seconds_per_epoch"] >= 0
    assert summary["out"] == str(out)

    model = MLP.load(out)
    meta = model.meta
    assert {"train_config", "history", "test_accuracy", "dataset", "seed", "date"} <= set(meta)
    assert meta["command"] == "python -m nn_core.train " + " ".join(args)
    assert "Warning" not in proc.stderr  # runpy finds nn_core.train not yet imported
    expected = dataclasses.replace(PRESETS["default"].train, subset=500, epochs=1, seed=3)
    assert TrainConfig.from_dict(meta["train_config"]) == expected
    assert meta["seed"] == 3 and meta["dataset"] == "mnist"
    assert meta["history"]["step"] == list(range(1, 9))
    assert len(meta["history"]["loss"]) == 8
    assert dt.datetime.fromisoformat(meta["date"]).tzinfo is not None
    standardized = {"x_mean": model.config.x_mean, "x_std": model.config.x_std}
    assert PRESETS["default"].standardize and model.config.x_std != 1.0
    assert model.config == dataclasses.replace(PRESETS["default"].model, seed=3, **standardized)
    # the saved model is the one that was scored
    score = evaluate(model, mnist_sample.X_test, mnist_sample.y_test)
    assert score.accuracy == pytest.approx(summary["test_accuracy"], abs=1e-5)
    assert meta["test_accuracy"] == pytest.approx(score.accuracy)


def test_python_m_nn_core_runs_the_same_command_line(tmp_path, offline_env):
    out = tmp_path / "model.npz"
    args = ("--no-download", "--subset", "200", "--epochs", "1", "--quiet", "--out", str(out))
    proc = run_cli(*args, env=offline_env, module="nn_core")
    assert proc.returncode == 0, proc.stderr
    assert "Warning" not in proc.stderr and "Traceback" not in proc.stderr
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert summary["status"] == "finished" and summary["steps"] == 4  # ceil(200 / 64)
    assert MLP.load(out).meta["command"] == "python -m nn_core " + " ".join(args)
    usage = run_cli("--help", env=offline_env, module="nn_core")
    assert usage.returncode == 0 and usage.stdout.startswith("usage: python -m nn_core [")


def test_a_bad_flag_value_exits_non_zero_with_a_message(offline_env):
    proc = run_cli("--no-download", "--lr", "fast", env=offline_env)
    assert proc.returncode != 0
    assert "--lr" in proc.stderr and "invalid float value" in proc.stderr
    assert proc.stdout == ""
    proc = run_cli("--no-download", "--epochs", "0", env=offline_env)
    assert proc.returncode != 0
    assert "epochs must be at least 1" in proc.stderr
    assert "Traceback" not in proc.stderr


# --------------------------------------------------------------------------- in process


def test_float16_output_is_smaller_and_still_loads(tmp_path, offline_env, capsys):
    small, half = tmp_path / "f32.npz", tmp_path / "f16.npz"
    common = ["--no-download", "--quiet", "--subset", "200", "--epochs", "1"]
    assert main([*common, "--out", str(small)]) == 0
    assert main([*common, "--out", str(half), "--float16"]) == 0
    a, b = MLP.load(small), MLP.load(half)
    assert half.stat().st_size < 0.7 * small.stat().st_size
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        assert wb.dtype == np.float32
        np.testing.assert_array_equal(wb, wa.astype(np.float16).astype(np.float32))
    assert "--float16" in b.meta["command"]


def test_a_run_that_learned_nothing_warns_in_the_json_and_on_stderr(offline_env, capsys):
    """lr 1e-9 leaves the random network as it was: about 10%, no divergence."""
    assert main([*QUICK, "--optimizer", "sgd", "--lr", "1e-9", "--schedule", "constant"]) == 0
    captured = capsys.readouterr()
    summary = last_json(captured.out)
    assert summary["status"] == "finished" and summary["test_accuracy"] < 0.15
    assert summary["warning"] == "no better than guessing"
    assert "no better than guessing" in captured.err


def test_a_run_that_learned_has_no_warning(offline_env, capsys):
    assert main([*QUICK, "--subset", "1000"]) == 0
    summary = last_json(capsys.readouterr().out)
    assert summary["test_accuracy"] > 0.5 and "warning" not in summary


def test_help_exits_cleanly(capsys):
    with pytest.raises(SystemExit) as info:
        parse_args(["--help"])
    assert info.value.code == 0
    assert "--preset" in capsys.readouterr().out


# --------------------------------------------------------------------------- presets and flags


def recipe(*argv: str):
    return configs_from_args(parse_args(list(argv)))


def test_preset_original_is_the_notebook():
    r = recipe("--preset", "original")
    assert r.model.sizes == (784, 128, 10) and r.model.init == "naive"
    assert r.model.activation == "relu"
    assert r.train.batch_size == 1 and r.train.optimizer == "sgd" and r.train.lr == 0.001
    assert r.train.schedule == "constant" and not r.standardize


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_a_preset_without_flags_is_the_preset(name):
    assert recipe("--preset", name) == PRESETS[name]


def test_default_preset_is_used_without_preset_flag():
    assert recipe() == PRESETS["default"]


def test_flags_override_the_preset_and_leave_the_rest():
    r = recipe("--preset", "fast", "--lr", "0.05", "--seed", "3", "--hidden", "64", "32")
    fast = PRESETS["fast"]
    assert r.train.lr == 0.05
    assert r.train.seed == 3 and r.model.seed == 3
    assert r.model.sizes == (784, 64, 32, 10)
    assert r.standardize is True
    assert r.train.optimizer == fast.train.optimizer == "momentum"
    assert r.train.schedule == "linear" and r.train.batch_size == 128 and r.train.epochs == 3


def test_every_flag_reaches_its_config():
    r = recipe(
        "--preset", "best", "--activation", "tanh", "--init", "xavier", "--dropout", "0.1",
        "--no-standardize", "--optimizer", "adam", "--lr", "0.002", "--momentum", "0.8",
        "--weight-decay", "0.0001", "--schedule", "cosine", "--batch-size", "32",
        "--epochs", "2", "--time-budget", "5", "--shift", "1", "--distort", "0.3",
        "--subset", "1000", "--seed", "9",
    )  # fmt: skip
    assert (r.model.activation, r.model.init, r.model.dropout, r.model.seed) == (
        "tanh", "xavier", 0.1, 9,
    )  # fmt: skip
    assert r.model.sizes == PRESETS["best"].model.sizes
    assert r.standardize is False
    assert r.train == TrainConfig(
        epochs=2, batch_size=32, optimizer="adam", lr=0.002, momentum=0.8, weight_decay=0.0001,
        schedule="cosine", time_budget=5.0, shift=1, distort=0.3, subset=1000,
        eval_every=PRESETS["best"].train.eval_every, seed=9,
    )  # fmt: skip


def test_standardize_can_be_switched_on():
    assert recipe("--preset", "default", "--standardize").standardize is True


def test_hidden_without_sizes_gives_logistic_regression():
    assert recipe("--hidden").model.sizes == (784, 10)


def test_preset_build_measures_input_statistics():
    X = np.random.default_rng(0).random((300, 784), dtype=np.float32) * 0.5
    stats = input_stats(X)
    assert stats["x_mean"] == pytest.approx(float(X.mean()), rel=1e-6)
    assert stats["x_std"] == pytest.approx(float(X.std()), rel=1e-6)
    model = PRESETS["fast"].build(X)
    assert model.config.x_mean == stats["x_mean"] and model.config.x_std == stats["x_std"]
    assert model.config.sizes == PRESETS["fast"].model.sizes
    plain = PRESETS["original"].build(X)  # no standardisation in this recipe
    assert (plain.config.x_mean, plain.config.x_std) == (0.0, 1.0)
    assert input_stats(np.zeros((5, 784)))["x_std"] == 1.0  # blank images: no division by 0


def test_presets_are_valid_and_described():
    assert {"original", "default", "fast", "best"} <= set(PRESETS)
    for name, preset in PRESETS.items():
        assert preset.name == name and preset.title and preset.description
        assert preset.model.sizes[0] == 784 and preset.model.sizes[-1] == 10


# --------------------------------------------------------------------------- history


def fake_metrics(n: int) -> list[StepMetrics]:
    return [StepMetrics(i, i / 10, 1.0 / i, 0.5, 0.1, 0.0) for i in range(1, n + 1)]


def test_history_keeps_short_runs_whole():
    h = history_of(fake_metrics(30))
    assert set(h) == {"step", "epoch", "loss", "accuracy", "lr"}
    assert h["step"] == list(range(1, 31))
    assert h["loss"][2] == pytest.approx(1 / 3)


@pytest.mark.parametrize("n", [799, 1000])
def test_history_is_thinned_to_at_most_max_points(n):
    h = history_of(fake_metrics(n), max_points=400)
    assert len(h["step"]) <= 400, f"{len(h['step'])} points kept of {n}"
    assert h["step"][0] == 1
