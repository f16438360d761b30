"""The teacher leads the lesson from the board: one button moves the whole class on.

The bar above the board says which step the class is on, what to do there and what comes
next. *Next step* moves every joined student's app to the step's page with its settings
(``ui.lesson.follow``) and poses the step's question on the board, so the class predicts
before anyone runs. A step that spreads a setting hands its values out as students
arrive; the roster (unfolded on demand) shows who is where, who holds which value, who
has predicted and who has shared. The plan is the shipped 45-minute lesson or a file the
teacher edited: *Download* gives the current one to start from.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import text
from ui.classroom import keys as class_keys
from ui.classroom.connection import get_store
from ui.classroom.membership import Membership, class_session
from ui.classroom.store import ClassError, InvalidField
from ui.lesson import keys
from ui.lesson.follow import PAGE_TITLES, plan_of
from ui.lesson.plan import Plan, PlanError, Step, parse_plan, plan_json, shipped_plan


def lead_panel(m: Membership) -> None:
    """The lesson bar: the step, Back and Next, the roster; or the choice of a lesson."""
    try:
        state = get_store().lesson_state(m.code)
    except ClassError:
        return  # the page says the class is gone
    plan = None if state is None else plan_of(state.plan)
    with st.container(border=True):
        if plan is None:
            st.markdown("**Lead a lesson from this board**: one button moves the whole class on.")
            _choose(m)
        else:
            _steps(m, plan, state.step)
    if plan is not None:
        _roster(m, plan, state.step)
        with st.expander("Change the lesson", icon=":material/edit_note:"):
            st.download_button(
                "Download this lesson (to edit)", plan_json(plan), "lesson.json",
                "application/json", key=keys.DOWNLOAD,
            )  # fmt: skip
            _choose(m)


def _where(number: int, step: Step) -> str:
    page = PAGE_TITLES.get(step.page, step.page)
    minutes = f" · {text.md(step.minutes, 12)} min" if step.minutes else ""
    return f"step {number}{minutes}: **{text.md(step.title, text.NAME)}** ({page})"


def _steps(m: Membership, plan: Plan, current: int) -> None:
    name, total = text.md(plan.name, text.NAME), len(plan.steps)
    back, ahead, line = st.columns([1, 1.4, 6], vertical_alignment="center")
    back.button(
        "Back", key=keys.BACK, icon=":material/arrow_back:", disabled=current <= 0,
        on_click=_on_move, args=(m, plan, current - 1),
    )  # fmt: skip
    ahead.button(
        "Start the lesson" if current < 0 else "Next step", key=keys.NEXT, type="primary",
        icon=":material/arrow_forward:", disabled=current >= total - 1,
        on_click=_on_move, args=(m, plan, current + 1),
    )  # fmt: skip
    if current < 0:
        line.markdown(f"{name}: {total} steps, not started. First, {_where(1, plan.steps[0])}.")
        return
    step = plan.steps[current]
    line.markdown(f"{name} · {_where(current + 1, step)} of {total}")
    if step.todo:
        st.markdown(f"**What to do:** {text.md(step.todo, text.MESSAGE)}")
    if step.spread:
        values = " · ".join(text.md(v) for v in step.values)
        st.markdown(f"**Handed out, one per student as they arrive:** {step.spread} = {values}")
    if current + 1 < total:
        st.caption(f"Next: {_where(current + 2, plan.steps[current + 1])}")


def _on_move(m: Membership, plan: Plan, step: int) -> None:
    """Move the class, and pose the step's question so it is answered before anyone runs."""
    store, session = get_store(), class_session()
    try:
        store.move_to_step(m.code, m.teacher_key, step)
        posed = plan.steps[step]
        if posed.question:
            store.set_question(m.code, m.teacher_key, posed.question, list(posed.choices))
            st.session_state[class_keys.REVEAL] = False  # a new question starts hidden
        session.say("success", f"The class is on step {step + 1}.")
    except (ClassError, InvalidField) as e:
        session.say("error", str(e))


def _choose(m: Membership) -> None:
    """The shipped lesson, or the teacher's own file."""
    st.file_uploader(
        "Your own lesson file (optional)", type=["json"], key=keys.PLAN_FILE,
        help="Download a lesson, edit it in any text editor, and upload it here.",
    )  # fmt: skip
    st.button("Use this lesson", key=keys.USE, on_click=_on_use, args=(m,))
    st.caption("Without a file: the 45-minute lesson that comes with the app.")


def _on_use(m: Membership) -> None:
    session, upload = class_session(), st.session_state.get(keys.PLAN_FILE)
    try:
        plan = shipped_plan() if upload is None else parse_plan(upload.getvalue())
        get_store().set_lesson(m.code, m.teacher_key, plan_json(plan), len(plan.steps))
        session.say("success", f"Lesson chosen: {plan.name}. Press Start when the class is in.")
    except PlanError as e:
        session.say("error", f"That lesson file cannot be used. {e}.")
    except ClassError as e:
        session.say("error", str(e))


def _roster(m: Membership, plan: Plan, current: int) -> None:
    """Folded until opened: who is here, on which step, holding what, having done what."""
    box = st.expander("Roster", key=keys.ROSTER_OPEN, on_change="rerun", icon=":material/group:")
    if not box.open:
        return
    with box:
        try:
            rows = get_store().class_roster(m.code, m.teacher_key)
        except ClassError as e:
            st.error(str(e))
            return
        if not rows:
            st.caption("Nobody has joined yet.")
            return
        spread = plan.steps[current].spread if current >= 0 else None
        table = pd.DataFrame(
            {
                "student": [text.plain(r.nickname) for r in rows],
                "step": [None if r.step is None else r.step + 1 for r in rows],
                spread or "value": [text.plain(r.value or "") for r in rows],
                "predicted": [r.predicted for r in rows],
                "runs shared": [r.shared for r in rows],
            }
        )
        here = sum(r.step == current for r in rows)
        st.caption(f"{len(rows)} students · {here} on this step · {sum(table.predicted)} predicted")
        st.table(table.set_index("student"))
