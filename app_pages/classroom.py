"""Class: the whole class's runs and drawings on one board, for projecting.

The teacher starts a class here and projects this page; students join with the code in
the sidebar, share their runs from Train and their drawings from Draw, and watch the
board fill up. The work happens in ``ui/classroom/``.
"""

import streamlit as st

from ui.classroom import board, controls
from ui.classroom.membership import class_session
from ui.classroom.store import ClassError
from ui.lesson.lead import lead_panel

st.title("Class board")
st.caption(
    "Everyone tries one setting; the board shows every run at once, coloured by the "
    "setting being compared, so the class sees the answer emerge from all its runs."
)

session = class_session()
if session.membership is None:
    controls.start_or_reclaim(session)
    board.preload_charts()
    st.stop()

m = session.membership
try:
    snapshot = board.snapshot(m.code)
except ClassError as e:
    snapshot = None
    st.error(str(e))
controls.header(session, snapshot)
if snapshot is not None:
    if m.is_teacher:
        lead_panel(m)
        controls.teacher_panel(m, snapshot)
    else:
        controls.student_panel(m, snapshot)
    label, key = board.color_by_picker()
    board.live_board(m, label, key)
    board.watch(m)
