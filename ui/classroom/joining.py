"""Where a student joins: the sidebar's class panel, and the prompt a lesson link opens.

The frame (``app.py``) draws both on every page. The sidebar panel says who you are in
the class and lets you leave, or holds the join form, folded away until asked for. A
lesson link that names a class (``?class=CODE``) also asks at the top of the page itself,
because the sidebar is folded away on a tablet and its form below the fold on a laptop;
the link gave the code, so the prompt asks only for the nickname. Both are forms: Enter
in a box joins.

At a session's first run the panel brings the student back to the place their browser
kept (``membership.come_back``), so a reload or the next lesson link asks nothing again;
and as the membership changes it asks the browser to keep or forget that place
(``remember``).
"""

from __future__ import annotations

import streamlit as st

from ui import text
from ui.classroom import codes, keys, remember
from ui.classroom.connection import get_store
from ui.classroom.membership import (
    ClassSession,
    class_session,
    come_back,
    join,
    leave,
    show_message,
    this_client,
)


def _on_join(nickname_key: str, code: str | None = None) -> None:
    """Join with the nickname typed under ``nickname_key``; the code is the link's (the
    prompt) or the one typed in the sidebar."""
    session = class_session()
    typed = code if code is not None else st.session_state.get(keys.CODE, "")
    nickname = st.session_state.get(nickname_key, "")
    if join(session, get_store(), typed, nickname, this_client(session)) and code is not None:
        st.toast(session.message[1], icon=":material/groups:")  # the sidebar may be folded


def _on_leave(session: ClassSession) -> None:
    leave(session, get_store())


def invited_code() -> str | None:
    """The class a lesson link names (``?class=``), as the link spells it."""
    typed = st.query_params.get("class")
    return typed.strip() if typed and typed.strip() else None


def class_sidebar() -> None:
    """The sidebar's class panel: join with code and nickname, or who you are and leave."""
    session = class_session()
    if not session.looked_back:
        come_back(session, get_store(), remember.saved_place(), this_client(session))
    with st.sidebar:
        m = session.membership
        if m is not None:
            role = "teacher" if m.is_teacher else m.nickname
            st.markdown(f"In class **{codes.show_code(m.code)}** as **{text.md(role)}**")
            st.button("Leave the class", key=keys.LEAVE, on_click=_on_leave, args=(session,))
        else:
            typed = invited_code()
            if typed and keys.CODE not in st.session_state:
                st.session_state[keys.CODE] = typed  # a lesson link names the class
            _join_form(session, opened=bool(typed) or session.message is not None)
        _keep_place(session)


def _keep_place(session: ClassSession) -> None:
    """Ask the browser to keep this student's place, or to forget it; else leave it be.

    Forgetting is asked once: a later run asking again could wipe the place another tab
    of this browser has just joined. (Should the one request be lost, the next session
    finds the place gone and says so: nothing worse.)"""
    m = session.membership
    if m is not None and not m.is_teacher:
        remember.keep(remember.cookie_value(m.code, m.member.token), get_store().days)
    elif session.forget_place:
        remember.keep("", 0)
        session.forget_place = False


def _join_form(session: ClassSession, opened: bool) -> None:
    """Code, nickname and Join, folded away until asked for (or opened by a lesson link
    that names the class). Folded, the form costs nothing: its widgets are not sent at
    all, which saves a fresh page about a tenth of a second before it is on screen."""
    box = st.expander(
        "Join a class",
        key=keys.JOIN_OPEN,
        expanded=opened,
        on_change="rerun",
        icon=":material/groups:",
    )
    if not box.open:
        return
    with box:
        with st.form(keys.JOIN_FORM, border=False):
            st.text_input("Class code", key=keys.CODE, placeholder="ABCD-2345", max_chars=12)
            st.text_input(
                "Nickname",
                key=keys.NICKNAME,
                max_chars=24,
                help="Any name your class will recognise; no real name needed.",
            )
            st.form_submit_button(
                "Join the class", key=keys.JOIN, on_click=_on_join, args=(keys.NICKNAME,)
            )
        show_message(session)


def join_prompt() -> None:
    """At the top of the page, when a lesson link names a class this visitor is not in.

    A student already in that class (their browser kept the place) is not asked again,
    nor is the teacher: the teacher's projected page never shows a join form."""
    typed = invited_code()
    if typed is None:
        return
    code = codes.normalise(typed)
    session = class_session()
    m = session.membership
    if m is not None and (m.is_teacher or m.code == code):
        return
    shown = f"`{codes.show_code(code)}`" if code else text.md(typed, codes.CODE_LENGTH + 4)
    now = f" You are in class `{codes.show_code(m.code)}` now." if m is not None else ""
    with st.container(border=True, key=keys.PROMPT):
        st.markdown(
            f"**Join class {shown}** to share your runs with it: type a nickname and press "
            f"Enter.{now}"
        )
        with st.form(keys.PROMPT_FORM, border=False):
            st.text_input(
                "Nickname for the class board",
                key=keys.PROMPT_NICKNAME,
                max_chars=24,
                placeholder="Any name your class will recognise; no real name needed",
            )
            st.form_submit_button(
                "Join the class",
                key=keys.PROMPT_JOIN,
                type="primary",
                on_click=_on_join,
                args=(keys.PROMPT_NICKNAME, typed),
            )
        if session.message and session.message[0] != "success":
            show_message(session)
