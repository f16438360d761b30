"""A class from start to export, on both backends: start, join, share, answer, hide,
close, export, expire."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from nn_core.model import MLP
from tests.support.classroom import Clock, engine, pg_admin_url  # noqa: F401
from tests.support.runs import make_run
from ui.classroom import codes, tables
from ui.classroom.sharing import entry_from_run
from ui.classroom.store import ClassError, ClassStore, NotFound


def test_a_whole_lesson(engine):  # noqa: F811
    clock = Clock()
    store = ClassStore(engine, clock=clock, days=1)
    code, key = store.create_class()
    assert codes.normalise(codes.show_code(code)) == code
    store.set_question(code, key, "Which learning rate ends lowest?", ["0.01", "0.1", "1"])
    sam, ana = store.join(code, "Sam"), store.join(code, "Ana")
    store.answer(sam, 1)
    store.answer(ana, 2)
    store.answer(ana, 1)  # a student may change their mind before the reveal
    model = MLP((784, 16, 10), seed=0)
    sam_run = store.share_run(sam, entry_from_run(make_run(1, lr=0.1, accuracy=0.95, model=model)))
    store.share_run(ana, entry_from_run(make_run(1, lr=1.0, accuracy=0.90)))
    store.add_drawing(ana, np.eye(28, dtype=np.float32), 7)

    board = store.board(code)
    assert board.tally == (0, 2, 0) and not board.revealed
    assert [r.nickname for r in tables.ranked(board.runs)] == ["Sam", "Ana"]
    assert board.runs[0].has_model and not board.runs[1].has_model
    assert MLP.load(store.model_bytes(code, sam_run)).config.sizes == (784, 16, 10)

    store.reveal(code, key)
    assert store.board(code).revealed
    with pytest.raises(ClassError, match="too late"):
        store.answer(sam, 0)

    store.set_hidden(code, key, "run", sam_run)
    assert [r.nickname for r in store.board(code).runs] == ["Ana"]
    assert len(store.board(code, include_hidden=True).runs) == 2
    store.set_hidden(code, key, "run", sam_run, hidden=False)
    assert len(store.board(code).runs) == 2

    store.set_closed(code, key)
    with pytest.raises(ClassError, match="closed"):
        store.share_run(sam, entry_from_run(make_run(2)))
    with pytest.raises(ClassError, match="closed"):
        store.add_drawing(sam, np.zeros((28, 28)), 0)
    assert store.join(code, "Late").nickname == "Late"  # may still watch the board
    store.set_closed(code, key, False)
    store.share_run(sam, entry_from_run(make_run(2, lr=0.01, accuracy=0.5, status="stopped")))

    exported = store.export(code, key)
    rows = list(csv.DictReader(io.StringIO(tables.runs_csv(exported).decode())))
    assert [r["student"] for r in rows] == ["Sam", "Ana", "Sam"]
    assert {"lr", "optimizer", "init", "sizes", "test_accuracy"} <= set(rows[0])
    doc = json.loads(tables.runs_json(exported))
    assert doc["class"] == code and doc["question"]["tally"] == [0, 2, 0]
    assert len(doc["runs"]) == 3 and len(doc["runs"][0]["curves"]["loss"]) > 10
    npz = np.load(io.BytesIO(tables.drawings_npz(exported)))
    assert npz["images"].shape == (1, 28, 28) and npz["images"].dtype == np.uint8
    assert npz["labels"].tolist() == [7] and npz["images"][0, 3, 3] == 255

    clock.now += 86400 + 1
    with pytest.raises(NotFound):
        store.board(code)  # the hourly purge was due: this read deleted the class
    assert store.purge_expired() == 0


def test_a_student_removes_their_own_entries(engine):  # noqa: F811
    store = ClassStore(engine)
    code, _ = store.create_class()
    sam = store.join(code, "Sam")
    run_id = store.share_run(sam, entry_from_run(make_run(steps=50)))
    drawing_id = store.add_drawing(sam, np.zeros((28, 28)), 3)
    store.remove(sam, "run", run_id)
    store.remove(sam, "drawing", drawing_id)
    board = store.board(code, include_hidden=True)
    assert board.runs == () and board.drawings == ()
    with pytest.raises(NotFound):
        store.remove(sam, "run", run_id)


def test_a_new_question_clears_the_old_answers(engine):  # noqa: F811
    store = ClassStore(engine)
    code, key = store.create_class()
    sam = store.join(code, "Sam")
    store.set_question(code, key, "He or naive init?", ["He", "naive"])
    store.answer(sam, 0)
    store.reveal(code, key)
    store.set_question(code, key, "Adam or SGD?", ["Adam", "SGD", "the same"])
    board = store.board(code)
    assert board.tally == (0, 0, 0) and not board.revealed
    assert store.my_answer(sam) is None
    with pytest.raises(ValueError, match="between"):
        store.answer(sam, 3)
