"""Words from a crafted lesson link or an uploaded file's name, on every page that repeats
them: shown as the words a reader sees, never as Markdown markup.

A lesson link's unknown names and unreadable values are named in a note on Train; an
uploaded file's name is in Train's messages, in "continued from", in "your model
(uploaded ...)" on Evaluate, Draw and Inside, and in Evaluate's comparison. The hostile
strings are ``tests.support.hostile.CORPUS``: links, images, TeX, HTML, Plotly tags,
directives, shortcodes, bidi and zero-width characters, 10,000 characters.
"""

from __future__ import annotations

import io
import json
import unicodedata

import pytest

from nn_core.model import MLP
from tests.support.apptest import open_page
from tests.support.hostile import CORPUS, LONG, markdown_texts, read_as_text, seen
from ui import text
from ui.draw import keys as draw_keys
from ui.evaluate import keys as evaluate_keys
from ui.state import K
from ui.train import keys
from ui.train.lesson import NOTE, SAID

NAMED = ("lr", "preset", "dataset", "init", "seed", "standardize", "optimizer", "lock")
FILE = "![](//x.invalid/f.png) <b>$x$</b> :smile: \u202eevil.npz"


def invisible(words: str) -> list[str]:
    """Bidi and zero-width characters (ui.text's own word joiner aside)."""
    return [c for c in words if unicodedata.category(c) == "Cf" and c != "\u2060"]


def lesson_note(query: dict) -> str:
    """The one note a lesson link leaves on Train, as sent to be rendered as Markdown."""
    app = open_page(query={**query, "page": "train"})
    notes = [c.value for c in app.caption if "Ignored:" in seen(c.value)]
    assert len(notes) == 1 and not app.exception
    return notes[0]


@pytest.mark.parametrize("word", CORPUS, ids=range(len(CORPUS)))
def test_a_crafted_lesson_link_is_named_in_the_note_only_as_words(bundled_sample_only, word):
    named = NAMED[CORPUS.index(word) % len(NAMED)]
    note = lesson_note({named: word, word: "1"})  # an unreadable value, an unknown name
    found, wrong = read_as_text([note], [word])
    assert found == {word} and wrong == []
    assert seen(note).count(text.plain(word, SAID)) == 2 and not invisible(note)


def test_a_link_of_a_hundred_unknown_names_leaves_one_short_note(bundled_sample_only):
    note = lesson_note({f"{LONG[:50]}{i}": "1" for i in range(100)})
    assert len(seen(note)) == NOTE and seen(note).endswith("…")


def upload(app, name: str, data: bytes) -> None:
    app.file_uploader(key=keys.UPLOAD).set_value((name, data, "application/zip"))
    app.run()
    assert not app.exception, app.exception


def model_file(sizes=(784, 12, 10)) -> bytes:
    buffer = io.BytesIO()
    MLP(sizes, seed=3).save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("word", CORPUS, ids=range(len(CORPUS)))
def test_a_refused_files_name_is_said_only_as_words(bundled_sample_only, word):
    name = f"{word}.npz"  # Streamlit's uploader takes no other extension
    app = open_page("train")
    upload(app, name, b"garbage")
    errors = [e.value for e in app.error]
    assert len(errors) == 1 and "Could not use that file" in errors[0]
    found, wrong = read_as_text(errors, [name])
    assert wrong == [] and found == {name} and not invisible(errors[0])
    assert len(seen(errors[0])) < 300  # the name cut to text.NAME in the sentence


def test_an_uploaded_files_name_is_words_on_every_page_that_names_the_model(
    bundled_sample_only,
):
    app = open_page("train")
    upload(app, FILE, model_file())
    assert text.md(FILE) in app.success[0].value  # "Loaded ...: 9.8 % on the ..."
    assert any(text.md(FILE) in i.value for i in app.info)  # "Start will continue ..."
    texts = {"train": markdown_texts(app)}
    app.session_state[draw_keys.ABOUT_OPEN] = True  # Draw's "This is your model (...)"
    for page in ("evaluate", "draw", "inside", "learn"):  # "your model (uploaded ...)"
        app.switch_page(f"app_pages/{page}.py").run()
        assert not app.exception, (page, app.exception)
        texts[page] = markdown_texts(app)
    app.switch_page("app_pages/train.py").run()
    app.button(key=keys.START).click().run()
    texts["train, continued"] = markdown_texts(app)  # "#1 ... · continued from ..."
    for page, shown in texts.items():
        found, wrong = read_as_text(shown, [FILE])
        assert wrong == [] and not any(invisible(t) for t in shown), page
        assert found == {FILE} or page == "learn", page
    run = app.session_state[K.WORKSPACE].runs[-1]
    assert run.started_from == text.plain(FILE)  # kept as one clean line


def test_trains_csv_cannot_split_a_file_name_into_a_formula_cell(bundled_sample_only):
    app = open_page("train")
    upload(app, "a,=cmd|' /c calc'!A1;@SUM(1).npz", model_file())
    app.button(key=keys.START).click().run()
    run = app.session_state[K.WORKSPACE].runs[-1]
    line = next(x for x in run.to_csv().splitlines() if x.startswith("# started_from"))
    assert json.loads(line.partition(": ")[2]) == "a,=cmd|' /c calc'!A1;@SUM(1).npz"
    assert "," not in line and ";" not in line  # nowhere for a spreadsheet to split


def test_evaluate_compares_with_a_hostile_file_name_shown_as_words(bundled_sample_only):
    app = open_page("evaluate")
    app.segmented_control(key=evaluate_keys.VIEW).set_value("compare").run()
    app.file_uploader(key=evaluate_keys.UPLOAD).set_value((FILE, b"junk", "application/zip"))
    app.run()
    found, wrong = read_as_text([e.value for e in app.error], [FILE])
    assert found == {FILE} and wrong == []
    app.file_uploader(key=evaluate_keys.UPLOAD).set_value((FILE, model_file(), "application/zip"))
    app.run()
    options = app.selectbox(key=evaluate_keys.COMPARE_B).options
    assert f"uploaded file {text.plain(FILE)}" in options  # a select box shows plain text
    app.selectbox(key=evaluate_keys.COMPARE_B).set_value(f"uploaded file {text.plain(FILE)}")
    app.run()
    found, wrong = read_as_text(markdown_texts(app), [FILE])
    assert found == {FILE} and wrong == [] and not app.exception
