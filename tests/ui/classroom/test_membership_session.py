"""Joining once, through Streamlit's AppTest: the sidebar and the in-page prompt.

A session is an ``AppTest``; a new one is a reload or a lesson link opened in the same
tab. What the browser keeps is read from the cookie (``remember.saved_place``, set here
by hand as the browser would send it) and written by the script-only component, whose
data the test reads back from the page (``kept``). Each test gets its own SQLite store.
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.hostile import markup_in
from ui.classroom import codes, keys, remember
from ui.classroom.connection import get_store
from ui.classroom.places import GONE
from ui.state import K


@pytest.fixture(autouse=True)
def state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("NN_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("NN_CLASS_DB_URL", raising=False)


@pytest.fixture
def cookie(monkeypatch):
    """What this browser sends: set ``cookie.value`` before a new session starts."""

    class Jar:
        value: str | None = None

    jar = Jar()
    monkeypatch.setattr(remember, "saved_place", lambda: jar.value)
    return jar


@pytest.fixture
def lesson():
    store = get_store()
    code, key = store.create_class()
    store.set_question(code, key, "Which learning rate ends lowest?", ["0.01", "0.1", "1"])
    return store, code, key


def frame():
    """What app.py draws around every page: the class panel and the join prompt."""
    import streamlit as st

    from ui.classroom.joining import class_sidebar, join_prompt

    class_sidebar()
    join_prompt()
    st.write("the page")


def session(query: dict | None = None) -> AppTest:
    at = AppTest.from_function(frame, default_timeout=60)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    return at.run()


def kept(at: AppTest) -> str | None:
    """The value the page asks the browser to keep ("" to forget), None if it asks nothing."""
    found = [json.loads(e.proto.json) for e in at.get("bidi_component")]
    assert len(found) <= 1
    return found[0]["value"] if found else None


def sidebar_line(at: AppTest) -> str:
    return at.sidebar.markdown[0].value if at.sidebar.markdown else ""


def test_the_prompt_joins_and_the_next_session_comes_back(lesson, cookie):
    store, code, _ = lesson
    first = session({"class": code})
    assert kept(first) is None  # nothing to keep, nothing to forget: the cookie is left be
    box = first.text_input(key=keys.PROMPT_NICKNAME)
    assert box.proto.form_id == keys.PROMPT_FORM  # in a form: Enter in the box joins
    box.input("Sam")
    first.button(key=keys.PROMPT_JOIN).click().run()
    assert not first.exception
    assert f"In class **{codes.show_code(code)}** as **Sam**" in sidebar_line(first)
    assert "Welcome to class" in first.toast[0].value  # seen with the sidebar folded
    with pytest.raises(KeyError):
        first.text_input(key=keys.PROMPT_NICKNAME)  # asked once
    m = first.session_state[K.CLASS].membership
    assert kept(first) == remember.cookie_value(code, m.member.token)
    store.answer(m.member, 2)

    cookie.value = kept(first)
    for query in ({}, {"class": code}, {"class": code, "page": "train"}):
        again = session(query)  # a reload, the lesson link, a link to another page
        assert not again.exception
        assert "as **Sam**" in sidebar_line(again)
        with pytest.raises(KeyError):
            again.text_input(key=keys.PROMPT_NICKNAME)  # not asked again
        back = again.session_state[K.CLASS].membership.member
        assert back.id == m.member.id and store.my_answer(back) == 2
    assert store.board(code).members == 1


def test_a_place_that_is_gone_is_answered_calmly_and_forgotten(lesson, cookie):
    store, code, _ = lesson
    cookie.value = remember.cookie_value(code, codes.new_token())  # made up, or given up
    at = session({"class": code})
    assert not at.exception
    assert at.session_state[K.CLASS].membership is None
    assert GONE in at.info[0].value  # said once, in the prompt at the top
    assert kept(at) == ""  # and the browser forgets it
    at.text_input(key=keys.PROMPT_NICKNAME).input("Sam")  # joining again works
    at.button(key=keys.PROMPT_JOIN).click().run()
    assert "as **Sam**" in sidebar_line(at) and kept(at).startswith(code + ".")


def test_leaving_forgets_the_place_and_revokes_the_token(lesson, cookie):
    store, code, _ = lesson
    at = session()
    at.session_state[keys.JOIN_OPEN] = True
    at.run()
    assert at.text_input(key=keys.NICKNAME).proto.form_id == keys.JOIN_FORM  # Enter joins
    at.text_input(key=keys.CODE).input(codes.show_code(code))
    at.text_input(key=keys.NICKNAME).input("Ana")
    at.button(key=keys.JOIN).click().run()
    token = at.session_state[K.CLASS].membership.member.token
    assert store.rejoin(code, token).nickname == "Ana"
    at.button(key=keys.LEAVE).click().run()
    assert kept(at) == ""
    at.run()
    assert kept(at) is None  # asked once: another tab may have joined since
    with pytest.raises(Exception, match="no longer there"):
        store.rejoin(code, token)
    cookie.value = remember.cookie_value(code, token)  # a browser that missed the deletion
    later = session()
    assert later.session_state[K.CLASS].membership is None and kept(later) == ""


def test_the_teacher_is_never_asked_and_never_kept(lesson, cookie):
    _, code, _ = lesson
    from ui.classroom.membership import start_class, this_client

    at = session()
    tab = at.session_state[K.CLASS]
    own = start_class(tab, get_store(), this_client(tab))
    at.query_params["class"] = own
    at.run()
    assert kept(at) == ""  # a student's place this browser kept is forgotten
    with pytest.raises(KeyError):
        at.text_input(key=keys.PROMPT_NICKNAME)
    assert "as **teacher**" in sidebar_line(at)
    assert code != own


def test_a_student_of_another_class_is_offered_the_linked_one(lesson, cookie):
    store, code, _ = lesson
    other, _ = store.create_class()
    ana = store.join(other, "Ana")
    cookie.value = remember.cookie_value(other, ana.token)
    at = session({"class": code})
    assert "as **Ana**" in sidebar_line(at)
    assert f"You are in class `{codes.show_code(other)}` now" in at.main.markdown[0].value
    at.text_input(key=keys.PROMPT_NICKNAME).input("Ana")
    at.button(key=keys.PROMPT_JOIN).click().run()
    assert at.session_state[K.CLASS].membership.code == code


def test_a_link_with_a_code_that_cannot_be_one_shows_it_as_words(lesson, cookie):
    at = session({"class": "![](//x.invalid/a.png)"})
    assert markup_in(at.main.markdown[0].value) == []  # no picture from the link's words
    at.text_input(key=keys.PROMPT_NICKNAME).input("Sam")
    at.button(key=keys.PROMPT_JOIN).click().run()
    assert "8 letters and digits" in at.main.error[0].value


def sharing_frame():
    """The sidebar's panel and Train's "Share these settings"."""
    from server.limits import LIMITS
    from ui.classroom.joining import class_sidebar
    from ui.train.lesson import share_box
    from ui.train.settings import preset_values

    class_sidebar()
    share_box(preset_values("fast", LIMITS))


def test_a_shared_link_names_the_class_and_nothing_of_the_student(lesson, cookie):
    store, code, _ = lesson
    sam = store.join(code, "Sam")
    cookie.value = remember.cookie_value(code, sam.token)
    at = AppTest.from_function(sharing_frame, default_timeout=60).run()
    assert not at.exception
    (link,) = [c.value for c in at.code]
    assert f"class={code}" in link and sam.token not in link and "page=train" in link
