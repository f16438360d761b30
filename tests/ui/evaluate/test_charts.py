"""The Evaluate page's figure builders and control helpers, without Streamlit."""

from __future__ import annotations

import numpy as np

from nn_core.calibration import coverage_curve, reliability, selective
from nn_core.robustness import PERTURBATIONS
from ui.evaluate import charts_curves, charts_images, charts_scores, selection

NAMES = [str(k) for k in range(10)]


def labelled(fig) -> bool:
    """A title and, for every visible axis with data, an axis title."""
    layout = fig.layout
    return bool(layout.title.text) and all(
        axis.title.text for axis in (layout.xaxis, layout.yaxis) if axis.visible is not False
    )


def test_confusion_figure_keeps_counts_and_shows_the_mistakes():
    cm = np.diag(np.full(10, 100)) + np.eye(10, k=1, dtype=int) * 3
    fig = charts_scores.confusion_figure(cm, NAMES)
    trace = fig.data[0]
    assert np.asarray(trace.z).sum() == cm.sum() and fig.layout.meta["chart"] == "eval_confusion"
    assert trace.zmax == 3  # the colour tops out at the largest mistake, not at the diagonal
    assert np.asarray(trace.customdata)[4, 5].tolist() == [4, 5]
    rates = charts_scores.confusion_figure(cm, NAMES, normalise=True).data[0]
    np.testing.assert_allclose(np.asarray(rates.z).sum(axis=1), 1.0)
    assert labelled(fig)


def test_every_figure_is_titled_and_labelled():
    rng = np.random.default_rng(0)
    conf = rng.uniform(0.1, 1, 200)
    correct = rng.uniform(size=200) < conf
    spec = PERTURBATIONS["rotate"]
    figs = [
        charts_scores.per_class_figure(rng.uniform(0.9, 1, 10), NAMES, 0.95),
        charts_scores.confusion_diff_figure(rng.integers(-3, 4, (10, 10)), NAMES, "A", "B"),
        charts_curves.robustness_figure(spec, spec.strengths, np.linspace(0.2, 1, 19), 30.0),
        charts_curves.coverage_figure(coverage_curve(conf, correct), selective(conf, correct, 0.6)),
        charts_curves.reliability_figure(reliability(conf, correct)),
    ]
    for fig in figs:
        assert labelled(fig), fig.layout.meta


def test_mistakes_figure_pairs_each_image_with_ten_bars():
    rng = np.random.default_rng(1)
    proba = rng.dirichlet(np.ones(10), 5)
    fig = charts_images.mistakes_figure(
        rng.uniform(size=(5, 784)), proba, np.arange(5), np.array([7, 3, 9, 1, 4]), NAMES
    )
    bars = [t for t in fig.data if t.type == "bar"]
    assert len(bars) == 5 and all(len(b.x) == 10 for b in bars)
    assert fig.layout.meta == {"chart": "eval_mistakes", "ids": [7, 3, 9, 1, 4]}
    first = bars[0].marker.color
    assert first[int(np.argmax(proba[0]))] == charts_images.WRONG


def test_clicked_cell_reads_customdata_or_names():
    event = {"selection": {"points": [{"customdata": [4, 9], "x": "9", "y": "4"}]}}
    assert selection.clicked_cell(event, NAMES) == (4, 9)
    event = {"selection": {"points": [{"x": "Bag", "y": "Coat"}]}}
    assert selection.clicked_cell(event, ["Coat", "Bag"]) == (0, 1)
    assert selection.clicked_cell({"selection": {"points": []}}, NAMES) is None
    assert selection.clicked_cell(None, NAMES) is None
    assert (
        selection.clicked_cell({"selection": {"points": [{"customdata": [4, 12]}]}}, NAMES) is None
    )
    event = {"selection": {"points": [{"customdata": {"0": 7, "1": 2}, "x": "0", "y": "0"}]}}
    assert selection.clicked_cell(event, NAMES) == (7, 2)  # as Streamlit sends customdata


def test_the_chosen_cell_is_framed():
    cm = np.diag([50] * 10)
    assert not charts_scores.confusion_figure(cm, NAMES).layout.shapes
    (frame,) = charts_scores.confusion_figure(cm, NAMES, chosen=(7, 2)).layout.shapes
    assert (frame.x0, frame.x1, frame.y0, frame.y1) == (1.5, 2.5, 6.5, 7.5)  # column 2, row 7


def test_a_click_renames_the_cell_controls_so_stale_values_cannot_undo_it():
    first = selection.Cell(2, 2)
    clicked = first.clicked(7, 2)
    assert (clicked.true, clicked.answered) == (7, 2)
    assert clicked.key("evaluate.cell_true") != first.key("evaluate.cell_true")
    again = clicked.chosen(4, 9).clicked(7, 2)  # the same cell clicked again still counts
    assert (again.true, again.answered) == (7, 2) and again.version == 2
    chosen = first.chosen(4, 9)  # a selectbox keeps its controls: its own value is current
    assert chosen.key("evaluate.cell_pred") == first.key("evaluate.cell_pred")
    assert first.fits(10) and not selection.Cell(3, 10).fits(10)


def test_pages_and_filters():
    assert selection.n_pages(0, 24) == 1 and selection.n_pages(48, 24) == 2
    assert selection.n_pages(49, 24) == 3
    assert selection.page_slice(2, 24) == slice(24, 48)
    assert selection.class_filter(selection.ANY, NAMES) is None
    assert selection.class_filter("7", NAMES) == 7


def test_the_reliability_legend_stays_off_the_bars():
    """Inside the plot (top left) the legend hid the bars of the first bins: it now sits
    under the whole chart, where Plotly makes room for it below the axis title."""
    rng = np.random.default_rng(2)
    conf = rng.uniform(0.1, 1, 500)
    legend = charts_curves.reliability_figure(reliability(conf, rng.uniform(size=500) < conf))
    legend = legend.layout.legend
    assert (legend.yref, legend.y, legend.yanchor) == ("container", 0, "bottom")
    assert legend.orientation == "h"
