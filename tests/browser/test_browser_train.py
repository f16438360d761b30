"""The Train page in a real browser: live curves, pause, learning-rate change, download."""

from __future__ import annotations

import re
import time

import pytest

from nn_core.model import MLP
from tests.support.browser import start_slow_run

pytestmark = pytest.mark.browser

STEP = re.compile(r"step ([\d,]+) of ([\d,]+)")


def _main(page):
    return page.get_by_test_id("stMainBlockContainer")


def _button(page, name: str):
    return _main(page).get_by_role("button", name=name, exact=True)


def _steps(page) -> int:
    text = page.get_by_test_id("stProgress").first.inner_text()
    match = STEP.search(text)
    assert match, text
    return int(match.group(1).replace(",", ""))


def _wait_for(predicate, timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _loss_points(page) -> int:
    """Points in the loss chart's first trace, read from Plotly's own data in the page."""
    return page.evaluate(
        """() => {
            const plot = document.querySelector('.js-plotly-plot');
            const trace = plot && plot._fullData && plot._fullData[0];
            return trace && trace.x ? trace.x.length : 0;
        }"""
    )


def test_train_live_pause_change_lr_resume_stop_download(page, snap, tmp_path):
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Train", exact=True).click()
    start_slow_run(page)
    _wait_for(lambda: _loss_points(page) > 0, what="the first loss points")
    first_steps, first_points = _steps(page), _loss_points(page)
    _wait_for(lambda: _steps(page) > first_steps, what="the step counter to move")
    _wait_for(lambda: _loss_points(page) > first_points, what="the curve to grow")

    _button(page, "Pause").click()
    _wait_for(lambda: "paused" in page.get_by_test_id("stProgress").first.inner_text())
    paused = _steps(page)
    _button(page, "Step").click()  # paused, the run moves only when asked: one batch
    _wait_for(lambda: _steps(page) == paused + 1, what="exactly one more step")
    assert "paused" in page.get_by_test_id("stProgress").first.inner_text()
    paused += 1

    lr = _main(page).get_by_role("slider", name="New learning rate").first
    assert lr.get_attribute("aria-valuetext") == "0.1"  # the run's own rate to start from
    lr.press("ArrowLeft")  # one notch down the list of rates: 0.1 -> 0.05
    page.wait_for_function(
        "(el) => el.getAttribute('aria-valuetext') === '0.05'", arg=lr.element_handle()
    )
    assert "Learning rate changed" not in _main(page).inner_text()  # picked, not asked
    _button(page, "Set").click()
    _wait_for(lambda: "Learning rate changed to 0.05" in _main(page).inner_text())

    _button(page, "Resume").click()
    _wait_for(lambda: _steps(page) > paused, what="training to resume")
    page.mouse.move(0, 0)  # no tooltip in the picture
    points = _loss_points(page)
    _wait_for(lambda: _loss_points(page) > points, what="a redraw with the new points")
    snap(page, "train")  # live: curves, the lr mark, the progress bar

    _button(page, "Stop").click()
    _main(page).get_by_text("Test accuracy").first.wait_for()
    _main(page).get_by_text("Run history").first.scroll_into_view_if_needed()
    snap(page, "train_history")
    export = _main(page).get_by_role("button", name="Model (.npz)")
    with page.expect_download() as info:
        export.click()
    target = tmp_path / "model.npz"
    info.value.save_as(target)
    model = MLP.load(target)
    assert model.config.sizes == (784, 256, 10)
    assert _main(page).get_by_role("link", name=re.compile("handwriting")).count() == 1
