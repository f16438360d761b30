"""Being in a class: joining with a code and a nickname, starting one, leaving.

A visitor's class membership is one object in their session (``K.CLASS``): which class,
under which nickname, their private member token, the teacher key if they run the board,
and the counters that keep one tab from hammering the server. No personal data: a
nickname is whatever the student types, and it disappears with the class.

Guessing is slowed per client, never for the whole server (``ui.classroom.clients``): a
few wrong codes or teacher keys cost nothing, then each further one makes the next try
wait longer, counted for this tab and for its address, so opening new tabs does not help
a guesser and a guesser never stops another student from joining. Reclaiming a board
says the same for "no such class" and "wrong key", and counts as a try. Starting classes
is limited the same two ways. A tab whose nickname the teacher removed cannot come back
to that class under another name.

Joining once is enough for the whole lesson: the browser keeps the student's place
(``ui.classroom.remember``) and every new session of that browser (a reload, a lesson link
opened in the same tab) comes back to it at its first run, with the same nickname, runs
and prediction. "Leave the class" gives the place up for good.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from ui import text
from ui.classroom import clients, codes, remember
from ui.classroom.clients import Client
from ui.classroom.fields import InvalidField
from ui.classroom.moderation import REMOVED_MESSAGE
from ui.classroom.store import ClassError, ClassStore, Member, NotFound
from ui.state import K

POSTS_PER_WINDOW, POST_WINDOW = 30, 60.0
NO_MATCH = "That code and teacher key do not match a class."


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
    tries: codes.Backoff = field(default_factory=clients.tab_tries)  # wrong codes and keys
    starts: codes.RateLimiter = field(default_factory=clients.tab_starts)  # classes started
    posts: codes.RateLimiter = field(
        default_factory=lambda: codes.RateLimiter(POSTS_PER_WINDOW, POST_WINDOW)
    )
    names: dict[str, set[str]] = field(default_factory=dict)  # code -> nicknames this tab used
    removed: set[str] = field(default_factory=set)  # classes whose teacher removed this tab
    fresh_key: str | None = None  # the teacher key, until the teacher says it is written down
    message: tuple[str, str] | None = None  # (kind, text) of the last class action
    shared: dict[int, int] = field(default_factory=dict)  # local run id -> board run id
    looked_back: bool = False  # the browser's kept place was looked at (once per session)
    forget_place: bool = False  # the browser must forget its kept place (left, teacher)

    def say(self, kind: str, text: str) -> str:
        self.message = (kind, text)
        return text

    def may_post(self) -> str | None:
        """None if this tab may post now, else the sentence saying when it may."""
        if self.posts.allow():
            return None
        return f"Slow down: try again in {self.posts.wait_seconds():.0f} s."

    def was_removed(self, code: str) -> None:
        """The teacher removed this tab's student: out of the class, and not back in."""
        self.removed.add(code)
        if self.membership is not None and self.membership.code == code:
            self.membership = None
            self.shared.clear()
        self.say("error", REMOVED_MESSAGE)

    def may_try(self, client: Client) -> bool:
        """Whether a code or key may be tried now; if not, says how long to wait."""
        wait = client.wait_to_try()
        if wait > 0:
            self.say("error", f"Too many wrong tries: wait {codes.in_words(wait)}, then try again.")
        return wait <= 0


def this_client(session: ClassSession) -> Client:
    """The limits for this tab at this visitor's address."""
    return clients.client_tables().client(session, clients.current_address())


def class_session() -> ClassSession:
    if not isinstance(st.session_state.get(K.CLASS), ClassSession):
        st.session_state[K.CLASS] = ClassSession()
    return st.session_state[K.CLASS]


def membership() -> Membership | None:
    """The visitor's class membership, or None when they have not joined a class."""
    return class_session().membership


# --- actions (plain functions: the store and the limits are parameters) -------------------
def join(
    session: ClassSession, store: ClassStore, typed: str, nickname: str, client: Client
) -> bool:
    """Join the class whose code was typed; True on success, else ``session.message``."""
    if not session.may_try(client):
        return False
    code = codes.normalise(typed)
    if code is None:
        session.say("error", "A class code has 8 letters and digits, like ABCD-2345.")
        return False
    names = session.names.get(code)
    if code in session.removed or (names and store.was_removed(code, names)):
        session.was_removed(code)
        return False
    try:
        member = store.join(code, nickname)
    except NotFound as e:
        client.wrong_try()
        session.say("error", str(e))
        return False
    except (ClassError, InvalidField) as e:
        session.say("error", str(e))
        return False
    session.names.setdefault(code, set()).add(member.nickname)
    session.membership = Membership(member)
    session.shared.clear()
    session.forget_place = False  # the browser keeps this place now
    session.say("success", f"Welcome to class {codes.show_code(code)}, {text.md(member.nickname)}.")
    return True


def start_class(session: ClassSession, store: ClassStore, client: Client) -> str | None:
    """Start a new class with this visitor as its teacher; returns the code (None if this
    client has started classes too quickly, with ``session.message`` saying until when)."""
    if not client.start():
        wait = codes.in_words(client.wait_to_start())
        session.say("error", f"You have started several classes just now: start another in {wait}.")
        return None
    code, key = store.create_class()
    session.membership = Membership(store.join_teacher(code, key), teacher_key=key)
    session.fresh_key = key
    session.shared.clear()
    session.forget_place = True  # a student's place kept in this browser would come back
    session.say("success", f"Class {codes.show_code(code)} started.")
    return code


def reclaim(
    session: ClassSession, store: ClassStore, typed_code: str, typed_key: str, client: Client
) -> bool:
    """Take over a board from another device with its code and teacher key."""
    if not session.may_try(client):
        return False
    code, key = codes.normalise(typed_code), codes.normalise(typed_key, codes.KEY_LENGTH)
    if code is None or key is None:
        session.say("error", NO_MATCH)
        return False
    try:
        if not store.teacher_matches(code, key):
            client.wrong_try()
            session.say("error", NO_MATCH)
            return False
        session.membership = Membership(store.join_teacher(code, key), teacher_key=key)
    except ClassError:  # expired between the two steps: the same answer
        session.say("error", NO_MATCH)
        return False
    session.fresh_key = None
    session.shared.clear()
    session.forget_place = True
    session.say("success", f"You are running the board of class {codes.show_code(code)}.")
    return True


def come_back(session: ClassSession, store: ClassStore, kept: str | None, client: Client) -> bool:
    """Back to the place this browser kept (``remember``), at a session's first run only.

    True when the student is back in their class. A place that is no longer there (the
    class ended, the student left or was removed, a made-up cookie) is refused calmly,
    counted as a wrong try for this client, and forgotten by the browser.
    """
    if session.looked_back:
        return False
    session.looked_back = True
    if kept is None or session.membership is not None:
        return False
    place = remember.parse(kept)
    if place is None:
        session.forget_place = True  # not one of ours: nothing to say about it
        return False
    if client.wait_to_try() > 0:
        return False  # this client is waiting after wrong tries: try on a later visit
    code, token = place
    try:
        member = store.rejoin(code, token)
    except ClassError as e:
        client.wrong_try()
        session.forget_place = True
        session.say("info", f"{e} Join again if your class is still on.")
        return False
    session.names.setdefault(code, set()).add(member.nickname)
    session.membership = Membership(member)
    session.shared.clear()
    return True


def leave(session: ClassSession, store: ClassStore | None = None) -> None:
    """Out of the class, and the browser forgets the place: its token rejoins nobody."""
    m = session.membership
    if m is not None and store is not None:
        store.give_up(m.member)
    session.membership, session.fresh_key, session.message = None, None, None
    session.forget_place = True
    session.shared.clear()


def show_message(session: ClassSession) -> None:
    if session.message:
        kind, text = session.message
        getattr(st, kind if kind in ("success", "error", "warning", "info") else "info")(text)
