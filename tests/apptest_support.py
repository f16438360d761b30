"""Helpers shared by the AppTest page tests: reading Plotly figures and SVG figures."""

from __future__ import annotations

import base64
import io
import json
import xml.etree.ElementTree as ET

import numpy as np
from PIL import Image
from streamlit.testing.v1 import AppTest

from ui.classroom import keys as class_keys
from ui.figures.svg import Svg


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


def svg_texts(root: ET.Element) -> list[str]:
    """Every label of an SVG figure, in drawing order."""
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def svg_picture(root: ET.Element, index: int = 0) -> np.ndarray:
    """The pixels of the ``index``-th PNG picture in an SVG figure, as an array."""
    images = list(root.iter(f"{SVG}image"))
    return read_png(images[index].get("href"))


SVG = "{http://www.w3.org/2000/svg}"


def read_png(uri: str) -> np.ndarray:
    """A ``data:image/png`` URI back into its pixels (Pillow comes with Streamlit)."""
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))))
