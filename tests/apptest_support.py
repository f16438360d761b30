"""Helpers shared by the AppTest page tests: reading Plotly figures."""

from __future__ import annotations

import base64
import json

import numpy as np
from streamlit.testing.v1 import AppTest


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
