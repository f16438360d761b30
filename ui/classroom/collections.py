"""Collections on the class side: the teacher makes one, every student adds to it.

A teacher who wants the class to see a network learn *their* data names a collection
and its classes in the teacher controls (or picks the digits 0-9, to teach the digit
model the class's own handwriting). The Draw page then offers each joined student the
class's collections (:func:`joined_collections`) and adds each drawing with
:func:`add_to_class`; the board shows them filling up (``collection_board``).

Both student functions are safe to call from any page: outside a class there are simply
no collections, and every refusal comes back as one sentence to show.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import streamlit as st

from nn_core.collection import DIGITS, MAX_CLASSES, MAX_TITLE, Collection
from ui import text
from ui.classroom import codes, collection_views, keys, sharing, views
from ui.classroom.connection import get_store
from ui.classroom.fields import InvalidField
from ui.classroom.membership import Membership, class_session
from ui.classroom.records import collection_name
from ui.classroom.store import ClassError

NOT_IN_CLASS = "Join a class first (sidebar, **Join a class**)."


def joined_collections() -> list[Collection]:
    """The collections of the class this tab joined, as the board last read them ([]
    outside a class or once it is gone): shared objects, never to be changed."""
    m = class_session().membership
    if m is None:
        return []
    store = get_store()
    try:
        version = views.target_version(store, m.code)
        infos = collection_views.listing(store, m.code, version).infos
    except ClassError:
        return []
    return [collection_views.collection(store, m.code, i.id, i.drawn) for i in infos]


def collection_id(c: Collection) -> int | None:
    """The id of a class collection (its ``name`` is ``class-CODE-ID``), else None."""
    m = class_session().membership
    number = c.name.rpartition("-")[2]
    if m is None or not number.isdigit() or collection_name(m.code, int(number)) != c.name:
        return None
    return int(number)


def add_to_class(collection_id: int, image28: np.ndarray, label: int) -> str | None:
    """Add a (28, 28) drawing of class ``label`` to one of the class's collections.

    None when it was added; otherwise the sentence to show (not in a class, too fast, a
    cap reached, the class closed, the student removed).
    """
    session = class_session()
    m = session.membership
    if m is None:
        return NOT_IN_CLASS
    store = get_store()
    write = partial(
        store.add_collection_drawing, collection_id=collection_id, image=image28, label=label
    )
    problem = sharing.post(session, "the class's collection", write)
    if problem:
        return problem
    views.target_version(store, m.code, newest=True)  # the student's count moves at once
    return None


# --- the teacher's form ----------------------------------------------------------------


def typed_classes(digits: bool, lines: str) -> list[str]:
    """The classes as the form gives them: the digits, or one name per non-empty line."""
    return list(DIGITS) if digits else [c for c in lines.splitlines() if c.strip()]


def _on_create(m: Membership) -> None:
    session, state = class_session(), st.session_state
    title = state.get(keys.COLLECTION_TITLE, "")
    digits = bool(state.get(keys.COLLECTION_DIGITS, False))
    names = typed_classes(digits, state.get(keys.COLLECTION_CLASSES, ""))
    store = get_store()
    try:
        store.create_collection(m.code, m.teacher_key, title or _default(digits), names)
    except (ClassError, InvalidField) as e:
        session.say("error", f"No collection made: {text.md(str(e), text.MESSAGE)}")
        return
    views.target_version(store, m.code, newest=True)  # on this board at once
    session.say(
        "success",
        f"Collection {text.md(title or _default(digits))} made: students add to it on the "
        f"Draw page while in class {codes.show_code(m.code)}.",
    )


def _default(digits: bool) -> str:
    return "Our digits" if digits else "Our drawings"


def teacher_form(m: Membership) -> None:
    """Name a collection and its classes; the store checks every name."""
    st.markdown("**A collection the class draws together**")
    st.text_input("Its name", key=keys.COLLECTION_TITLE, max_chars=MAX_TITLE, placeholder="Shapes")
    digits = st.toggle("The digits 0-9 (our own handwriting)", key=keys.COLLECTION_DIGITS)
    st.text_area(
        f"Its classes, one per line (2 to {MAX_CLASSES})",
        key=keys.COLLECTION_CLASSES,
        placeholder="circle\nsquare\ntriangle",
        disabled=digits,
    )
    st.button("Make the collection", key=keys.COLLECTION_CREATE, on_click=_on_create, args=(m,))
