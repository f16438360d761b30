"""A student's app follows the teacher: when the teacher presses *Next step*, it goes to
that step's page with the step's settings, on every device, within one refresh.

A small fragment asks the store for the class's step every few seconds
(``NN_CLASS_REFRESH``) and does nothing while the teacher has not moved. When the teacher
moves, the whole app runs again: it records the student's arrival (which hands them
their value of a spread setting, the same one on every later visit) and switches to the
step's page with the step's lesson-link words in the address, which the app applies
exactly as it applies a lesson link the student opened, locks included
(``ui.train.lesson``). Between
two of the teacher's moves the student goes where they like; a student who joins late,
or reloads, lands on the current step.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from nn_core.knobs import BY_NAME
from ui import text
from ui.classroom import views
from ui.classroom.board import REFRESH_SECONDS
from ui.classroom.connection import get_store
from ui.classroom.membership import Membership, membership
from ui.classroom.store import ClassError
from ui.lesson import keys
from ui.lesson.plan import Plan, PlanError, parse_plan

PAGE_TITLES = {
    "learn": "Learn", "data": "Data", "train": "Train", "inside": "Inside",
    "evaluate": "Evaluate", "draw": "Draw", "class": "Class",
}  # fmt: skip


@dataclass(frozen=True)
class StepNote:
    """The step a student's banner names: where the class is and what they hold."""

    number: int  # from 1
    steps: int
    title: str
    page: str
    todo: str
    spread: str | None
    value: str | None


@st.cache_resource(show_spinner=False, max_entries=64)
def plan_of(plan: str) -> Plan | None:
    """The plan a class stored, read once per server (a frozen value: never written)."""
    try:
        return parse_plan(plan)
    except PlanError:
        return None  # stored by an app that knew more settings: nobody is moved


def follow_lesson(pages: dict, current: str) -> None:
    """For a student in a class whose teacher leads a lesson: follow it (see above).

    ``pages`` maps a page's name (``learn`` ... ``class``) to its ``st.Page``; ``current``
    is the name of the page this run shows. A move counts as followed only once this run
    shows the step's page with the step's words in its address: a switch that got lost
    (a rerun overtaken by another) is simply tried again at the next look."""
    m = membership()
    if m is None or m.is_teacher:
        return
    target = _target(m)
    if target is not None:
        moves, note, params = target
        st.session_state[keys.SHOWN] = note
        if current == note.page and all(st.query_params.get(k) == v for k, v in params.items()):
            st.session_state[keys.FOLLOWED] = (m.code, moves)
        else:
            st.switch_page(pages[note.page], query_params=params)
    _watch(m, current)


@st.fragment(run_every=REFRESH_SECONDS)
def _watch(m: Membership, current: str) -> None:
    """Every few seconds: has the teacher moved? Then the whole app runs again and follows."""
    state = _state(m)
    if state is not None and st.session_state.get(keys.FOLLOWED) != (m.code, state.moves):
        st.rerun(scope="app")
    note = st.session_state.get(keys.SHOWN)
    if note is not None:
        banner(note, here=note.page == current)
        if note.page == current:
            predict(m)


def _state(m: Membership):
    """The class's lesson once it has started, else None."""
    try:
        state = views.lesson_state(get_store(), m.code)
    except ClassError:
        return None  # the class is gone: the sidebar says so
    if state is None or state.step < 0:
        st.session_state.pop(keys.SHOWN, None)
        return None
    return state


def _target(m: Membership):
    """None when the student has followed the teacher's last move; else (the move, the
    step's note, its link words), the student's arrival recorded (it hands them a value)."""
    state = _state(m)
    if state is None or st.session_state.get(keys.FOLLOWED) == (m.code, state.moves):
        return None
    plan = plan_of(state.plan)
    if plan is None or state.step >= len(plan.steps):
        return None
    step = plan.steps[state.step]
    try:
        value = get_store().arrive(m.member, state.step, step.values)
    except ClassError:
        return None
    note = StepNote(
        state.step + 1, len(plan.steps), step.title, step.page, step.todo, step.spread, value
    )
    return state.moves, note, step.params(value)


def banner(note: StepNote, here: bool) -> None:
    """One line that says where the class is; on the step's own page, what to do too."""
    title = text.md(note.title, text.NAME)
    line = f"**Step {note.number} of {note.steps}: {title}**"
    if note.spread and note.value is not None:
        said = BY_NAME[note.spread].board_label  # a plan spreads only a row of the table
        line += f" · your {said}: **{text.md(note.value)}**"
    if not here:
        st.caption(f"{line} (on the {PAGE_TITLES.get(note.page, note.page)} page)")
        return
    todo = text.md(note.todo, text.MESSAGE)
    st.info(f"{line}  \n{todo}" if todo else line, icon=":material/co_present:")


def predict(m: Membership) -> None:
    """The board's question, answered where the student is: before they run, not after."""
    store = get_store()
    try:
        posed = store.posed(m.code)
        mine = store.my_answer(m.member)
    except ClassError:
        return
    if posed is None:
        return
    prompt, choices, revealed = posed
    if mine is not None or revealed:
        said = choices[mine] if mine is not None and mine < len(choices) else "nothing"
        st.caption(f"You predicted: {text.md(said)}. {text.md(prompt, text.SENTENCE)}")
        return
    left, right = st.columns([4, 1], vertical_alignment="bottom")
    left.radio(
        f"Predict before you run: {text.md(prompt, text.SENTENCE)}",
        range(len(choices)), None, lambda i: text.md(choices[i]),
        key=keys.ANSWER, horizontal=True,
    )  # fmt: skip
    right.button("Send", key=keys.SEND, on_click=_on_answer, args=(m,))


def _on_answer(m: Membership) -> None:
    choice = st.session_state.get(keys.ANSWER)
    if choice is None:
        return
    try:
        get_store().answer(m.member, int(choice))
    except (ClassError, ValueError) as e:
        st.toast(text.md(str(e), text.MESSAGE))
