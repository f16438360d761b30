"""The first view: the scores, accuracy per class, and the confusion matrix with the
images behind each cell.

A single accuracy hides where the network goes wrong. Per class, precision and recall
show which classes it confuses; the confusion matrix shows with what; and the images
behind a cell show why, often at a glance (a four closed at the top looks like a nine).
"""

from __future__ import annotations

from functools import partial

import numpy as np
import streamlit as st

from nn_core.predictions import Predictions, cell_members, precision_recall
from ui.evaluate import charts_images, charts_scores, keys
from ui.evaluate.charts_images import RIGHT, WRONG
from ui.evaluate.selection import CELL_PAGE, Cell, clicked_cell, n_pages, page_slice
from ui.figures import presentation


def headline(p: Predictions) -> None:
    """Accuracy, loss, and how many images that is, in four large numbers."""
    result = p.summary()
    wrong = int(result.n - np.trace(result.confusion))
    cols = st.columns(4)
    cols[0].metric("Test accuracy", f"{result.accuracy:.2%}")
    cols[1].metric("Test loss (cross-entropy)", f"{result.loss:.4f}")
    cols[2].metric("Test images", f"{result.n:,}")
    cols[3].metric("Mistakes", f"{wrong:,}")


def per_class(p: Predictions, class_names) -> None:
    """Accuracy per class as bars; precision and recall per class in a small table."""
    result = p.summary()
    precision, recall = precision_recall(result.confusion)
    left, right = st.columns([3, 2])
    with left:
        fig = charts_scores.per_class_figure(result.per_class, class_names, result.accuracy)
        presentation.chart(fig)
        presentation.note(
            "Notice how uneven it is: the weakest class sets how much a user can trust "
            "any single answer, whatever the overall accuracy."
        )
    with right:
        st.dataframe(
            {
                "class": list(class_names),
                "precision": np.nan_to_num(precision),
                "recall": np.nan_to_num(recall),
                "test images": result.confusion.sum(axis=1),
            },
            column_config={
                "precision": st.column_config.NumberColumn(format="percent"),
                "recall": st.column_config.NumberColumn(format="percent"),
            },
            hide_index=True,
        )
        presentation.note(
            "**Precision**: of the images it called this class, the share that are. "
            "**Recall**: of the images of this class, the share it found (the bar on the left)."
        )


def _default_cell(cm: np.ndarray) -> tuple[int, int]:
    """The most frequent mistake: the first cell worth looking at."""
    off = np.where(np.eye(len(cm), dtype=bool), -1, cm)
    t, p = np.unravel_index(int(np.argmax(off)), off.shape)
    return int(t), int(p)


def _chosen_cell(cm: np.ndarray) -> Cell:
    """This tab's chosen cell; on the first visit the most frequent mistake."""
    cell = st.session_state.get(keys.CELL)
    if not isinstance(cell, Cell) or not cell.fits(len(cm)):
        cell = st.session_state[keys.CELL] = Cell(*_default_cell(cm))
    return cell


def _on_click(matrix_key: str, names: list[str]) -> None:
    click = clicked_cell(st.session_state.get(matrix_key), names)
    if click is not None:  # an emptied selection (a redraw, a second click) changes nothing
        st.session_state[keys.CELL] = st.session_state[keys.CELL].clicked(*click)


def _on_choose(true_key: str, pred_key: str, names: list[str]) -> None:
    t, a = names.index(st.session_state[true_key]), names.index(st.session_state[pred_key])
    st.session_state[keys.CELL] = st.session_state[keys.CELL].chosen(t, a)


def confusion(p: Predictions, ds) -> None:
    """The confusion matrix (click a cell, or choose one below) and that cell's images."""
    names = list(ds.class_names)
    cm = p.summary().confusion
    cell = _chosen_cell(cm)
    normalise = st.toggle("Show each row as rates", key=keys.NORMALISE)
    matrix_key = cell.key(keys.MATRIX)
    presentation.chart(
        charts_scores.confusion_figure(cm, names, normalise, chosen=(cell.true, cell.answered)),
        on_select=partial(_on_click, matrix_key, names),
        selection_mode="points",
        key=matrix_key,
    )
    presentation.note(
        "Rows are the true classes, columns the network's answers: the diagonal is right, "
        "everything else is a mistake. Notice which pairs light up; they look alike. "
        "Click a cell to see its images."
    )
    true_key, pred_key = cell.key(keys.CELL_TRUE), cell.key(keys.CELL_PRED)
    choose = partial(_on_choose, true_key, pred_key, names)
    left, middle, _ = st.columns([2, 2, 3])
    left.selectbox("True class", names, cell.true, key=true_key, on_change=choose)
    middle.selectbox("Answered", names, cell.answered, key=pred_key, on_change=choose)
    cell_images(p, ds, cell.true, cell.answered)


def cell_images(p: Predictions, ds, t: int, a: int) -> None:
    """The test images of one cell, most confident first, a page at a time."""
    names = list(ds.class_names)
    members = cell_members(p, t, a)
    if len(members) == 0:
        st.info(f"No test image of class {names[t]} was answered {names[a]}.")
        return
    pages = n_pages(len(members), CELL_PAGE)
    page = st.pagination(pages, key=f"{keys.CELL_PAGE}.{t}.{a}") if pages > 1 else 1
    shown = members[page_slice(page, CELL_PAGE)]
    verdict = "right" if t == a else "wrong"
    title = f"True {names[t]}, answered {names[a]} ({verdict}): {len(members):,} images" + (
        f", page {page} of {pages}" if pages > 1 else ""
    )
    fig = charts_images.image_grid_figure(
        ds.X_test[shown],
        shown,
        [f"{c:.0%}" for c in p.confidence[shown]],
        [RIGHT if t == a else WRONG] * len(shown),
        chart="eval_cell_images",
        title=title,
    )
    presentation.chart(fig)
    presentation.note(
        f"Above each image: how sure the network was that it is a {names[a]}. "
        "Notice the least sure ones: often the image is ambiguous to a person too."
    )
