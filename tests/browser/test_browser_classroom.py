"""The class board in Chromium: two students share runs and the teacher's board shows
both, and two app servers on one PostgreSQL serve the same board.

The Class page is served on its own (``streamlit run app_pages/classroom.py``) so these
tests need nothing from the other pages; the students' runs are built as the Train page
records them (``make_run``) and shared through the same ``entry_from_run`` the share
button uses, straight into the store, as another server would. Every wait polls the page
for the expected content with a generous deadline; nothing sleeps and then asserts.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.support.app_server import ROOT, running_app
from tests.support.browser import APP_IDLE, ARTIFACTS, put_key_away
from tests.support.classroom import fresh_pg_database, pg_admin_url  # noqa: F401
from tests.support.lesson import choose
from tests.support.runs import make_run
from ui.classroom import codes
from ui.classroom.sharing import entry_from_run
from ui.classroom.store import ClassStore

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DEADLINE_MS = 60_000


def class_server(env: dict, log_path):
    """``streamlit run app_pages/classroom.py`` on a free port with ``env``, in a ``with``
    block that yields its URL. The SQLite test must not inherit a class server's URL."""
    env = {"PYTHONPATH": str(ROOT), "NN_CLASS_DB_URL": None, **env}
    return running_app(log_path, env, script="app_pages/classroom.py")


def open_tab(browser, url: str, width: int = 1400, height: int = 1000):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(DEADLINE_MS)
    page.goto(url)
    page.get_by_text("Class board").first.wait_for()
    return page


def start_class(page) -> tuple[str, str]:
    """Press Start a class; read the code off the page and the once-shown key off its
    dialog, and put the key away."""
    page.get_by_role("button", name="Start a class").click()
    key = codes.normalise(put_key_away(page), codes.KEY_LENGTH)
    heading = page.get_by_text(re.compile(r"Class code:")).first.inner_text()
    code = codes.normalise(re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}", heading).group(0))
    assert code and key
    return code, key


def wait_for_board(page, runs: int, legend: list[str]) -> None:
    """Poll until the board says ``runs`` runs and its loss legend lists ``legend`` (the
    dots at the runs' ends are one more trace, outside the legend)."""
    page.get_by_text(re.compile(rf"· {runs} runs ·")).first.wait_for(timeout=DEADLINE_MS)
    want = repr(legend)
    page.wait_for_function(
        f"""() => {{
            const plot = [...document.querySelectorAll('.js-plotly-plot')]
                .find(p => (p.layout && p.layout.meta && p.layout.meta.chart) === 'class_loss');
            if (!plot) return false;
            const names = plot.data.filter(t => t.showlegend !== false).map(t => t.name);
            return JSON.stringify(names) === JSON.stringify({want});
        }}""",
        timeout=DEADLINE_MS,
    )


def screenshot_at(page, width: int, height: int, name: str):
    """What a projector at ``width`` x ``height`` shows, scrolled to the board's curves."""
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_function(APP_IDLE, timeout=DEADLINE_MS)
    page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))  # the viewport: one projected screen
    return path


def share(store: ClassStore, code: str, nickname: str, run) -> int:
    return store.share_run(store.join(code, nickname), entry_from_run(run))


def test_two_students_share_and_the_teachers_board_shows_both(browser, tmp_path):
    state = tmp_path / "state"
    env = {"NN_STATE_DIR": str(state), "NN_CLASS_REFRESH": "2"}
    with class_server(env, tmp_path / "server.log") as url:
        teacher = open_tab(browser, url)
        code, _ = start_class(teacher)
        store = ClassStore(sa.create_engine(f"sqlite:///{state / 'classroom.sqlite3'}"))
        share(store, code, "Sam", make_run(1, lr=0.1, accuracy=0.97))
        wait_for_board(teacher, 1, ["0.1 (1)"])
        share(store, code, "Ana", make_run(1, lr=1.0, accuracy=0.91))
        wait_for_board(teacher, 2, ["0.1 (1)", "1 (1)"])  # no reload: the board refreshed
        assert teacher.locator('[data-testid="stException"]').count() == 0
        for i in range(30):  # a full class, for the screenshots
            share(store, code, f"student {i}", make_run(i, lr=(0.01, 0.1, 0.5)[i % 3]))
        wait_for_board(teacher, 32, ["0.01 (10)", "0.1 (11)", "0.5 (10)", "1 (1)"])
        assert screenshot_at(teacher, 1280, 800, "class_board_1280").stat().st_size > 30_000
        assert screenshot_at(teacher, 1920, 1080, "class_board_1920").stat().st_size > 30_000
        teacher.context.close()


def test_two_servers_on_one_postgresql_serve_one_board(browser, tmp_path, pg_admin_url):  # noqa: F811
    db_url, drop = fresh_pg_database(pg_admin_url)
    env = {"NN_CLASS_DB_URL": db_url, "NN_CLASS_REFRESH": "2"}
    store = ClassStore(sa.create_engine(db_url))
    try:
        with (
            class_server(env, tmp_path / "a.log") as url_a,
            class_server(env, tmp_path / "b.log") as url_b,
        ):
            on_a = open_tab(browser, url_a)
            code, key = start_class(on_a)  # created by server A
            on_b = open_tab(browser, url_b)  # the teacher reclaims the board on server B
            on_b.get_by_text("Reclaim a board from another device").click()
            on_b.get_by_label("Class code").fill(codes.show_code(code))
            on_b.get_by_label("Teacher key").fill(codes.show_key(key))
            on_b.get_by_role("button", name="Reclaim the board").click()
            on_b.get_by_text(f"Class code: {codes.show_code(code)}").wait_for()
            run_id = share(store, code, "Sam", make_run(1, lr=0.1))
            wait_for_board(on_a, 1, ["0.1 (1)"])
            wait_for_board(on_b, 1, ["0.1 (1)"])
            on_b.get_by_text(re.compile(r"^Hide entries")).click()  # the teacher, on B
            on_b.get_by_role("button", name="Hide", exact=True).click()
            on_a.get_by_text(re.compile(r"· 0 runs ·")).first.wait_for(timeout=DEADLINE_MS)
            assert store.board(code).runs == () and run_id
            on_a.context.close()
            on_b.context.close()
    finally:
        store.engine.dispose()
        drop()


SMALL_TEXT = """() => [...document.querySelectorAll('.js-plotly-plot text')]
    .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0)
    .map(t => [t.textContent, parseFloat(getComputedStyle(t).fontSize)])
    .filter(([, size]) => size < 16)"""


def test_a_projected_board_one_data_set_a_blown_up_run_and_text_of_16_px(browser, tmp_path):
    """At 1920 x 1080: a class with MNIST and Fashion-MNIST runs shows one data set per
    chart (a picker switches), the run that blew up is a cross named in the legend, the
    reveal is drawn by the question's setting, and no text in any chart is under 16 px."""
    state = tmp_path / "state"
    env = {"NN_STATE_DIR": str(state), "NN_CLASS_REFRESH": "2"}
    with class_server(env, tmp_path / "server.log") as url:
        teacher = open_tab(browser, url, 1920, 1080)
        code, key = start_class(teacher)
        store = ClassStore(sa.create_engine(f"sqlite:///{state / 'classroom.sqlite3'}"))
        health = {"step": [1, 30], "grad_norm": [[2.0, 1.0], [9e9, 70.0]], "dead_share": [[0], [0]]}
        for i, lr in enumerate((0.01, 0.1, 0.1)):
            share(store, code, f"student {i}", make_run(i, lr=lr, optimizer="sgd"))
        share(
            store,
            code,
            "Lee",
            make_run(7, lr=10.0, optimizer="sgd", steps=30, status="diverged", health=health),
        )
        share(store, code, "Ana", make_run(8, lr=0.1, dataset="fashion-mnist"))
        store.set_question(code, key, "Which learning rate ends lowest?", ["0.01", "0.1", "10"])
        store.reveal(code, key)
        choose(teacher, "Colour the runs by", "optimiser")
        wait_for_board(teacher, 5, ["sgd (4)", "✕ blew up (1)"])  # MNIST only: 4 of 5
        results = teacher.wait_for_function(
            """() => [...document.querySelectorAll('.js-plotly-plot')]
                .filter(p => p.layout && p.layout.meta && p.layout.meta.chart === 'class_results')
                .map(p => p.layout.title.text)[0]""",
            timeout=DEADLINE_MS,
        )
        title = results.json_value()  # Streamlit's theme wraps titles in <b>
        assert re.sub("<[^>]+>", "", title) == "Final loss by learning rate"  # the question's
        assert teacher.evaluate(SMALL_TEXT) == []
        screenshot_at(teacher, 1920, 1080, "class_board_projected_1920")
        picker = teacher.locator('[data-testid="stButtonGroup"] button')
        picker.filter(has_text="Fashion").click()
        wait_for_board(teacher, 5, ["momentum (1)"])
        assert teacher.get_by_text("1 shared run on Fashion-MNIST").count() == 1
        assert teacher.locator('[data-testid="stException"]').count() == 0
        teacher.context.close()
        store.engine.dispose()
