"""Collections in the class store, on SQLite and on a real PostgreSQL server.

Every test runs on both backends (``engine`` is parametrised). Two students pool one
collection; the caps count like the board's (visible drawings, the nickname's); the
teacher alone makes collections, with names checked as plain text; and a store made by
the previous version of the app is brought up to date with everything in it kept.
"""

from __future__ import annotations

import numpy as np
import pytest
import sqlalchemy as sa

from tests.support.classroom import Clock, engine, pg_admin_url  # noqa: F401
from ui.classroom import fields, schema
from ui.classroom.store import ClassError, ClassStore, Forbidden, InvalidField, NotFound

SHAPES = ["circle", "square", "triangle"]


def stroke(k: int) -> np.ndarray:
    """A (28, 28) drawing in [0, 1] that differs for each ``k``: a bar in row ``k``."""
    image = np.zeros((28, 28), np.float32)
    image[k % 28, 4:24] = 1.0
    image[:, k % 28] = 0.5
    return image


@pytest.fixture
def lesson(engine):  # noqa: F811
    store = ClassStore(engine, clock=Clock())
    code, key = store.create_class()
    return store, code, key


def test_two_students_pool_one_collection(lesson):
    store, code, key = lesson
    cid = store.create_collection(code, key, "  Shapes ", SHAPES)
    ana, sam = store.join(code, "Ana"), store.join(code, "Sam")
    added = [
        (ana, 0, 1), (ana, 0, 2), (ana, 1, 3), (sam, 0, 4), (sam, 2, 5), (sam, 2, 6),
    ]  # fmt: skip
    for who, label, k in added:
        store.add_collection_drawing(who, cid, stroke(k), label)

    (info,) = store.collections(code)
    assert (info.id, info.title, info.class_names) == (cid, "Shapes", tuple(SHAPES))
    assert info.counts == (3, 1, 2) and info.students == (2, 1, 1) and info.contributors == 2
    assert info.name == f"class-{code}-{cid}"
    roster = {(r.nickname, r.collection_id): r.counts for r in store.collection_roster(code)}
    assert roster == {("Ana", cid): (2, 1, 0), ("Sam", cid): (1, 0, 2)}

    pooled = store.collection(code, cid)
    assert pooled.name == info.name and pooled.title == "Shapes"
    assert pooled.class_names == tuple(SHAPES)
    assert pooled.labels.tolist() == [label for _, label, _ in added]  # in the order drawn
    for image, (_, _, k) in zip(pooled.images, added, strict=True):
        np.testing.assert_allclose(image, stroke(k), atol=0.5 / 255)  # 784 bytes of ink
    assert pooled.images.dtype == np.float32 and not pooled.images.flags.writeable
    dataset = pooled.to_dataset()
    assert dataset.name == info.name and dataset.X_train.shape[1] == 784


def test_hidden_drawings_leave_the_collection_and_its_counts(lesson):
    store, code, key = lesson
    cid = store.create_collection(code, key, "Shapes", SHAPES)
    sam = store.join(code, "Sam")
    first = store.add_collection_drawing(sam, cid, stroke(1), 0)
    store.add_collection_drawing(sam, cid, stroke(2), 1)
    store.set_hidden(code, key, "collection drawing", first)
    assert store.collections(code)[0].counts == (0, 1, 0)
    assert store.collection(code, cid).labels.tolist() == [1]
    entries = store.collection_entries(code)
    assert [(e[0], e[2], e[3], e[4]) for e in entries] == [
        (first, "Sam", "a circle in Shapes", True),
        (first + 1, "Sam", "a square in Shapes", False),
    ]
    store.set_hidden(code, key, "collection drawing", first, hidden=False)
    assert store.collections(code)[0].counts == (1, 1, 0)
    with pytest.raises(Forbidden):
        store.set_hidden(code, "not the key", "collection drawing", first)


def test_a_student_removes_their_own_drawing_only(lesson):
    store, code, key = lesson
    cid = store.create_collection(code, key, "Shapes", SHAPES)
    ana, sam = store.join(code, "Ana"), store.join(code, "Sam")
    mine = store.add_collection_drawing(sam, cid, stroke(1), 0)
    with pytest.raises(Forbidden):
        store.remove(ana, "collection drawing", mine)
    store.remove(sam, "collection drawing", mine)
    assert store.collection(code, cid).n == 0


def test_removing_a_student_and_purging_a_class_take_their_drawings(lesson):
    store, code, key = lesson
    cid = store.create_collection(code, key, "Shapes", SHAPES)
    ana, sam = store.join(code, "Ana"), store.join(code, "Sam")
    store.add_collection_drawing(ana, cid, stroke(1), 0)
    store.add_collection_drawing(sam, cid, stroke(2), 1)
    store.add_drawing(sam, stroke(3), 3)
    assert store.remove_member(code, key, "Sam") == 2  # the class set's and the collection's
    assert store.collections(code)[0].counts == (1, 0, 0)
    store.clock.now += store.days * 86400 + 1
    assert store.purge_expired() == 1
    with store.engine.connect() as conn:
        for table in (schema.collections, schema.collection_drawings):
            assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() == 0


def test_caps_count_visible_drawings_and_follow_the_nickname(lesson, monkeypatch):
    store, code, key = lesson
    monkeypatch.setattr(fields, "COLLECTION_DRAWINGS_PER_MEMBER", 3)
    monkeypatch.setattr(fields, "COLLECTION_DRAWINGS", 5)
    cid = store.create_collection(code, key, "Shapes", SHAPES)
    other = store.create_collection(code, key, "Digits", [str(d) for d in range(10)])
    sam, again = store.join(code, "Sam"), store.join(code, "sam")  # one student, two tabs
    ids = [store.add_collection_drawing(sam, cid, stroke(k), 0) for k in range(2)]
    store.add_collection_drawing(again, cid, stroke(2), 1)
    with pytest.raises(ClassError, match="You have added 3 drawings"):
        store.add_collection_drawing(again, cid, stroke(3), 1)
    store.add_collection_drawing(sam, other, stroke(3), 7)  # each collection counts its own
    store.set_hidden(code, key, "collection drawing", ids[0])  # a hidden one makes room
    store.add_collection_drawing(sam, cid, stroke(4), 2)
    ana = store.join(code, "Ana")
    store.add_collection_drawing(ana, cid, stroke(5), 2)
    store.add_collection_drawing(ana, cid, stroke(6), 2)
    with pytest.raises(ClassError, match=r"This collection is full \(5 drawings\)"):
        store.add_collection_drawing(ana, cid, stroke(7), 2)
    assert store.collections(code)[0].n == 5


def test_a_class_has_a_few_collections_made_by_its_teacher_only(lesson, monkeypatch):
    store, code, key = lesson
    sam = store.join(code, "Sam")
    with pytest.raises(Forbidden):
        store.create_collection(code, "not the key", "Mine", SHAPES)
    made = [store.create_collection(code, key, f"Set {i}", SHAPES) for i in range(5)]
    assert len(set(made)) == fields.COLLECTIONS_PER_CLASS == 5
    with pytest.raises(ClassError, match="at most 5 collections"):
        store.create_collection(code, key, "One more", SHAPES)
    other, other_key = store.create_class()
    theirs = store.create_collection(other, other_key, "Theirs", SHAPES)
    with pytest.raises(NotFound):  # another class's collection is no collection of this one
        store.add_collection_drawing(sam, theirs, stroke(1), 0)
    with pytest.raises(NotFound):
        store.collection(code, theirs)
    assert [c.title for c in store.collections(other)] == ["Theirs"]


@pytest.mark.parametrize("label", [3, -1, 1.5, True, "0", None])
def test_a_label_must_be_one_of_the_collections_classes(lesson, label):
    store, code, key = lesson
    cid = store.create_collection(code, key, "Shapes", SHAPES)
    with pytest.raises(InvalidField):
        store.add_collection_drawing(store.join(code, "Sam"), cid, stroke(1), label)
    assert store.collection(code, cid).n == 0


def test_bad_drawings_and_a_closed_class_are_refused(lesson):
    store, code, key = lesson
    cid = store.create_collection(code, key, "Shapes", SHAPES)
    sam = store.join(code, "Sam")
    for image in (np.zeros((28, 27)), np.full((28, 28), 2.0), np.full((28, 28), np.nan)):
        with pytest.raises(InvalidField):
            store.add_collection_drawing(sam, cid, image, 0)
    store.set_closed(code, key)
    with pytest.raises(ClassError, match="closed"):
        store.add_collection_drawing(sam, cid, stroke(1), 0)
    assert store.collections(code)[0].n == 0


MARKUP = ["$\\rule{99em}{99em}$", "<b>x</b>", "**bold**", ":red[x]", "[a](http://x)"]


def test_a_title_that_looks_like_markup_is_kept_as_typed(lesson):
    """Text is text: the store keeps the title as the teacher typed it (the page escapes)."""
    store, code, key = lesson
    cid = store.create_collection(code, key, "<i>$x$</i>", ["x" * 24, "Sam's cat", "é-1_2"])
    (info,) = store.collections(code)
    assert info.title == "<i>$x$</i>" and info.class_names == ("x" * 24, "Sam's cat", "é-1_2")
    assert store.collection(code, cid).title == "<i>$x$</i>"


@pytest.mark.parametrize("name", MARKUP)
def test_class_names_are_words_not_markup(lesson, name):
    """Class names become chart tick labels: one rule for every collection (the engine's)."""
    store, code, key = lesson
    with pytest.raises(InvalidField, match="letters, digits, spaces"):
        store.create_collection(code, key, "Shapes", ["circle", name])
    assert store.collections(code) == []


@pytest.mark.parametrize(
    ("title", "names", "why"),
    [
        ("Shapes", ["circle", "x" * 25], "longer than 24"),
        ("Shapes", ["circle", "squ\x00are"], "control"),
        ("Shapes", ["circle", "square\u202e"], "control"),  # a bidi override
        ("Shapes", ["circle", "   "], "empty"),
        ("Shapes", ["circle"], "between 2 and 10"),
        ("Shapes", [str(i) for i in range(11)], "between 2 and 10"),
        ("Shapes", ["Cat", "cat"], "same name"),
        ("Shapes", "circle\nsquare", "between 2 and 10"),
        ("t" * 41, SHAPES, "longer than 40"),
        ("Sha\x07pes", SHAPES, "control"),
        ("", SHAPES, "empty"),
    ],
)
def test_bad_names_are_refused(lesson, title, names, why):
    store, code, key = lesson
    with pytest.raises(InvalidField, match=why):
        store.create_collection(code, key, title, names)
    assert store.collections(code) == []


def test_every_collection_write_moves_the_version(lesson):
    store, code, key = lesson
    sam = store.join(code, "Sam")
    before = store.version(code)
    cid = store.create_collection(code, key, "Shapes", SHAPES)
    assert store.version(code) == before + 1
    drawing = store.add_collection_drawing(sam, cid, stroke(1), 0)
    assert store.version(code) == before + 2
    store.set_hidden(code, key, "collection drawing", drawing)
    assert store.version(code) == before + 3
    store.collections(code), store.collection(code, cid), store.collection_roster(code)
    assert store.version(code) == before + 3  # reading moves nothing


def test_a_store_of_the_previous_version_is_migrated_with_its_contents(engine):  # noqa: F811
    """A version 1 store (no collection tables, its version 1 on record), with a class,
    a student and a drawing in it, opened by this app: brought to version 2, every old
    row kept, collections ready to use."""
    old = ClassStore(engine, clock=Clock())
    code, key = old.create_class()
    sam = old.join(code, "Sam")
    old.add_drawing(sam, stroke(1), 4)
    with engine.begin() as conn:  # what version 1 of the app left behind
        schema.collection_drawings.drop(conn)
        schema.collections.drop(conn)
        conn.execute(schema.meta.update().values(value="1"))
    assert "nn_collections" not in sa.inspect(engine).get_table_names()

    store = ClassStore(engine, clock=Clock())
    assert store.schema_version == schema.SCHEMA_VERSION == 2
    with engine.connect() as conn:
        assert schema._version(conn) == 2
    assert {"nn_collections", "nn_collection_drawings"} <= set(sa.inspect(engine).get_table_names())
    (drawing,) = store.board(code).drawings
    assert (drawing.nickname, drawing.label) == ("Sam", 4)
    assert store.rejoin(code, sam.token).id == sam.id  # the student's place is still theirs
    cid = store.create_collection(code, key, "Shapes", SHAPES)
    store.add_collection_drawing(sam, cid, stroke(2), 2)
    assert store.collections(code)[0].counts == (0, 0, 1)


def test_the_migration_step_alone_makes_the_tables(engine):  # noqa: F811
    """The step from 1 to 2 does not lean on the start's ``create_all``."""
    ClassStore(engine)
    with engine.begin() as conn:
        schema.collection_drawings.drop(conn)
        schema.collections.drop(conn)
        schema.MIGRATIONS[1](conn)
        schema.MIGRATIONS[1](conn)  # twice, as two replicas starting at once may
    assert {"nn_collections", "nn_collection_drawings"} <= set(sa.inspect(engine).get_table_names())
