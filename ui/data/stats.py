"""The numbers behind the Data page: draws, class statistics, the PCA map.

Everything above the line marked *cached* is plain NumPy on arrays, so the tests can
check it without Streamlit. Below it, thin ``st.cache_data`` wrappers compute each
statistic once per server process for all users. They take the data set's *name* (plus
its source and size, so the bundled sample and the full set never share an entry) and
fetch the arrays themselves: hashing a 190 MB array on every call would cost more than
the statistic.

Shapes: ``X`` is ``(n, 784)`` float32 in [0, 1], ``y`` is ``(n,)`` int class numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from ui.active import dataset_of

N_CLASSES = 10
SIDE = 28  # images are SIDE x SIDE pixels


def draw_examples(y: np.ndarray, class_id: int | None, n: int, seed: int) -> np.ndarray:
    """Indices of ``n`` random images (of class ``class_id``, or any class if None).

    The same seed always gives the same draw, so the teacher can say "look at the third
    one" and every student sees the same picture.
    """
    pool = np.arange(len(y)) if class_id is None else np.flatnonzero(y == class_id)
    rng = np.random.default_rng(seed)
    return rng.choice(pool, size=min(n, len(pool)), replace=False)


def class_counts(y: np.ndarray, k: int = N_CLASSES) -> np.ndarray:
    """How many examples of each class: ``(k,)`` int. A balanced data set has equal bars."""
    return np.bincount(np.asarray(y), minlength=k)[:k]


def class_means(X: np.ndarray, y: np.ndarray, k: int = N_CLASSES) -> np.ndarray:
    """The average image of each class: ``(k, 784)``. Blurry, but already recognisable."""
    return np.stack([_rows(X, y, c).mean(axis=0, dtype=np.float64) for c in range(k)])


def class_variances(X: np.ndarray, y: np.ndarray, k: int = N_CLASSES) -> np.ndarray:
    """Per-pixel variance within each class: ``(k, 784)``.

    Bright where writers disagree (the strokes move around), dark where every example
    agrees: the border is always empty, so it carries no information at all.
    """
    return np.stack([_rows(X, y, c).var(axis=0, dtype=np.float64) for c in range(k)])


def _rows(X: np.ndarray, y: np.ndarray, c: int) -> np.ndarray:
    rows = X[np.asarray(y) == c]
    return rows if len(rows) else np.zeros((1, X.shape[1]), dtype=X.dtype)


def pixel_histogram(
    X: np.ndarray, bins: int = 32, max_rows: int = 10_000, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Counts and bin edges of pixel intensities in [0, 1] over up to ``max_rows`` images.

    Most pixels are exactly 0 (background), a few are near 1 (ink): the histogram shows
    how little of each image actually carries the digit.
    """
    if len(X) > max_rows:
        X = X[np.sort(np.random.default_rng(seed).choice(len(X), max_rows, replace=False))]
    counts, edges = np.histogram(X, bins=bins, range=(0.0, 1.0))
    return counts, edges


@dataclass(frozen=True)
class PCAResult:
    """A 2-D view of the images: ``coords`` ``(n, 2)`` for the images ``indices`` ``(n,)``.

    ``explained`` ``(k,)``: the share of the total pixel variance along each principal
    direction, largest first; ``components`` ``(2, 784)`` are the first two directions.
    """

    coords: np.ndarray
    indices: np.ndarray
    labels: np.ndarray
    explained: np.ndarray
    components: np.ndarray
    mean: np.ndarray


def pca(X: np.ndarray, n_components: int = 2):
    """Principal component analysis: the directions along which the images differ most.

    They are the singular vectors of the centred data's ``d x d`` scatter matrix
    ``Xc^T Xc``; its singular values are the variances along them (times n). Working on
    that 784 x 784 matrix instead of the n x 784 data is several times faster and gives
    the same directions. Returns ``(coords (n, n_components), components
    (n_components, d), mean (d,), explained (d,))``. Signs are fixed (largest loading
    positive) so the picture does not flip between runs.
    """
    X = np.asarray(X, dtype=np.float64)
    mean = X.mean(axis=0)
    centred = X - mean
    _, power, Vt = np.linalg.svd(centred.T @ centred, hermitian=True)
    signs = np.sign(Vt[np.arange(len(Vt)), np.abs(Vt).argmax(axis=1)])
    signs[signs == 0] = 1
    components = Vt[:n_components] * signs[:n_components, None]
    total = power.sum()
    explained = power / total if total > 0 else power
    return centred @ components.T, components, mean, explained


def pca_projection(X: np.ndarray, y: np.ndarray, n: int = 3000, seed: int = 0) -> PCAResult:
    """PCA of a random subset of ``n`` images: enough to see the clusters, quick to draw."""
    indices = np.sort(np.random.default_rng(seed).choice(len(X), min(n, len(X)), replace=False))
    coords, components, mean, explained = pca(X[indices])
    return PCAResult(coords, indices, np.asarray(y)[indices], explained, components, mean)


def selected_ids(event, n: int) -> list[int]:
    """Image numbers of the dots selected in the PCA chart, in selection order.

    ``event`` is what ``st.plotly_chart(..., on_select="rerun")`` returns; each selected
    point carries its image number in ``customdata`` (a number, or a list holding it).
    Numbers outside ``0 .. n-1`` (left over from another data set) are dropped.
    """
    points = ((event or {}).get("selection") or {}).get("points") or []
    ids = []
    for point in points:
        value = point.get("customdata")
        if isinstance(value, list | tuple):
            value = value[0] if value else None
        if isinstance(value, int | float) and 0 <= int(value) < n and int(value) not in ids:
            ids.append(int(value))
    return ids


def blank_share(variances: np.ndarray, border: int = 2, tiny: float = 1e-4) -> tuple[float, float]:
    """How much of the picture never changes: the share of border pixels (the outer
    ``border`` rows and columns) and of all pixels whose variance is below ``tiny`` in
    every class. MNIST's border is blank in every digit; clothes fill the frame."""
    quiet = (np.asarray(variances) < tiny).all(axis=0).reshape(SIDE, SIDE)
    ring = np.ones((SIDE, SIDE), bool)
    ring[border:-border, border:-border] = False
    return float(quiet[ring].mean()), float(quiet.mean())


def variance_sentence(variances: np.ndarray, noun: str) -> str:
    """A true sentence about the variance maps on screen, whichever data set they show.

    noun: what the images show, plural ("digits", "clothes").
    """
    border, overall = blank_share(variances)
    if border >= 0.25:
        return (
            f"Dark where the {noun} differ from each other, white where they all agree. "
            f"{border:.0%} of the pixels near the border hardly ever vary, in any class "
            f"({overall:.0%} of all pixels): they carry no information."
        )
    return (
        f"Dark where the {noun} differ from each other, white where they all agree. "
        f"Here even the border varies ({border:.0%} of its pixels are always blank): the "
        f"{noun} fill the frame, so almost every pixel carries some information."
    )


# --- cached: computed once per server process, shared read-only by every user ---------


@st.cache_data(show_spinner="Computing class statistics...", max_entries=8)
def cached_class_stats(name: str, source: str, version: int | str) -> dict[str, np.ndarray]:
    """Counts, means, variances and the pixel histogram of data set ``name``.

    ``source`` and ``version`` only make the cache key precise (``ActiveData.cache_key``).
    """
    ds = dataset_of(name, source, version)
    counts, edges = pixel_histogram(ds.X_train)
    k = len(ds.class_names)  # 10 for MNIST, 3 for a collection of circles, squares, triangles
    return {
        "train_counts": class_counts(ds.y_train, k),
        "test_counts": class_counts(ds.y_test, k),
        "means": class_means(ds.X_train, ds.y_train, k).astype(np.float32),
        "variances": class_variances(ds.X_train, ds.y_train, k).astype(np.float32),
        "hist_counts": counts,
        "hist_edges": edges,
    }


@st.cache_data(show_spinner="Projecting the images to 2-D...", max_entries=8)
def cached_pca(name: str, source: str, version: int | str, n: int = 1000) -> PCAResult:
    """The PCA view of ``n`` training images of data set ``name`` (see ``pca_projection``).

    The directions come from the same 3,000 images whatever ``n`` is, so asking for more
    dots adds dots to the map without moving the ones already there.
    """
    ds = dataset_of(name, source, version)
    base = pca_projection(ds.X_train, ds.y_train, n=3000)
    if n <= len(base.indices):
        keep = np.sort(np.random.default_rng(1).choice(len(base.indices), n, replace=False))
        return PCAResult(
            base.coords[keep],
            base.indices[keep],
            base.labels[keep],
            base.explained,
            base.components,
            base.mean,
        )
    indices = np.sort(
        np.random.default_rng(0).choice(len(ds.X_train), min(n, len(ds.X_train)), replace=False)
    )
    coords = (np.asarray(ds.X_train[indices], np.float64) - base.mean) @ base.components.T
    return PCAResult(
        coords, indices, ds.y_train[indices], base.explained, base.components, base.mean
    )
