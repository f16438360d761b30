"""The Class page's controls: start or reclaim a board, the teacher's panel, answering.

The teacher key is shown exactly once, when the class starts, in a dialog over the page
(never in the page body, which is projected), with a copy button and a button to put it
away: it is what lets the teacher take the board back from another device, and it is
never shown again (the database holds only its hash). Students answer the question
*before* they run, which is the point of asking: a prediction made after seeing the
curves teaches nothing. Besides hiding (on the board), the teacher can delete any entry
for good and remove a student with everything they shared: a board that one student
fills with nonsense is cleaned in two clicks, and that student cannot come back.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ui import text
from ui.active import show_paths
from ui.classroom import codes, collections, keys, tables
from ui.classroom.connection import database_url, describe, get_store
from ui.classroom.membership import (
    ClassSession,
    Membership,
    class_session,
    reclaim,
    show_message,
    start_class,
    this_client,
)
from ui.classroom.records import Board
from ui.classroom.store import ClassError, InvalidField, Removed


def _on_start() -> None:
    session = class_session()
    start_class(session, get_store(), this_client(session))


def _on_reclaim() -> None:
    session = class_session()
    reclaim(
        session,
        get_store(),
        st.session_state.get(keys.RECLAIM_CODE, ""),
        st.session_state.get(keys.RECLAIM_KEY, ""),
        this_client(session),
    )


def start_or_reclaim(session: ClassSession) -> None:
    """For a visitor in no class: start one, or take back a board with its teacher key."""
    st.button("Start a class", key=keys.START, type="primary", on_click=_on_start)
    with st.expander("Reclaim a board from another device (teacher key)"):
        st.text_input("Class code", key=keys.RECLAIM_CODE, placeholder="ABCD-2345")
        st.text_input("Teacher key", key=keys.RECLAIM_KEY, type="password")
        st.button("Reclaim the board", key=keys.RECLAIM, on_click=_on_reclaim)
    show_message(session)
    st.info(
        "Students: open the lesson link your teacher gives you (it asks for a nickname), or "
        "**Join a class** in the sidebar with the class code."
    )


def _key_seen(session: ClassSession) -> None:
    session.fresh_key = None


@st.dialog("Your teacher key", width="small", dismissible=False)
def _key_dialog(session: ClassSession) -> None:
    """The teacher key, once, in a dialog: the board behind it is what gets projected."""
    st.markdown(
        "With the class code, this key lets you take the board back from another device "
        "(**Reclaim a board**). Write it down or copy it: it is shown only now, and the "
        "class keeps only a scrambled copy."
    )
    st.code(codes.show_key(session.fresh_key), language=None)
    if st.button("I have written it down", key=keys.KEY_SEEN, type="primary"):
        _key_seen(session)
        st.rerun()


def header(session: ClassSession, board: Board | None) -> None:
    """The class code, large enough to read from the back; the key once, in a dialog."""
    m = session.membership
    code = codes.show_code(m.code)
    st.markdown(f"## Class code: `{code}`")
    line = (
        f"Students join with a lesson link ending in `?class={m.code}` (the page asks for a "
        "nickname), or under **Join a class** in the sidebar."
    )
    if board is not None:
        expires = dt.datetime.fromtimestamp(board.expires).strftime("%d %b %Y %H:%M")
        line += f" The class and everything in it is deleted on {expires}."
    st.caption(line)
    if session.fresh_key:
        _key_dialog(session)
    show_message(session)


def _teacher_call(m: Membership, action, *args) -> None:
    session = class_session()
    try:
        action(m.code, m.teacher_key, *args)
    except (ClassError, InvalidField) as e:
        session.say("error", str(e))


def _on_pose(m: Membership) -> None:
    prompt = st.session_state.get(keys.QUESTION, "")
    lines = st.session_state.get(keys.CHOICES, "").splitlines()
    _teacher_call(m, get_store().set_question, prompt, [c for c in lines if c.strip()])


def _on_toggle(m: Membership, widget: str) -> None:
    store = get_store()
    action = store.reveal if widget == keys.REVEAL else store.set_closed
    _teacher_call(m, action, bool(st.session_state[widget]))


def teacher_panel(m: Membership, board: Board) -> None:
    """Pose the question, reveal the answers, close the class, export everything.

    Folded until opened, and only then made: the delete list of a full class is 3,300
    entries (about 100 kB), and the fields and downloads load scripts of their own, all of
    which a fresh tab spent time on before it drew the board (Reclaim -> board drawn in
    Chromium, the browser busy for 2.5 of the 2.6 s), and which every refresh of the
    teacher's board sent again."""
    store = get_store()
    st.session_state.setdefault(keys.REVEAL, board.revealed)
    st.session_state.setdefault(keys.CLOSED, board.closed)
    panel = st.expander(
        "Teacher controls: question, reveal, close, export, collections, delete, remove",
        key=keys.CONTROLS_OPEN,
        on_change="rerun",
    )
    if not panel.open:  # folded: nothing of it is sent (see the docstring)
        return
    ask, manage = panel.columns([3, 2])
    with ask:
        st.markdown("**A question to predict before running**")
        st.text_input(
            "Question",
            key=keys.QUESTION,
            placeholder="Which learning rate ends with the lowest loss?",
        )
        st.text_area("Answers, one per line", key=keys.CHOICES, placeholder="0.001\n0.01\n0.1\n1")
        st.button("Ask the class", key=keys.POSE, on_click=_on_pose, args=(m,))
    with manage:
        st.toggle(
            "Reveal the answers", key=keys.REVEAL, on_change=_on_toggle, args=(m, keys.REVEAL)
        )
        st.toggle(
            "Closed to new entries",
            key=keys.CLOSED,
            on_change=_on_toggle,
            args=(m, keys.CLOSED),
        )
        a, b, c = st.columns(3)
        code, key = m.code, m.teacher_key
        stem = f"class-{code}"
        a.download_button(
            "Runs CSV", lambda: tables.runs_csv(store.export(code, key)), f"{stem}-runs.csv",
            "text/csv", key=keys.EXPORT_CSV,
        )  # fmt: skip
        b.download_button(
            "Runs JSON", lambda: tables.runs_json(store.export(code, key)), f"{stem}-runs.json",
            "application/json", key=keys.EXPORT_JSON,
        )  # fmt: skip
        c.download_button(
            "Drawings", lambda: tables.drawings_npz(store.export(code, key)),
            f"{stem}-drawings.npz", "application/octet-stream", key=keys.EXPORT_NPZ,
        )  # fmt: skip
        st.caption(f"Stored in {describe(database_url(), show_paths())}.")
    with panel:
        collections.teacher_form(m)
    tidy, expel = panel.columns(2)
    with tidy:
        _delete_box(m)
    with expel:
        _remove_box(m)


def _entry_label(entry: tuple) -> str:
    kind, entry_id, nickname, what, hidden = entry
    return f"{kind} {entry_id} by {nickname}: {what}{' (hidden)' if hidden else ''}"


def _on_delete(m: Membership) -> None:
    choice = st.session_state.get(keys.DELETE_PICK)
    if not choice:
        return
    kind, entry_id = choice.split(":")
    session = class_session()
    try:
        get_store().delete_entry(m.code, m.teacher_key, kind, int(entry_id))
        session.say("success", f"Deleted {kind} {entry_id} for good.")
    except ClassError as e:
        session.say("error", str(e))


def _delete_box(m: Membership) -> None:
    """Delete one entry for good: its place on the board is free again."""
    st.markdown("**Delete an entry for good**")
    entries = get_store().entries(m.code, m.teacher_key)
    options = {f"{e[0]}:{e[1]}": _entry_label(e) for e in entries}
    if not options:
        st.caption("Nothing shared yet.")
        return
    st.selectbox("Entry", list(options), format_func=options.get, key=keys.DELETE_PICK)
    st.button("Delete", key=keys.DELETE, on_click=_on_delete, args=(m,))


def _on_remove_member(m: Membership) -> None:
    nickname = st.session_state.get(keys.MEMBER_PICK)
    if not nickname:
        return
    session = class_session()
    try:
        gone = get_store().remove_member(m.code, m.teacher_key, nickname)
    except ClassError as e:
        session.say("error", str(e))
        return
    session.say(
        "success",
        f"Removed that student and their {gone} entr{'y' if gone == 1 else 'ies'}: "
        "their nickname cannot join this class again.",
    )


def _remove_box(m: Membership) -> None:
    """Remove a student with everything they shared; they cannot rejoin from that tab."""
    st.markdown("**Remove a student and their entries**")
    students = get_store().roster(m.code, m.teacher_key)
    if not students:
        st.caption("No students yet.")
        return
    st.selectbox("Student", students, key=keys.MEMBER_PICK)
    st.button("Remove", key=keys.REMOVE_MEMBER, on_click=_on_remove_member, args=(m,))


def _on_answer(m: Membership) -> None:
    session, choice = class_session(), st.session_state.get(keys.ANSWER)
    board = get_store().board(m.code)
    try:
        get_store().answer(m.member, board.choices.index(choice))
        session.say("success", f"Your prediction: {text.md(choice)}. Now run it and see!")
    except Removed:
        session.was_removed(m.code)
    except (ClassError, InvalidField, ValueError) as e:
        session.say("error", str(e))


def student_panel(m: Membership, board: Board) -> None:
    """The teacher's question, to answer before running."""
    if not board.prompt:
        return
    mine = get_store().my_answer(m.member)
    st.markdown(f"**Predict before you run:** {text.md(board.prompt, text.SENTENCE)}")
    if board.revealed:
        picked = board.choices[mine] if mine is not None and mine < len(board.choices) else None
        st.caption(
            f"The answers are revealed. You predicted: {text.md(picked) if picked else 'nothing'}."
        )
        return
    st.radio("Your prediction", board.choices, mine, text.md, key=keys.ANSWER, horizontal=True)
    st.button("Send my prediction", key=keys.SEND_ANSWER, on_click=_on_answer, args=(m,))
