"""The command-line trainer when something is wrong: a bad flag, missing data, a run
that diverges, an --out it cannot write, or a save that fails after training.

A run can take an hour, so whatever can be checked is checked before the first step
(exit code 2, a sentence on stderr, nothing on stdout); and once a model is trained it
is never lost: if it cannot be saved where asked, it is saved elsewhere and the run
says where (exit code 1).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest

from nn_core import MLP, cli
from nn_core.cli import main, parse_args
from tests.engine.helpers import QUICK, last_json


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
