"""Figures for the data explorer (and the preprocessing steps on the Learn page).

Pure functions: arrays in, ``plotly.graph_objects.Figure`` out, no Streamlit. Each figure
carries ``layout.meta = {"chart": <name>}`` so tests can find it among a page's charts.

Small images are drawn by tiling them into one picture (one heatmap trace) instead of
dozens of subplots: the browser then draws a single image, which stays fast when thirty
students open the page at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ui.palette import HEAT_SCALE, INK_SCALE, base_layout, class_color

SIDE = 28
GAP = 2  # empty pixels between tiles
LABEL_BAND = 9  # pixel rows above each tile that hold its caption


def tile(images: np.ndarray, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """Lay ``images`` ``(n, 28, 28)`` out in a grid with ``cols`` columns.

    Returns ``(canvas, owner)``: the composed picture (NaN between tiles, so the gaps
    show the background) and, for every pixel, the index of the image it belongs to
    (-1 in the gaps), which the hover text uses.
    """
    images = np.asarray(images, dtype=np.float32).reshape(-1, SIDE, SIDE)
    n = len(images)
    rows = max(1, -(-n // cols))
    cell_h, cell_w = SIDE + LABEL_BAND, SIDE + GAP
    canvas = np.full((rows * cell_h, cols * cell_w - GAP), np.nan, dtype=np.float32)
    owner = np.full(canvas.shape, -1, dtype=np.int64)
    for i, img in enumerate(images):
        top, left = (i // cols) * cell_h + LABEL_BAND, (i % cols) * cell_w
        canvas[top : top + SIDE, left : left + SIDE] = img
        owner[top : top + SIDE, left : left + SIDE] = i
    return canvas, owner


def tiled_figure(
    images: np.ndarray,
    captions: Sequence[str],
    *,
    cols: int,
    chart: str,
    title: str | None = None,
    colors: Sequence[str] | None = None,
    ids: Sequence[int] | None = None,
    colorscale=INK_SCALE,
    zmin: float = 0.0,
    zmax: float = 1.0,
    colorbar: bool = False,
    height: int = 420,
) -> go.Figure:
    """Small images in a grid, each with a caption above it (coloured per class).

    ``ids`` are shown when hovering (e.g. the image's index in the data set).
    """
    canvas, owner = tile(images, cols)
    ids = np.arange(len(captions)) if ids is None else np.asarray(ids)
    hover_id = np.where(owner >= 0, ids[np.clip(owner, 0, None)], -1)
    fig = go.Figure(
        go.Heatmap(
            z=canvas,
            customdata=hover_id,
            colorscale=colorscale,
            zmin=zmin,
            zmax=zmax,
            showscale=colorbar,
            hovertemplate="#%{customdata}<br>value %{z:.2f}<extra></extra>",
            hoverongaps=False,
        )
    )
    cell_h, cell_w = SIDE + LABEL_BAND, SIDE + GAP
    for i, caption in enumerate(captions):
        top, left = (i // cols) * cell_h + LABEL_BAND, (i % cols) * cell_w
        _frame(fig, left - 0.5, top - 0.5)
        fig.add_annotation(
            x=(i % cols) * cell_w + SIDE / 2 - 0.5,
            y=(i // cols) * cell_h + LABEL_BAND / 2,
            text=f"<b>{caption}</b>",
            showarrow=False,
            font={"size": 14, "color": colors[i] if colors else "#222"},
        )
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x", constrain="domain")
    fig.update_layout(plot_bgcolor="rgba(0,0,0,0)")
    return base_layout(fig, chart, title, height, title_space=40)


def _frame(fig: go.Figure, x0: float, y0: float) -> None:
    """A thin grey border around one 28x28 image, so white background still shows its edge."""
    fig.add_shape(
        type="rect", x0=x0, y0=y0, x1=x0 + SIDE, y1=y0 + SIDE, line={"width": 1, "color": "#ccc"}
    )


def example_grid_figure(
    images: np.ndarray, labels: np.ndarray, ids: np.ndarray, class_names: Sequence[str], cols=8
) -> go.Figure:
    """The example grid: each image captioned with its class name, in the class colour."""
    labels = np.asarray(labels)
    captions = [class_names[k] for k in labels]
    colors = [class_color(k) for k in labels]
    rows = max(1, -(-len(labels) // cols))
    return tiled_figure(
        images, captions, cols=cols, chart="examples", colors=colors, ids=ids, height=130 * rows
    )


def class_images_figure(
    images: np.ndarray,
    class_names: Sequence[str],
    *,
    chart: str,
    title: str,
    colorscale=INK_SCALE,
    colorbar: bool = False,
    captions: Sequence[str] | None = None,
) -> go.Figure:
    """One small image per class in a row of ten (mean images, variance maps)."""
    images = np.asarray(images).reshape(-1, SIDE, SIDE)
    zmax = float(images.max()) or 1.0
    return tiled_figure(
        images,
        captions or list(class_names),
        cols=len(images),
        chart=chart,
        title=title,
        colors=[class_color(k) for k in range(len(images))],
        colorscale=colorscale,
        zmax=zmax,
        colorbar=colorbar,
        height=200,
    )


def class_means_figure(means: np.ndarray, class_names: Sequence[str]) -> go.Figure:
    """The average image of every class."""
    return class_images_figure(
        means, class_names, chart="class_means", title="Average image of each class"
    )


def class_variance_figure(variances: np.ndarray, class_names: Sequence[str]) -> go.Figure:
    """Where the images of one class differ from each other (bright = varies a lot)."""
    captions = [f"{n} · {v:.3f}" for n, v in zip(class_names, variances.mean(axis=1), strict=True)]
    return class_images_figure(
        variances,
        class_names,
        chart="class_variance",
        title="Pixel variance within each class (caption: mean variance)",
        colorscale=HEAT_SCALE,
        colorbar=True,
        captions=captions,
    )


def class_counts_figure(
    train_counts: np.ndarray, test_counts: np.ndarray, class_names: Sequence[str]
) -> go.Figure:
    """Images per class in the training and the test set, side by side."""
    names = list(class_names)
    fig = go.Figure(
        [
            go.Bar(name="train", x=names, y=np.asarray(train_counts), marker_color="#3465a4"),
            go.Bar(name="test", x=names, y=np.asarray(test_counts), marker_color="#f0a030"),
        ]
    )
    fig.update_layout(
        barmode="group",
        legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.0, "yanchor": "bottom"},
    )
    fig.update_xaxes(type="category")
    fig.update_yaxes(title="images")
    return base_layout(fig, "class_counts", "How many images of each class", 360, title_space=40)


def pixel_histogram_figure(counts: np.ndarray, edges: np.ndarray) -> go.Figure:
    """How often each brightness occurs, on a log scale (background pixels dominate)."""
    centers = (edges[:-1] + edges[1:]) / 2
    fig = go.Figure(
        go.Bar(
            x=centers,
            y=np.asarray(counts),
            width=np.diff(edges),
            marker_color="#555",
            hovertemplate="brightness %{x:.2f}<br>%{y:,} pixels<extra></extra>",
        )
    )
    fig.update_xaxes(title="pixel value (0 = background, 1 = full ink)", range=[0, 1])
    fig.update_yaxes(title="pixels (log scale)", type="log", dtick=1)
    return base_layout(fig, "pixel_histogram", "Pixel brightness", 360, title_space=40)


def pca_figure(
    coords: np.ndarray,
    labels: np.ndarray,
    ids: np.ndarray,
    class_names: Sequence[str],
    explained: np.ndarray,
) -> go.Figure:
    """Each image as a dot in 2-D, coloured by class; hover shows which image it is."""
    labels = np.asarray(labels)
    fig = go.Figure()
    for k, name in enumerate(class_names):
        mask = labels == k
        fig.add_trace(
            go.Scatter(
                x=coords[mask, 0],
                y=coords[mask, 1],
                mode="markers",
                name=name,
                customdata=np.asarray(ids)[mask],
                marker={"size": 6, "color": class_color(k), "opacity": 0.75},
                hovertemplate=f"<b>{name}</b><br>image #%{{customdata}}<extra></extra>",
            )
        )
    fig.update_xaxes(title=f"direction 1 ({explained[0]:.1%} of the variance)")
    fig.update_yaxes(title=f"direction 2 ({explained[1]:.1%} of the variance)")
    fig.update_layout(legend={"title": "class", "itemsizing": "constant"}, dragmode="select")
    return base_layout(fig, "pca", None, 560, title_space=40)


def pixel_grid_figure(
    image: np.ndarray,
    title: str,
    *,
    zmax: float,
    values: bool = False,
    height: int = 380,
    text_size: int = 7,
) -> go.Figure:
    """One 28x28 image as a grid of cells; with ``values`` each non-zero cell shows its number."""
    image = np.asarray(image).reshape(SIDE, SIDE)
    text = None
    if values:
        fmt = "{:d}" if np.issubdtype(image.dtype, np.integer) else "{:.1f}"
        text = [[fmt.format(v) if v else "" for v in row] for row in image.tolist()]
    fig = go.Figure(
        go.Heatmap(
            z=image,
            text=text,
            texttemplate="%{text}" if values else None,
            textfont={"size": text_size},
            colorscale=INK_SCALE,
            zmin=0,
            zmax=zmax,
            showscale=False,
            hovertemplate="row %{y}, column %{x}<br>value %{z}<extra></extra>",
        )
    )
    _frame(fig, -0.5, -0.5)
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x", constrain="domain")
    return base_layout(fig, "pixel_grid", title, height, title_space=40)


def flat_strip_figure(
    flat: np.ndarray, title: str = "Flattened: one row of 784 numbers", height: int = 170
) -> go.Figure:
    """The 784-long input vector as one strip; dotted lines mark where each image row ends."""
    flat = np.asarray(flat).reshape(1, -1)
    fig = go.Figure(
        go.Heatmap(
            z=flat,
            colorscale=INK_SCALE,
            zmin=0,
            zmax=1,
            showscale=False,
            hovertemplate="x[%{x}] = %{z:.3f}<extra></extra>",
        )
    )
    for row_end in range(SIDE, flat.shape[1], SIDE):
        fig.add_vline(x=row_end - 0.5, line={"width": 1, "color": "#bbb", "dash": "dot"})
    fig.update_xaxes(
        title="position in the input vector (0 … 783)", tickvals=list(range(0, 785, 112))
    )
    fig.update_yaxes(visible=False)
    return base_layout(fig, "flat_strip", title, height, title_space=40)


def one_hot_figure(
    one_hot: np.ndarray, class_names: Sequence[str], title: str | None = None, height: int = 120
) -> go.Figure:
    """The label as a vector of ten numbers: 1 for the true class, 0 elsewhere."""
    one_hot = np.asarray(one_hot).reshape(1, -1)
    fig = go.Figure(
        go.Heatmap(
            z=one_hot,
            x=list(class_names),
            text=[[f"{v:g}" for v in one_hot[0]]],
            texttemplate="%{text}",
            textfont={"size": 18},
            colorscale=[[0, "#f4f4f4"], [1, "#2ca02c"]],
            zmin=0,
            zmax=1,
            showscale=False,
            xgap=3,
            hovertemplate="%{x}: %{z}<extra></extra>",
        )
    )
    fig.update_xaxes(type="category", side="top")
    fig.update_yaxes(visible=False)
    return base_layout(fig, "one_hot", title, height + (40 if title else 0), title_space=40)
