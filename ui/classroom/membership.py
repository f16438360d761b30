"""Being in a class: joining with a code and a nickname, starting one, leaving.

A visitor's class membership is one object in their session (``K.CLASS``): which class,
under which nickname, their private member token, the teacher key if they run the board,
and the counters that keep one tab from hammering the server. No personal data: a
nickname is whatever the student types, and it disappears with the class.

Guessing codes is slowed twice: each tab gets ``JOINS_PER_WINDOW`` tries per
``JOIN_WINDOW`` seconds, and each server process at most ``SERVER_FAILURES_PER_HOUR``
wrong codes an hour from everybody together (opening new tabs does not help a guesser).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from ui import text
from ui.classroom import codes, keys
from ui.classroom.connection import get_store
from ui.classroom.fields import InvalidField
from ui.classroom.store import ClassError, ClassStore, Member, NotFound
from ui.state import K

JOINS_PER_WINDOW, JOIN_WINDOW = 10, 600.0
POSTS_PER_WINDOW, POST_WINDOW = 30, 60.0
SERVER_FAILURES_PER_HOUR = 600
TEACHER_NICKNAME = "Teacher"


@dataclass
class Membership:
    """This visitor in one class; ``teacher_key`` only on the teacher's own tabs."""

    member: Member
    teacher_key: str | None = field(default=None, repr=False)

    @property
    def code(self) -> str:
        return self.member.code

    @property
    def nickname(self) -> str:
        return self.member.nickname

    @property
    def is_teacher(self) -> bool:
        return self.teacher_key is not None


@dataclass
class ClassSession:
    """Everything this tab knows about the class feature (the one ``K.CLASS`` object)."""

    membership: Membership | None = None
    joins: codes.RateLimiter = field(
        default_factory=lambda: codes.RateLimiter(JOINS_PER_WINDOW, JOIN_WINDOW)
    )
    posts: codes.RateLimiter = field(
        default_factory=lambda: codes.RateLimiter(POSTS_PER_WINDOW, POST_WINDOW)
    )
    fresh_key: str | None = None  # the teacher key, until the teacher says it is written down
    message: tuple[str, str] | None = None  # (kind, text) of the last class action
    shared: dict[int, int] = field(default_factory=dict)  # local run id -> board run id

    def say(self, kind: str, text: str) -> str:
        self.message = (kind, text)
        return text

    def may_post(self) -> str | None:
        """None if this tab may post now, else the sentence saying when it may."""
        if self.posts.allow():
            return None
        return f"Slow down: try again in {self.posts.wait_seconds():.0f} s."


@st.cache_resource(show_spinner=False)
def server_join_failures() -> codes.RateLimiter:
    """Wrong class codes typed on this server, by anybody (shared by all sessions)."""
    return codes.RateLimiter(SERVER_FAILURES_PER_HOUR, 3600.0)


def class_session() -> ClassSession:
    if not isinstance(st.session_state.get(K.CLASS), ClassSession):
        st.session_state[K.CLASS] = ClassSession()
    return st.session_state[K.CLASS]


def membership() -> Membership | None:
    """The visitor's class membership, or None when they have not joined a class."""
    return class_session().membership


# --- actions (plain functions: the store and the limits are parameters) -------------------
def join(session: ClassSession, store: ClassStore, typed: str, nickname: str, failures) -> bool:
    """Join the class whose code was typed; True on success, else ``session.message``."""
    if not session.joins.allow():
        session.say("error", f"Too many tries: wait {session.joins.wait_seconds():.0f} s.")
        return False
    code = codes.normalise(typed)
    if code is None:
        session.say("error", "A class code has 8 letters and digits, like ABCD-2345.")
        return False
    if failures.wait_seconds() > 0:
        session.say("error", "Too many wrong codes on this server: try again in a few minutes.")
        return False
    try:
        member = store.join(code, nickname)
    except NotFound as e:
        failures.allow()
        session.say("error", str(e))
        return False
    except (ClassError, InvalidField) as e:
        session.say("error", str(e))
        return False
    session.membership = Membership(member)
    session.shared.clear()
    session.say("success", f"Welcome to class {codes.show_code(code)}, {text.md(member.nickname)}.")
    return True


def start_class(session: ClassSession, store: ClassStore) -> str:
    """Start a new class with this visitor as its teacher; returns the code."""
    code, key = store.create_class()
    session.membership = Membership(store.join(code, TEACHER_NICKNAME), teacher_key=key)
    session.fresh_key = key
    session.shared.clear()
    session.say("success", f"Class {codes.show_code(code)} started.")
    return code


def reclaim(session: ClassSession, store: ClassStore, typed_code: str, typed_key: str) -> bool:
    """Take over a board from another device with its code and teacher key."""
    if not session.joins.allow():
        session.say("error", f"Too many tries: wait {session.joins.wait_seconds():.0f} s.")
        return False
    code, key = codes.normalise(typed_code), codes.normalise(typed_key, codes.KEY_LENGTH)
    try:
        if code is None or key is None or not store.is_teacher(code, key):
            session.say("error", "That code and teacher key do not match a class.")
            return False
        session.membership = Membership(store.join(code, TEACHER_NICKNAME), teacher_key=key)
    except ClassError as e:
        session.say("error", str(e))
        return False
    session.fresh_key = None
    session.shared.clear()
    session.say("success", f"You are running the board of class {codes.show_code(code)}.")
    return True


def leave(session: ClassSession) -> None:
    session.membership, session.fresh_key, session.message = None, None, None
    session.shared.clear()


# --- widgets ---------------------------------------------------------------------------------
def _on_join() -> None:
    join(
        class_session(),
        get_store(),
        st.session_state.get(keys.CODE, ""),
        st.session_state.get(keys.NICKNAME, ""),
        server_join_failures(),
    )


def show_message(session: ClassSession) -> None:
    if session.message:
        kind, text = session.message
        getattr(st, kind if kind in ("success", "error", "warning", "info") else "info")(text)


def class_sidebar() -> None:
    """The sidebar's class panel: join with code and nickname, or who you are and leave."""
    session = class_session()
    with st.sidebar:
        m = session.membership
        if m is not None:
            role = "teacher" if m.is_teacher else m.nickname
            st.markdown(f"In class **{codes.show_code(m.code)}** as **{text.md(role)}**")
            st.button("Leave the class", key=keys.LEAVE, on_click=leave, args=(session,))
            return
        typed = st.query_params.get("class")
        if typed and keys.CODE not in st.session_state:
            st.session_state[keys.CODE] = typed  # a lesson link names the class
        _join_form(session, opened=bool(typed) or session.message is not None)


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
        st.text_input("Class code", key=keys.CODE, placeholder="ABCD-2345", max_chars=12)
        st.text_input(
            "Nickname",
            key=keys.NICKNAME,
            max_chars=24,
            help="Any name your class will recognise; no real name needed.",
        )
        st.button("Join the class", key=keys.JOIN, on_click=_on_join)
        show_message(session)
