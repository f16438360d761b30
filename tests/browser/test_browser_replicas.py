"""A lesson through two replicas behind nginx, in Chromium: the board is one for all.

The shipped launcher (``python -m server.replicas``) starts two app servers and nginx on
127.0.0.1, the board on a fresh PostgreSQL database. The teacher starts a class; two
students follow a lesson link with the class code, join under a nickname, train a tiny
run and press *Share with the class*; the teacher's board shows both runs. Each student's
browser carries a sticky cookie that nginx sends to a different replica (asked of nginx
first, then read back from its access log), so at least one of them shares from a
replica that is not the teacher's: only a store shared by the replicas shows both runs.
Every wait is for something on the page.
"""

from __future__ import annotations

import re
import shutil

import pytest

from tests.browser.test_browser_classroom import start_class
from tests.support.browser import APP_IDLE, ARTIFACTS
from tests.support.classroom import fresh_pg_database, pg_admin_url  # noqa: F401
from tests.support.lesson import evidence
from tests.support.replicas import running_replicas

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DEADLINE_MS = 120_000
LESSON = "train?preset=fast&epochs=1&subset=1000&class={code}"


def new_tab(browser, url: str, cookie: str | None = None):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    if cookie:
        context.add_cookies([{"name": "nn_replica", "value": cookie, "url": url}])
    page = context.new_page()
    page.set_default_timeout(DEADLINE_MS)
    return page


def join_and_share(page, url: str, code: str, nickname: str) -> None:
    """A student: the lesson link, a nickname, Join; then Start, and Share once it is done."""
    page.goto(url + "/" + LESSON.format(code=code))
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("textbox", name="Nickname").fill(nickname)
    sidebar.get_by_role("button", name="Join the class").click()
    sidebar.get_by_text(re.compile(rf"In class .* as {nickname}")).wait_for()
    page.wait_for_function(APP_IDLE)  # the join's page runs are over: this Start is the one
    main = page.get_by_test_id("stMainBlockContainer")
    with evidence({f"replicas_{nickname}": page}):
        main.get_by_role("button", name="Start", exact=True).click()
        main.get_by_role("button", name="Share with the class").click()
        main.get_by_role("button", name="Shared with the class").wait_for()


def test_a_class_through_two_replicas_shares_one_board(browser, tmp_path, pg_admin_url):  # noqa: F811
    db_url, drop = fresh_pg_database(pg_admin_url)
    env = {"NN_CLASS_DB_URL": db_url, "NN_CLASS_REFRESH": "2", "NN_STATE_DIR": str(tmp_path)}
    try:
        with running_replicas(tmp_path / "run", env) as r:
            sam_cookie, ana_cookie = r.cookies_on_different_replicas(2)
            teacher = new_tab(browser, r.url)
            teacher.goto(r.url + "/class")
            code, _ = start_class(teacher)
            for nickname, cookie in (("Sam", sam_cookie), ("Ana", ana_cookie)):
                join_and_share(new_tab(browser, r.url, cookie), r.url, code, nickname)
            teacher.get_by_text(re.compile(r"· 2 runs ·")).first.wait_for(timeout=DEADLINE_MS)
            assert teacher.locator('[data-testid="stException"]').count() == 0
            for context in browser.contexts:
                context.close()  # the websockets end: nginx logs them
            served = r.streams_of([sam_cookie, ana_cookie])
            assert {served.get(sam_cookie), served.get(ana_cookie)} == set(r.servers), served
            assert r.stop() == 0 and r.left_behind == ()
    except BaseException:
        # nginx's logs (which replica served each request of which browser) and each
        # replica's: what a red run needs to be understood after its temp folder is gone.
        shutil.copytree(tmp_path / "run", ARTIFACTS / "replicas_run", dirs_exist_ok=True)
        raise
    finally:
        drop()
