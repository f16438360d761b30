"""A class collection in Chromium: the teacher's form, the pooled board, names as text.

The teacher makes a collection in the teacher controls, its title typed as a hostile
string (TeX, HTML, a Markdown image); class names with markup are refused, the refusal
quoting the name as characters; two students (in the
store, as another server would) add drawings of every class and one shares a network
trained on it. The projected board must show, within a refresh or two, the counts, the
roster, the picture and the network's held-out accuracy, with every typed name held as
characters: no ``<img>``, link, ``.katex``, colour or bold made of them. Every wait
polls the page for a state with a generous deadline.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import sqlalchemy as sa

from nn_core.model import MLP
from tests.browser.test_browser_hostile_text import DEADLINE_MS, only_text, open_tab
from tests.support.app_server import running_app
from tests.support.browser import APP_IDLE, put_key_away, screenshot
from tests.support.lesson import chart_drawn, figure_texts
from tests.support.runs import make_run
from ui.classroom import codes
from ui.classroom.sharing import entry_from_run
from ui.classroom.store import ClassStore

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TITLE = "<i>$x$</i> ![](//x.invalid/t.png)"
HOSTILE = (r"$\rule{99em}{99em}$", "<b>bold</b>", "![](//x.invalid/c.png)", ":red[big]")
CLASSES = ("circle", "square", "star", "Sam's heart")


def pool(store: ClassStore, code: str, collection_id: int, name: str) -> None:
    """Two students draw three of every class; Ana shares a network trained on it."""
    rng = np.random.default_rng(0)
    ana, sam = store.join(code, "Ana"), store.join(code, "Sam")
    for who in (ana, sam):
        for label in range(len(CLASSES)):
            for _ in range(3):
                image = (rng.random((28, 28)) < 0.2).astype(np.float32)  # (28, 28)
                store.add_collection_drawing(who, collection_id, image, label)
    run = make_run(1, accuracy=0.75, steps=50, dataset=name)
    run.model = MLP((784, 8, len(CLASSES)), seed=0)
    store.share_run(ana, entry_from_run(run))


def test_a_pooled_collection_on_the_board_holds_typed_names_as_text(browser, tmp_path):
    state, requests = tmp_path / "state", []
    env = {"NN_STATE_DIR": str(state), "NN_CLASS_REFRESH": "2", "NN_CLASS_DB_URL": None}
    with running_app(tmp_path / "server.log", env) as url:
        teacher = open_tab(browser, f"{url}/class", requests)
        teacher.get_by_role("button", name="Start a class").click()
        put_key_away(teacher)
        heading = teacher.get_by_text(re.compile(r"Class code:")).first.inner_text()
        code = codes.normalise(re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}", heading).group(0))
        teacher.get_by_text("Teacher controls").click()
        teacher.get_by_role("textbox", name="Its name").fill(TITLE)
        classes = teacher.get_by_role("textbox", name="Its classes, one per line")
        classes.fill("\n".join(HOSTILE))
        teacher.wait_for_function(APP_IDLE, timeout=DEADLINE_MS)
        teacher.get_by_role("button", name="Make the collection").click()
        teacher.get_by_text(re.compile(r"No collection made: a class name may hold")).wait_for()
        only_text(teacher, [HOSTILE[0]])  # the refusal quotes it, as characters
        classes.fill("\n".join(CLASSES))
        teacher.wait_for_function(APP_IDLE, timeout=DEADLINE_MS)
        teacher.get_by_role("button", name="Make the collection").click()
        teacher.get_by_text(re.compile(r"^No network trained on it yet")).wait_for()

        store = ClassStore(sa.create_engine(f"sqlite:///{state / 'classroom.sqlite3'}"))
        (info,) = store.collections(code)
        assert info.title == TITLE and info.class_names == CLASSES
        pool(store, code, info.id, info.name)
        teacher.get_by_text(re.compile(r"^24 drawings of 4 classes from 2 students")).wait_for()
        teacher.get_by_text(re.compile(r"^The class's best network .* reads")).wait_for()
        chart_drawn(teacher, f"class_collection_{info.id}")
        teacher.get_by_text("Who drew what").wait_for()
        only_text(teacher, [TITLE])  # the title as typed, tags and all
        teacher.get_by_text(re.compile(r"^Collection: ")).scroll_into_view_if_needed()
        screenshot(teacher, "collection_board")
        title, *notes = figure_texts(teacher, f"class_collection_{info.id}")  # an image's text
        assert title.startswith(f"{TITLE}: the class's drawings")  # characters, tags and all
        shown = [n for n in notes if not n.endswith("misread")]
        assert shown == [f"{c}: 6" for c in CLASSES], notes  # the names, as typed
        assert not [u for u in requests if "x.invalid" in u]  # nothing fetched from them
        teacher.context.close()
