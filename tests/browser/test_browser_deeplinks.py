"""Deep links on a freshly started server: the first visit may be any page's own URL.

A student following the teacher's link to ``/train`` is often the first visitor after
the hosted app wakes up. Each page must then run inside app.py, like any other visit:
with the shared sidebar, the data set switch and all seven pages in the menu.
"""

from __future__ import annotations

import pytest

from tests.support.app_server import launch_app, stop_app

pytestmark = pytest.mark.browser

PAGES = {
    "learn": "How a neural network learns",
    "data": "Explore the data",
    "train": "Train a network",
    "inside": "Inside",
    "evaluate": "Evaluate",
    "draw": "Draw",
    "class": "Class",
}
MENU = ["Learn", "Data", "Train", "Inside", "Evaluate", "Draw", "Class"]


@pytest.mark.parametrize("path", list(PAGES))
def test_a_deep_link_is_the_first_visit_to_a_fresh_server(path, browser, tmp_path):
    proc, url = launch_app(tmp_path / "server.log", env={"NN_WORKERS": "1"})
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(f"{url}/{path}")
        nav = page.get_by_test_id("stSidebarNavItems")
        nav.wait_for()
        lines = [item.strip() for item in nav.inner_text().splitlines()]  # icons' names too
        assert [line for line in lines if line in MENU] == MENU  # legacy mode: "learn", ...
        main = page.get_by_test_id("stMainBlockContainer")
        main.get_by_text(PAGES[path]).first.wait_for()
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_text("Data set").first.wait_for()  # app.py's sidebar ran
        assert not page.get_by_test_id("stException").count()
        context.close()
    finally:
        stop_app(proc)
