"""A collection of drawings: named classes, immutable edits, plain problems, a fair split.

What a class does in the lesson, in order: name its classes, draw (and undo a drawing),
read why it cannot train yet, then train on the learning part and test on the rest.
"""

from __future__ import annotations

import numpy as np
import pytest

from nn_core.collection import (
    DIGITS,
    MIN_PER_CLASS,
    Collection,
    new_collection,
)
from nn_core.errors import CollectionError

SHAPES = ("circle", "square", "triangle")


def filled(counts, seed: int = 0, names=None) -> Collection:
    """A collection with ``counts[c]`` random drawings of class c, in shuffled order."""
    names = names or tuple(f"class {c}" for c in range(len(counts)))
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.repeat(np.arange(len(counts)), counts))  # (n,)
    c = new_collection("ours", "Our shapes", names)
    for label in labels:
        c = c.with_drawing(rng.random((28, 28), dtype=np.float32), int(label))
    return c


# --- naming the classes ---------------------------------------------------------------------


def test_a_new_collection_is_empty_with_its_classes_tidied():
    c = new_collection("ours", "  Our   shapes ", ["  circle", "square  ", "big  triangle"])
    assert c.class_names == ("circle", "square", "big triangle")
    assert c.title == "Our shapes"
    assert c.n == 0
    assert c.images.shape == (0, 28, 28) and c.images.dtype == np.float32
    assert c.labels.shape == (0,) and c.labels.dtype == np.int64
    assert c.counts().tolist() == [0, 0, 0]


def test_a_blank_title_gets_a_name():
    assert new_collection("ours", "   ", SHAPES).title == "Our drawings"


@pytest.mark.parametrize(
    "names, fragment",
    [
        (["circle"], "2 to 10 classes, not 1"),
        ([str(i) for i in range(11)], "2 to 10 classes, not 11"),
        (["circle", "  circle "], "same name"),
        (["circle", "   "], "every class needs a name"),
        (["circle", "x" * 25], "at most 24 characters"),
        (["circle", "tab\tin"], None),  # whitespace is tidied, not refused
        (["circle", "bell\x07"], "control characters"),
        (["circle", "rtl\u202eoverride"], "control characters"),
    ],
)
def test_class_names_are_checked(names, fragment):
    if fragment is None:
        assert new_collection("ours", "t", names).class_names[1] == "tab in"
        return
    with pytest.raises(CollectionError, match=fragment):
        new_collection("ours", "t", names)


def test_a_title_is_checked_too():
    with pytest.raises(CollectionError, match="at most 40 characters"):
        new_collection("ours", "t" * 41, SHAPES)
    with pytest.raises(CollectionError, match="control characters"):
        new_collection("ours", "zero\u200bwidth", SHAPES)


# --- drawing, undoing ---------------------------------------------------------------------


def test_with_drawing_makes_a_new_collection_and_leaves_the_old_one():
    empty = new_collection("ours", "t", SHAPES)
    one = empty.with_drawing(np.full((28, 28), 0.5, np.float32), 2)
    two = one.with_drawing(np.full(784, 2.0), 0)  # a flat image, ink beyond 1 clipped
    assert (empty.n, one.n, two.n) == (0, 1, 2)
    assert one.labels.tolist() == [2] and two.labels.tolist() == [2, 0]
    assert two.images.dtype == np.float32 and two.images.max() == 1.0
    assert np.array_equal(two.images[0], one.images[0])
    assert two.counts().tolist() == [1, 0, 1]


def test_the_arrays_cannot_be_changed_behind_a_collections_back():
    c = filled([3, 3])
    for a in (c.images, c.labels):
        with pytest.raises(ValueError, match="read-only"):
            a[0] = 0
    with pytest.raises(AttributeError):
        c.name = "theirs"


def test_an_image_from_outside_is_copied_not_shared():
    image = np.zeros((28, 28), np.float32)
    c = new_collection("ours", "t", SHAPES).with_drawing(image, 1)
    image[:] = 1
    assert c.images.max() == 0


@pytest.mark.parametrize("label", [-1, 3, 99])
def test_a_label_outside_the_classes_is_refused(label):
    with pytest.raises(CollectionError, match="class number 0..2"):
        new_collection("ours", "t", SHAPES).with_drawing(np.zeros((28, 28)), label)


def test_a_drawing_that_is_not_a_picture_is_refused():
    c = new_collection("ours", "t", SHAPES)
    with pytest.raises(CollectionError, match="between 0 and 1"):
        c.with_drawing(np.full((28, 28), np.nan), 0)
    with pytest.raises(CollectionError, match="28 x 28"):
        c.with_drawing(np.zeros((14, 14)), 0)


def test_without_removes_exactly_one_drawing():
    c = filled([3, 2])
    d = c.without(1)
    assert d.n == 4 and c.n == 5
    keep = [0, 2, 3, 4]
    assert np.array_equal(d.images, c.images[keep])
    assert np.array_equal(d.labels, c.labels[keep])


@pytest.mark.parametrize("index", [5, -6])
def test_without_a_drawing_that_is_not_there_says_so(index):
    with pytest.raises(CollectionError, match="no drawing number"):
        filled([3, 2]).without(index)


def test_without_counts_from_the_end_like_a_list():
    c = filled([3, 2])
    assert np.array_equal(c.without(-1).labels, c.labels[:-1])


# --- what stops training ---------------------------------------------------------------


def test_problems_name_the_empty_classes_and_how_to_fix_it():
    problems = filled([5, 0, 0], names=SHAPES).problems()
    assert problems == ["No drawings yet of: square, triangle. Draw a few of each."]


def test_problems_name_the_classes_with_too_few_and_their_counts():
    problems = filled([5, 2, 4], names=SHAPES).problems()
    assert problems == [
        f"Too few drawings of: square (2), triangle (4). Draw at least {MIN_PER_CLASS} "
        "of every class, so some can be kept aside to test on."
    ]


def test_an_empty_collection_has_one_problem_naming_every_class():
    (problem,) = new_collection("ours", "t", SHAPES).problems()
    assert "circle, square, triangle" in problem


def test_both_problems_at_once_and_none_when_enough():
    assert len(filled([0, 1, 5]).problems()) == 2
    assert filled([5, 5, 7]).problems() == []
    assert filled([3, 3]).problems(min_per_class=3) == []


# --- the split ---------------------------------------------------------------------------


@pytest.mark.parametrize("counts", [[5, 5, 5], [2, 9, 40], [1, 2, 3, 20], [7, 1]])
def test_split_is_a_stratified_partition(counts):
    c = filled(counts, seed=3)
    learn, test = c.split()
    assert np.array_equal(np.sort(np.concatenate([learn, test])), np.arange(c.n))
    for k, n_k in enumerate(counts):
        in_test = int(np.sum(c.labels[test] == k))
        if n_k >= 2:
            assert in_test >= 1 and n_k - in_test >= 1, (k, n_k, in_test)
        else:
            assert in_test == 0  # a single drawing is kept to learn from


def test_split_is_the_same_every_time_and_depends_on_the_seed():
    c = filled([20, 20, 20])
    first, again = c.split(seed=4), c.split(seed=4)
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    other = c.split(seed=5)
    assert not np.array_equal(first[1], other[1])


def test_split_of_a_grown_collection_keeps_the_same_seeded_rule():
    """Rerunning the page (a new object, same drawings) gives the same split."""
    c = filled([6, 6])
    twin = Collection(c.name, c.title, c.class_names, c.images.copy(), c.labels.copy())
    assert np.array_equal(c.split()[1], twin.split()[1])


def test_about_a_fifth_of_a_big_class_is_held_out():
    c = filled([1000, 1000])
    learn, test = c.split()
    assert 0.15 < len(test) / c.n < 0.25, len(test)


def test_drawings_added_later_leave_the_old_ones_where_they_were():
    """A network trained before the class drew more is never tested on what it learned."""
    c = filled([50, 50, 50], seed=1)
    learn, test = c.split()
    grown = c
    extra = filled([20, 20, 20], seed=2)
    for image, label in zip(extra.images, extra.labels, strict=True):
        grown = grown.with_drawing(image, label)
    learn2, test2 = grown.split()
    assert np.array_equal(test2[test2 < c.n], test)
    assert np.array_equal(learn2[learn2 < c.n], learn)
    assert len(test2) > len(test)  # some of the new ones are held out too


def test_a_drawing_keeps_its_part_through_a_file():
    from nn_core.collectionfile import collection_from_bytes, collection_to_bytes

    c = filled([30, 30], seed=5)
    back = collection_from_bytes(collection_to_bytes(c), "again")
    assert all(np.array_equal(a, b) for a, b in zip(c.split(), back.split(), strict=True))


def test_to_dataset_is_a_read_only_flat_data_set():
    c = filled([6, 8, 10], names=SHAPES)
    ds = c.to_dataset()
    learn, test = c.split()
    assert ds.name == "ours" and ds.class_names == SHAPES and ds.source == "collection"
    assert ds.X_train.shape == (len(learn), 784) and ds.X_train.dtype == np.float32
    assert ds.X_test.shape == (len(test), 784) and ds.X_test.dtype == np.float32
    assert ds.y_train.dtype == np.int64 and ds.y_test.dtype == np.int64
    assert np.array_equal(ds.X_test, c.images[test].reshape(-1, 784))
    assert np.array_equal(ds.y_train, c.labels[learn])
    for a in (ds.X_train, ds.y_train, ds.X_test, ds.y_test):
        assert not a.flags.writeable
    assert ds.images("test").shape == (len(test), 28, 28)


def test_info_speaks_of_drawings():
    info = filled([5, 5], names=("cat", "dog")).info()
    assert (info.noun, info.plural, info.drawable) == ("drawing", "drawings", True)
    assert info.class_names == ("cat", "dog") and info.title == "Our shapes"


def test_digits_are_a_ten_class_collection():
    c = new_collection("mine", "My handwriting", DIGITS)
    assert c.class_names == tuple("0123456789")
