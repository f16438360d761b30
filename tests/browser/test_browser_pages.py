"""Learn and Data pages in a real browser: they render, their charts draw, and the
screenshots in tests/_artifacts/ (learn.png, data.png) show what a class would see."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"


FIGURES = "'.js-plotly-plot .main-svg, img.nn-figure'"  # Plotly charts drawn, SVG figures


def settle(page, min_charts: int) -> None:
    """Wait for the script run to finish and for at least ``min_charts`` figures."""
    page.wait_for_function(IDLE, timeout=60_000)
    page.wait_for_function(
        f"() => document.querySelectorAll({FIGURES}).length >= {min_charts}", timeout=60_000
    )
    page.wait_for_function(IDLE, timeout=60_000)


def full_height_screenshot(page, snap, name: str):
    """Streamlit scrolls inside its main section, so grow the window to the page's height
    first; otherwise a "full page" screenshot stops at the first screen."""
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(int(height) + 40, 12_000)})
    page.wait_for_timeout(1500)  # Plotly redraws at the new size
    path = snap(page, name)
    page.set_viewport_size({"width": 1400, "height": 1000})
    return path


def assert_no_errors(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Traceback").count() == 0


def test_learn_page(page, snap):
    settle(page, min_charts=5)
    main = page.locator('[data-testid="stMain"]')
    for text in (
        "How a neural network learns to read",
        "1 · From pixels to numbers",
        "2 · Forward propagation",
        "3 · Activation functions",
        "4 · Softmax",
        "5 · Cross-entropy",
        "6 · Backpropagation",
    ):
        assert main.get_by_text(text).first.is_visible(), text
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_text("Source:").is_visible()
    assert sidebar.get_by_text("Your model:").is_visible()
    assert main.locator(".katex").count() >= 6  # sections 1-2 typeset; 3-6 open on demand
    assert main.locator(".js-plotly-plot").count() == 0  # pictures only, until a click
    assert_no_errors(page)
    path = full_height_screenshot(page, snap, "learn")
    assert path.stat().st_size > 50_000


def test_data_page(page, snap):
    settle(page, min_charts=5)
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Data", exact=True).click()
    page.get_by_text("Explore the data:").wait_for()
    settle(page, min_charts=5)
    main = page.locator('[data-testid="stMain"]')
    for text in (
        "Examples",
        "Classes and pixels",
        "All the images on one map (PCA)",  # opened on demand
        "One image up close",
    ):
        assert main.get_by_text(text).first.is_visible(), text
    assert_no_errors(page)
    path = full_height_screenshot(page, snap, "data")
    assert path.stat().st_size > 50_000


def test_selecting_dots_on_the_pca_map_shows_their_images(page):
    page.goto(page.url.rstrip("/") + "/data")
    settle(page, min_charts=5)
    heading = page.get_by_text("All the images on one map (PCA)")
    heading.scroll_into_view_if_needed()
    heading.click()  # the map is drawn on demand
    page.get_by_text("Dots on the map").wait_for()
    page.wait_for_function(  # the map: a plot with its legend drawn
        "() => [...document.querySelectorAll('.js-plotly-plot')]"
        ".filter(p => p.querySelector('.legend .traces')).length >= 1",
        timeout=60_000,
    )
    pca = page.locator(".js-plotly-plot").filter(has=page.locator(".legend")).last
    pca.scroll_into_view_if_needed()
    box = pca.locator(".nsewdrag").first.bounding_box()
    x0, y0 = box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.2
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + box["width"] * 0.5, y0 + box["height"] * 0.5, steps=12)
    page.mouse.up()
    page.get_by_text("selected images").wait_for(timeout=30_000)
    assert_no_errors(page)


def test_switching_to_fashion_mnist(page):
    page.goto(page.url.rstrip("/") + "/data")
    settle(page, min_charts=5)
    page.locator('[data-testid="stSidebar"]').get_by_text("Fashion-MNIST", exact=True).click()
    page.wait_for_function(
        "() => document.body.innerText.includes('Explore the data: Fashion-MNIST')"
        " || document.body.innerText.includes('Fashion-MNIST is not available')",
        timeout=60_000,
    )
    settle(page, min_charts=5)
    assert_no_errors(page)
