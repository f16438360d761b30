"""IDX reading: good files load exactly, every kind of broken file gives a clear DataError."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from nn_core.errors import DataError, DataUnavailableError
from nn_core.idx import parse_idx, read_idx, read_idx_images, read_idx_labels


def idx_images(
    n: int = 3, rows: int = 28, cols: int = 28, seed: int = 0
) -> tuple[bytes, np.ndarray]:
    """A valid IDX images file (bytes) and the array it holds."""
    pixels = np.random.default_rng(seed).integers(0, 256, (n, rows, cols), dtype=np.uint8)
    return struct.pack(">IIII", 0x803, n, rows, cols) + pixels.tobytes(), pixels


def idx_labels(n: int = 3, seed: int = 0) -> tuple[bytes, np.ndarray]:
    """A valid IDX labels file (bytes) and the array it holds."""
    labels = np.random.default_rng(seed).integers(0, 10, n, dtype=np.uint8)
    return struct.pack(">II", 0x801, n) + labels.tobytes(), labels


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gzip"])
def test_images_round_trip(tmp_path, compress):
    data, pixels = idx_images(5)
    path = tmp_path / "images"
    path.write_bytes(gzip.compress(data) if compress else data)
    got = read_idx_images(path)
    assert got.dtype == np.uint8 and got.shape == (5, 28, 28)
    np.testing.assert_array_equal(got, pixels)


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gzip"])
def test_labels_round_trip(tmp_path, compress):
    data, labels = idx_labels(7)
    path = tmp_path / "labels"
    path.write_bytes(gzip.compress(data) if compress else data)
    got = read_idx_labels(path)
    assert got.dtype == np.uint8 and got.shape == (7,)
    np.testing.assert_array_equal(got, labels)


def test_compression_is_detected_by_content_not_name(tmp_path):
    data, pixels = idx_images(2)
    misnamed_gz = tmp_path / "looks-raw-idx3-ubyte"
    misnamed_gz.write_bytes(gzip.compress(data))
    misnamed_raw = tmp_path / "looks-compressed-idx3-ubyte.gz"
    misnamed_raw.write_bytes(data)
    np.testing.assert_array_equal(read_idx(misnamed_gz, "images"), pixels)
    np.testing.assert_array_equal(read_idx(misnamed_raw, "images"), pixels)


def test_multi_member_gzip(tmp_path):
    data, labels = idx_labels(10)
    path = tmp_path / "labels.gz"
    path.write_bytes(gzip.compress(data[:7]) + gzip.compress(data[7:]))
    np.testing.assert_array_equal(read_idx_labels(path), labels)


def _images() -> bytes:
    return idx_images(3)[0]


def _labels() -> bytes:
    return idx_labels(3)[0]


BROKEN = {
    "empty": (lambda: b"", "images", "empty"),
    "truncated payload": (lambda: _images()[:-100], "images", "truncated"),
    "truncated header": (lambda: _images()[:10], "images", "truncated"),
    "three bytes": (lambda: b"\x00\x00\x08", "labels", "too short"),
    "truncated gzip": (lambda: gzip.compress(_images())[:-30], "images", "truncated"),
    "gzip bad crc": (
        lambda: (lambda z: z[:-8] + bytes(b ^ 0xFF for b in z[-8:-4]) + z[-4:])(
            gzip.compress(_images())
        ),
        "images",
        "corrupt gzip",
    ),
    "png": (lambda: b"\x89PNG\r\n\x1a\n" + bytes(200), "images", "PNG"),
    "text": (lambda: b"60000 images, trust me\n", "images", "text file"),
    "html error page": (lambda: b"<!DOCTYPE html><html>404 Not Found</html>", "labels", "HTML"),
    "wrong magic": (lambda: struct.pack(">II", 0x12345678, 3) + bytes(3), "labels", "magic number"),
    "value type not ubyte": (
        lambda: struct.pack(">II", 0x0D01, 3) + bytes(12),
        "labels",
        "value type",
    ),
    "labels read as images": (_labels, "images", "holds labels"),
    "images read as labels": (_images, "labels", "holds images"),
    "wrong image size": (lambda: idx_images(2, 32, 32)[0], "images", "32x32"),
    "zero images": (lambda: struct.pack(">IIII", 0x803, 0, 28, 28), "images", "0 images"),
    "extra bytes": (lambda: _labels() + b"\x00\x01", "labels", "unexpected bytes"),
    "too few labels": (lambda: struct.pack(">II", 0x801, 5) + bytes(3), "labels", "truncated"),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
@pytest.mark.parametrize("name", ["broken-idx-file", "broken-idx-file.gz"])
def test_broken_files_raise_data_error_naming_the_file(tmp_path, case, name):
    make, kind, problem = BROKEN[case]
    path = tmp_path / name
    path.write_bytes(make())
    with pytest.raises(DataError) as info:
        read_idx(path, kind)
    message = str(info.value)
    assert str(path) in message
    assert problem.lower() in message.lower()


def test_missing_file_raises_data_error(tmp_path):
    path = tmp_path / "nowhere-idx1-ubyte.gz"
    with pytest.raises(DataError, match="nowhere-idx1-ubyte.gz"):
        read_idx_labels(path)


def test_parse_idx_returns_view_of_given_bytes():
    data, labels = idx_labels(4)
    got = parse_idx(data, "labels", "memory")
    np.testing.assert_array_equal(got, labels)
    assert not got.flags.writeable


def test_parse_idx_rejects_unknown_kind():
    with pytest.raises(ValueError, match="kind"):
        parse_idx(_labels(), "pictures")


def test_error_hierarchy():
    assert issubclass(DataError, ValueError)
    assert issubclass(DataUnavailableError, DataError)
