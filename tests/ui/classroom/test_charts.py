"""The board's figures stay readable with a whole class: 60 runs, one legend entry per
setting, projector-sized text, and a ``uirevision`` so refreshes keep the teacher's zoom."""

from __future__ import annotations

import numpy as np
import pytest
import sqlalchemy as sa

from tests.support.apptest import SVG
from tests.support.runs import make_run
from ui.classroom import charts, mosaic, reveal, tables
from ui.classroom.sharing import entry_from_run
from ui.classroom.store import ClassStore
from ui.figures import palettes
from ui.figures.theme import MAX_LOG_TICKS, contrast_with_white

LRS = (0.001, 0.01, 0.1, 0.5, 1.0)


@pytest.fixture(scope="module")
def sixty_runs():
    store = ClassStore(sa.create_engine("sqlite://"))
    code, _ = store.create_class()
    for i in range(60):
        student = store.join(code, f"student {i}")
        run = make_run(i, lr=LRS[i % 5], optimizer=("adam", "sgd")[i % 2], accuracy=0.8 + i / 400)
        store.share_run(student, entry_from_run(run))
    return store.board(code).runs


def _readable(fig) -> None:
    """Every text of the board at least 16 px: a projected board is read from 10 m."""
    layout = fig.layout
    assert layout.font.size >= 16 and layout.title.font.size >= 16
    assert layout.legend.font.size >= 16 and layout.hoverlabel.font.size >= 16
    for axis in (layout.xaxis, layout.yaxis):
        assert axis.tickfont.size >= 16 and axis.title.font.size >= 16
    for note in layout.annotations:
        assert note.font.size >= 16


def _log_labels_fit(fig) -> None:
    """Labels at most eight on screen, and a range that shows every value drawn."""
    axis = fig.layout.yaxis
    low, high = (10.0**end for end in axis.range)
    assert 2 <= len([v for v in axis.tickvals if low <= v <= high]) <= MAX_LOG_TICKS
    values = np.concatenate([np.asarray(t.y, dtype=float) for t in fig.data])
    values = values[np.isfinite(values)]  # None or NaN: the gaps between runs
    assert low <= values[values > 0].min() and high >= values.max()


def legend(fig) -> list[str]:
    """The legend's entries (the dots at the runs' ends are not in it)."""
    return [t.name for t in fig.data if t.showlegend is not False]


@pytest.mark.parametrize("numeric", [True, False])
@pytest.mark.parametrize("n", range(1, 13))
def test_group_colours_read_on_a_projected_board(n, numeric):
    """Lines and dots of every group keep a 3:1 contrast with the white board: Plasma's
    top end (orange to pale yellow) faded to nothing on a projector."""
    colors = charts.group_colors(n, numeric)
    assert len(colors) == n and len(set(colors)) == n
    assert min(contrast_with_white(c) for c in colors) >= 3.0


def test_ordered_settings_get_the_ordered_scale_and_kinds_the_palette(sixty_runs):
    """Learning rate, width, batch size, epochs: the ordered scale, darkest first; the
    optimizer: the qualitative palette (``ui.figures.palettes``)."""
    by_lr = charts.coloured_groups(sixty_runs, "lr")
    assert [c for _, _, c in by_lr] == palettes.ordered_colors(5)
    by_optimizer = charts.coloured_groups(sixty_runs, "optimizer")
    assert [c for _, _, c in by_optimizer] == list(palettes.QUALITATIVE[:2])
    for key in ("sizes", "batch_size", "epochs"):
        assert tables.is_ordered(key) and charts._is_ordered(sixty_runs, key)
    assert not charts._is_ordered(sixty_runs, "init")


def test_sixty_runs_make_one_legend_entry_per_setting(sixty_runs):
    fig = charts.curves_figure(sixty_runs, "lr", "learning rate", "loss", uirevision="C:lr")
    assert legend(fig) == [f"{lr:g} (12)" for lr in LRS]  # numeric order
    assert fig.layout.uirevision == "C:lr" and fig.layout.meta["chart"] == "class_loss"
    assert fig.layout.yaxis.type == "log"
    _log_labels_fit(fig)
    first = fig.data[0]
    gaps = np.isnan(first.y).sum()
    assert gaps == 12  # twelve runs in one trace, separated by gaps
    ends = fig.data[-1]  # one dot at each run's end, saying whose run it is
    named = {f"student {i}, lr {LRS[i % 5]:g}" for i in range(60)}  # student and setting
    assert len(ends.x) == 60 and set(ends.customdata) == named
    assert not any("#" in name for name in ends.customdata)  # not the tab's own run number
    assert fig.data[0].line.color != fig.data[-1].line.color
    _readable(fig)


def test_colour_by_a_named_setting_or_by_student(sixty_runs):
    fig = charts.curves_figure(sixty_runs, "optimizer", "optimizer", "accuracy")
    assert legend(fig) == ["adam (30)", "sgd (30)"]
    assert np.nanmax(fig.data[0].y) <= 100
    by_student = charts.curves_figure(sixty_runs, "nickname", "student")
    names = legend(by_student)  # a whole class by name, the rest in one grey entry
    assert len(names) == charts.MAX_GROUPS and names[-1] == "21 others (21)"
    assert by_student.data[charts.MAX_GROUPS - 1].line.color == charts.OTHERS_COLOR


def test_results_figure_shows_every_run_at_its_setting(sixty_runs):
    fig = reveal.results_figure(sixty_runs, "lr", "learning rate")
    assert len(fig.data) == 5 and all(len(t.y) == 12 for t in fig.data)
    assert fig.layout.meta["chart"] == "class_results"
    _readable(fig)
    _log_labels_fit(fig)


def test_the_table_is_sorted_by_test_accuracy(sixty_runs):
    rows = tables.board_rows(sixty_runs)
    accuracies = [r["test accuracy %"] for r in rows]
    assert accuracies == sorted(accuracies, reverse=True) and rows[0]["#"] == 1
    assert rows[0]["student"] == "student 59" and rows[0]["hidden layers"] == "128"
    assert rows[0]["data set"] == "MNIST" and rows[0]["status"] == "finished"
    assert "run" not in rows[0]  # "#59 784-128-10 ...": the tab's number means nothing here


def test_answers_and_drawings_figures():
    fig = reveal.answers_figure(["0.01", "0.1", "1"], [3, 7, 1])
    assert list(fig.data[0].x) == [3, 7, 1] and "11 answers" in fig.layout.title.text
    _readable(fig)
    images = np.random.default_rng(0).random((45, 28, 28)).astype(np.float32)
    labels = np.arange(45) % 10
    picture = mosaic.figure(images, labels, correct=labels % 2 == 0)
    tree = picture.tree()
    assert len(tree.findall(f"{SVG}image")) == 1  # one picture, not a cell per drawing
    title, *notes = [t for t in tree.findall(f"{SVG}text")]  # a caption per block
    assert title.text == "The class handwriting set (45 drawings)"
    assert [t.text for t in notes[:3]] == ["0: 5", "1: 5", "5 misread"]
    assert len(notes) == 15 and picture.chart == "class_drawings"
    assert min(float(t.get("font-size")) for t in notes) >= charts.TEXT_SIZE
