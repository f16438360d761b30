"""Text that people type is text: one way to show a visitor's words in every kind of output.

A nickname, a run's name, the teacher's question and answers, an uploaded file's name, a
lesson link's unknown names and values: all are typed by somebody else, and each place
that shows them interprets what it is given. Streamlit's Markdown turns ``![](//host/x)``
into a remote image, ``[FREE](http://...)`` into a link, ``$\\rule{99em}{99em}$`` into a
black square over the projected board, ``:red[...]``, ``:material/home:``, ``:smile:``
and ``:streamlit:`` into colours, icons and pictures. Plotly's labels read ``<b>``,
``<br>``, ``<a href>``, ``$...$`` (TeX) and, inside a hover template, ``%{...}``. So every
such string goes through ``shown`` (or one of its named forms below) on its way out, and
the escaping is written once, here, for each kind of output ("sink"):

- ``plain``: the cleaned words themselves, for ``st.text``, widget values, data tables.
- ``md``: for anything Streamlit renders as Markdown (``st.markdown``, captions, alerts,
  toasts, subheaders, metric and widget labels, radio options).
- ``label``: for Plotly (legend entries, hover text, category labels, annotations).
- ``html``: for HTML and SVG.

Cleaning comes first, whatever the sink: invisible format characters are dropped (bidi
overrides such as U+202E would turn ``exe.txt`` round, zero-width characters hide text),
control characters and line breaks become spaces, long runs of combining marks (the
"Zalgo" text that climbs over the lines above) are cut to three, and the result is cut to
``limit`` characters with an ellipsis: a name is at most ``NAME`` (60) characters on
screen, a question ``SENTENCE`` (200). The stored value is never changed; only what is
shown is.

Streamlit's Markdown needs two measures. Every ASCII punctuation character is escaped
with a backslash (CommonMark allows that for all of them, and shows the character
itself), so no link, image, emphasis, heading, list, table, HTML tag, TeX formula or
colour directive can start. That is not enough for what is looked up *after* parsing, in
the parsed text, where an escaped character is itself again: emoji shortcodes,
``:material/...:`` icons, ``:streamlit:`` (a picture), and the bare links GitHub's
Markdown finds in words that start with ``www.`` or ``http://`` and in e-mail addresses.
So each colon, full stop and at sign is also flanked by an invisible WORD JOINER
(U+2060): the text reads the same, and none of those patterns matches across it.
(Checked in Chromium on Streamlit 1.67: ``tests/browser/test_browser_hostile_text.py``.)
Select boxes show their options as plain text, so their labels take ``plain``, not ``md``.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula. ``csv_cell`` puts a single quote before such a text cell (OWASP's
rule for CSV injection); numbers, negative ones included, stay numbers.
"""

from __future__ import annotations

import html as _html
import json
import re
import string
import unicodedata
from typing import Literal

Sink = Literal["plain", "markdown", "plotly", "html"]

NAME = 60  # a nickname, a run's name, a file's name, one answer
SENTENCE = 200  # the teacher's question, a sentence that names a model
MESSAGE = 600  # an error message that quotes a file's name
ELLIPSIS = "…"
JOINER = "\u2060"  # WORD JOINER: invisible; ':smile:' and 'www.' no longer match
MARKS_IN_A_ROW = 3  # combining accents kept on one letter (Vietnamese needs two)

_MARKDOWN = str.maketrans({c: "\\" + c for c in string.punctuation})
_MARKDOWN.update({ord(c): f"{JOINER}\\{c}{JOINER}" for c in ":.@"})
_PLOTLY = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "$": "&#36;", "%": "&#37;"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _keep(c: str) -> str:
    """One character as it may be shown: format characters (bidi, zero-width) dropped,
    controls and separators (tabs, line breaks) as a space, a lone surrogate (a file name
    that was not UTF-8) as the replacement sign. Anything else stays, emoji newer than
    this Python's Unicode tables included."""
    category = unicodedata.category(c)
    if category == "Cf":
        return ""
    if category == "Cs":
        return "\ufffd"
    if category in ("Cc", "Zs", "Zl", "Zp"):
        return " "
    return c


def plain(value, limit: int = NAME) -> str:
    """``value`` as one clean line of at most ``limit`` characters (an ellipsis when cut)."""
    cleaned, marks = [], 0
    for c in str(value):
        c = _keep(c)
        marks = marks + 1 if c and unicodedata.category(c) in ("Mn", "Me") else 0
        if marks <= MARKS_IN_A_ROW:
            cleaned.append(c)
    words = " ".join("".join(cleaned).split())
    if len(words) > limit:
        words = words[: max(0, limit - 1)].rstrip() + ELLIPSIS
    return words


def md(value, limit: int = NAME) -> str:
    """For Markdown: every ASCII punctuation escaped, and each ``:`` ``.`` ``@`` between
    word joiners, so that nothing Streamlit looks up after parsing matches either."""
    return plain(value, limit).translate(_MARKDOWN)


def label(value, limit: int = NAME) -> str:
    """For Plotly: its HTML subset, TeX and template placeholders as literal characters."""
    return "".join(_PLOTLY.get(c, c) for c in plain(value, limit))


def html(value, limit: int = NAME) -> str:
    """For HTML and SVG: tags and entities as literal characters."""
    return _html.escape(plain(value, limit), quote=True)


_SINKS = {"plain": plain, "markdown": md, "plotly": label, "html": html}


def shown(value, sink: Sink = "markdown", limit: int = NAME) -> str:
    """A visitor's words, ready for ``sink``: the one door every such string goes out by."""
    return _SINKS[sink](value, limit)


def csv_cell(value):
    """A CSV cell a spreadsheet will not run: text that starts like a formula gets a
    leading single quote; numbers, booleans and empty cells are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(values) -> list:
    return [csv_cell(v) for v in values]


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def csv_json(value) -> str:
    """``value`` as JSON for a ``# key: value`` line of a CSV file: the same JSON, with the
    separators a spreadsheet splits cells at (``,`` ``;`` tab) written as escapes inside
    strings, so a file name like ``a,=cmd|...`` cannot start a cell of its own."""
    dumped = json.dumps(value)

    def escape(m: re.Match) -> str:
        return m.group(0).replace(",", "\\u002c").replace(";", "\\u003b")

    return _JSON_STRING.sub(escape, dumped)


def md_table(rows: list[dict]) -> str:
    """``rows`` (dicts with the same keys) as a Markdown table, every header and cell
    escaped as :func:`md`: a table of nicknames, settings and numbers that can hold no
    link, picture or formula."""
    if not rows:
        return ""
    head = list(rows[0])
    lines = [
        "| " + " | ".join(md(h) for h in head) + " |",
        "|" + " --- |" * len(head),
        *("| " + " | ".join(md(row[h]) for h in head) + " |" for row in rows),
    ]
    return "\n".join(lines)
