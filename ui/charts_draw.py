"""Figures for the Draw page: the ten probabilities, the preprocessing, the saliency map.

Pure functions: arrays in, ``plotly.graph_objects.Figure`` out, no Streamlit. Each figure
carries ``layout.meta = {"chart": <name>}`` so tests can find it among a page's charts.

These figures are rebuilt after every stroke, so they are kept small: the 280x280
drawing is shown at a quarter of its size, and every image is one heatmap trace.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from nn_core.preprocess import CENTRE, PreprocessSteps, resize
from ui import charts_data
from ui.palette import base_layout, class_color

FADED = 0.45  # opacity of the classes the network did not choose
PREVIEW = 70  # largest side, in pixels, of the drawing and of the crop in the strip
RIGHT, WRONG = "#2ca02c", "#d62728"

PAPER = [[0.0, "#ffffff"], [1.0, "#000000"]]
"""The app's ink scale (white paper, black ink), as on the Data and Learn pages."""

SOFT_INK = [[0.0, "#ffffff"], [1.0, "#5a5a5a"]]
"""Ink in mid grey, so the red and blue of a saliency map stay visible on top of it."""

SALIENCY_SCALE = [
    [0.0, "rgba(33, 102, 172, 0.95)"],
    [0.2, "rgba(67, 147, 195, 0.8)"],
    [0.42, "rgba(146, 197, 222, 0.0)"],
    [0.58, "rgba(244, 165, 130, 0.0)"],
    [0.8, "rgba(214, 96, 77, 0.8)"],
    [1.0, "rgba(178, 24, 43, 0.95)"],
]
"""Blue below zero, red above, as ``palette.DIVERGING_SCALE``; near zero it is see-through,
so only the pixels that matter are coloured and the drawing shows underneath."""


def _layout(fig: go.Figure, chart: str, title: str | None, height: int) -> go.Figure:
    return base_layout(fig, chart, title, height, plot_bgcolor="rgba(0,0,0,0)")


def fade(hex_color: str, alpha: float) -> str:
    """'#1f77b4' -> 'rgba(31, 119, 180, alpha)': the same colour, partly see-through."""
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"


def probability_figure(
    probs: np.ndarray, class_names: Sequence[str], height: int = 340
) -> go.Figure:
    """One horizontal bar per class in its class colour; the chosen class outlined and bold.

    Horizontal, so that long class names (Fashion-MNIST's "Ankle boot") stay readable;
    the first class at the top, as in a list. The other classes are paler, so the
    answer stands out even when its class colour is a quiet one (the grey of 7).
    """
    probs = np.asarray(probs, dtype=float).reshape(-1)
    best = int(np.argmax(probs))
    ticks = [f"<b>{n}</b>" if k == best else n for k, n in enumerate(class_names)]
    fig = go.Figure(
        go.Bar(
            x=probs,
            y=ticks,
            orientation="h",
            marker={
                "color": [
                    class_color(k) if k == best else fade(class_color(k), FADED)
                    for k in range(len(probs))
                ],
                "line": {
                    "color": ["#111" if k == best else "rgba(0,0,0,0)" for k in range(len(probs))],
                    "width": 2,
                },
            },
            text=[f"{p:.0%}" if p >= 0.005 else "" for p in probs],
            textposition="outside",
            textfont={"size": 15},
            constraintext="none",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:.1%}<extra></extra>",
        )
    )
    fig.update_xaxes(range=[0, 1.12], tickformat=".0%", tickvals=[0, 0.25, 0.5, 0.75, 1])
    fig.update_yaxes(type="category", autorange="reversed", tickfont={"size": 17})
    return _layout(fig, "draw_probs", "Probability of each class", height)


def _image_trace(img: np.ndarray, colorscale=PAPER, zmax: float = 1.0) -> go.Heatmap:
    return go.Heatmap(
        z=np.asarray(img, dtype=np.float32),
        colorscale=colorscale,
        zmin=0.0,
        zmax=zmax,
        showscale=False,
        hovertemplate="row %{y}, column %{x}<br>ink %{z:.2f}<extra></extra>",
    )


def preview(img: np.ndarray, largest: int = PREVIEW) -> tuple[np.ndarray, float]:
    """Shrink ``img`` (h, w) so its longer side is at most ``largest``; returns (image, scale).

    Only for showing: a 280x280 drawing is 78,400 numbers to send to the browser after
    every stroke, its quarter-size preview 4,900.
    """
    h, w = img.shape
    scale = min(1.0, largest / max(h, w))
    if scale == 1.0:
        return np.asarray(img, dtype=np.float32), 1.0
    return resize(img, (max(1, round(h * scale)), max(1, round(w * scale)))), scale


STEP_TITLES = ("1 · drawing", "2 · ink", "3 · 20×20", "4 · 28×28")


def _rect(axis: str, x0: float, y0: float, x1: float, y1: float, color: str, width: int) -> dict:
    return {
        "type": "rect",
        "xref": f"x{axis}",
        "yref": f"y{axis}",
        "x0": x0,
        "y0": y0,
        "x1": x1,
        "y1": y1,
        "line": {"width": width, "color": color},
    }


def preprocess_figure(steps: PreprocessSteps, height: int = 220, gap: float = 0.05) -> go.Figure:
    """The recipe in four small pictures: drawing -> ink crop -> 20 px box -> centred 28x28.

    The first picture frames the ink in red; the last marks the centre (14, 14),
    where MNIST puts every digit's centre of mass. The layout is written out in one go
    rather than with ``make_subplots``: it is rebuilt after every stroke, and this way
    takes a few milliseconds instead of thirty.
    """
    drawing, scale = preview(steps.grey)
    crop, _ = preview(steps.crop)
    width = (1 - 3 * gap) / 4
    traces, shapes, annotations, layout = [], [], [], {}
    for i, img in enumerate((drawing, crop, steps.box20, steps.centred)):
        axis = "" if i == 0 else str(i + 1)
        x0 = i * (width + gap)
        trace = _image_trace(img)
        trace.update(xaxis=f"x{axis}", yaxis=f"y{axis}")
        traces.append(trace)
        layout[f"xaxis{axis}"] = {
            "domain": [x0, x0 + width],
            "visible": False,
            "constrain": "domain",
        }
        layout[f"yaxis{axis}"] = {
            "visible": False,
            "autorange": "reversed",
            "scaleanchor": f"x{axis}",
            "constrain": "domain",
        }
        h, w = img.shape
        shapes.append(_rect(axis, -0.5, -0.5, w - 0.5, h - 0.5, "#999", 1))
        annotations.append(  # tied to the image's own axes, so it stays above the image
            {
                "text": STEP_TITLES[i],
                "x": (w - 1) / 2,
                "y": -0.5,
                "xref": f"x{axis}",
                "yref": f"y{axis}",
                "yanchor": "bottom",
                "yshift": 4,
                "showarrow": False,
                "font": {"size": 15},
            }
        )
    top, left, bottom, right = steps.bbox
    box = (left * scale - 0.5, top * scale - 0.5, right * scale - 0.5, bottom * scale - 0.5)
    shapes.append(_rect("", *box, WRONG, 2))
    traces.append(
        go.Scatter(
            x=[CENTRE[1]],
            y=[CENTRE[0]],
            xaxis="x4",
            yaxis="y4",
            mode="markers",
            marker={"symbol": "cross-thin", "size": 16, "line": {"width": 2, "color": WRONG}},
            hovertemplate="centre (14, 14)<extra></extra>",
            showlegend=False,
        )
    )
    fig = go.Figure(traces, layout={**layout, "shapes": shapes, "annotations": annotations})
    return _layout(fig, "draw_steps", None, height).update_layout(margin={"t": 30, "b": 0})


def saliency_range(saliency: np.ndarray) -> float:
    """Half-width of the colour scale: the 99th percentile of |gradient|.

    A handful of extreme pixels would otherwise wash every other pixel out to white.
    """
    g = np.abs(np.asarray(saliency, dtype=np.float64))
    top = float(np.percentile(g, 99)) if g.size else 0.0
    return top if top > 0 else 1.0


def saliency_figure(
    image: np.ndarray, saliency: np.ndarray, label: str, height: int = 330
) -> go.Figure:
    """The network's 28x28 input in grey with the saliency map laid over it.

    image:    (28, 28) in [0, 1], the input the network read
    saliency: (28, 28), d log P[label] / d pixel; red where more ink would raise the
              probability of ``label``, blue where it would lower it
    """
    image = np.asarray(image, dtype=np.float32).reshape(28, 28)
    saliency = np.asarray(saliency, dtype=np.float32).reshape(28, 28)
    limit = saliency_range(saliency)
    fig = go.Figure(_image_trace(image, SOFT_INK))
    fig.add_trace(
        go.Heatmap(
            z=saliency,
            colorscale=SALIENCY_SCALE,
            zmin=-limit,
            zmax=limit,
            colorbar={
                "tickvals": [-limit, 0, limit],
                "ticktext": ["less", "0", "more"],
                "title": {"text": f"P({label})", "side": "right"},
                "thickness": 14,
                "tickfont": {"size": 15},
                "len": 0.9,
            },
            hovertemplate="row %{y}, column %{x}<br>gradient %{z:.3f}<extra></extra>",
        )
    )
    fig.add_shape(
        type="rect", x0=-0.5, y0=-0.5, x1=27.5, y1=27.5, line={"width": 1, "color": "#999"}
    )
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x", constrain="domain")
    return _layout(fig, "draw_saliency", None, height)


def class_set_figure(
    images: np.ndarray,
    labels: np.ndarray,
    predictions: np.ndarray,
    class_names: Sequence[str],
    last: int = 20,
    cols: int = 10,
) -> go.Figure:
    """The most recent drawings of the class set, captioned "true" or "true → read as".

    A green caption: the model read it right; red, with the wrong answer after the arrow.
    """
    first = max(0, len(labels) - last)  # number of the first drawing shown
    images, labels = np.asarray(images)[first:], np.asarray(labels)[first:]
    predictions = np.asarray(predictions)[first:]
    captions, colors = [], []
    for true, seen in zip(labels, predictions, strict=True):
        right = int(true) == int(seen)
        name = class_names[int(true)]
        captions.append(name if right else f"{name}→{class_names[int(seen)]}")
        colors.append(RIGHT if right else WRONG)
    rows = max(1, -(-len(labels) // cols))
    return charts_data.tiled_figure(
        images,
        captions,
        cols=cols,
        chart="draw_class_set",
        colors=colors,
        ids=np.arange(first, first + len(labels)),
        height=40 + 95 * rows,
    )
