"""The app as a visitor opens it in Streamlit's AppTest, and what its pages show.

One way to open a page for every page test and for the benchmarks that time a page
(``bench/bench_evaluate.py``, ``bench/bench_inside.py``): ``app.py`` first, as a browser
does (it builds the navigation and the sidebar), then a switch to the page. Then the
readers of what the page drew: its Plotly figures as plain dicts, its SVG figures parsed.
"""

from __future__ import annotations

import base64
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from PIL import Image
from streamlit.testing.v1 import AppTest

from ui.classroom import keys as class_keys
from ui.figures.svg import Svg
from ui.state import K

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


def page_path(page: str) -> str:
    """``"draw"`` -> ``"app_pages/draw.py"``, the name ``AppTest.switch_page`` wants;
    a path is returned as it is."""
    return page if page.endswith(".py") else f"app_pages/{page}.py"


def open_app(
    state: Mapping[str, object] | None = None,
    *,
    query: Mapping[str, str] | None = None,
    timeout: float = 120,
) -> AppTest:
    """``app.py`` run once, on its home page (Learn), with ``state`` in the session first
    (``{K.DATASET: "fashion-mnist"}``: a data set chosen in the sidebar, a section opened,
    a view chosen, as the visitor would have done) and ``query`` as the link's query
    parameters (a lesson link's ``{"page": "train", "lr": "0.25"}``). ``timeout`` bounds
    each script run, in seconds."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.query_params.update(query or {})
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    return at


def open_page(
    page: str | None = None,
    state: Mapping[str, object] | None = None,
    *,
    model=None,
    query: Mapping[str, str] | None = None,
    timeout: float = 120,
) -> AppTest:
    """The app opened on ``page`` (``"draw"``, or ``"app_pages/draw.py"``; None: the home
    page), with no exception on it.

    ``state`` and ``query`` are there from the first run on (see ``open_app``). ``model``:
    a network of the visitor's own, added to their workspace after the first run as
    Train adds one, for the data set chosen in ``state`` (default MNIST); the page then
    shows it instead of the bundled one.
    """
    state = dict(state or {})
    at = open_app(state, query=query, timeout=timeout)
    if model is not None:
        dataset = state.get(K.DATASET, "mnist")
        at.session_state[K.WORKSPACE].add_model(model, "mine", dataset, 0.5)
    if page is not None:
        at.switch_page(page_path(page))
    if page is not None or model is not None:
        at.run()
    assert not at.exception, at.exception
    return at


def page_alone(page: str, *, timeout: float = 60) -> AppTest:
    """One page script without ``app.py`` around it (not run yet): what a test of that
    page's own logic needs, or a second visitor opening only that page."""
    return AppTest.from_file(str(ROOT / page_path(page)), default_timeout=timeout)


def decode(value):
    """Plotly sends NumPy arrays as base64 'typed arrays': turn them back into arrays."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        return array.reshape([int(s) for s in str(shape).split(",")]) if shape else array
    return value


def plotly_charts(at: AppTest) -> dict[str, list[dict]]:
    """The page's Plotly figures as plain dicts, grouped by their ``layout.meta.chart``."""
    found: dict[str, list[dict]] = {}
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        for trace in spec["data"]:
            for key in ("x", "y", "z", "customdata"):
                if key in trace:
                    trace[key] = decode(trace[key])
        found.setdefault(spec["layout"]["meta"]["chart"], []).append(spec)
    return found


def figure_images(at: AppTest) -> dict[str, str]:
    """The ``<img>`` markup of the page's SVG figures (``ui.figures.svg``), by their
    ``data-chart`` (the last of each)."""
    found = {}
    for element in at.get("html"):
        body = element.proto.body
        if 'class="nn-figure"' in body:
            found[Svg.read(body).get("data-chart")] = body
    return found


def svg_figures(at: AppTest) -> dict[str, ET.Element]:
    """The page's SVG figures, parsed, by their ``data-chart``."""
    return {chart: Svg.read(img) for chart, img in figure_images(at).items()}


def figure_widths(at: AppTest) -> dict[str, float]:
    """How wide each SVG figure may grow on the page (its image's ``max-width``), in
    pixels, by its ``data-chart``."""
    return {
        chart: float(img.split("max-width:")[1].split("px")[0])
        for chart, img in figure_images(at).items()
    }


def open_join_form(at: AppTest) -> None:
    """Unfold the sidebar's "Join a class", as a click on it does (a no-op when open)."""
    if not any(box.key == class_keys.CODE for box in at.text_input):
        assert not any(e.label == "Join a class" and e.proto.expanded for e in at.expander)
        at.session_state[class_keys.JOIN_OPEN] = True
        at.run()


SVG = "{http://www.w3.org/2000/svg}"  # the namespace of every tag in a parsed SVG figure


def svg_texts(root: ET.Element) -> list[str]:
    """Every label of an SVG figure, in drawing order."""
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def svg_picture(root: ET.Element, index: int = 0) -> np.ndarray:
    """The pixels of the ``index``-th PNG picture in an SVG figure, as an array."""
    images = list(root.iter(f"{SVG}image"))
    return read_png(images[index].get("href"))


def svg_rects(root: ET.Element, attribute: str) -> list[ET.Element]:
    """The rectangles of an SVG figure that carry ``data-<attribute>`` (bars, tiles)."""
    return [r for r in root.iter(f"{SVG}rect") if r.get(f"data-{attribute}") is not None]


def svg_values(root: ET.Element) -> list[float]:
    """The values an SVG bar chart shows (its bars' ``data-value``), in drawing order."""
    return [float(r.get("data-value")) for r in root.iter(f"{SVG}rect") if r.get("data-value")]


def read_png(uri: str) -> np.ndarray:
    """A ``data:image/png`` URI back into its pixels (Pillow comes with Streamlit)."""
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))))
