"""The tab's collections: fresh stable names, limits with a reason, a digest that follows
the content."""

from __future__ import annotations

import numpy as np
import pytest

from nn_core.errors import CollectionError
from ui.collections import mine
from ui.collections.mine import MAX_COLLECTIONS, MAX_DRAWINGS, MyCollections


def test_a_new_collection_gets_a_fresh_name_that_stays_while_it_grows():
    held = MyCollections()
    made = held.create("Shapes", ["circle", "square"])
    assert made.name.startswith("mine-") and len(made.name) == len("mine-") + 8
    held.replace(made.with_drawing(np.ones((28, 28)), 1))
    assert [c.name for c in held.items] == [made.name] and held.find(made.name).n == 1
    assert held.create("More", ["a", "b"]).name != made.name


def test_at_most_so_many_collections():
    held = MyCollections()
    for i in range(MAX_COLLECTIONS):
        held.create(f"c{i}", ["a", "b"])
    with pytest.raises(CollectionError, match="download one"):
        held.create("one more", ["a", "b"])


def test_at_most_so_many_drawings():
    held = MyCollections()
    c = held.create("Full", ["a", "b"])
    images = np.zeros((MAX_DRAWINGS, 28, 28), np.float32)
    full = type(c)(c.name, c.title, c.class_names, images, np.zeros(MAX_DRAWINGS, np.int64))
    held.replace(full)
    with pytest.raises(CollectionError, match=f"at most {MAX_DRAWINGS}"):
        held.replace(full.with_drawing(np.zeros((28, 28)), 0))


def test_the_digest_follows_every_drawing_not_only_the_count():
    c = MyCollections().create("Shapes", ["circle", "square"])
    a = c.with_drawing(np.zeros((28, 28)), 0)
    b = c.with_drawing(np.eye(28), 0)  # same size, another drawing
    assert len({mine.digest(c), mine.digest(a), mine.digest(b)}) == 3
    assert mine.digest(b) == mine.digest(c.with_drawing(np.eye(28), 0))


def test_a_grown_collection_is_published_again_for_the_workers(tmp_path):
    """The workers read a collection from files named after its content: a drawing
    swapped for another (the same sizes) is new content, published anew."""
    from server.shared_data import fingerprint, publish

    c = MyCollections().create("Shapes", ["circle", "square"])
    for k in range(10):
        c = c.with_drawing(np.full((28, 28), k / 10), k % 2)
    swapped = c.without(c.n - 1).with_drawing(np.eye(28), 1)
    before, after = c.to_dataset(), swapped.to_dataset()
    assert (before.n_train, before.n_test) == (after.n_train, after.n_test)
    assert fingerprint(before) != fingerprint(after)
    assert publish(before, tmp_path).paths != publish(after, tmp_path).paths
