"""A full board costs little: figures built from arrays, once per version, for everyone.

A class at its caps (300 runs, 3,000 drawings) once meant 3,000 Plotly calls for the
handwriting labels, one trace per student, 5 MB of figures rebuilt every four seconds
for every viewer. Here: the figures of a full class are a bounded number of traces and
annotations and a few hundred kB; two viewers share one build per version of the class;
a refresh that finds the same version builds and reads nothing.
"""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
import streamlit as st
from PIL import Image

from tests.support.apptest import SVG, page_alone, plotly_charts, svg_figures
from tests.support.classroom import Clock, engine, pg_admin_url  # noqa: F401
from tests.support.runs import make_run
from tests.support.samples import bundled_sample
from ui.classroom import charts, fields, keys, mosaic, reveal, views
from ui.classroom.membership import Membership
from ui.classroom.records import SharedRun
from ui.classroom.sharing import entry_from_run
from ui.classroom.store import ClassStore
from ui.state import K

LRS = (0.001, 0.01, 0.03, 0.1, 0.3, 1.0)


def full_class() -> tuple[list[SharedRun], np.ndarray, np.ndarray]:
    """300 runs by 300 students (as the store returns them) and 3,000 real digits."""
    shapes = [entry_from_run(make_run(i, lr=lr)) for i, lr in enumerate(LRS)]
    runs = []
    for i in range(fields.RUNS_PER_CLASS):
        entry = shapes[i % len(LRS)]
        runs.append(
            SharedRun(
                i + 1, i + 1, f"student {i}", entry.name, "mnist", "finished", entry.settings,
                entry.curves, entry.validation, 0.8 + (i % 50) / 300, 0.1, 1.5, 2.5, 1000,
                False, False, 0.0,
            )
        )  # fmt: skip
    digits = bundled_sample().X_train[: fields.DRAWINGS_PER_CLASS]
    images = np.asarray(digits, dtype=np.float32).reshape(-1, 28, 28)  # (3000, 28, 28)
    labels = np.asarray(bundled_sample().y_train[: len(images)])  # (3000,)
    return runs, images, labels


@pytest.fixture(scope="module")
def full():
    return full_class()


def _count_calls(monkeypatch) -> dict[str, int]:
    calls = {"add_trace": 0, "add_annotation": 0, "add_shape": 0}
    for name in calls:
        original = getattr(go.Figure, name)

        def counted(self, *args, _name=name, _original=original, **kwargs):
            calls[_name] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(go.Figure, name, counted)
    return calls


def _kilobytes(fig: go.Figure) -> float:
    return len(pio.to_json(fig, validate=False)) / 1000


@pytest.mark.parametrize("key", ["lr", "nickname"])
def test_a_full_class_is_a_few_traces_and_one_picture(full, monkeypatch, key):
    """300 runs coloured by learning rate or by student, 3,000 drawings: every figure is a
    bounded number of traces, annotations and shapes, made without one Plotly call per
    run or per drawing, and all of them together weigh a few hundred kB."""
    runs, images, labels = full
    calls = _count_calls(monkeypatch)
    loss = charts.curves_figure(runs, key, "setting", "loss")
    accuracy = charts.curves_figure(runs, key, "setting", "accuracy")
    results = reveal.results_figure(runs, key, "setting")
    drawings = mosaic.figure(images, labels, correct=labels % 7 != 0)
    assert sum(calls.values()) <= 2 * charts.MAX_GROUPS + 2, calls
    for fig in (loss, accuracy, results):
        assert len(fig.data) <= charts.MAX_GROUPS + 1
        assert not fig.layout.annotations and not fig.layout.shapes
    assert sum(len(t.x) for t in loss.data[:-1]) <= len(runs) * (charts.BOARD_POINTS + 1)
    picture = drawings.tree()
    assert len(picture.findall(f"{SVG}image")) == 1  # the 3,000 drawings: one PNG
    captions = [t.text for t in picture.findall(f"{SVG}text")][1:]  # after the title
    expected = []
    for k in range(10):  # the digit and its count, then how many the model misread
        expected.append(f"{k}: {(labels == k).sum()}")
        expected += [f"{(labels == k).sum()} misread"] if k % 7 == 0 else []
    assert captions == expected
    sizes = [_kilobytes(f) for f in (loss, accuracy, results)] + [len(drawings.img()) / 1000]
    assert max(sizes) < 250 and sum(sizes) < 600, sizes


def test_the_picture_keeps_every_drawing_and_its_reading(full):
    """Grouped by label, in the order shared; black ink where read right, red where not."""
    _, images, labels = full
    few, their_labels = images[:30], labels[:30]
    wrong = np.arange(30) == 4
    picture = mosaic.compose(few, their_labels, ~wrong)
    assert [g[:3] for g in picture.groups] == [
        (k, int((their_labels == k).sum()), int((their_labels[wrong] == k).sum()))
        for k in sorted(set(their_labels.tolist()))
    ]
    red = picture.pixels >= mosaic.SHADES  # palette 8..15: red ink
    assert red.any() and red.sum() == (np.rint(few[4] * 7) > 0).sum()
    assert picture.side == 28 and picture.palette.shape == (16, 3)
    source = mosaic.figure(few, their_labels, ~wrong).tree().find(f"{SVG}image").get("href")
    png = Image.open(io.BytesIO(base64.b64decode(source.split(",", 1)[1]))).convert("RGB")
    assert np.array_equal(np.asarray(png), picture.palette[picture.pixels])  # as composed


# --- one build per version, shared ---------------------------------------------------------


@pytest.fixture
def counted(monkeypatch):
    """Counts of every figure built and every whole-class read, from an empty cache."""
    st.cache_resource.clear()
    views._targets.clear()
    counts = {"board": 0, "curves": 0, "drawings": 0}
    originals = {
        "board": ClassStore.board,
        "curves": charts.curves_figure,
        "drawings": mosaic.figure,
    }

    def counting(name):
        def call(*args, **kwargs):
            counts[name] += 1
            return originals[name](*args, **kwargs)

        return call

    monkeypatch.setattr(ClassStore, "board", counting("board"))
    monkeypatch.setattr(charts, "curves_figure", counting("curves"))
    monkeypatch.setattr(mosaic, "figure", counting("drawings"))
    yield counts
    st.cache_resource.clear()
    views._targets.clear()


@pytest.fixture
def state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("NN_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("NN_CLASS_DB_URL", raising=False)


def _viewer(membership: Membership):
    from ui.classroom.membership import ClassSession

    at = page_alone("classroom")
    at.session_state[K.CLASS] = ClassSession(membership=membership)
    return at


def test_two_viewers_share_one_build_per_version(state_dir, counted):
    """The teacher's board and a student's: one read of the class per version and one
    build of each figure per change of what it shows, whoever looks first; a refresh
    that finds the same version builds nothing; a student colouring by another setting
    gets a figure of their own."""
    from ui.classroom.connection import get_store

    store = get_store()
    code, key = store.create_class()
    sam = store.join(code, "Sam")
    store.share_run(sam, entry_from_run(make_run(1, lr=0.1, steps=50)))
    store.add_drawing(sam, np.eye(28, dtype=np.float32), 7)
    teacher, student = _viewer(Membership(store.join(code, "T"), key)), _viewer(Membership(sam))
    teacher.run()
    student.run()
    assert not teacher.exception and not student.exception
    assert set(plotly_charts(student)) == {"class_loss"}
    assert "class_drawings" in svg_figures(student)
    assert counted == {"board": 1, "curves": 1, "drawings": 1}  # the loss; one picture
    teacher.run()  # two refreshes at the same version
    student.run()
    assert counted == {"board": 1, "curves": 1, "drawings": 1}
    store.add_drawing(sam, np.eye(28, dtype=np.float32)[::-1], 1)  # the class changes
    teacher.run()
    student.run()
    assert counted == {"board": 2, "curves": 1, "drawings": 2}  # a drawing: the curves stay
    assert "(2 drawings)" in svg_figures(student)["class_drawings"].find(f"{SVG}text").text
    store.share_run(sam, entry_from_run(make_run(2, lr=1.0, steps=50)))
    teacher.run()
    student.run()
    assert counted == {"board": 3, "curves": 2, "drawings": 2}  # no weights: not the best
    assert plotly_charts(teacher)["class_loss"][0]["data"][1]["name"] == "1 (1)"
    student.selectbox(key=keys.COLOR_BY).set_value("optimiser").run()
    assert counted == {"board": 3, "curves": 3, "drawings": 2}  # a figure of their own
    student.segmented_control(key=keys.CURVE).set_value("accuracy").run()
    assert counted == {"board": 3, "curves": 4, "drawings": 2}  # the other curve, once
    teacher.run()
    assert counted == {"board": 3, "curves": 4, "drawings": 2}


def test_the_watcher_asks_one_number_and_coalesces_a_busy_class(engine, monkeypatch):  # noqa: F811
    """An unchanged class: the refresh reads its version and nothing else. A busy one
    moves the version every second, yet every viewer's target moves at most once per
    refresh interval, so thirty viewers share one build; the visitor's own action (or
    opening the page) moves it at once."""
    store = ClassStore(engine, clock=Clock())
    code, _ = store.create_class()
    sam = store.join(code, "Sam")
    now = [100.0]
    monkeypatch.setattr(views, "clock", lambda: now[0])
    monkeypatch.setattr(views, "_targets", {})
    monkeypatch.setattr(views, "_latest", {})
    reads = []
    monkeypatch.setattr(store, "board", lambda *a, **k: reads.append(a))
    first = views.target_version(store, code)
    assert first == store.version(code) == 1  # one write so far: Sam joined
    for _ in range(5):
        now[0] += 10
        assert views.target_version(store, code) == first
    assert reads == []  # nothing was read but the version
    image = np.zeros((28, 28), np.float32)
    store.add_drawing(sam, image, 3)  # t = 150: 10 s after the last choice
    assert views.target_version(store, code) == first + 1
    for _ in range(3):  # a drawing a second
        now[0] += 1
        store.add_drawing(sam, image, 3)
    assert views.target_version(store, code) == first + 1  # within the interval: held
    now[0] += views.COALESCE_SECONDS
    assert views.target_version(store, code) == store.version(code) == first + 4
    store.add_drawing(sam, image, 3)
    assert views.target_version(store, code, newest=True) == first + 5  # your own action


def test_every_write_moves_the_version_and_no_read_does(engine):  # noqa: F811
    store = ClassStore(engine)
    code, key = store.create_class()
    seen = [store.version(code)]

    def moved() -> bool:
        seen.append(store.version(code))
        return seen[-1] > seen[-2]

    sam = store.join(code, "Sam")
    assert moved()
    run_id = store.share_run(sam, entry_from_run(make_run(1, steps=50)))
    assert moved()
    drawing_id = store.add_drawing(sam, np.zeros((28, 28)), 4)
    assert moved()
    store.set_question(code, key, "Adam or SGD?", ["Adam", "SGD"])
    assert moved()
    store.answer(sam, 1)
    assert moved()
    store.reveal(code, key)
    assert moved()
    store.set_hidden(code, key, "drawing", drawing_id)
    assert moved()
    store.remove(sam, "run", run_id)
    assert moved()
    store.set_closed(code, key)
    assert moved()
    store.board(code)
    store.export(code, key)
    store.my_answer(sam)
    assert not moved()
    assert store.board(code).version == seen[-1]
    other, _ = store.create_class()
    assert store.version(other) == 0  # each class counts its own


def test_one_read_of_the_version_serves_a_class_opening_at_once(engine, monkeypatch):  # noqa: F811
    """Thirty viewers, each page run asking a dozen times: one read of the store within
    ``READ_SECONDS``; a visitor's own action (``fresh``) always reads."""
    store = ClassStore(engine)
    code, _ = store.create_class()
    now = [100.0]
    monkeypatch.setattr(views, "clock", lambda: now[0])
    monkeypatch.setattr(views, "_latest", {})
    reads = []
    version = store.version
    monkeypatch.setattr(store, "version", lambda c: reads.append(c) or version(c))
    assert {views.latest_version(store, code) for _ in range(30 * 12)} == {0}
    assert len(reads) == 1
    assert views.latest_version(store, code, fresh=True) == 0
    now[0] += views.READ_SECONDS
    views.latest_version(store, code)
    assert len(reads) == 3
    store.join(code, "Sam")  # a write from this process: seen at once
    assert views.latest_version(store, code) == 1
    assert len(reads) == 4
