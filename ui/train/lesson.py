"""Lesson links: a URL that opens the app on a page with the Train settings a teacher chose.

    /train?init=naive&lr=0.3              naive initialisation, learning rate 0.3
    /?page=train&hidden=256,128&lock=lr   two hidden layers; the learning rate is fixed

The names are the rows of the table of Train settings (``nn_core.knobs``: ``preset``,
``hidden``, ``lr``, ``batch_size``, ``init``, ...), which are also the command-line
trainer's flags, plus ``page``, ``dataset``, ``class`` (read by the class board) and
``lock`` (a comma list of the rows a lesson may lock). Values that fall between the
choices a control offers snap to the nearest one; unknown names and values that cannot
be read are ignored; both are named in one note, never an error, and nothing can end up
outside the server's limits because every value passes through the same choices and
clamping as the controls. The note repeats a link's own words only
as text (``ui.text``), cut to ``SAID`` characters: a crafted link cannot put a picture,
a link or a formula on the page.

``parse_lesson`` is plain Python (tested directly); the functions below it apply the
result to one tab once, when the link is opened, and keep its words in the address bar
so that a reload applies it again (``keep_in_address``).

It lives in the Train feature because a lesson link is the Train settings written as a
URL: it reads the same choices (``ui.train.settings``) and widget keys (``ui.train.keys``)
as the controls. ``app.py`` applies it before any page runs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import streamlit as st

from nn_core.data import DATASETS
from nn_core.knobs import BY_NAME, KNOBS, PRESET_CHOICES, SEED_END, Knob
from server.limits import LIMITS, ServerLimits
from ui import text
from ui.classroom.membership import membership
from ui.state import K
from ui.train import keys
from ui.train import settings as ts

PAGES = ("learn", "data", "train", "inside", "evaluate", "draw", "class")
OTHER = ("page", "dataset", "class", "lock")  # a link's words that are not settings
WORDS = tuple(k.name for k in KNOBS) + ("dataset", "lock")  # what a lesson plan may set
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
SAID = 40  # characters of a name or value the note repeats
NOTE = 600  # characters of one note on the page


@dataclass(frozen=True)
class Lesson:
    """What a lesson link asks of this tab."""

    query: tuple  # its words but the page: applied once per distinct link (keep_in_address)
    values: dict = field(default_factory=dict)  # widget key -> value
    locked: frozenset = frozenset()  # widget keys the visitor may not change
    notes: tuple[str, ...] = ()  # snapped and ignored values, in plain words
    page: str | None = None
    dataset: str | None = None


def _number(raw: str) -> float:
    value = float(raw)
    if not math.isfinite(value):
        raise ValueError(raw)
    return value


def _said(raw: str) -> str:
    """A link's own word as the note repeats it: one clean line, cut to ``SAID``."""
    return text.plain(raw, SAID)


def _snap(knob: Knob, raw: str, c: ts.Choices, snapped: list) -> object:
    """One value as its control would hold it; raises ValueError if unreadable."""
    name = knob.name
    if knob.kind == "choice":
        value = raw.strip().lower().replace("-", "_")
        if value not in knob.choices:
            raise ValueError(f"{name}={_said(raw)} (choose one of {', '.join(knob.choices)})")
        return value
    if knob.kind == "flag":
        if raw.lower() not in TRUE + FALSE:
            raise ValueError(f"{name}={_said(raw)} (use true or false)")
        return raw.lower() in TRUE
    if knob.kind == "seed":
        value = int(_number(raw))
        if not 0 <= value < SEED_END:
            raise ValueError(f"{name}={_said(raw)} (a whole number from 0)")
        return value
    value = _number(raw)
    result = ts.nearest(value, c.offered(knob))
    if not math.isclose(result, value):
        snapped.append(f"{name} {_said(raw)} → {result:g}")
    return result


def _hidden(raw: str, c: ts.Choices, snapped: list) -> dict:
    sizes = [int(_number(part)) for part in raw.split(",") if part.strip()]
    if len(sizes) > c.max_layers:
        snapped.append(f"hidden: at most {c.max_layers} layers on this server")
        sizes = sizes[: c.max_layers]
    values = {keys.LAYERS: len(sizes)}
    for i, size in enumerate(sizes):
        values[ts.units_key(i)] = _snap(BY_NAME["hidden"], str(size), c, snapped)
    return values


def parse_lesson(params: Mapping[str, str], limits: ServerLimits = LIMITS) -> Lesson:
    """Read a lesson link's query parameters (see the module docstring)."""
    c = ts.Choices.for_limits(limits)
    values: dict = {}
    snapped: list[str] = []
    ignored: list[str] = []
    preset = params.get("preset")
    if preset is not None:
        if preset in PRESET_CHOICES:
            values.update(ts.preset_values(preset, limits))
        else:
            ignored.append(f"preset={_said(preset)} (choose one of {', '.join(PRESET_CHOICES)})")
    for name, raw in params.items():
        knob = BY_NAME.get(name)
        try:
            if knob is not None and knob.kind == "sizes":
                values.update(_hidden(raw, c, snapped))
            elif knob is not None and knob.kind != "preset":
                values[keys.setting(name)] = _snap(knob, raw, c, snapped)
            elif knob is None and name not in OTHER:
                ignored.append(f"{_said(name)} (not a setting)")
        except ValueError as exc:
            said = str(exc)
            ignored.append(said if said.startswith(name) else f"{name}={_said(raw)} (not a number)")
    page, dataset = params.get("page"), params.get("dataset")
    if page is not None and page not in PAGES:
        ignored.append(f"page={_said(page)}")
        page = None
    if dataset is not None and dataset not in DATASETS:
        ignored.append(f"dataset={_said(dataset)}")
        dataset = None
    locked, unknown = _locks(params.get("lock", ""))
    for name in unknown:
        why = "cannot be locked" if name in BY_NAME else "not a setting"
        ignored.append(f"lock={_said(name)} ({why})")
    notes = []
    if snapped:
        notes.append("Snapped to the nearest offered value: " + "; ".join(snapped) + ".")
    if ignored:
        notes.append("Ignored: " + "; ".join(ignored) + ".")
    query = tuple(sorted((k, v) for k, v in params.items() if k != "page"))
    return Lesson(query, values, locked, tuple(notes), page, dataset)


def _locks(raw: str) -> tuple[frozenset, list[str]]:
    """The widget keys ``lock=`` names (the hidden layers: their count and every size)."""
    locked, unknown = set(), []
    for name in (n.strip() for n in raw.split(",") if n.strip()):
        knob = BY_NAME.get(name)
        if knob is None or not knob.lockable:
            unknown.append(name)
        else:
            locked.add(keys.setting(name))
            if knob.kind == "sizes":
                locked.add(keys.UNITS)
    return frozenset(locked), unknown


def _word(value) -> str:
    """A control's value as a link writes it: ``true``, ``0.03``, ``128``, ``xavier``."""
    if isinstance(value, bool):
        return str(value).lower()
    return f"{value:g}" if isinstance(value, float) else str(value)


def lesson_query(values: Mapping, limits: ServerLimits = LIMITS) -> dict[str, str]:
    """The query parameters that reproduce these widget values (for "Share"): the preset,
    and every row of the table whose control says something else than the preset does."""
    query = {"page": "train", "preset": values[keys.PRESET]}
    base = ts.preset_values(values[keys.PRESET], limits)
    for knob in ts.SETTINGS:
        key = keys.setting(knob.name)
        if values.get(key) != base.get(key):
            query[knob.name] = _word(values[key])
    layers = int(values[keys.LAYERS])
    hidden = [int(values[ts.units_key(i)]) for i in range(layers)]
    base_hidden = [int(base[ts.units_key(i)]) for i in range(int(base[keys.LAYERS]))]
    if hidden != base_hidden:
        query["hidden"] = ",".join(str(h) for h in hidden)
    return query


# --- in the app -------------------------------------------------------------------------------


def apply_query_params() -> str | None:
    """Apply a newly opened lesson link to this tab; returns the page it asks for, if any."""
    params = {k: st.query_params[k] for k in st.query_params}
    relevant = {k: v for k, v in params.items() if k != "class"}
    if not relevant:
        return None
    lesson = parse_lesson(relevant)
    previous = current_lesson()
    if previous is not None and previous.query == lesson.query:
        return None  # already applied: the visitor's own changes since then stand
    st.session_state[K.LESSON] = lesson
    for key, value in lesson.values.items():
        st.session_state[key] = value
    if lesson.dataset:
        st.session_state[K.DATASET] = lesson.dataset
    return lesson.page


def keep_in_address() -> None:
    """Keep the applied lesson's words in the address bar, on whatever page the tab shows.

    Streamlit drops a page's query parameters when the visitor moves to another page,
    and a reload starts a new session that knows nothing of this one. With the words back
    in the address, a reload on any page applies the same lesson again, so what it locked
    stays locked (and set as the lesson said) across runs, page visits and reloads. The
    page is left out: the words are the settings, not a request to go somewhere, and the
    lesson is known by them alone, so finding them in the address does not apply it twice.
    """
    lesson = current_lesson()
    if lesson is None:
        return
    for name, value in lesson.query:
        if st.query_params.get(name) != value:
            st.query_params[name] = value


def current_lesson() -> Lesson | None:
    """The lesson link applied to this tab (``K.LESSON``), or None when it came without one.

    The Lesson is a feature object of this tab, read here and nowhere else: its key is
    shared (``ui.state``), its type is this module's."""
    return st.session_state.get(K.LESSON)


def locked_keys() -> frozenset:
    lesson = current_lesson()
    return lesson.locked if lesson is not None else frozenset()


def show_lesson_notes() -> None:
    """One note about the link: which controls it fixed, and what it snapped or ignored."""
    lesson = current_lesson()
    if lesson is None:
        return
    if lesson.locked:
        st.info("This lesson fixed some settings for you (greyed out).", icon=":material/lock:")
    for note in lesson.notes:
        st.caption(text.md(note, NOTE))  # plain words, some of them the link's own


def share_link(values: Mapping, base_url: str, class_code: str | None = None) -> str:
    """The full link that opens the Train page with these settings (and names the class,
    so that a student who has not joined it yet is asked for a nickname on the page)."""
    query = lesson_query(values)
    if class_code:
        query["class"] = class_code
    return f"{base_url.rstrip('/')}/?{urlencode(query)}"


def share_box(values: Mapping) -> None:
    """ "Share these settings": the link for the current controls, ready to copy. It names
    the visitor's class, never anything of theirs: a student's place stays in their own
    browser, and the teacher's key in the teacher's session."""
    parts = urlsplit(st.context.url or "http://localhost:8501/")
    m = membership()
    code = m.code if m is not None else None
    link = share_link(values, f"{parts.scheme}://{parts.netloc}", code)
    with st.expander("Share these settings", icon=":material/link:"):
        st.code(link, language=None, wrap_lines=True)
        also = "" if code else ", `&class=CODE` to name a class board"
        st.caption(
            "Send this link to the class: it opens the Train page with these settings. "
            f"Add `&lock=lr,init` to fix controls{also}."
        )
