"""The class handwriting set as one picture: every drawing, grouped by its label.

Three thousand drawings are three thousand small pictures; as Plotly cells or one
annotation each they cost the browser (and the server) seconds. Laid out here as one
array of palette indices, they become one PNG of about 100 kB: the 0s in a block, then
the 1s, and so on, each block as wide as the picture, so a "7" drawn among the 1s
stands out. Ink comes in eight shades, black where the model read the drawing right
and red where it misread it (with no model, all black).

With many drawings each one is shown at half size (14 px, the mean of each 2 x 2
pixels): at seventy to a row a projected 28 px drawing is shrunk to half size by the
browser anyway, and the picture is a quarter of the bytes.

The board shows it as an SVG figure (:func:`figure`, ``ui.figures.svg``): the PNG with
each block's caption at its left, which the browser decodes as one image.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ui import text
from ui.figures import svg

SIDE = 28
GAP = 1  # px of paper between two drawings
GROUP_GAP = 10  # px of paper between two labels' blocks
SHADES = 8  # shades of ink: palette 0..7 black ink, 8..15 red ink
ASPECT = 0.6  # the picture's height over its width, about (a wide projected board)
MIN_COLUMNS, MAX_COLUMNS = 10, 80
HALF_FROM = 48  # columns from which each drawing is shown at half size
RED = (207, 34, 46)  # misread ink
RED_TEXT = "#cf222e"  # the same red, for "misread" in a caption
INK = (0, 0, 0)


@dataclass(frozen=True)
class Mosaic:
    """The picture (h, w) uint8 palette indices, its palette (16, 3) uint8, and where
    each label's block starts: ``groups`` is (label, count, misread, top row) per block."""

    pixels: np.ndarray
    palette: np.ndarray
    groups: tuple[tuple[int, int, int, int], ...]
    side: int
    columns: int


def palette() -> np.ndarray:
    """White paper to full ink in ``SHADES`` steps, black then red: (16, 3) uint8."""
    t = np.linspace(0.0, 1.0, SHADES)[:, None]  # (8, 1)
    paper = np.full(3, 255.0)
    ramps = [paper + t * (np.array(colour) - paper) for colour in (INK, RED)]  # 2 x (8, 3)
    return np.rint(np.concatenate(ramps)).astype(np.uint8)


def columns_for(counts: list[int]) -> int:
    """Drawings per row: the count whose picture is closest to ``ASPECT`` (taller than
    wide only when a few labels have just a drawing or two)."""
    best, best_miss = MIN_COLUMNS, np.inf
    for c in range(MIN_COLUMNS, MAX_COLUMNS + 1):
        rows = sum(-(-k // c) for k in counts)
        miss = abs(rows / c - ASPECT)
        if miss < best_miss:
            best, best_miss = c, miss
    return best


def compose(images: np.ndarray, labels: np.ndarray, correct: np.ndarray | None = None) -> Mosaic:
    """``images`` (n, 28, 28) in [0, 1], ``labels`` (n,), ``correct`` (n,) bool or None."""
    images = np.asarray(images, dtype=np.float32).reshape(-1, SIDE, SIDE)
    labels = np.asarray(labels).astype(np.int64)
    n = len(images)
    wrong = np.zeros(n, bool) if correct is None else ~np.asarray(correct, dtype=bool)  # (n,)
    present = sorted(set(labels.tolist()))
    counts = [int((labels == k).sum()) for k in present]
    cols = columns_for(counts) if n else MIN_COLUMNS
    side = SIDE if cols < HALF_FROM else SIDE // 2
    if side != SIDE:
        images = images.reshape(n, side, 2, side, 2).mean(axis=(2, 4))  # (n, 14, 14)
    shades = np.rint(np.clip(images, 0, 1) * (SHADES - 1)).astype(np.uint8)  # (n, s, s)
    shades += (SHADES * (wrong[:, None, None] & (shades > 0))).astype(np.uint8)
    cell = side + GAP
    least = 2 if side == SIDE else 3  # rows a block takes at least: room for its caption
    rows = [max(least, -(-k // cols)) for k in counts]
    height = max(1, sum(rows) * cell + GROUP_GAP * max(0, len(rows) - 1) - GAP)
    pixels = np.zeros((height, cols * cell - GAP), np.uint8)  # (h, w) palette indices
    groups, top = [], 0
    for label, count, block in zip(present, counts, rows, strict=True):
        members = np.flatnonzero(labels == label)  # (count,) in the order shared
        for j, i in enumerate(members):
            y, x = top + (j // cols) * cell, (j % cols) * cell
            pixels[y : y + side, x : x + side] = shades[i]
        groups.append((label, count, int(wrong[members].sum()), top))
        top += block * cell + GROUP_GAP
    return Mosaic(pixels, palette(), tuple(groups), side, cols)


# --- the picture on the board -----------------------------------------------------------

WIDTH = 900  # px: the board's column on a laptop; the page scales it to the column
MAX_HEIGHT = 900  # px of drawings at most: a tall set fits on a screen
MAX_SCALE = 2.5  # a few drawings are enlarged, to 70 px each at most
CAPTION_MARGIN = 90  # px left of the drawings for each block's caption
CAPTION_SIZE = 16  # px, like every label on the projected board
CHAR_WIDTH = 9.5  # px a character of a caption takes, about, in a bold sans-serif


def figure(
    images: np.ndarray,
    labels: np.ndarray,
    correct: np.ndarray | None = None,
    class_names: Sequence[str] | None = None,
    chart: str = "class_drawings",
    title: str = "The class handwriting set",
) -> svg.Svg:
    """The set as an image with a caption at the left of each label's block: the
    label, how many, and how many the model misread.

    Why an image and not a Plotly chart? A chart would let the teacher zoom, but the
    browser spends a few tenths of a second setting it up, on every board in a fresh
    tab, and the board must appear within 2 s; an image is decoded at once. A
    collection's ``class_names`` are typed by a teacher, so they are shown as text.
    """
    picture = compose(images, labels, correct)
    h, w = picture.pixels.shape  # mosaic pixels
    names = [text.plain(n, 24) for n in class_names or ()]
    captions = [
        (f"{label if class_names is None else names[label]}: {count}",
         f"{wrong} misread" if wrong else "", row)
        for label, count, wrong, row in picture.groups
    ]  # fmt: skip
    longest = max((len(c) for caption in captions for c in caption[:2]), default=0)
    margin = max(CAPTION_MARGIN, 16 + CHAR_WIDTH * longest)
    scale = min((WIDTH - margin) / w, MAX_HEIGHT / h, MAX_SCALE)  # screen px per mosaic px
    top = svg.TITLE_BAND + 8
    n = len(images)
    body = [svg.title_text(f"{title} ({n:,} drawing{'' if n == 1 else 's'})")]
    body.append(
        svg.picture(
            picture.pixels,
            margin,
            top,
            w * scale,
            h * scale,
            palette=picture.palette,
            crisp=scale >= 1,
        )  # fmt: skip
    )
    for first, second, row in captions:
        y = top + row * scale
        body.append(svg.text(margin - 8, y + 14, first, anchor="end", bold=True,
                             size=CAPTION_SIZE))  # fmt: skip
        if second:
            body.append(svg.text(margin - 8, y + 34, second, anchor="end",
                                 size=CAPTION_SIZE, color=RED_TEXT))  # fmt: skip
    return svg.Svg(chart, margin + w * scale, top + h * scale, "".join(body), title)
