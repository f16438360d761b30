"""The first figures of the Data page, as SVG (see :mod:`ui.figures.svg` for why not Plotly).

A grid of examples, how many images each class has, how bright the pixels are, and the
average and the variance of each class: everything a class looks at before any
training, on screen the moment the page opens. The PCA map, which needs selection and
zoom, stays a Plotly chart (:mod:`ui.data.charts`) in a section opened on demand.

Pure functions: arrays in, :class:`ui.figures.svg.Svg` out. Grids are composed by
:mod:`ui.figures.tiles`, so a tile sits at the same place in every grid of the app.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ui.figures import svg
from ui.figures.theme import HEAT_SCALE, INK_SCALE, MUTED, class_color
from ui.figures.tiles import SIDE, grid

TRAIN_COLOUR, TEST_COLOUR = "#1f5fbf", "#c05a00"


def example_grid_figure(
    images: np.ndarray, labels: np.ndarray, ids: np.ndarray, class_names: Sequence[str], cols=8
) -> svg.Svg:
    """The example grid: each image captioned with its class name in the class colour;
    pointing at one shows its number in the training set."""
    labels = np.asarray(labels)
    captions = [class_names[k] for k in labels]
    tips = [f"{class_names[k]}, training image #{int(i)}" for k, i in zip(labels, ids, strict=True)]
    return grid(
        "examples",
        images,
        captions,
        cols=cols,
        scale=3.0,
        colors=[class_color(k) for k in labels],
        tips=tips,
        ids=ids,
    )


def class_images_figure(images, class_names, *, chart, title, heat=False, tips=None, legend=""):
    """One small image per class in a row of ten (average images, variance maps)."""
    images = np.asarray(images).reshape(-1, SIDE, SIDE)
    return grid(
        chart,
        images,
        list(class_names),
        cols=len(images),
        scale=2.6,
        title=title,
        colors=[class_color(k) for k in range(len(images))],
        tips=tips,
        colour_scale=HEAT_SCALE if heat else INK_SCALE,
        zmax=float(images.max()) or 1.0,
        legend=legend,
    )


def class_means_figure(means: np.ndarray, class_names: Sequence[str]) -> svg.Svg:
    """The average image of every class."""
    return class_images_figure(
        means, class_names, chart="class_means", title="Average image of each class"
    )


def class_variance_figure(variances: np.ndarray, class_names: Sequence[str]) -> svg.Svg:
    """Where the images of one class differ from each other (dark = varies a lot)."""
    variances = np.asarray(variances)
    tips = [
        f"{name}: mean variance {v:.3f}"
        for name, v in zip(class_names, variances.mean(axis=1), strict=True)
    ]
    legend = f"white: no variation · dark blue: the most (variance {variances.max():.2f})"
    return class_images_figure(
        variances,
        class_names,
        chart="class_variance",
        heat=True,
        tips=tips,
        legend=legend,
        title="Pixel variance within each class",
    )


def class_counts_figure(
    train_counts: np.ndarray, test_counts: np.ndarray, class_names: Sequence[str]
) -> svg.Svg:
    """Images per class in the training and the test set, side by side."""
    series = [
        svg.Series("train", TRAIN_COLOUR, np.asarray(train_counts)),
        svg.Series("test", TEST_COLOUR, np.asarray(test_counts)),
    ]
    return svg.bars(
        "class_counts",
        list(class_names),
        series,
        title="How many images of each class",
        y_title="images",
        width=400,
    )


def pixel_histogram_figure(counts: np.ndarray, edges: np.ndarray) -> svg.Svg:
    """How often each brightness occurs, on a log scale: background pixels outnumber
    the ink by far, and a linear axis would show one bar and nothing else."""
    counts = np.asarray(counts)
    edges = np.asarray(edges, dtype=np.float64)
    bins = [f"{lo:.2g}" for lo in edges[:-1]]
    every = max(1, len(bins) // 4)
    return svg.bars(
        "pixel_histogram",
        bins,
        [svg.Series("pixels", MUTED, counts)],
        title="Pixel brightness",
        y_title="pixels (log scale)",
        x_title="pixel value (0 = background, 1 = full ink)",
        log=True,
        width=400,
        every=every,
        tip=lambda lo, _, v: f"brightness from {lo}: {v:,.0f} pixels",
    )
