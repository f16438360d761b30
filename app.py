"""Entry point: ``streamlit run app.py``.

Sets up the page, the navigation between the pages in ``pages/`` and the shared sidebar.
Each page file is a short script; the work happens in ``nn_core`` (the network) and
``ui`` (state, cached data, figures).
"""

import os

# One BLAS thread per server process. Several users training at once on a small machine
# would otherwise make BLAS threads fight over the same cores, and a multi-threaded
# matrix product that has to wait for a busy core runs many times slower, not faster.
# Must happen before NumPy is first imported; an explicit setting wins.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, os.environ.get("NN_BLAS_THREADS", "1"))

import streamlit as st  # noqa: E402

from ui import state  # noqa: E402
from ui.sidebar import render_sidebar  # noqa: E402

st.set_page_config(
    page_title="Neural network classroom", page_icon=":material/neurology:", layout="wide"
)
state.ensure_state()

PAGES = [
    st.Page("pages/learn.py", title="Learn", icon=":material/school:", default=True),
    st.Page("pages/data.py", title="Data", icon=":material/grid_view:"),
    st.Page("pages/train.py", title="Train", icon=":material/model_training:"),
    st.Page("pages/draw.py", title="Draw", icon=":material/draw:"),
]

page = st.navigation(PAGES)
render_sidebar()
page.run()
