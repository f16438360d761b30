"""Joining once is enough for the lesson, in Chromium: reloads and lesson links keep it.

A student opens the teacher's lesson link, which names the class: the page itself asks
for a nickname (at the top, in view on a 1280x800 laptop and on a 768x1024 tablet whose
sidebar is folded), and Enter joins. They predict an answer, reload, open another lesson
link (one with ``page=``, as "Share these settings" makes) in the same tab, and are still
in the class under the same nickname, with the same prediction and no second place on
the board. "Leave the class" gives the place up: the browser forgets it and its token
rejoins nobody. And ``/learn``, the lesson table's first link, opens Learn.

The teacher's side (the class, its question) is made through the store on the server's
own SQLite file, as another replica would. Every wait is for a state of the page.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.support.app_server import running_app
from tests.support.browser import APP_IDLE, screenshot
from ui.classroom import codes
from ui.classroom.remember import COOKIE, parse
from ui.classroom.store import ClassStore, NotFound

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DEADLINE_MS = 60_000
LAPTOP, TABLET = (1280, 800), (768, 1024)
HAS_COOKIE = f"() => document.cookie.split('; ').some(c => c.startsWith('{COOKIE}='))"


@pytest.fixture
def lesson(tmp_path):
    """A running app and its class store: (base URL, store, class code, teacher key)."""
    state = tmp_path / "state"
    state.mkdir()
    env = {"NN_STATE_DIR": str(state), "NN_CLASS_DB_URL": None, "NN_WORKERS": "1"}
    with running_app(tmp_path / "server.log", env) as url:
        store = ClassStore(sa.create_engine(f"sqlite:///{state / 'classroom.sqlite3'}"))
        code, key = store.create_class()
        store.set_question(code, key, "Which learning rate ends lowest?", ["0.01", "0.1", "1"])
        yield url, store, code, key
        store.engine.dispose()


def tab(browser, size, touch=False):
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=touch)
    page = context.new_page()
    page.set_default_timeout(DEADLINE_MS)
    return page


def in_class(page, code: str, nickname: str) -> None:
    """The sidebar says who the student is (opened first on a narrow screen)."""
    sidebar = page.get_by_test_id("stSidebar")
    if sidebar.get_attribute("data-collapsed") == "true":
        page.get_by_test_id("stExpandSidebarButton").click()
    sidebar.get_by_text(f"In class {codes.show_code(code)} as {nickname}").wait_for()


def prompt_in_view(page, size) -> None:
    """The in-page join prompt is drawn and wholly inside the first screen."""
    box = page.get_by_role("textbox", name="Nickname for the class board")
    box.wait_for()
    found = box.bounding_box()
    assert found is not None and found["y"] >= 0 and found["y"] + found["height"] <= size[1]
    assert found["x"] >= 0 and found["x"] + found["width"] <= size[0]


def predicted(page) -> int:
    """Which answer (0, 1, ...) the Class page shows as this student's prediction."""
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_text(re.compile(r"^Predict before you run:")).wait_for()
    main.get_by_role("radio", checked=True).wait_for()
    return main.get_by_role("radio").evaluate_all("rs => rs.findIndex(r => r.checked)")


def test_a_student_joins_once_for_the_whole_lesson(browser, lesson):
    url, store, code, _ = lesson
    page = tab(browser, LAPTOP)
    page.goto(f"{url}/train?class={code}")
    page.get_by_text("Train a network").first.wait_for()
    prompt_in_view(page, LAPTOP)
    screenshot(page, "rejoin_prompt_1280")
    page.get_by_role("textbox", name="Nickname for the class board").fill("Sam")
    page.keyboard.press("Enter")  # the form's own submit: no button pressed
    in_class(page, code, "Sam")
    assert page.get_by_role("textbox", name="Nickname for the class board").count() == 0
    page.wait_for_function(HAS_COOKIE)

    page.get_by_role("link", name="Class").click()
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_text(re.compile(r"^Predict before you run:")).wait_for()
    answers = main.get_by_test_id("stRadio").locator("label")
    answers.filter(has_text=re.compile(r"^0\W*\.\W*1$")).click()  # "0.1", word joiners and all
    main.get_by_role("button", name="Send my prediction").click()
    main.get_by_text(re.compile(r"^Your prediction: ")).wait_for()

    page.reload()
    in_class(page, code, "Sam")
    assert predicted(page) == 1

    page.goto(f"{url}/?page=train&lr=0.3&class={code}")  # a shared link, in the same tab
    page.get_by_text("Train a network").first.wait_for()
    in_class(page, code, "Sam")
    page.wait_for_function(APP_IDLE, timeout=DEADLINE_MS)
    assert page.get_by_role("textbox", name="Nickname for the class board").count() == 0
    assert f"class={code}" in page.url and "/train" in page.url
    page.get_by_role("link", name="Class").click()
    assert predicted(page) == 1
    board = store.board(code)
    assert board.members == 1 and board.tally == (0, 1, 0)  # one place, kept all along

    (cookie,) = [c for c in page.context.cookies() if c["name"] == COOKIE]
    kept_code, token = parse(cookie["value"].replace("%2E", "."))
    assert kept_code == code and store.rejoin(code, token).nickname == "Sam"
    page.get_by_role("button", name="Leave the class").click()
    page.get_by_text("Join a class").first.wait_for()
    page.wait_for_function(f"() => !({HAS_COOKIE})()")
    with pytest.raises(NotFound):
        store.rejoin(code, token)  # given up for good
    page.goto(f"{url}/class?class={code}")
    prompt_in_view(page, LAPTOP)  # a new session: asked again, as a newcomer
    assert page.get_by_test_id("stSidebar").get_by_text(re.compile("^In class")).count() == 0
    page.context.close()


def test_on_a_tablet_the_link_asks_at_the_top_and_enter_joins(browser, lesson):
    url, store, code, _ = lesson
    page = tab(browser, TABLET, touch=True)
    page.goto(f"{url}/?page=train&class={code}")
    page.get_by_text("Train a network").first.wait_for()
    assert page.get_by_test_id("stSidebar").get_attribute("data-collapsed") == "true"
    prompt_in_view(page, TABLET)
    screenshot(page, "rejoin_prompt_768")
    page.get_by_role("textbox", name="Nickname for the class board").fill("Tab")
    page.keyboard.press("Enter")
    page.get_by_text(f"Welcome to class {codes.show_code(code)}, Tab.").first.wait_for()
    page.wait_for_function(HAS_COOKIE)
    page.reload()
    in_class(page, code, "Tab")
    assert store.board(code).members == 1
    page.context.close()


def test_learn_has_its_own_address_and_the_home_page_is_learn(browser, lesson):
    url = lesson[0]
    page = tab(browser, LAPTOP)
    for address in (f"{url}/learn", f"{url}/"):
        page.goto(address)
        page.get_by_text("How a neural network learns to read").first.wait_for()
        page.wait_for_function(APP_IDLE, timeout=DEADLINE_MS)
        assert page.get_by_text("Page not found").count() == 0
        current = page.get_by_test_id("stSidebarNavLink").filter(has_text="Learn")
        assert current.first.get_attribute("aria-current") == "page"
    page.context.close()
