"""A collection's .npz file: what is saved comes back, and what a stranger forges is refused.

Students upload these files to a shared server, so every way a file can be wrong must
end in one CollectionError sentence, and the costly ones (a directory of 200,000 entries,
a header declaring billions of pixels) must be refused before they cost anything.
"""

from __future__ import annotations

import io
import pickle
import tracemalloc
import zipfile

import numpy as np
import pytest

from nn_core.collection import new_collection
from nn_core.collectionfile import MAX_DRAWINGS, collection_from_bytes, collection_to_bytes
from nn_core.errors import CollectionError
from tests.engine.test_collection import SHAPES, filled
from tests.engine.test_modelfile_bounds import many_entries
from tests.engine.test_modelfile_hostile import deflated, npy_header, raw_zip


def ours():
    return filled([6, 5, 7], seed=1, names=SHAPES)


def members(**changed) -> dict:
    """The arrays of a valid file, with some replaced (``None`` leaves one out)."""
    c = ours()
    parts = {
        "images": np.rint(c.images * 255).astype(np.uint8),  # (n, 28, 28)
        "labels": c.labels.astype(np.uint8),  # (n,)
        "class_names": np.array(c.class_names),  # (k,)
        "title": np.array(c.title),  # ()
    }
    parts.update(changed)
    return {k: v for k, v in parts.items() if v is not None}


def npz(**changed) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **members(**changed))
    return buffer.getvalue()


def refused(data: bytes, *fragments: str) -> str:
    """The CollectionError's sentence, checked to name the file and hold ``fragments``."""
    with pytest.raises(CollectionError) as caught:
        collection_from_bytes(data, "ours", "shapes.npz")
    message = str(caught.value)
    assert "shapes.npz" in message, message
    for fragment in fragments:
        assert fragment in message, message
    for word in ("model", "config", "layer"):  # the archive's words, said of collections here
        assert word not in message, message
    return message


# --- the round trip ---------------------------------------------------------------------


def test_a_saved_collection_comes_back_as_it_was():
    c = ours()
    back = collection_from_bytes(collection_to_bytes(c), "elsewhere")
    assert back.name == "elsewhere"  # the caller says where it lives
    assert (back.title, back.class_names) == (c.title, c.class_names)
    assert np.array_equal(back.labels, c.labels) and back.labels.dtype == np.int64
    assert back.images.dtype == np.float32
    assert np.abs(back.images - c.images).max() <= 0.5 / 255 + 1e-7  # stored as bytes
    assert np.array_equal(back.split()[1], c.split()[1])  # the same held-out drawings


def test_an_empty_collection_and_float_pixels_come_back_too():
    empty = new_collection("x", "Nothing yet", ("a", "b"))
    assert collection_from_bytes(collection_to_bytes(empty), "x").n == 0
    floats = ours().images.astype(np.float64)
    back = collection_from_bytes(npz(images=floats), "x")
    assert np.allclose(back.images, floats)


def test_the_file_is_plain_numpy():
    with np.load(io.BytesIO(collection_to_bytes(ours())), allow_pickle=False) as f:
        assert f["images"].dtype == np.uint8 and f["images"].shape == (18, 28, 28)
        assert f["class_names"].tolist() == list(SHAPES)


# --- files that are not collections --------------------------------------------------------


def test_not_a_zip():
    refused(b"hello, I am a text file", "not a collection", ".npz")
    refused(b"", "not a collection")


def test_a_pickle_is_never_unpickled():
    data = pickle.dumps({"images": np.zeros((1, 28, 28))})
    refused(data, "not a collection")


def test_a_pickled_member_inside_the_zip_is_refused():
    objects = np.array([{"evil": 1}, None], dtype=object)
    buffer = io.BytesIO()
    np.savez(buffer, **members(class_names=objects))
    refused(buffer.getvalue(), "class_names")


@pytest.mark.parametrize("missing", ["images", "labels", "class_names", "title"])
def test_a_missing_member_is_named(missing):
    refused(npz(**{missing: None}), f"has no {missing}", "is it a collection?")


def test_a_damaged_archive():
    data = collection_to_bytes(ours())
    refused(data[: len(data) // 2], "damaged or truncated")


# --- wrong shapes, types and values ----------------------------------------------------------


@pytest.mark.parametrize(
    "changed, fragment",
    [
        ({"images": np.zeros((18, 28, 27), np.uint8)}, "'images' is uint8 of shape (18, 28, 27)"),
        ({"images": np.zeros((17, 28, 28), np.uint8)}, "(17, 28, 28)"),
        ({"images": np.zeros((18, 784), np.uint8)}, "(18, 784)"),
        ({"images": np.zeros((18, 28, 28), np.complex64)}, "complex64"),
        ({"images": np.zeros((18, 28, 28), np.uint16)}, "bytes 0..255 or floats 0..1"),
        ({"labels": np.zeros((18, 1), np.uint8)}, "'labels' is uint8 of shape (18, 1)"),
        ({"labels": np.zeros(18, np.float32)}, "'labels' is float32"),
        ({"labels": np.zeros(18, bool)}, "'labels' is bool"),
        ({"class_names": np.array([1, 2])}, "'class_names' should be short text"),
        ({"class_names": np.array([["a", "b"]])}, "'class_names' should be short text"),
        ({"title": np.array(["a", "b"])}, "'title' should be short text"),
    ],
)
def test_wrong_shapes_and_types_are_named(changed, fragment):
    refused(npz(**changed), fragment)


@pytest.mark.parametrize("bad", [-0.01, 1.5, np.nan, np.inf])
def test_float_pixels_must_be_between_0_and_1(bad):
    images = ours().images.copy()
    images[3, 10, 10] = bad
    refused(npz(images=images), "float images must hold values between 0 and 1")


@pytest.mark.parametrize("labels", [[3], [-1], [255]])
def test_labels_outside_the_classes(labels):
    y = ours().labels.astype(np.int64)
    y[: len(labels)] = labels
    refused(npz(labels=y), "labels outside the classes 0..2")


@pytest.mark.parametrize("k", [0, 1, 11, 50])
def test_one_or_eleven_classes_are_not_a_collection(k):
    names = np.array([f"c{i}" for i in range(k)], dtype="<U4")
    refused(npz(class_names=names, labels=np.zeros(18, np.uint8)), f"has {k} classes")


@pytest.mark.parametrize(
    "names, fragment",
    [
        (["circle", "x" * 25, "t"], "at most 24 characters"),
        (["circle", "x" * 2000, "t"], "at most 24 characters"),
        (["circle", "a\x00b", "t"], "control characters"),
        (["circle", "bell\x07", "t"], "control characters"),
        (["circle", "circle", "t"], "same name"),
        (["circle", "  ", "t"], "needs a name"),
    ],
)
def test_class_names_are_judged_as_typed_ones_are(names, fragment):
    refused(npz(class_names=np.array(names)), fragment)


def test_a_title_too_long_or_with_control_characters():
    refused(npz(title=np.array("t" * 41)), "at most 40 characters")
    refused(npz(title=np.array("line\nbreak\x1b[31m")), "control characters")


def test_more_than_max_drawings():
    n = MAX_DRAWINGS + 1
    big = npz(images=np.zeros((n, 28, 28), np.uint8), labels=np.zeros(n, np.uint8))
    refused(big, f"{n:,} drawings", f"at most {MAX_DRAWINGS:,}")
    n = MAX_DRAWINGS
    ok = npz(images=np.zeros((n, 28, 28), np.uint8), labels=np.zeros(n, np.uint8))
    assert collection_from_bytes(ok, "x").n == MAX_DRAWINGS


# --- hostile files: refused before they cost ---------------------------------------------------


def test_200000_entries_are_refused_before_the_directory_is_parsed(parsed_records):
    refused(
        many_entries(200_000),
        "the archive lists 200,000 entries; a collection file has 4 (images, labels, ",
    )
    assert parsed_records == []  # not one record of the directory was parsed


def test_an_understated_count_is_caught_by_the_directory_size(parsed_records):
    refused(many_entries(5_000, claimed=4), "directory takes 260,000 bytes")
    assert parsed_records == []


def hostile(**headers) -> bytes:
    """A file whose named members are bare .npy headers (no data); the rest are valid."""
    parts = {}
    for key, value in members().items():
        buffer = io.BytesIO()
        np.save(buffer, value)
        parts[f"{key}.npy"] = deflated(buffer.getvalue())
    for key, (shape, dtype) in headers.items():
        parts[f"{key}.npy"] = deflated(npy_header(shape, dtype) + bytes(64))
    return raw_zip(parts)


@pytest.mark.parametrize(
    "headers, fragment",
    [
        ({"labels": ((10**12,), np.uint8)}, "1,000,000,000,000 drawings"),
        ({"images": ((10**9, 28, 28), np.float32)}, "(1000000000, 28, 28)"),
        ({"images": ((18, 28, 28), np.float64), "labels": ((18,), np.uint8)}, "bytes"),
        ({"class_names": ((10**12,), "<U24")}, "1000000000000 classes"),
        ({"class_names": ((3,), "<U100000000")}, "100,000,000 characters long"),
    ],
)
def test_a_header_declaring_a_huge_member_is_refused_before_allocation(headers, fragment):
    """tracemalloc counts what NumPy and zipfile allocate: memory, not time."""
    data = hostile(**headers)
    tracemalloc.start()
    try:
        refused(data, fragment)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50e6, f"peak traced allocation {peak / 1e6:.0f} MB"


def test_the_hostile_files_are_what_they_claim():
    data = hostile(labels=((10**12,), np.uint8))
    with zipfile.ZipFile(io.BytesIO(data)) as zf, zf.open("labels.npy") as f:
        assert np.lib.format.read_magic(f) == (1, 0)
        assert np.lib.format.read_array_header_1_0(f)[0] == (10**12,)
