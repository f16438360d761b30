"""A class full of mischievous nicknames, run names, a question and answers, on the board.

Every hostile string the store accepts (``tests.support.hostile.SHORT``: at most 24
printable characters, which is all a nickname may be) joins the class, shares a run named
after itself and draws a digit; the teacher asks a question made of them and reveals the
answers. The teacher's board and a student's page must show each string as the words a
reader sees and never as Markdown markup (an image, a link, a formula, HTML, a directive,
an emoji or icon), and the Plotly figures must carry them with Plotly's tags escaped.
The Chromium test (``tests/browser/test_browser_hostile_text.py``) checks the DOM.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from nn_core.model import MLP
from tests.support.apptest import open_join_form, page_alone, plotly_charts
from tests.support.hostile import SHORT, markdown_texts, plotly_texts, read_as_text, seen
from tests.support.runs import make_run
from ui import text
from ui.classroom import keys, tables
from ui.classroom.connection import get_store
from ui.classroom.membership import Membership
from ui.classroom.sharing import entry_from_run
from ui.state import K

BEST = r"$\rule{99em}{99em}$"  # the nickname of the class's best run: on the metric label
WORDS = "lr 0.1 momentum he"  # how the board names every run here, after its student
PROMPT = " ".join(SHORT[:5])  # 107 characters, under the question's 200
CHOICES = [SHORT[0], SHORT[2], SHORT[7], SHORT[9]]


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.fixture(autouse=True)
def state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("NN_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("NN_CLASS_DB_URL", raising=False)


@pytest.fixture
def hostile_class():
    """(teacher's page, code, teacher key, the members): every SHORT string a member who
    shared a run named after itself (BEST's the most accurate, with its weights) and a
    drawing; the question asked; the board coloured by student."""
    teacher = page_alone("classroom")
    teacher.run()
    teacher.button(key=keys.START).click().run()
    m = teacher.session_state[K.CLASS].membership
    store = get_store()
    members = {}
    for i, nickname in enumerate(SHORT):
        member = members[nickname] = store.join(m.code, nickname)
        best = nickname == BEST
        model = MLP((784, 8, 10), seed=i) if best else None
        run = make_run(i + 1, accuracy=0.99 if best else 0.5, model=model, steps=50)
        run.name = f"{nickname} run"
        store.share_run(member, entry_from_run(run))
        store.add_drawing(member, np.eye(28), 1)
    store.set_question(m.code, m.teacher_key, PROMPT, CHOICES)
    teacher.session_state[keys.COLOR_BY] = "student"
    teacher.run()
    assert not teacher.exception
    return teacher, m.code, m.teacher_key, members


def revealed(hostile_class):
    """The teacher's board once the answers are revealed (their figure drawn)."""
    teacher, code, key, _ = hostile_class
    get_store().reveal(code, key)
    teacher.run()
    assert not teacher.exception
    return teacher


def test_the_teachers_board_shows_every_hostile_string_only_as_words(hostile_class):
    teacher = revealed(hostile_class)
    texts = markdown_texts(teacher)
    found, wrong = read_as_text(texts, [*SHORT, PROMPT])
    assert wrong == []
    assert found >= {BEST, f"{SHORT[0]}", PROMPT}  # the best run's names, the question
    best = next(m.label for m in teacher.metric if "class's best" in m.label)
    assert seen(best) == f"Accuracy of the class's best ({BEST}, {WORDS})"
    assert text.md(BEST) in best and BEST not in best  # the formula is escaped
    caption = next(c.value for c in teacher.caption if c.value.startswith("Ink in black"))
    assert text.md(f"{BEST}, {WORDS}") in caption
    assert f"Question: {text.md(PROMPT, text.SENTENCE)}" in [s.value for s in teacher.subheader]


def test_the_board_figures_carry_hostile_strings_with_plotlys_tags_escaped(hostile_class):
    figures = plotly_charts(revealed(hostile_class))
    words = plotly_texts(figures)
    assert not [w for w in words if set(w) & set("<>$")]
    legend = [  # the dots at the runs' ends name students on hover, not in the legend
        t["name"] for t in figures["class_loss"][0]["data"] if t.get("showlegend") is not False
    ]
    assert sorted(legend) == sorted(f"{text.label(s)} (1)" for s in SHORT)
    assert "&lt;b&gt;bold&lt;/b&gt; (1)" in legend and "&#36;&#36;x&#36;&#36; (1)" in legend
    answers = figures["class_answers"][0]["data"][0]["y"]
    assert list(answers) == [text.label(c) for c in CHOICES]
    results = figures["class_results"][0]["data"]
    named = {text.label(f"{s}, {WORDS}") for s in SHORT}  # by student and setting
    assert {r for t in results for r in t["customdata"]} == named


def test_a_student_sees_the_question_answers_and_their_own_name_only_as_words(
    hostile_class,
):
    members = hostile_class[3]
    student = page_alone("classroom")
    student.run()
    student.session_state[K.CLASS].membership = Membership(members[SHORT[0]])
    student.session_state[keys.MANAGE_OPEN] = True  # unfolded, as a click does
    student.run()
    texts = markdown_texts(student)
    found, wrong = read_as_text(texts, [*SHORT, PROMPT, *CHOICES])
    assert wrong == [] and not student.exception
    assert found >= {PROMPT, *CHOICES, SHORT[0]}  # the question, the answers, who I am
    answers = student.radio(key=keys.ANSWER)
    assert answers.options == [text.md(c) for c in CHOICES]  # shown escaped...
    entries = student.selectbox(key=keys.ENTRY).options
    assert entries[0].startswith(f"run 1 by {SHORT[0]}: {WORDS}")  # plain text


def sidebar_script():
    """The sidebar's class panel, and the message a join leaves (as the Class page shows it)."""
    from ui.classroom.joining import class_sidebar
    from ui.classroom.membership import class_session, show_message

    class_sidebar()
    show_message(class_session())


def test_joining_with_a_hostile_nickname_welcomes_it_as_words(hostile_class):
    code = hostile_class[1]
    student = AppTest.from_function(sidebar_script, default_timeout=60)
    student.run()
    open_join_form(student)
    student.text_input(key=keys.CODE).input(code)
    student.text_input(key=keys.NICKNAME).input(SHORT[1])
    student.button(key=keys.JOIN).click().run()
    welcome = student.success[0].value
    assert seen(welcome).endswith(f", {SHORT[1]}.") and "](" not in welcome
    found, wrong = read_as_text(markdown_texts(student), SHORT)
    assert found == {SHORT[1]} and wrong == []  # in the welcome and "In class ... as ..."


def test_the_runs_csv_never_starts_a_text_cell_with_a_formula(hostile_class):
    _, code, key, members = hostile_class
    store = get_store()
    for nickname in ("@SUM(1+1)", "+1+1", "-2+3", "=1+1"):
        run = make_run(20, steps=20)
        run.name, run.model_config = nickname, {**run.model_config, "momentum": -0.5}
        store.share_run(store.join(code, nickname), entry_from_run(run))
    rows = list(csv.reader(io.StringIO(tables.runs_csv(store.export(code, key)).decode())))
    head = rows[0]
    cells = [cell for row in rows for cell in row if cell.startswith(text.FORMULA_STARTS)]
    assert all(is_number(c) for c in cells), cells  # only numbers, such as -0.5
    students = [row[head.index("student")] for row in rows[1:]]
    assert "'=cmd|'/c calc'!A1" in students and "'@SUM(1+1)" in students
    assert {"'+1+1", "'-2+3", "'=1+1"} <= set(students)
    momentum = [row[head.index("momentum")] for row in rows[1:] if row[head.index("momentum")]]
    assert momentum == ["-0.5"] * 4  # a negative number stays a number
