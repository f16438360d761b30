"""The lesson as a class lives it, in Chromium: a teacher leads three students from the board.

The teacher (a projector, 1920x1080) starts a class and chooses the shipped lesson; two
students on laptops (1280x800) and one on a touch tablet (768x1024) join with the link.
*Start the lesson* puts every student's app on step 1; three presses of *Next step* take
them to Train with one learning rate each, set and locked; the tablet predicts on its
own page; the teacher's roster names everyone with their step, value and prediction.
Every wait is for a state on the page (a banner, a value, a table row), never for time.
Screenshots of each step go to the test artifacts.
"""

from __future__ import annotations

import re

import pytest

from tests.support.app_server import running_app
from tests.support.browser import APP_IDLE, ARTIFACTS, put_key_away
from ui.classroom import codes

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DEADLINE_MS = 60_000
RATES = ("0.001", "0.01", "0.1")  # the first three of the step's values, one per student
DEVICES = {
    "ana": {"viewport": {"width": 1280, "height": 800}},
    "sam": {"viewport": {"width": 1280, "height": 800}},
    "tia": {"viewport": {"width": 768, "height": 1024}, "has_touch": True, "is_mobile": True},
}


def _tab(browser, url: str, **device):
    page = browser.new_context(**device).new_page()
    page.set_default_timeout(DEADLINE_MS)
    page.goto(url)
    return page


def _shot(page, name: str) -> None:
    page.wait_for_function(APP_IDLE, timeout=DEADLINE_MS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"lesson_{name}.png"))


def _join(page, nickname: str) -> None:
    """The class link asks for a nickname on the page itself; Enter joins."""
    box = page.get_by_role("textbox", name="Nickname for the class board")
    box.fill(nickname)
    box.press("Enter")
    box.wait_for(state="detached")


def _step_banner(page, number: int, title: str):
    return page.get_by_text(re.compile(rf"Step {number} of 8: {title}")).first


def test_the_teacher_leads_three_students_through_the_lesson(browser, tmp_path):
    env = {"NN_STATE_DIR": str(tmp_path / "state"), "NN_CLASS_REFRESH": "1",
           "NN_CLASS_DB_URL": None}  # fmt: skip
    with running_app(tmp_path / "server.log", env) as url:
        teacher = _tab(browser, f"{url}/class", viewport={"width": 1920, "height": 1080})
        teacher.get_by_role("button", name="Start a class").click()
        put_key_away(teacher)
        heading = teacher.get_by_text(re.compile(r"Class code:")).first.inner_text()
        code = codes.normalise(re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}", heading).group(0))
        teacher.get_by_role("button", name="Use this lesson").click()
        teacher.get_by_text(re.compile("8 steps, not started")).wait_for()

        students = {n: _tab(browser, f"{url}/?class={code}", **d) for n, d in DEVICES.items()}
        for nickname, page in students.items():
            _join(page, nickname)

        teacher.get_by_role("button", name="Start the lesson").click()
        for nickname, page in students.items():
            _step_banner(page, 1, "Follow one image").wait_for()
            _shot(page, f"step1_{nickname}")
        _shot(teacher, "step1_teacher")

        for number in (2, 3, 4):
            teacher.get_by_role("button", name="Next step").click()
            # the bar's own line ("... · step 4 · 6 min: ..."), not its "Next: step 4" caption
            teacher.get_by_text(re.compile(rf" · step {number} · ")).first.wait_for()
        held = {}
        for nickname, page in students.items():
            _step_banner(page, 4, "One learning rate each").wait_for()
            page.wait_for_url(re.compile(r"/train\?"))
            held[nickname] = re.search(r"[?&]lr=([0-9.]+)", page.url).group(1)
            main = page.get_by_test_id("stMainBlockContainer")
            main.get_by_role("tab", name="Optimiser").click()
            rate = main.get_by_role("slider", name="Learning rate").first
            assert rate.get_attribute("aria-valuetext") == held[nickname]
            assert rate.is_disabled() or rate.get_attribute("aria-disabled") == "true"
            _shot(page, f"step4_{nickname}")
        assert sorted(held.values(), key=float) == sorted(RATES, key=float)

        tablet = students["tia"]
        prediction = tablet.get_by_test_id("stRadio").filter(has_text="Predict before you run")
        prediction.locator("[role=radiogroup] label").nth(2).tap()  # the third answer, 0.1
        tablet.get_by_role("button", name="Send", exact=True).tap()
        tablet.get_by_text(re.compile("^You predicted: 0\u2060?\\.\u2060?1\\.")).wait_for()

        teacher.get_by_text("Roster").click()
        for nickname in students:
            teacher.get_by_role("rowheader", name=nickname).first.wait_for()
        teacher.get_by_text(re.compile(r"3 students · 3 on this step · 1 predicted")).wait_for()
        _shot(teacher, "step4_teacher")
        for page in (teacher, *students.values()):
            page.context.close()
