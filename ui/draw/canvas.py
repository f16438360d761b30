"""The drawing canvas: a pen, a black square to draw in, and Clear.

The canvas is a component (streamlit-drawable-canvas) that refuses to import outside a
running Streamlit server, so it is imported only inside :func:`load_canvas`, when the page
draws it. Under AppTest it imports and returns an empty result; outside any Streamlit
runtime its import raises, and the page says so and still reads an injected drawing.

Test seam: if ``st.session_state[keys.RESULT]`` holds an RGBA array (h, w, 4) uint8, the
page reads it instead of the canvas. AppTest cannot draw on the canvas, so the page
tests put their drawing there; the Clear button empties it along with the canvas.
"""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

from ui.draw import keys

CANVAS_SIZE = 280  # pixels: ten canvas pixels per MNIST pixel
PENS = {12: "Thin", 20: "Medium", 32: "Thick"}  # stroke width in canvas pixels: its name


def load_canvas():
    """The canvas component, or None where it cannot run (it refuses outside a server)."""
    try:
        from streamlit_drawable_canvas import st_canvas
    except (ImportError, StreamlitAPIException):
        return None
    return st_canvas


def clear_canvas() -> None:
    """A new key mounts a fresh, empty canvas; the injected test drawing goes too."""
    st.session_state[keys.CANVAS_VERSION] += 1
    st.session_state[keys.RESULT] = None


def pen_width() -> int:
    """The pen chooser; returns the stroke width in canvas pixels. Three named pens, not
    a slider: read at a glance. It sits outside the reading fragment (``ui.draw.board``):
    a stroke need not send it again, and a new pen reruns the page, canvas included."""
    pen = st.segmented_control(
        "Pen", list(PENS), format_func=PENS.get, default=20, required=True, key=keys.PEN
    )
    st.space("small")  # room for the canvas's own toolbar, which appears above it on hover
    return pen


def canvas_image(pen: int):
    """Draw the canvas (a ``pen``-wide brush) and Clear under it; return the drawing as
    RGBA (h, w, 4) or None."""
    st_canvas = load_canvas()
    image = None
    if st_canvas is None:
        st.caption("The drawing canvas appears when the app runs with `streamlit run app.py`.")
    else:
        result = st_canvas(
            stroke_width=pen,
            stroke_color="#ffffff",
            background_color="#000000",
            height=CANVAS_SIZE,
            width=CANVAS_SIZE,
            drawing_mode="freedraw",
            update_streamlit=True,
            return_image_data=True,
            key=f"{keys.CANVAS}.{st.session_state[keys.CANVAS_VERSION]}",
        )
        image = result.image_data
    st.button("Clear", key=keys.CLEAR, icon=":material/delete:", on_click=clear_canvas)
    injected = st.session_state[keys.RESULT]
    return injected if injected is not None else image
