"""``ui.text``: a visitor's words made safe for each kind of output, checked per sink.

Streamlit's Markdown looks twice: once when it parses (links, images, TeX, HTML,
directives: a backslash before the character stops each), and once more in the parsed
text, where an escaped character is itself again (emoji shortcodes, Material icons,
``:streamlit:``, GitHub's bare links). The second look is imitated here with the
patterns Streamlit 1.67's Markdown plugins use; the Chromium test
(``tests/browser/test_browser_hostile_text.py``) checks the real thing.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import unicodedata

import pytest

from tests.support.hostile import AFTER_PARSING, CORPUS, LONG, SHORT, parsed, seen, unescaped
from ui import text


@pytest.mark.parametrize("hostile", CORPUS, ids=range(len(CORPUS)))
def test_markdown_escapes_everything_markdown_would_read(hostile):
    shown = text.md(hostile)
    assert unescaped(shown) == [], shown
    assert seen(shown) == text.plain(hostile)  # the reader sees the words, no more
    for what, pattern in AFTER_PARSING.items():
        assert not pattern.search(parsed(shown)), f"{what} in {shown!r}"


def test_a_markdown_table_keeps_every_hostile_cell_in_its_own_cell():
    """One row per entry and one cell per column, whatever the cells hold (a pipe, a line
    break, a link): each cell reads as the words typed, escaped like ``md``."""
    rows = [{"student": h, "runs": i, "loss": "0.5"} for i, h in enumerate(CORPUS)]
    table = text.md_table(rows).splitlines()
    assert len(table) == 2 + len(CORPUS)
    cells = [re.split(r"(?<!\\)\|", line)[1:-1] for line in table]
    assert all(len(row) == 3 for row in cells)
    assert [seen(c.strip()) for c in cells[0]] == ["student", "runs", "loss"]
    for i, ((student, runs, loss), hostile) in enumerate(zip(cells[2:], CORPUS, strict=True)):
        assert unescaped(student.strip()) == [] and seen(student.strip()) == text.plain(hostile)
        assert seen(runs.strip()) == str(i) and seen(loss.strip()) == "0.5"
    assert text.md_table([]) == ""


def test_the_words_before_escaping_are_what_a_raw_string_would_have_shown():
    """The same strings unescaped *would* be read: the imitation above is not blind."""
    raw = {s: any(p.search(parsed(s)) for p in AFTER_PARSING.values()) for s in SHORT}
    assert raw[":smile:"] and raw[":material/home:"] and raw[":streamlit:"]
    assert raw["www.x.invalid"] and raw["me@x.invalid"] and raw["[FREE](http://x.invalid)"]
    assert unescaped("![](//x.invalid/a.png)") and unescaped(r"$\rule{99em}{99em}$")


@pytest.mark.parametrize("hostile", CORPUS, ids=range(len(CORPUS)))
def test_plotly_labels_show_tags_tex_and_placeholders_as_characters(hostile):
    shown = text.label(hostile)
    assert not set(shown) & set("<>$%")
    assert re.fullmatch(r"([^&]|&(amp|lt|gt|#36|#37);)*", shown)
    assert html.unescape(shown) == text.plain(hostile)  # what Plotly draws


@pytest.mark.parametrize("hostile", CORPUS, ids=range(len(CORPUS)))
def test_html_escapes_tags_and_quotes(hostile):
    shown = text.html(hostile)
    assert not set(shown) & set("<>\"'")
    assert html.unescape(shown) == text.plain(hostile)


def test_one_door_for_every_sink():
    for sink, named in (("plain", text.plain), ("markdown", text.md), ("plotly", text.label),
                        ("html", text.html)):  # fmt: skip
        assert all(text.shown(s, sink) == named(s) for s in CORPUS)


def test_invisible_and_control_characters_never_reach_the_page():
    assert text.plain("evil\u202etxt.exe") == "eviltxt.exe"
    assert text.plain("a\u2066b\u2069c\u200e") == "abc"
    assert text.plain("zero\u200bwidth\u2060joiner\ufeff") == "zerowidthjoiner"
    assert text.plain("line\nbreak\r\ttab\u2028end") == "line break tab end"
    for s in CORPUS:
        assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in text.plain(s))


def test_long_text_is_cut_with_an_ellipsis():
    assert text.plain(LONG) == LONG[:59] + "…" and len(text.plain(LONG)) == text.NAME
    assert text.plain("a" * 300, text.SENTENCE) == "a" * 199 + "…"
    assert text.plain("just right", 10) == "just right"
    assert len(seen(text.md(LONG))) == text.NAME


def test_what_people_really_type_is_left_alone():
    for words in ("Sam", "Zoë", "Tiếng Việt", "李小龙", "🫨 new emoji", "0.1 vs 1"):
        assert text.plain(words) == words and seen(text.md(words)) == words


def test_stacked_accents_are_cut_and_a_broken_file_name_still_shows():
    zalgo = "Z" + "\u0336\u0301\u0302\u0303\u0304" * 40 + "!"
    assert text.plain(zalgo, 500) == "Z\u0336\u0301\u0302!"
    name = text.plain("caf\udce9.npz")  # a name that was not UTF-8 (surrogateescape)
    assert name == "caf\ufffd.npz" and name.encode("utf-8")


def test_csv_cells_that_start_like_a_formula_get_a_quote_numbers_stay_numbers():
    row = ["=cmd|'/c calc'!A1", "@SUM(1+1)", "+1+1", "-2+3", "\t=1", "\r=1", "Sam", "a=b"]
    assert text.csv_row(row) == [
        "'=cmd|'/c calc'!A1", "'@SUM(1+1)", "'+1+1", "'-2+3", "'\t=1", "'\r=1", "Sam", "a=b",
    ]  # fmt: skip
    assert text.csv_row([-0.5, -3, 0, None, True, ""]) == [-0.5, -3, 0, None, True, ""]


def test_a_csv_comment_line_cannot_split_into_a_formula_cell():
    value = {"started_from": "x,=cmd|'/c calc'!A1;@SUM(1)", "sizes": [784, 10]}
    line = f"# meta: {text.csv_json(value)}"
    assert json.loads(line.partition(": ")[2]) == value  # the same JSON, read back
    for delimiter in ",;":
        cells = next(csv.reader(io.StringIO(line), delimiter=delimiter))
        assert not any(c.lstrip().startswith(text.FORMULA_STARTS) for c in cells[1:]), cells
