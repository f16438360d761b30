"""The "not sure" threshold, shared by the Evaluate page and the Draw page.

Softmax always names a winner, even for a scribble. A network allowed to say "not
sure" whenever its top probability is below a threshold makes fewer mistakes, at the
price of answering less often. The Evaluate page shows that trade-off on the test set;
the Draw page applies the same threshold to the visitor's drawing, so what the class
learns on one page holds on the other.

The value lives in ``K.CONFIDENCE`` (a plain session value, not a widget's): Streamlit
forgets a widget's state on pages where the widget is not drawn, and the threshold must
survive a visit to the Draw page. Its default, ``CONFIDENCE_DEFAULT``, sits beside the
key in ``ui/state.py``, where both pages find it.
"""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.evaluate import keys
from ui.state import K

LOW, HIGH, STEP = 0.0, 1.0, 0.01


def _store() -> None:
    st.session_state[K.CONFIDENCE] = float(st.session_state[keys.THRESHOLD])


def threshold_slider(label: str = "Say “not sure” below this confidence") -> float:
    """A slider for the threshold; returns the value and writes it to ``K.CONFIDENCE``."""
    if st.session_state.get(keys.THRESHOLD) is None:
        st.session_state[keys.THRESHOLD] = state.confidence()
    value = st.slider(
        label,
        LOW,
        HIGH,
        step=STEP,
        key=keys.THRESHOLD,
        on_change=_store,
        help="The network answers only when its top probability is at least this high.",
    )
    st.session_state[K.CONFIDENCE] = float(value)
    return float(value)
