"""A class draws one data set together, in Chromium, and trains a network on it.

The teacher (a projector, 1920x1080) starts a class and makes the collection "Shapes"
(circle, square, triangle) on the Class page. Two students join with the class link:
Ana on a laptop (1280x800) draws with the mouse, Tia on a touch tablet (768x1024) with
her finger. Each goes to Draw, switches to *Collect*, picks the class's collection and
adds three drawings of each shape; the counts on each page add up both students'. The
board then shows the pooled counts, two students, the roster and the picture. Ana picks
the collection in the sidebar, trains it with the *Small data* recipe and shares the
run: the board names it by the collection's title and says how well the class's best
network reads the held-out drawings. Every wait is for a state on the page; on a
failure, what every page showed goes to the artifacts.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from playwright.sync_api import expect

from tests.support.app_server import running_app
from tests.support.browser import APP_IDLE
from tests.support.drawing import draw, start_class_with_shapes, stroke_by_mouse, stroke_by_touch
from tests.support.lesson import (
    DEADLINE_MS,
    chart_drawn,
    choose,
    evidence,
    figure_texts,
    join,
    open_tab,
    shot,
)  # fmt: skip
from tests.support.shapes import SHAPES

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PER_CLASS = 3  # each student, each shape: 18 drawings, 6 a class, enough to train
LAPTOP = {"viewport": {"width": 1280, "height": 800}}
TABLET = {"viewport": {"width": 768, "height": 1024}, "has_touch": True, "is_mobile": True}
ENV = {"NN_CLASS_REFRESH": "1", "NN_CLASS_DB_URL": None}


def go_to(page, link: str, tablet: bool) -> None:
    """Through the sidebar's link. A tablet's sidebar starts folded and covers the page
    when open: the student unfolds it, taps the link and folds it again."""
    if tablet:
        page.get_by_test_id("stSidebarCollapsedControl").or_(
            page.get_by_test_id("stExpandSidebarButton")
        ).first.click()
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("link", name=link).click()
    page.wait_for_url(re.compile(rf"/{link.lower()}"))
    if tablet:
        sidebar.hover()
        page.get_by_test_id("stSidebarCollapseButton").click()


def count_of(page, kind: str):
    main = page.get_by_test_id("stMain")
    return main.get_by_test_id("stMetric").filter(has_text=kind).get_by_test_id("stMetricValue")


def collect(page, rng, tablet: bool, before: int) -> None:
    """On Draw, Collect mode, the class's "Shapes": ``PER_CLASS`` drawings of each shape,
    each class's count going up from ``before`` (the classmates' drawings)."""
    go_to(page, "Draw", tablet)
    main = page.get_by_test_id("stMain")
    main.get_by_text("Collect a data set").click()
    choose(page, "Collection", "Shapes (the class's)")
    add = main.get_by_role("button", name="Add to the collection")
    main.get_by_text("A drawing that went wrong: remove it under").wait_for()
    expect(main.get_by_role("button", name="Remove the last drawing")).to_have_count(0)
    stroke = stroke_by_touch if tablet else stroke_by_mouse
    for kind in SHAPES:
        expect(count_of(page, kind)).to_have_text(str(before))
        main.get_by_test_id("stButtonGroup").get_by_text(kind, exact=True).click()
        page.wait_for_function(APP_IDLE, timeout=DEADLINE_MS)
        for n in range(before + 1, before + PER_CLASS + 1):
            draw(
                page,
                kind,
                rng,
                stroke,
                lambda: expect(add).to_be_enabled(timeout=8_000),
                DEADLINE_MS,
            )
            add.click()
            expect(count_of(page, kind)).to_have_text(str(n))


def table_has_row(page, cells: list[str]) -> None:
    """Wait until one of the page's data frames has a row of exactly ``cells`` (read from
    the grid's accessible table, which holds each cell's text)."""
    page.wait_for_function(
        """(cells) => [...document.querySelectorAll('[data-testid=stDataFrame] [role=row]')]
            .some(row => {
                const got = [...row.querySelectorAll('[role=gridcell]')].map(c => c.textContent);
                return got.length === cells.length && got.every((c, i) => c === cells[i]);
            })""",
        arg=cells,
        timeout=DEADLINE_MS,
    )


def board_shows_the_pool(teacher) -> None:
    """Per class: its count and its two students; the roster; the picture."""
    each, total = str(2 * PER_CLASS), 2 * PER_CLASS * len(SHAPES)
    teacher.get_by_text(re.compile(rf"^{total} drawings of 3 classes from 2 students")).wait_for()
    for kind in SHAPES:
        table_has_row(teacher, [kind, each, "2"])  # Class, Drawings, Students
    teacher.get_by_text("Who drew what").wait_for()
    mine = [str(PER_CLASS)] * len(SHAPES) + [str(PER_CLASS * len(SHAPES))]
    for nickname in ("Ana", "Tia"):
        table_has_row(teacher, [nickname, *mine])  # Student, circle, square, triangle, Total
    chart_drawn(teacher, "class_collection_1")
    notes = figure_texts(teacher, "class_collection_1")  # the picture's captions
    assert all(f"{kind}: {each}" in notes for kind in SHAPES), notes


def show_collection(teacher) -> None:
    """Scroll the board to the collection, for the screenshot a person looks at."""
    teacher.get_by_text(re.compile(r"^Collection: Shapes")).first.scroll_into_view_if_needed()


def train_and_share(page) -> None:
    """The class's collection in the sidebar, the Small data recipe, Start, Share."""
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Shapes · class").click()
    sidebar.get_by_text(re.compile(r"\d+ train / \d+ test")).wait_for()
    go_to(page, "Train", tablet=False)
    main = page.get_by_test_id("stMain")
    main.get_by_text(
        re.compile(rf"^{2 * PER_CLASS * len(SHAPES)} drawings: \d+ to learn from, \d+ held out")
    ).wait_for()
    choose(page, "Preset", "Small data")
    page.wait_for_function(APP_IDLE, timeout=DEADLINE_MS)
    main.get_by_role("button", name="Start", exact=True).click()
    share = main.get_by_role("button", name="Share with the class")
    share.wait_for(timeout=3 * DEADLINE_MS)
    share.click()
    main.get_by_role("button", name="Shared with the class").wait_for()


def test_two_students_draw_shapes_for_the_class_and_one_trains_on_them(browser, tmp_path):
    env = {"NN_STATE_DIR": str(tmp_path / "state"), **ENV}
    with running_app(tmp_path / "server.log", env) as url:
        teacher = open_tab(browser, f"{url}/class", viewport={"width": 1920, "height": 1080})
        ana = open_tab(browser, url, **LAPTOP)
        tia = open_tab(browser, url, **TABLET)
        pages = {"teacher": teacher, "ana": ana, "tia": tia}
        with evidence(pages):
            code = start_class_with_shapes(teacher, DEADLINE_MS)
            for nickname, page in (("Ana", ana), ("Tia", tia)):
                page.goto(f"{url}/?class={code}")
                join(page, nickname)
            collect(ana, np.random.default_rng(1), tablet=False, before=0)
            collect(tia, np.random.default_rng(2), tablet=True, before=PER_CLASS)
            shot(tia, "class_collection_tia")
            board_shows_the_pool(teacher)
            show_collection(teacher)
            shot(teacher, "class_collection_board")
            train_and_share(ana)
            teacher.get_by_text("1 shared run on Shapes").wait_for()
            teacher.get_by_text(
                re.compile(r"^The class's best network \(Ana, .*\) reads")
            ).wait_for()
            teacher.get_by_text(re.compile(r"of the \d+ held-out drawings? right")).wait_for()
            show_collection(teacher)
            shot(teacher, "class_collection_trained")
        for page in pages.values():
            assert page.get_by_test_id("stException").count() == 0
            page.context.close()
