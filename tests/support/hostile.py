"""Hostile strings, and how to read what a page made of them.

What a mischievous student types where the app shows it to others: Markdown links and
images, TeX that blacks out a projector, HTML, Plotly's own tags, Streamlit's colour and
icon directives, emoji shortcodes, bare links, invisible characters and sheer length.
The unit tests of ``ui.text``, the AppTest pages and the Chromium test share this list.

``SHORT`` fits the class board's own limits (a nickname of at most 24 printable
characters, no format characters); ``CORPUS`` adds what only a link or a file name can
carry (bidi and zero-width characters, 10,000 characters).
"""

from __future__ import annotations

import re

SHORT = (
    "![](//x.invalid/a.png)",
    "[FREE](http://x.invalid)",
    r"$\rule{99em}{99em}$",
    "$$x$$",
    "<img src=x onerror=f()>",
    "<b>bold</b>",
    "a<br>b<sup>2</sup>",
    ":red[big]",
    ":material/home:",
    ":smile:",
    ":streamlit:",
    "www.x.invalid",
    "me@x.invalid",
    "# big `code` **b** ~~s~~",
    "=cmd|'/c calc'!A1",
)
LONG = "ab" * 5_000  # 10,000 characters
CORPUS = (
    *SHORT,
    "<https://x.invalid>",
    "%{y} &lt;b&gt; &amp;",
    "evil\u202etxt.exe",  # RIGHT-TO-LEFT OVERRIDE: shown as "evilexe.txt"
    "zero\u200bwidth\u2060joiner\ufeff",
    "line\nbreak\r\ttab",
    LONG,
)
INVISIBLE = "\u2060"  # what ui.text puts beside ':' '.' '@' in Markdown
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def seen(markdown: str) -> str:
    """The characters a reader sees of a Markdown source that ``ui.text.md`` escaped: its
    backslash escapes resolved and its invisible joiners gone."""
    return _ESCAPED.sub(r"\1", markdown).replace(INVISIBLE, "")


def unescaped(markdown: str) -> list[str]:
    """The Markdown-significant characters of ``markdown`` that are *not* escaped: empty
    for the output of ``ui.text.md`` (a link, an image, a formula all need one)."""
    bare = re.sub(r"\\[!-/:-@\[-`{-~]", "", markdown)
    return [c for c in bare if c in "\\`*_{}[]()#+-.!|<>$~:&@"]
