"""A lesson link's locks in Chromium: they hold after a visit to another page and a reload.

AppTest cannot show what the browser's address bar does: Streamlit's page menu drops a
page's query parameters, and a reload starts a new session from the address alone. So
here a student opens a lesson link, goes to Inside by the menu, reloads there, and comes
back to Train by the menu: the rate the link set is still set and still greyed out.
Every wait is for a state of the page or the address, never for time.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

LINK = "/?page=train&preset=fast&lr=1&init=naive&lock=lr,init"
LOCKED = re.compile(r"[?&]lock=lr(,|%2C)init")


def _locked_rate(page):
    """The Learning rate control on Train, once the page shows it."""
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_text("Train a network").first.wait_for()
    main.get_by_role("tab", name="Optimiser").click()
    return main.get_by_role("slider", name="Learning rate").first


def _go(page, name: str) -> None:
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name=name).click()


def test_locks_hold_across_a_page_visit_and_a_reload(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(app_url + LINK)
    rate = _locked_rate(page)
    assert rate.get_attribute("aria-valuetext") == "1"
    assert rate.get_attribute("aria-disabled") == "true" or rate.is_disabled()
    page.wait_for_url(LOCKED)  # the lesson's words are in the address on Train

    _go(page, "Inside")
    page.wait_for_url(re.compile(r"/inside\?"))
    page.wait_for_url(LOCKED)  # and written back on the next page
    page.reload()
    page.get_by_test_id("stSidebarNavItems").wait_for()
    _go(page, "Train")
    rate = _locked_rate(page)
    assert rate.get_attribute("aria-valuetext") == "1"
    assert rate.get_attribute("aria-disabled") == "true" or rate.is_disabled()
    assert not page.get_by_test_id("stException").count()
    context.close()
