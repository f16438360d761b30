"""What the projected board shows: one data set per chart, the reveal drawn by the
question's setting, runs named by student and setting, and presentation mode.

Each test opens the Class page alone through AppTest with a fresh SQLite store and a
teacher who has joined; runs are shared into the store as the Train page's button does
(``entry_from_run``). Each ``run()`` is one refresh of the board.
"""

from __future__ import annotations

import pytest
import streamlit as st

from tests.support.apptest import page_alone, plotly_charts
from tests.support.hostile import markdown_table
from tests.support.runs import make_run
from ui.classroom import keys, tables, views
from ui.classroom.connection import get_store
from ui.classroom.membership import ClassSession, Membership
from ui.classroom.sharing import entry_from_run
from ui.state import K


@pytest.fixture(autouse=True)
def state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("NN_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("NN_CLASS_DB_URL", raising=False)
    st.cache_resource.clear()
    views._targets.clear()
    yield
    st.cache_resource.clear()
    views._targets.clear()


def teachers_board(shared: list[tuple[str, object]], presenting: bool = False):
    """(the teacher's page, the class code, the key) with ``shared`` (nickname, run) on it."""
    store = get_store()
    code, key = store.create_class()
    for nickname, run in shared:
        store.share_run(store.join(code, nickname), entry_from_run(run))
    at = page_alone("classroom")
    at.session_state[K.CLASS] = ClassSession(membership=Membership(store.join(code, "T"), key))
    at.session_state[K.PRESENTATION] = presenting
    at.run()
    assert not at.exception
    return at, code, key


def ends(figure: dict) -> list[str]:
    """Whose runs a curve chart draws: the hover names of the dots at their ends."""
    return [name for t in figure["data"] if t["name"] == "ends" for name in t["customdata"]]


def test_one_data_set_per_chart():
    """Runs on MNIST and on Fashion-MNIST never share a chart: the teacher picks the data
    set (the one with most runs first), and the curves, the table and the reveal follow."""
    at, _, _ = teachers_board(
        [
            ("Sam", make_run(1, lr=0.1)),
            ("Ana", make_run(2, lr=0.01)),
            ("Li", make_run(3, lr=0.1, dataset="fashion-mnist")),
        ]
    )
    picker = at.segmented_control[0]
    assert picker.options == ["MNIST", "Fashion\\-MNIST"] and picker.value == "mnist"  # escaped
    assert sorted(ends(plotly_charts(at)["class_loss"][0])) == ["Ana, lr 0.01", "Sam, lr 0.1"]
    assert "2 shared runs on MNIST" in [s.value for s in at.subheader]
    picker.set_value("fashion-mnist").run()
    assert ends(plotly_charts(at)["class_loss"][0]) == ["Li, lr 0.1"]
    assert "1 shared run on Fashion\\-MNIST" in [s.value for s in at.subheader]
    assert markdown_table(at, "runs")["runs"] == ["1"]


def test_a_class_on_one_data_set_has_no_picker():
    at, _, _ = teachers_board([("Sam", make_run(1)), ("Ana", make_run(2, lr=1.0))])
    assert [c.key for c in at.segmented_control] == [keys.CURVE]  # no data-set picker
    assert len(ends(plotly_charts(at)["class_loss"][0])) == 2


@pytest.mark.parametrize(
    ("prompt", "setting"),
    [
        ("Which learning rate ends with the lowest loss?", "lr"),
        ("Naive or He initialisation: which trains?", "init"),
        ("Does the batch size change the final accuracy?", "batch_size"),
        ("Why would the starting weights matter?", "init"),
        ("Will it reach 95%?", None),
        ("", None),
    ],
)
def test_the_question_names_its_setting(prompt, setting):
    assert tables.question_setting(prompt) == setting


def test_the_reveal_answers_the_question_posed_not_the_colour_picker():
    """The board coloured by optimizer, the question about the learning rate: the
    results beside the answers are by learning rate; a question that names no setting
    follows the picker."""
    shared = [(f"s{i}", make_run(i, lr=lr, optimizer=opt)) for i, (lr, opt) in
              enumerate([(0.01, "sgd"), (0.1, "adam"), (1.0, "sgd"), (0.1, "sgd")])]  # fmt: skip
    at, code, key = teachers_board(shared)
    store = get_store()
    store.set_question(code, key, "Which learning rate ends with the lowest loss?", ["0.1", "1"])
    store.reveal(code, key)
    at.selectbox(key=keys.COLOR_BY).set_value("optimiser").run()
    results = plotly_charts(at)["class_results"][0]
    assert results["layout"]["title"]["text"] == "Final loss by learning rate"
    assert [t["name"] for t in results["data"]] == ["0.01", "0.1", "1"]
    legend = [t["name"] for t in plotly_charts(at)["class_loss"][0]["data"] if t["name"] != "ends"]
    assert legend == ["adam (1)", "sgd (3)"]  # the curves keep the picker's colouring
    store.set_question(code, key, "Which run reaches 95% accuracy?", ["mine", "not mine"])
    store.reveal(code, key)
    at.run()
    results = plotly_charts(at)["class_results"][0]
    assert results["layout"]["title"]["text"] == "Test accuracy by optimiser"


def _sizes(figure: dict) -> list[float]:
    layout = figure["layout"]
    sizes = [layout["legend"]["font"]["size"], layout["title"]["font"]["size"]]
    for axis in ("xaxis", "yaxis"):
        sizes += [layout[axis]["tickfont"]["size"], layout[axis]["title"]["font"]["size"]]
    return sizes + [a["font"]["size"] for a in layout.get("annotations", [])]


def test_the_board_follows_presentation_mode():
    """Presenting: every figure of the board taller and its text larger (at least 20 px);
    not presenting, still at least 16 px."""
    shared = [("Sam", make_run(1, lr=0.1)), ("Ana", make_run(2, lr=1.0))]
    boards = [teachers_board(shared)[0]]
    st.cache_resource.clear()
    boards.append(teachers_board(shared, presenting=True)[0])
    plain, big = [plotly_charts(at) for at in boards]
    for at in boards:  # the other curve
        at.segmented_control(key=keys.CURVE).set_value("accuracy").run()
    plain, big = [
        {**charts, **plotly_charts(at)} for charts, at in zip((plain, big), boards, strict=True)
    ]
    for chart in ("class_loss", "class_accuracy"):
        small, large = plain[chart][0], big[chart][0]
        assert min(_sizes(small)) >= 16 and min(_sizes(large)) >= 20
        assert large["layout"]["height"] > small["layout"]["height"]
