"""Figures of the weights: every first-layer unit as a picture, deeper layers as heatmaps,
histograms, and one unit up close.

Pure functions: arrays in, ``go.Figure`` out. A first-layer unit has one weight per
pixel, so its 784 incoming weights *are* a 28 x 28 image: red where ink makes the unit
fire, blue where ink silences it. All units share one colour scale centred on zero, so
a pale unit really has small weights.

The grid of hundreds of units is a single image. It is sent as one byte per pixel
(``quantize``): 256 shades are all a screen shows, and a quarter of the bytes lets the
live grid refresh every second without choking a classroom's network.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from ui.figures.theme import DIVERGING_SCALE, INK_SCALE, base_layout

SIDE = 28  # pixels per side of one unit's image
GAP = 2  # pixels between two units in the grid
GAP_CODE = 255  # the byte that marks a gap (drawn grey)
SHADES = 254  # bytes 0..254 carry the weights: 0 = -scale, 127 = 0, 254 = +scale
GAP_COLOR = "#d9d9d9"
POSITIVE, NEGATIVE = "#b2182b", "#2166ac"


def quantized_scale() -> list:
    """The diverging scale over bytes 0..254, and grey for the gap byte 255."""
    stops = np.linspace(0, 1, 11)
    colors = sample_colorscale(DIVERGING_SCALE, list(stops))
    scale = [[float(s) * SHADES / GAP_CODE, c] for s, c in zip(stops, colors, strict=True)]
    return [*scale, [1.0, GAP_COLOR]]


def shared_scale(W: np.ndarray) -> float:
    """One colour range for all units: the 99.5th percentile of |w| (rarer extremes clip)."""
    m = float(np.percentile(np.abs(W), 99.5)) if W.size else 1.0
    return m if m > 0 else 1.0


def quantize(values: np.ndarray, scale: float) -> np.ndarray:
    """Weights -> bytes: -scale..+scale onto 0..254 (clipped); NaN (a gap) -> 255."""
    codes = np.rint((np.clip(values / scale, -1, 1) + 1) * (SHADES / 2))
    codes = np.where(np.isnan(values), GAP_CODE, codes)
    return codes.astype(np.uint8)


def grid_shape(n: int) -> tuple[int, int]:
    """(rows, cols) of a near-square grid for n units, wider than tall."""
    cols = int(np.ceil(np.sqrt(n)))
    return int(np.ceil(n / cols)), cols


def tile_units(W: np.ndarray, order: Sequence[int], cols: int) -> np.ndarray:
    """Incoming weights W (784, units) -> one image, units in ``order``, NaN between tiles."""
    rows = int(np.ceil(len(order) / cols))
    step = SIDE + GAP
    image = np.full((rows * step - GAP, cols * step - GAP), np.nan)  # (H, W)
    for slot, unit in enumerate(order):
        r, c = divmod(slot, cols)
        image[r * step : r * step + SIDE, c * step : c * step + SIDE] = W[:, unit].reshape(
            SIDE, SIDE
        )
    return image


def _colorbar(scale: float) -> dict:
    ticks = np.array([0.0, 0.25, 0.5, 0.75, 1.0]) * SHADES
    labels = [f"≤ {-scale:.2g}", f"{-scale / 2:.2g}", "0", f"{scale / 2:.2g}", f"≥ {scale:.2g}"]
    return {"tickvals": list(ticks), "ticktext": labels, "title": {"text": "weight"}, "len": 0.9}


def weight_grid_figure(
    W: np.ndarray,
    order: Sequence[int],
    title: str,
    height: int = 640,
    cols: int | None = None,
    chart: str = "inside.weight_grid",
) -> go.Figure:
    """All first-layer units, one 28 x 28 picture each, in ``order`` (left to right, top down).

    One heatmap of bytes, plus an invisible dot on each tile that names the unit when
    hovered and picks it when clicked.
    """
    order = [int(u) for u in order]
    scale = shared_scale(W)
    rows, cols = grid_shape(len(order)) if cols is None else (-(-len(order) // cols), cols)
    step = SIDE + GAP
    image = quantize(tile_units(W, order, cols), scale)  # (H, W) uint8
    slots = np.arange(len(order))
    fig = go.Figure(
        go.Heatmap(
            z=image,
            colorscale=quantized_scale(),
            zmin=0,
            zmax=GAP_CODE,
            colorbar=_colorbar(scale),
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=(slots % cols) * step + SIDE / 2,
            y=(slots // cols) * step + SIDE / 2,
            mode="markers",
            marker={"size": 14, "color": "rgba(0,0,0,0)"},
            customdata=np.array(order),
            hovertemplate="unit %{customdata}<extra></extra>",
            showlegend=False,
        )
    )
    row_starts = np.arange(rows) * step + SIDE / 2
    fig.update_yaxes(
        autorange="reversed",
        scaleanchor="x",
        tickvals=list(row_starts),
        ticktext=[str(order[r * cols]) for r in range(rows)],
        title="first unit of the row",
        showgrid=False,
        zeroline=False,
    )
    fig.update_xaxes(
        tickvals=list(np.arange(0, cols, max(1, cols // 8)) * step + SIDE / 2),
        ticktext=[f"+{c}" for c in range(0, cols, max(1, cols // 8))],
        title="+ position in the row",
        showgrid=False,
        zeroline=False,
    )
    return base_layout(fig, chart, title, height, plot_bgcolor="#ffffff")


def refresh_grid_figure(fig: go.Figure, W: np.ndarray, title: str) -> go.Figure:
    """Put new weights (same units, same order: unit number) into a grid figure, in place.

    Building a Plotly figure from scratch costs a quarter of a second of validation; the
    live grid changes only its pixels, its scale and its title, so it reuses the figure.
    """
    scale = shared_scale(W)
    cols = grid_shape(W.shape[1])[1]
    fig.data[0].z = quantize(tile_units(W, range(W.shape[1]), cols), scale)
    fig.data[0].colorbar.ticktext = _colorbar(scale)["ticktext"]
    fig.layout.title.text = title
    return fig


def unit_figure(w: np.ndarray, scale: float, unit: int, height: int = 360) -> go.Figure:
    """One unit's 784 incoming weights, large, on the grid's colour scale."""
    fig = go.Figure(
        go.Heatmap(
            z=w.reshape(SIDE, SIDE),
            colorscale=DIVERGING_SCALE,
            zmin=-scale,
            zmax=scale,
            colorbar={"title": {"text": "weight"}},
            hovertemplate="pixel (%{y}, %{x})<br>weight %{z:.3f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", scaleanchor="x", title="pixel row")
    fig.update_xaxes(title="pixel column")
    return base_layout(fig, "inside.unit", f"Unit {unit}: what it looks for", height)


def outgoing_figure(
    values: np.ndarray, class_names: Sequence[str], unit: int, exact: bool, height: int = 360
) -> go.Figure:
    """The unit's vote for each class: its outgoing weights (or their average effect)."""
    values = np.asarray(values, dtype=float)
    fig = go.Figure(
        go.Bar(
            x=list(class_names),
            y=values,
            marker_color=[POSITIVE if v >= 0 else NEGATIVE for v in values],
            hovertemplate="%{x}: %{y:.3f}<extra></extra>",
        )
    )
    what = "outgoing weight" if exact else "effect on the class score"
    fig.update_xaxes(title="class", type="category")
    fig.update_yaxes(title=what)
    return base_layout(fig, "inside.outgoing", f"Unit {unit}: its vote for each class", height)


def image_strip_figure(
    images: np.ndarray, captions: Sequence[str], chart: str, title: str, height: int = 220
) -> go.Figure:
    """A row of 28 x 28 images (n, 784) as one heatmap, each captioned underneath."""
    n = len(images)
    strip = tile_units(np.asarray(images, dtype=float).T, range(n), cols=max(n, 1))
    fig = go.Figure(
        go.Heatmap(z=strip, colorscale=INK_SCALE, zmin=0, zmax=1, showscale=False, hoverinfo="skip")
    )
    step = SIDE + GAP
    fig.update_yaxes(autorange="reversed", scaleanchor="x", visible=False)
    fig.update_xaxes(
        tickvals=[i * step + SIDE / 2 for i in range(n)],
        ticktext=list(captions),
        title="image (its label)",
        showgrid=False,
        zeroline=False,
    )
    return base_layout(fig, chart, title, height, plot_bgcolor="#ffffff")


def layer_heatmap_figure(W: np.ndarray, index: int, height: int = 520) -> go.Figure:
    """A deeper weight matrix (n_in, n_out) as one heatmap: rows feed columns."""
    scale = shared_scale(W)
    fig = go.Figure(
        go.Heatmap(
            z=quantize(W, scale),
            colorscale=quantized_scale(),
            zmin=0,
            zmax=GAP_CODE,
            colorbar=_colorbar(scale),
            hovertemplate="from unit %{y} to unit %{x}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", title=f"unit of layer {index} (sends)")
    fig.update_xaxes(title=f"unit of layer {index + 1} (receives)")
    title = f"Weights of layer {index + 1}: {W.shape[0]} × {W.shape[1]}"
    return base_layout(fig, "inside.layer_heatmap", title, height)


def histograms_figure(
    weights: Sequence[np.ndarray], initial: Sequence[np.ndarray] | None, bins: int = 60
) -> go.Figure:
    """Per Dense layer: its weights, its biases and, if known, how far each weight moved.

    weights = [W0, b0, W1, b1, ...]; counts are computed here, so the browser receives
    a few hundred bars instead of hundreds of thousands of numbers.
    """
    n_layers = len(weights) // 2
    columns = ["weights W", "biases b"] + (["moved since the start"] if initial else [])
    fig = make_subplots(
        rows=n_layers,
        cols=len(columns),
        subplot_titles=[f"layer {i + 1}: {c}" for i in range(n_layers) for c in columns],
        vertical_spacing=min(0.12, 0.5 / max(n_layers, 1)),
        horizontal_spacing=0.08,
    )
    for i in range(n_layers):
        panels = [weights[2 * i], weights[2 * i + 1]]
        if initial:
            panels.append(weights[2 * i] - initial[2 * i])
        for j, values in enumerate(panels):
            counts, edges = np.histogram(values, bins=bins)
            fig.add_trace(
                go.Bar(
                    x=(edges[:-1] + edges[1:]) / 2,
                    y=counts,
                    width=np.diff(edges),
                    marker_color=("#7f7f7f", "#9467bd", "#ff7f0e")[j],
                    showlegend=False,
                    hovertemplate="%{x:.3g}: %{y} values<extra></extra>",
                ),
                row=i + 1,
                col=j + 1,
            )
            fig.update_xaxes(title_text="value", row=i + 1, col=j + 1)
        fig.update_yaxes(title_text="count", row=i + 1, col=1)
    title = "Every layer's weights and biases" + (", and how far they moved" if initial else "")
    return base_layout(fig, "inside.histograms", title, 80 + 260 * n_layers, title_space=80)
