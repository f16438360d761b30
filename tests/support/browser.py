"""Driving the app in Debian's Chromium through Playwright: for browser tests and benchmarks.

``playwright install`` cannot download browsers here, so every launch points at the
system's ``chromium`` with the same arguments. The helpers below wait for a state of
the page (the script run over, a progress bar shown), never for a number of seconds.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "_artifacts"  # screenshots for a person to look at
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

APP_IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
"""True once Streamlit has finished the current script run (no 'Running' status)."""

SVG_OF = """(img) => {
  // The SVG document behind one of the app's figure images (ui.figures.svg.Svg.img), parsed.
  const bytes = Uint8Array.from(atob(img.src.split(',')[1]), c => c.charCodeAt(0));
  const text = new TextDecoder().decode(bytes);
  return new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
}"""


def chromium_path() -> str | None:
    """Debian's Chromium, or None when it is not installed (``apt-get install chromium``)."""
    return shutil.which("chromium")


def launch_chromium(playwright):
    """A headless Chromium from a running ``sync_playwright()``, with ``CHROMIUM_ARGS``."""
    return playwright.chromium.launch(
        executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
    )


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG under tests/_artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_for_app_idle(page, timeout: float = 30.0) -> None:
    """Wait until Streamlit has finished the current script run (no 'Running' status)."""
    page.wait_for_function(APP_IDLE, timeout=timeout * 1000)


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


def put_key_away(page) -> str:
    """After "Start a class": read the teacher key off its dialog (shown once, over the
    page) and press "I have written it down"; returns the key as shown (``ABCD-...``)."""
    dialog = page.get_by_role("dialog")
    key = dialog.get_by_test_id("stCode").first.inner_text().strip()
    dialog.get_by_role("button", name="I have written it down").click()
    dialog.wait_for(state="detached")
    return key
