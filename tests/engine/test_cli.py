"""The command-line trainer: ``python -m nn_core.train`` (or ``python -m nn_core``), its
flags, presets and output."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

import nn_core
from nn_core import MLP, PRESETS, TrainConfig, cli, evaluate
from nn_core.cli import configs_from_args, history_of, main, parse_args
from nn_core.presets import input_stats
from nn_core.train import StepMetrics

ROOT = Path(nn_core.__file__).resolve().parent.parent


@pytest.fixture
def offline_env(tmp_path, monkeypatch) -> dict[str, str]:
    """No data folder, an empty cache, and the project importable: the bundled sample it is."""
    (tmp_path / "data").mkdir()
    (tmp_path / "cache").mkdir()
    env = {
        **os.environ,
        "NN_DATA_DIR": str(tmp_path / "data"),
        "NN_CACHE_DIR": str(tmp_path / "cache"),
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "OPENBLAS_NUM_THREADS": "1",  # a small job; do not fight the test process for cores
    }
    for key in ("NN_DATA_DIR", "NN_CACHE_DIR"):
        monkeypatch.setenv(key, env[key])  # for the in-process runs too
    return env


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


def last_json(text: str) -> dict:
    return json.loads(text.strip().splitlines()[-1])


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


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--lr", "-1"], "learning rate must be positive"),
        (["--batch-size", "0"], "batch_size"),
        (["--dropout", "1.5"], "dropout"),
        (["--hidden", "128", "0"], "sizes"),
        (["--shift", "9"], "shift"),
        (["--subset", "0"], "subset"),
    ],
)
def test_bad_values_exit_with_code_2_and_say_why(offline_env, capsys, argv, fragment):
    assert main(["--no-download", "--quiet", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: ") and fragment in captured.err


@pytest.mark.parametrize(
    "argv",
    [
        ["--optimizer", "rmsprop"],
        ["--activation", "softsign"],
        ["--epochs", "two"],
        ["--preset", "x"],
    ],
)
def test_bad_choices_are_argparse_errors(argv, capsys):
    with pytest.raises(SystemExit) as info:
        parse_args(argv)
    assert info.value.code == 2
    assert "invalid" in capsys.readouterr().err


def test_missing_data_exits_with_code_2_and_explains(offline_env, capsys):
    assert main(["--dataset", "fashion-mnist", "--no-download", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "Fashion-MNIST" in err and "NN_DATA_DIR" in err


def test_a_diverging_run_exits_with_code_1_and_says_why(offline_env, capsys):
    argv = ["--no-download", "--quiet", "--subset", "200", "--optimizer", "sgd", "--lr", "1e30"]
    with np.errstate(all="ignore"):
        code = main(argv)
    captured = capsys.readouterr()
    assert code == 1
    assert "learning rate" in captured.err
    assert last_json(captured.out)["status"] == "diverged"


QUICK = ["--no-download", "--quiet", "--subset", "200", "--epochs", "1"]


def test_a_named_data_folder_that_is_missing_or_spoiled_stops_before_training(
    tmp_path, offline_env, capsys
):
    """It used to exit 0 after quietly training on the 8,000-digit bundled sample."""
    assert main([*QUICK, "--data-dir", str(tmp_path / "nowhere")]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "nowhere: the data folder given as data_dir=" in captured.err
    (tmp_path / "half" / "mnist").mkdir(parents=True)
    (tmp_path / "half" / "mnist" / "train-images-idx3-ubyte.gz").write_bytes(b"\x1f\x8b junk")
    assert main([*QUICK, "--data-dir", str(tmp_path / "half")]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "incomplete" in captured.err and "t10k-labels" in captured.err


def test_an_empty_data_dir_stops_before_training(offline_env, capsys):
    """``--data-dir "$DATA"`` with DATA unset used to train on the bundled sample, exit 0."""
    assert main([*QUICK, "--data-dir", ""]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("error: data_dir='' names no folder")


def test_a_data_folder_from_the_environment_may_fall_back_but_says_so(offline_env, capsys):
    assert main(QUICK) == 0
    captured = capsys.readouterr()
    assert last_json(captured.out)["data_source"] == "bundled"
    assert "NN_DATA_DIR not used" in captured.err and offline_env["NN_DATA_DIR"] in captured.err


@pytest.mark.parametrize(
    ("out", "fragment"),
    [
        ("{tmp}", "is a folder; name a file"),
        ("{tmp}/no-such-folder/m.npz", "no-such-folder does not exist"),
        ("{tmp}/a-file.txt/m.npz", "a-file.txt is a file, not a folder"),
    ],
    ids=["a folder", "missing parent", "parent is a file"],
)
def test_an_unusable_out_is_refused_before_training(tmp_path, offline_env, capsys, out, fragment):
    (tmp_path / "a-file.txt").write_text("not a folder")
    assert main([*QUICK, "--out", out.format(tmp=tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("error: --out")
    assert fragment in captured.err


def test_an_out_that_cannot_be_written_is_refused_before_training(
    tmp_path, offline_env, capsys, monkeypatch
):
    """Permissions cannot be tested as root, so the write probe meets a full disk."""

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", disk_full)
    assert main([*QUICK, "--out", str(tmp_path / "m.npz")]) == 2
    assert "cannot write in" in capsys.readouterr().err


def test_a_model_that_cannot_be_saved_after_training_goes_elsewhere_and_says_where(
    tmp_path, offline_env, capsys, monkeypatch
):
    """The USB stick is pulled out while training: the model lands in the current folder."""
    (tmp_path / "usb").mkdir()
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    real_evaluate = cli.evaluate

    def pull_the_stick(*args):
        shutil.rmtree(tmp_path / "usb")
        return real_evaluate(*args)

    monkeypatch.setattr(cli, "evaluate", pull_the_stick)
    code = main([*QUICK, "--out", str(tmp_path / "usb" / "m.npz")])
    captured = capsys.readouterr()
    summary = last_json(captured.out)
    assert code == 1
    assert summary["out"] == str(tmp_path / "here" / "m.npz")
    assert MLP.load(summary["out"]).meta["test_accuracy"] == summary["test_accuracy"]
    assert "could not save the model to" in captured.err and summary["out"] in captured.err


def grow_a_huge_weight(monkeypatch, also=lambda: None) -> None:
    """After training, W0[0, 0] becomes 1e6: too large for float16 (at most 65,504)."""
    real_evaluate = cli.evaluate

    def evaluate_then_grow(model, *args):
        also()
        result = real_evaluate(model, *args)
        model.dense[0].W[0, 0] = 1e6
        return result

    monkeypatch.setattr(cli, "evaluate", evaluate_then_grow)


def test_weights_too_large_for_float16_are_saved_in_full_precision_and_it_says_so(
    tmp_path, offline_env, capsys, monkeypatch
):
    """This used to end in a traceback after training: no JSON, and the model lost."""
    grow_a_huge_weight(monkeypatch)
    out = tmp_path / "m.npz"
    code = main([*QUICK, "--out", str(out), "--float16"])
    captured = capsys.readouterr()
    summary = last_json(captured.out)
    assert code == 1 and summary["out"] == str(out)
    assert summary["out_problem"] == (
        "--float16: some weights are too large for float16; "
        "saving in full precision (float32) instead"
    )
    assert f"error: {summary['out_problem']}; saved it to {out}\n" in captured.err
    assert MLP.load(out).dense[0].W[0, 0] == 1e6  # float32 keeps it exactly


def test_too_large_for_float16_and_a_vanished_folder_still_saves_the_model(
    tmp_path, offline_env, capsys, monkeypatch
):
    (tmp_path / "usb").mkdir()
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    grow_a_huge_weight(monkeypatch, also=lambda: shutil.rmtree(tmp_path / "usb"))
    assert main([*QUICK, "--out", str(tmp_path / "usb" / "m.npz"), "--float16"]) == 1
    summary = last_json(capsys.readouterr().out)
    assert summary["out"] == str(tmp_path / "here" / "m.npz")
    assert "full precision" in summary["out_problem"]
    assert "could not save the model to" in summary["out_problem"]
    assert MLP.load(summary["out"]).dense[0].W[0, 0] == 1e6


def test_the_fallback_never_overwrites_a_file_in_the_current_folder(
    tmp_path, offline_env, capsys, monkeypatch
):
    (tmp_path / "usb").mkdir()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.npz").write_bytes(b"somebody's file")
    real_evaluate = cli.evaluate
    monkeypatch.setattr(
        cli, "evaluate", lambda *a: (shutil.rmtree(tmp_path / "usb"), real_evaluate(*a))[1]
    )
    assert main([*QUICK, "--out", str(tmp_path / "usb" / "m.npz")]) == 1
    out = last_json(capsys.readouterr().out)["out"]
    assert (tmp_path / "m.npz").read_bytes() == b"somebody's file"
    assert Path(out).parent.name.startswith("nn-classroom-") and MLP.load(out)
    shutil.rmtree(Path(out).parent)


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
