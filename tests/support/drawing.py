"""Drawing in a real browser, as a student does: shapes stroked on Draw's canvas with the
mouse or a finger, and a teacher starting a class with the collection "Shapes".

Shared by the browser tests of collections (``test_browser_collect``,
``test_browser_class_collection``, ``test_browser_our_data_screens``).
"""

from __future__ import annotations

import re

from playwright.sync_api import Error as PlaywrightError

from tests.support.browser import APP_IDLE, put_key_away
from tests.support.shapes import SHAPES, SIZE, _corners
from ui.classroom import codes

CANVAS = "canvas.upper-canvas"
TRIES = 5  # a stroke wiped by a canvas still loading is drawn again, at most this often


def outline(page, kind: str, rng) -> list[tuple[float, float]]:
    """A closed outline of ``kind`` in page coordinates, a little different every time."""
    canvas = page.locator(CANVAS).first
    canvas.wait_for(state="visible")
    canvas.scroll_into_view_if_needed()  # the mouse and the finger act in the window
    box = canvas.bounding_box()
    if box is None:  # replaced by a fresh canvas meanwhile
        raise AssertionError("no canvas to draw on yet")
    scale = box["width"] / SIZE
    points = [(box["x"] + x * scale, box["y"] + y * scale) for x, y in _corners(kind, rng)]
    return [*points, points[0]]


def stroke_by_mouse(page, points) -> None:
    page.mouse.move(*points[0])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(x, y, steps=6)
    page.mouse.up()


def along(points, steps: int = 6) -> list[tuple[float, float]]:
    """The points with ``steps`` evenly spaced ones on every side, as a finger moves."""
    path = [points[0]]
    for (x0, y0), (x1, y1) in zip(points[:-1], points[1:], strict=True):
        path += [
            (x0 + (x1 - x0) * t / steps, y0 + (y1 - y0) * t / steps) for t in range(1, steps + 1)
        ]
    return path


def stroke_by_touch(page, points) -> None:
    """One finger down, along the sides, up: the events a touch screen sends."""
    path = along(points)
    cdp = page.context.new_cdp_session(page)
    kinds = ["touchStart"] + ["touchMove"] * (len(path) - 1)
    for kind, (x, y) in zip(kinds, path, strict=True):
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def draw(page, kind: str, rng, stroke, until, wait_ms: int) -> None:
    """Draw ``kind`` with ``stroke`` until ``until()`` sees it read; ``wait_ms`` is the
    longest the page may stay busy before a stroke."""
    for _ in range(TRIES):
        page.wait_for_function(APP_IDLE, timeout=wait_ms)
        try:
            stroke(page, outline(page, kind, rng))
            until()
            return
        except (PlaywrightError, AssertionError):  # a timeout, or a canvas just replaced
            continue
    raise AssertionError(f"the page never read the {kind}")


def start_class_with_shapes(page, wait_ms: int) -> str:
    """On the Class page: start a class, make "Shapes" in the teacher's controls; returns
    the class code."""
    main = page.get_by_test_id("stMain")
    main.get_by_role("button", name="Start a class").click()
    put_key_away(page)
    heading = main.get_by_text(re.compile(r"Class code:")).first.inner_text()
    code = codes.normalise(re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}", heading).group(0))
    main.get_by_text("Teacher controls").click()
    main.get_by_role("textbox", name="Its name").fill("Shapes")
    main.get_by_role("textbox", name="Its classes, one per line").fill("\n".join(SHAPES))
    page.wait_for_function(APP_IDLE, timeout=wait_ms)
    main.get_by_role("button", name="Make the collection").click()
    main.get_by_text(re.compile(r"^No network trained on it yet")).wait_for()
    return code
