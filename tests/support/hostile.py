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

from ui.text import MESSAGE, NAME, SENTENCE, md, plain
from ui.train.lesson import SAID

CUTS = (NAME, SENTENCE, MESSAGE, SAID)  # where pages cut a word

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

# What Streamlit 1.67's Markdown reads while parsing (unless escaped), and what its
# plugins look up afterwards in the parsed text (their own patterns).
WHILE_PARSING = {
    "image": re.compile(r"(?<!\\)!\["),
    "link": re.compile(r"(?<!\\)\]\("),
    "TeX": re.compile(r"(?<!\\)\$"),
    "HTML": re.compile(r"(?<!\\)<[A-Za-z/!]"),
    "directive": re.compile(r"(?<!\\):[a-z][\w-]*(?<!\\)\["),
}
AFTER_PARSING = {
    "emoji": re.compile(r":\+1:|:-1:|:[\w-]+:"),
    "material icon": re.compile(r":material_(\w+):"),
    "streamlit logo": re.compile(r":streamlit:"),
    "bare link": re.compile(r"(https?://|www(?=\.))([-.\w]+)", re.IGNORECASE),
    "bare e-mail": re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)"),
}


def seen(markdown: str) -> str:
    """The characters a reader sees of a Markdown source that ``ui.text.md`` escaped: its
    backslash escapes resolved and its invisible joiners gone."""
    return _ESCAPED.sub(r"\1", markdown).replace(INVISIBLE, "")


def unescaped(markdown: str) -> list[str]:
    """The Markdown-significant characters of ``markdown`` that are *not* escaped: empty
    for the output of ``ui.text.md`` (a link, an image, a formula all need one)."""
    bare = re.sub(r"\\[!-/:-@\[-`{-~]", "", markdown)
    return [c for c in bare if c in "\\`*_{}[]()#+-.!|<>$~:&@"]


def parsed(markdown: str) -> str:
    """The text Markdown's parser leaves of ``markdown``: escapes resolved, joiners kept
    (Streamlit first turns ':material/' into ':material_' in the source)."""
    source = markdown.replace(":material/", ":material_")
    return _ESCAPED.sub(r"\1", source)


def markup_in(markdown: str) -> list[str]:
    """What Streamlit's Markdown would make of ``markdown`` besides text: an image, a link,
    a formula, HTML, a directive, an emoji, an icon (empty for words shown as words)."""
    found = [what for what, p in WHILE_PARSING.items() if p.search(markdown)]
    return found + [what for what, p in AFTER_PARSING.items() if p.search(parsed(markdown))]


MARKDOWN_ELEMENTS = ("markdown", "caption", "title", "header", "subheader", "toast")
ALERTS = ("info", "success", "warning", "error")


def markdown_texts(at) -> list[str]:
    """Everything an AppTest page sends to be rendered as Markdown: bodies, alerts,
    toasts, metric and widget labels, radio options."""
    texts = [e.value for kind in (*MARKDOWN_ELEMENTS, *ALERTS) for e in at.get(kind)]
    texts += [m.label for m in at.metric] + [e.label for e in at.expander]
    texts += [b.label for b in at.button] + [s.label for s in at.selectbox]
    for radio in at.radio:
        texts += [radio.label, *radio.options]
    return [str(t) for t in texts]


def plotly_texts(figures: dict) -> list[str]:
    """The words a page's Plotly figures draw from data: trace names, hover data and
    category labels (what ``tests.support.apptest.plotly_charts`` returned)."""
    found = []
    for specs in figures.values():
        for spec in specs:
            for trace in spec["data"]:
                for key in ("name", "x", "y", "customdata", "text"):
                    value = trace.get(key)
                    if value is None:
                        continue
                    values = [value] if isinstance(value, str) else list(value)  # or an array
                    found += [v for v in values if isinstance(v, str)]
    return found


def read_as_text(texts: list[str], words) -> tuple[set[str], list[tuple[str, str, str]]]:
    """Which of ``words`` a page shows, and how any of them came out wrong.

    A word is found when a text holds it escaped by ``ui.text.md`` (at any of its cuts)
    or shows its first 30 characters to a reader. It came out wrong when a text holds
    it unescaped (a word that needs escaping), or when the text renders markup that
    goes away with the word (the page's own icons and bold type stay out of it).
    Returns ``(found, [(word, text, why), ...])``; the second is empty on a safe page.
    """
    found, wrong = set(), []
    for word in words:
        forms = {md(word, n) for n in (*CUTS, len(word) + 1)}
        for text in texts:
            if word in text and md(word, len(word) + 1) != word:
                wrong.append((word, text, "unescaped"))
            if any(f in text for f in forms) or plain(word, len(word))[:30] in seen(text):
                found.add(word)
                rest = text
                for form in forms:
                    rest = rest.replace(form, "W")
                if markup_in(text) != markup_in(rest):
                    wrong.append((word, text, ", ".join(markup_in(text))))
    return found, wrong


def markdown_table(at, column: str) -> dict[str, list[str]]:
    """The Markdown table on an AppTest page whose header names ``column`` (``ui.text.
    md_table``), as {header: the cells a reader sees, top to bottom}."""
    cells = re.compile(r"(?<!\\)\|")
    for element in at.markdown:
        lines = element.value.splitlines()
        if not lines or not lines[0].startswith("|"):
            continue
        rows = [[seen(c.strip()) for c in cells.split(line)[1:-1]] for line in lines]
        if column in rows[0]:
            return {h: [row[i] for row in rows[2:]] for i, h in enumerate(rows[0])}
    raise AssertionError(f"no table with a column {column!r}")
