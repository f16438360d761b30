"""Fixtures for real-browser tests: a live ``streamlit run app.py`` and a Chromium page.

The server and the browser come from ``tests/support`` (``app_server``, ``browser``),
the same ones the benchmarks use; these are only the pytest fixtures around them.
"""

from __future__ import annotations

import pytest

from tests.support.app_server import launch_app, stop_app
from tests.support.browser import chromium_path, launch_chromium, screenshot


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """Start the app once per test session; yields its base URL."""
    if chromium_path() is None:
        pytest.fail("Debian's chromium is not installed (apt-get install chromium)")
    proc, url = launch_app(tmp_path_factory.mktemp("streamlit") / "server.log")
    try:
        yield url
    finally:
        stop_app(proc)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.fixture
def page(browser, app_url):
    """A fresh browser tab (its own Streamlit session) at the app's home page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    pg.goto(app_url)
    pg.wait_for_selector('[data-testid="stSidebar"]')
    yield pg
    context.close()


@pytest.fixture
def snap():
    """The ``screenshot(page, name)`` helper as a fixture: ``snap(page, "train")``."""
    return screenshot
