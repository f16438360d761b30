"""Draw's Collect mode in AppTest: make a collection, add drawings, take one back, keep
it as a file and load it again; a hostile file gives one clear sentence.

AppTest cannot draw on the canvas: each drawing is put where the page reads an injected
one (``ui.draw.keys.RESULT``), as Draw's own page tests do.
"""

from __future__ import annotations

import numpy as np
import pytest

from nn_core.collectionfile import collection_to_bytes
from tests.support.apptest import open_page
from tests.support.shapes import SHAPES, draw_and_add, shapes_collection
from ui import text
from ui.collections.mine import MyCollections
from ui.draw import keys
from ui.draw.collect import COLLECT
from ui.draw.collect_files import OWN_KIND
from ui.state import K

pytestmark = pytest.mark.usefixtures("bundled_sample_only")


def collect_page(state=None):
    return open_page("draw", {keys.MODE: COLLECT, **(state or {})})


def create(at, names="circle, square, triangle", title="Our shapes"):
    at.radio(key=keys.NEW_KIND).set_value(OWN_KIND)
    at.text_input(key=keys.NEW_NAMES).input(names)
    at.text_input(key=keys.NEW_TITLE).input(title)
    at.button(key=keys.CREATE).click().run()
    assert not at.exception, at.exception


def md(words: str) -> str:
    """How a sentence holding typed names reads in the page's Markdown (``ui.text``)."""
    return text.md(words, text.MESSAGE)


def mine(at) -> MyCollections:
    return at.session_state[K.COLLECTIONS]


def counts_shown(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_collect_mode_adds_drawings_and_counts_them():
    at = collect_page()
    create(at)
    (made,) = mine(at).items
    assert made.class_names == SHAPES and made.title == "Our shapes" and made.n == 0
    rng = np.random.default_rng(0)
    for label in (0, 0, 1):
        draw_and_add(at, label, rng)
    (grown,) = mine(at).items
    assert grown.name == made.name  # the data-set name stays while it grows
    assert grown.labels.tolist() == [0, 0, 1]
    assert counts_shown(at) == {"circle": "2", "square": "1", "triangle": "0"}
    assert any(md("No drawings yet of: triangle") in i.value for i in at.info)
    assert at.session_state[keys.RESULT] is None  # a fresh canvas for the next drawing
    assert at.get("download_button")[0].proto.label == "Download this collection (.npz)"


@pytest.mark.parametrize(
    ("names", "words"),
    [
        ("circle", "a collection has 2 to 10 classes, not 1"),
        (", ".join(f"c{i}" for i in range(11)), "a collection has 2 to 10 classes, not 11"),
        ("circle, circle", "two classes have the same name"),
        ("circle, <b>square</b>", "a class name may hold letters, digits, spaces"),
    ],
)
def test_typed_classes_that_cannot_be_a_collection_say_why(names, words):
    at = collect_page()
    create(at, names=names)
    (error,) = at.error
    assert md(words) in error.value
    assert mine(at).items == []


def test_remove_last_takes_back_the_newest_drawing_only():
    at = collect_page()
    create(at)
    rng = np.random.default_rng(1)
    for label in (2, 0):
        draw_and_add(at, label, rng)
    first = mine(at).items[0].images[0].copy()
    at.button(key=keys.UNDO).click().run()
    (left,) = mine(at).items
    assert left.labels.tolist() == [2] and np.array_equal(left.images[0], first)
    at.button(key=keys.UNDO).click().run()
    assert mine(at).items[0].n == 0 and at.button(key=keys.UNDO).disabled


def upload(at, name: str, data: bytes):
    at.file_uploader(key=keys.UPLOAD).set_value((name, data, "application/octet-stream"))
    at.run()
    assert not at.exception, at.exception


def test_a_downloaded_collection_uploads_again_as_it_was():
    """The bytes the download button serves (``collection_to_bytes`` of the collection on
    screen) load into a new collection with the same drawings, classes and title."""
    kept = shapes_collection(per_class=6, seed=2)
    at = collect_page({K.COLLECTIONS: MyCollections([kept])})
    assert at.get("download_button")  # offered for this collection
    upload(at, "our shapes.npz", collection_to_bytes(kept))
    first, loaded = mine(at).items
    assert loaded.name != first.name and loaded.name.startswith("mine-")
    assert (loaded.title, loaded.class_names) == (kept.title, kept.class_names)
    assert np.array_equal(loaded.labels, kept.labels)
    assert np.abs(loaded.images - kept.images).max() <= 0.501 / 255  # stored as bytes
    assert at.selectbox(key=keys.COLLECTION).value == loaded.name  # now drawn into
    assert [s.value for s in at.success] == [
        md(f"Loaded “Our shapes” from “our shapes.npz”: {kept.n} drawings.")
    ]
