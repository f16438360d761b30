"""The training charts carry the runs' data: curves, held-out points, lr marks, colours."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from tests.support.runs import make_run
from ui.figures.theme import MAX_LOG_TICKS, contrast_with_white
from ui.train.charts import (
    RUN_COLORS,
    accuracy_figure,
    ema,
    loss_figure,
    lr_figure,
    run_color,
    smoothing_span,
    thin,
)


def test_ema_follows_a_constant_and_smooths_noise():
    np.testing.assert_allclose(ema(np.full(50, 3.0), 10), 3.0)
    noisy = np.tile([0.0, 2.0], 200)
    smooth = ema(noisy, 20)
    assert smooth[0] == 0.0  # bias correction: the first value is the first point itself
    assert np.all(np.abs(smooth[100:] - 1.0) < 0.15)
    assert smoothing_span(100) == 10 and smoothing_span(10**6) == 200


def test_thin_limits_points_and_keeps_the_ends():
    idx = thin(10_000, 1500)
    assert len(idx) <= 1500 and idx[0] == 0 and idx[-1] == 9999
    assert np.all(np.diff(idx) > 0)
    np.testing.assert_array_equal(thin(20, 1500), np.arange(20))


def test_loss_figure_holds_raw_smoothed_and_held_out_curves():
    run = make_run(1, steps=200, validate_every=25)
    fig = loss_figure([run])
    raw, smooth, held = fig.data
    c = run.log.arrays()
    np.testing.assert_allclose(raw.x, c["epoch"])
    np.testing.assert_allclose(raw.y, c["loss"])
    np.testing.assert_allclose(smooth.y, ema(c["loss"], smoothing_span(200)))
    assert list(held.x) == run.val_epoch and list(held.y) == run.val_loss
    assert smooth.name == run.name and smooth.line.color == run_color(run)
    assert fig.layout.yaxis.type == "log" and fig.layout.xaxis.title.text == "epoch"
    assert fig.layout.showlegend is False  # one run: its name is above the chart


def test_long_runs_are_thinned_for_display():
    run = make_run(1, steps=6000, validate_every=25)
    for fig in (loss_figure([run], max_points=500), lr_figure([run], max_points=500)):
        assert all(len(t.x) <= 500 for t in fig.data)
        assert fig.data[0].x[-1] == pytest.approx(run.log.arrays()["epoch"][-1])


def test_several_runs_overlay_in_their_own_colours():
    runs = [
        make_run(1, steps=100, validate_every=25),
        make_run(2, lr=0.01, steps=150, validate_every=25),
        make_run(3, steps=50, validate_every=25),
    ]
    fig = accuracy_figure(runs)
    assert len(fig.data) == 2 * len(runs)
    names = [t.name for t in fig.data if t.showlegend is not False]
    assert names == [r.name for r in runs]
    assert len({t.line.color for t in fig.data}) == 3
    assert fig.layout.showlegend is True
    held = [t for t in fig.data if t.mode == "markers+lines"]
    assert [list(t.y) for t in held] == [r.val_accuracy for r in runs]
    lr = lr_figure(runs)
    assert [t.y[0] for t in lr.data] == pytest.approx([0.1, 0.01, 0.1])


def test_learning_rate_changes_are_marked():
    run = make_run(4, steps=100, validate_every=25)
    run.record_lr_change(40, 0.4, 0.3)
    loss = loss_figure([run])
    assert [s.x0 for s in loss.layout.shapes] == [0.4]
    assert loss.layout.shapes[0].line.color == run_color(run)
    assert [a.text for a in loss.layout.annotations] == ["lr → 0.3"]
    assert [s.x0 for s in accuracy_figure([run]).layout.shapes] == [0.4]
    assert [s.x0 for s in lr_figure([run]).layout.shapes] == [0.4]


def test_empty_run_draws_empty_curves():
    run = make_run(9, steps=0)
    for make in (loss_figure, accuracy_figure, lr_figure):
        fig = make([run])
        assert all(len(t.x) == 0 for t in fig.data)


def test_accuracy_axis_zooms_on_the_held_out_points():
    run = make_run(5, steps=100, validate_every=25)
    low, high = accuracy_figure([run]).layout.yaxis.range
    assert low < min(run.val_accuracy) and high >= 1.0
    assert low > 0.5  # the 80-100% story fills the chart


def test_a_queued_runs_empty_charts_have_sane_axes():
    """Issue 23: with no point yet, Plotly's own guess ran the accuracy from -100% to 400%."""
    empty = make_run(6, steps=0, status="queued")
    assert tuple(accuracy_figure([empty]).layout.yaxis.range) == (0.0, 1.005)
    for make in (loss_figure, accuracy_figure, lr_figure):
        assert tuple(make([empty]).layout.xaxis.range) == (0, 1)  # epochs 0 to 1
        assert make([make_run(7, steps=50)]).layout.xaxis.range is None  # the data's own


def _sizes_read_from_the_back(fig) -> None:
    layout = fig.layout
    assert layout.title.font.size >= 16
    for axis in (layout.xaxis, layout.yaxis):
        assert axis.tickfont.size >= 14 and axis.title.font.size >= 16
    assert all(note.font.size >= 14 for note in layout.annotations)


def test_charts_wear_the_classroom_sizes():
    """Titles 16 px or more, tick labels and "lr →" notes 14 px or more, as everywhere
    else in the app; still the bare template that keeps a live redraw fast."""
    run = make_run(7, steps=300, validate_every=25)
    run.record_lr_change(150, 1.5, 0.03)
    figs = {"train_loss": loss_figure([run]), "train_accuracy": accuracy_figure([run])}
    figs["train_lr"] = lr_figure([run])
    for name, fig in figs.items():
        assert fig.layout.meta["chart"] == name
        _sizes_read_from_the_back(fig)
        assert fig.layout.template.layout.to_plotly_json() == {}  # template "none"
    assert [a.text for a in figs["train_loss"].layout.annotations] == ["lr → 0.03"]


def test_run_colours_read_on_white():
    """Thin batch-loss lines and the "lr →" notes are drawn in the run's colour."""
    assert len(set(RUN_COLORS)) == 10
    assert min(contrast_with_white(c) for c in RUN_COLORS) >= 3.0


def _labels_on_screen(axis) -> list[float]:
    low, high = (10.0**end for end in axis.range)
    return [v for v in axis.tickvals if low <= v <= high]


def test_live_log_axes_keep_at_most_eight_labels_as_the_loss_falls():
    """A run whose loss falls from 2.3 to 1e-6 (and whose rate decays from 0.5 to 1e-5),
    drawn as the live panel draws it after every few hundred steps."""
    run = make_run(8, steps=0)
    steps = 3000
    for s in range(1, steps + 1):
        run.log.append(
            s, s / 100, 2.3 * 10 ** (-6 * s / steps), 0.9, 0.5 * 10 ** (-4.7 * s / steps)
        )
        if s % 250 == 0:
            for fig in (loss_figure([run]), lr_figure([run])):
                axis = fig.layout.yaxis
                shown = _labels_on_screen(axis)
                assert axis.type == "log" and 2 <= len(shown) <= MAX_LOG_TICKS, (s, shown)
                ys = np.concatenate([np.asarray(t.y, dtype=float) for t in fig.data])
                assert 10 ** axis.range[0] <= ys[ys > 0].min()  # every point on the chart
                assert 10 ** axis.range[1] >= ys.max()


def _ema_by_the_definition(values, span):
    alpha, acc, weight, out = 2.0 / (span + 1.0), 0.0, 0.0, []
    for v in values:
        acc = (1 - alpha) * acc + alpha * v
        weight = (1 - alpha) * weight + alpha
        out.append(acc / weight)
    return np.array(out)


@pytest.mark.parametrize("span", [1, 2, 10, 37.5, 200])
def test_ema_in_blocks_equals_the_recurrence(span):
    values = np.random.default_rng(3).lognormal(size=5_000)
    np.testing.assert_allclose(ema(values, span), _ema_by_the_definition(values, span), rtol=1e-9)
    assert ema(np.array([]), span).shape == (0,)


def _as_sent(fig: dict) -> dict:
    return json.loads(pio.to_json(fig, validate=False))


def test_unchecked_figures_are_what_plotlys_checks_would_build():
    """The live charts skip Plotly's validation for speed: built again with it, each
    kind of figure (one run, several, hand lr changes, nothing yet) must come out the
    same, so a misspelt property or a bad value fails here and not in a browser."""
    marked = make_run(2, steps=300, validate_every=25)
    marked.record_lr_change(150, 1.5, 0.03)
    cases = [[make_run(1, steps=200, validate_every=25)], [marked, make_run(3, steps=40)]]
    cases.append([make_run(4, steps=0, status="queued")])
    for runs in cases:
        for make in (loss_figure, accuracy_figure, lr_figure):
            fast = make(runs).to_plotly_json()
            checked = go.Figure(fast).to_plotly_json()  # validates every property and value
            assert _as_sent(checked) == _as_sent(fast)
