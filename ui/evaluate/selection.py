"""Small pure helpers for the Evaluate page's controls: clicks, filters and pages.

No Streamlit here, so the tests can check them on plain values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

ANY = "Any"
CELL_PAGE = 24  # images per page behind a confusion-matrix cell
MISTAKE_PAGE = 12  # mistakes per page (each with its ten bars)


def clicked_cell(event, class_names: Sequence[str]) -> tuple[int, int] | None:
    """(true, predicted) of the confusion-matrix cell clicked, or None.

    ``event`` is what ``st.plotly_chart(..., on_select="rerun")`` returns. A heatmap
    point carries ``customdata`` ``[true, predicted]`` when Plotly sends it; otherwise
    its ``y`` and ``x`` are the class names of the row and the column.
    """
    points = ((event or {}).get("selection") or {}).get("points") or []
    if not points:
        return None
    point = points[-1]
    k = len(class_names)
    data = point.get("customdata")
    if isinstance(data, dict):  # Streamlit may send a list as {"0": t, "1": p}
        data = [data.get("0"), data.get("1")]
    if isinstance(data, list | tuple) and len(data) == 2 and None not in data:
        t, p = (int(v) for v in data)
        return (t, p) if 0 <= t < k and 0 <= p < k else None
    names = [str(n) for n in class_names]
    y, x = str(point.get("y")), str(point.get("x"))
    if y in names and x in names:
        return names.index(y), names.index(x)
    return None


@dataclass(frozen=True)
class Cell:
    """The confusion-matrix cell whose images are shown: the page's one copy of it.

    Two controls choose a cell, a click on the matrix and the two selectboxes, and a
    browser that is still drawing the last answer may send a stale value of either with
    its next request. So the controls do not own the cell; they write it here, and every
    click starts a new ``version`` that renames the controls (``key``), so a stale value
    sent for the old names can never undo a click, and clicking the same cell again
    after choosing another one still counts.
    """

    true: int
    answered: int
    version: int = 0

    def clicked(self, true: int, answered: int) -> Cell:
        return Cell(true, answered, self.version + 1)

    def chosen(self, true: int, answered: int) -> Cell:
        return Cell(true, answered, self.version)

    def fits(self, n_classes: int) -> bool:
        return 0 <= self.true < n_classes and 0 <= self.answered < n_classes

    def key(self, prefix: str) -> str:
        """The name of one of this version's controls, e.g. ``evaluate.cell_true.3``."""
        return f"{prefix}.{self.version}"


def class_filter(choice: str | None, class_names: Sequence[str]) -> int | None:
    """A filter selectbox's value ("Any" or a class name) as a class number or None."""
    names = list(class_names)
    return names.index(choice) if choice in names else None


def n_pages(n_items: int, per_page: int) -> int:
    """How many pages ``n_items`` fill (at least one, so an empty list still has a page)."""
    return max(1, -(-n_items // per_page))


def page_slice(page: int, per_page: int) -> slice:
    """The items on 1-based ``page``."""
    start = (max(1, int(page)) - 1) * per_page
    return slice(start, start + per_page)
