"""Entry point: ``streamlit run app.py``.

Sets up the page, the navigation between the pages in ``app_pages/`` and the sidebar.
Each page file is a short script; the work happens in ``nn_core`` (the network),
``server`` (the training scheduler and its worker processes) and ``ui`` (state, cached
data, figures, the features). This file is the frame: the one place besides the pages
that may import the features, so it hands the shared sidebar what it must not import
itself (the Train page's progress line) and draws the Class panel below it.

The pages live in ``app_pages/``, not ``pages/``: Streamlit treats a folder named
``pages/`` beside the entry point as its legacy page directory, and on a freshly
started server the first visit through a deep link such as ``/train`` would then run
that page on its own, without this file, its sidebar or its settings.
"""

import os
from pathlib import Path

# One BLAS thread per server process. Several users training at once on a small machine
# would otherwise make BLAS threads fight over the same cores, and a multi-threaded
# matrix product that has to wait for a busy core runs many times slower, not faster.
# Must happen before NumPy is first imported; an explicit setting wins. (Training runs
# in worker processes, which choose their own thread count: see server/worker.py.)
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, os.environ.get("NN_BLAS_THREADS", "1"))

import streamlit as st  # noqa: E402

from server import heap, streamlit_internals  # noqa: E402
from server.limits import LIMITS  # noqa: E402
from ui import state  # noqa: E402
from ui.classroom.collections import joined_collections  # noqa: E402
from ui.classroom.joining import class_sidebar, join_prompt  # noqa: E402
from ui.collections.mine import plug_class_collections  # noqa: E402
from ui.lesson.follow import follow_lesson  # noqa: E402
from ui.shared import get_scheduler  # noqa: E402
from ui.sidebar import render_sidebar  # noqa: E402
from ui.train import lesson  # noqa: E402
from ui.train.panel import sidebar_progress  # noqa: E402
from ui.train.widgets import keep_alive  # noqa: E402

# The browser tab's icon, served by this app so it shows offline. An absolute path: the
# server may be started from any folder, and a relative path that does not resolve there
# is silently sent as text instead of an image. A Path, not a string, so a missing file
# is an error at start-up rather than a broken icon. (A comment, not a docstring: in the
# entry point Streamlit would print a bare string on every page.)
ICON = Path(__file__).resolve().parent / "ui" / "assets" / "icon.png"

st.set_page_config(page_title="Neural network classroom", page_icon=ICON, layout="wide")
heap.map_big_blocks()  # once per process: a visitor's arrays go back to the system when freed
streamlit_internals.finish_runs_before_fragments()  # once per process: no run ends unheard
state.ensure_state()
plug_class_collections(joined_collections)  # the sidebar lists the class's collections too
get_scheduler()  # start the training workers now, so the first Start is quick
wanted = lesson.apply_query_params()  # a lesson link sets the Train page's controls

# Every page has its own address, Learn too: a lesson table's "/learn" must open Learn. The
# default page is served at "/" whatever its url_path (Streamlit gives it the empty path),
# so Learn is the default at "/" and a hidden twin answers "/learn", then hands over to it.
LEARN = st.Page(
    "app_pages/learn.py", title="Learn", icon=":material/school:", default=True, url_path="home"
)
PAGES = [
    LEARN,
    st.Page("app_pages/data.py", title="Data", icon=":material/grid_view:", url_path="data"),
    st.Page(
        "app_pages/train.py", title="Train", icon=":material/model_training:", url_path="train"
    ),
    st.Page("app_pages/inside.py", title="Inside", icon=":material/neurology:", url_path="inside"),
    st.Page(
        "app_pages/evaluate.py", title="Evaluate", icon=":material/fact_check:", url_path="evaluate"
    ),
    st.Page("app_pages/draw.py", title="Draw", icon=":material/draw:", url_path="draw"),
    st.Page("app_pages/classroom.py", title="Class", icon=":material/groups:", url_path="class"),
]
LEARN_TWIN = st.Page("app_pages/learn.py", title="Learn", url_path="learn", visibility="hidden")

page = st.navigation([*PAGES, LEARN_TWIN])
keep_alive(LIMITS, page.url_path == "train")  # the Train settings survive other pages
by_name = {p.url_path or "learn": p for p in PAGES}
if page is LEARN_TWIN:
    wanted = wanted or "learn"
if wanted and by_name.get(wanted) is not None and by_name[wanted] is not page:
    # Only the class the link names goes along (a student not yet in it is asked to join):
    # the settings are applied already, and a second visit must not apply them again.
    invited = {"class": st.query_params["class"]} if "class" in st.query_params else None
    st.switch_page(by_name[wanted], query_params=invited)
lesson.keep_in_address()  # a reload on any page applies the lesson again, locks included
render_sidebar(progress=sidebar_progress)  # the shared part, with the visitor's run in a line
class_sidebar()  # below it, the Class feature's panel: join a class, or who you are in it
join_prompt()  # a lesson link naming a class the visitor is not in: the join form, on top
follow_lesson(by_name, page.url_path or "learn")  # a student goes where the teacher leads
page.run()
