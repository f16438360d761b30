"""Fixtures for real-browser tests: a live ``streamlit run app.py`` and a Chromium page.

The server runs headless on a free port with the test process's environment (so
NN_DATA_DIR reaches it). Chromium is Debian's, driven by Playwright; ``playwright
install`` cannot download browsers here, so we point at the system binary.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "_artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


SVG_OF = """(img) => {
  // The SVG document behind one of the app's figure images (ui.figures.svg.Svg.img), parsed.
  const bytes = Uint8Array.from(atob(img.src.split(',')[1]), c => c.charCodeAt(0));
  const text = new TextDecoder().decode(bytes);
  return new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not become healthy within {timeout:.0f} s")


def launch_app(log: Path, env: dict | None = None) -> tuple[subprocess.Popen, str]:
    """``streamlit run app.py`` headless on a free port; returns (process, base URL) once
    it answers its health check. Its output goes to ``log``."""
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
    except RuntimeError:
        stop_app(proc)
        raise
    return proc, url


def stop_app(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """Start the app once per test session; yields its base URL."""
    if shutil.which("chromium") is None:
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
        b = p.chromium.launch(
            executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_ARGS
        )
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


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG under tests/_artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def snap():
    """The ``screenshot(page, name)`` helper as a fixture: ``snap(page, "train")``."""
    return screenshot


def wait_for_app_idle(page, timeout: float = 30.0) -> None:
    """Wait until Streamlit has finished the current script run (no 'Running' status)."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=timeout * 1000,
    )


def start_slow_run(page) -> None:
    """On the Train page: the "Fast and good" recipe for 30 epochs in slow motion, started.

    Slow motion is a fixed 20 steps per second, so the run cannot end before a test has
    looked at it (30 epochs of even the bundled sample last more than a minute and a half).
    """
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_text("Train a network").first.wait_for()
    main.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="Fast and good").click()
    main.get_by_role("tab", name="Data").click()
    main.get_by_role("slider", name="Epochs").first.press("End")
    main.get_by_role("radio", name="Slow motion").click()
    main.get_by_role("radio", name="Slow motion", checked=True).wait_for()
    main.get_by_role("button", name="Start", exact=True).click()
    page.get_by_test_id("stProgress").first.wait_for()
