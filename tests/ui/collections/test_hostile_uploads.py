"""A collection file from a stranger: each way it can be wrong gives one clear sentence
on the page (``st.error``), nothing crashes, nothing is added, and the file's name is
shown as text."""

from __future__ import annotations

import io

import numpy as np
import pytest

from tests.support.apptest import open_page
from ui import text
from ui.draw import keys
from ui.draw.collect import COLLECT
from ui.state import K

pytestmark = pytest.mark.usefixtures("bundled_sample_only")


def npz(**members) -> bytes:
    parts = {
        "images": np.zeros((4, 28, 28), np.uint8),
        "labels": np.array([0, 1, 0, 1], np.uint8),
        "class_names": np.array(["circle", "square"]),
        "title": np.array("Shapes"),
    }
    parts.update(members)
    buffer = io.BytesIO()
    np.savez(buffer, **parts)
    return buffer.getvalue()


HOSTILE = {
    "not a zip": (b"just some text, not a file of drawings", "is not a collection"),
    "wrong shapes": (npz(images=np.zeros((4, 32, 32), np.uint8)), "images are (n, 28, 28)"),
    "label out of range": (npz(labels=np.array([0, 1, 7, 1], np.uint8)), "labels outside"),
    "11 classes": (npz(class_names=np.array([f"c{i}" for i in range(11)])), "11 classes"),
    "markup in a class name": (
        npz(class_names=np.array(["<b>circle</b>", "$x$"])),
        "a class name may hold letters, digits, spaces",
    ),
    "control characters": (
        npz(class_names=np.array(["circle", "squ\x1bare"])),
        "control characters",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_file_gives_one_clear_message(case):
    data, words = HOSTILE[case]
    name = "[evil](http://x.test)*.npz"
    at = open_page("draw", {keys.MODE: COLLECT})
    at.file_uploader(key=keys.UPLOAD).set_value((name, data, "application/octet-stream"))
    at.run()
    assert not at.exception, at.exception
    (error,) = at.error
    assert text.md(words, text.MESSAGE) in error.value, error.value
    assert text.md(name) in error.value  # the file's name, as text: no link made of it
    assert at.session_state[K.COLLECTIONS].items == []
