"""The student's browser keeps their place in a class: one cookie, written and read here.

Why a cookie and not the address bar: a lesson link the teacher hands out is a new page
load that carries none of the student's own query parameters, so only what the browser
keeps by itself reaches it; and a cookie is never projected, copied into a chat or
bookmarked by a classmate. Its value is the class code and the member token
(``code.token``); the token is 192 random bits, so nobody can guess another student's.

Streamlit reads cookies (``st.context.cookies``, as they were when the tab connected) but
has no call to write one, so a tiny script-only component does it in the page itself
(``st.components.v2``, no iframe): given a value it sets the cookie if it differs, given
an empty value it deletes it. The app sets the cookie when a student joins or comes
back, deletes it when they leave (or start a class as a teacher: the teacher's standing
is their key, which stays in their session), and otherwise leaves it alone, so a second
tab that is not in the class cannot wipe the first tab's place.

One browser keeps one place: two students sharing a computer use two browsers (or a
private window), as they would for any site they log in to.
"""

from __future__ import annotations

import re

import streamlit as st

from ui.classroom import codes, keys

COOKIE = "nn_class_place"
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")  # what codes.new_token makes, with room

JS = """
export default function ({ data }) {
  const { name, value, maxAge } = data;
  const found = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
  const have = found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  if (have === value) return;
  const secure = location.protocol === "https:" ? "; Secure" : "";
  const life = value ? maxAge : 0;
  document.cookie =
    `${name}=${encodeURIComponent(value)}; Path=/; Max-Age=${life}; SameSite=Lax${secure}`;
}
"""

_writer = None  # the registered component, made on first use (it needs a running app)


def cookie_value(code: str, token: str) -> str:
    return f"{code}.{token}"


def parse(value: str | None) -> tuple[str, str] | None:
    """``(code, token)`` from a cookie's value, or None if it cannot be one of ours."""
    if not value:
        return None
    code, _, token = str(value).partition(".")
    if codes.normalise(code) != code or not TOKEN.fullmatch(token):
        return None
    return code, token


def saved_place() -> str | None:
    """The cookie as the browser sent it when this tab connected (None without one)."""
    try:
        return st.context.cookies.get(COOKIE)
    except Exception:  # noqa: BLE001 - no request at all (a bare script, a test): no cookie
        return None


def keep(value: str, days: float) -> None:
    """Make the browser hold ``value`` for ``days`` (an empty value: forget the place).

    Drawn in the sidebar, where it takes no room; drawn only when there is something to
    keep or to forget."""
    global _writer
    if _writer is None:
        _writer = st.components.v2.component("nn_class_place", js=JS)
    data = {"name": COOKIE, "value": value, "maxAge": int(days * 86400)}
    _writer(data=data, key=keys.REMEMBER, height=0)
