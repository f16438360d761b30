"""Reading IDX files, the simple binary format MNIST and Fashion-MNIST come in.

An IDX file is a tiny header followed by raw bytes::

    magic number   4 bytes, big-endian: 0x00 0x00, a type code, the number of dimensions
    dimensions     4 bytes each, big-endian (e.g. 60000, 28, 28)
    data           one byte per value (type code 0x08 = unsigned byte)

Images have magic ``0x00000803`` (three dimensions: count, rows, columns) and labels
``0x00000801`` (one dimension: count). The files are usually gzip-compressed; we
recognise that from the first two bytes (``1f 8b``), not from the file name, because
files get renamed and re-compressed all the time.

We check everything we can (magic number, type code, dimensions, exact length) so
that a truncated download or a wrong file fails loudly here, with a message naming
the file, instead of producing a network that mysteriously learns nothing.
Speed comes from doing the work in C: one ``zlib`` call for the whole file and
``np.frombuffer`` to view the bytes as an array, without any Python loop.
"""

from __future__ import annotations

import gzip
import struct
import zlib
from pathlib import Path

import numpy as np

from nn_core.errors import DataError

__all__ = [
    "GZIP_MAGIC",
    "IMAGES_MAGIC",
    "LABELS_MAGIC",
    "decompress_if_gzip",
    "parse_idx",
    "read_idx",
    "read_idx_bytes",
    "read_idx_images",
    "read_idx_labels",
]

GZIP_MAGIC = b"\x1f\x8b"
IMAGES_MAGIC = 0x00000803
LABELS_MAGIC = 0x00000801
_UBYTE = 0x08
_MAGIC_FOR_KIND = {"images": IMAGES_MAGIC, "labels": LABELS_MAGIC}
_KIND_FOR_MAGIC = {IMAGES_MAGIC: "images", LABELS_MAGIC: "labels"}
_FOREIGN_SIGNATURES = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive",
    b"%PDF": "a PDF document",
    b"<!DOCTYPE": "an HTML page",
    b"<html": "an HTML page",
    b"<?xml": "an XML document",
    b"BZh": "a bzip2 archive",
    b"\xfd7zXZ": "an xz archive",
}


def read_idx_bytes(path: str | Path) -> bytes:
    """Return the decompressed bytes of the IDX file at ``path`` (gzip or raw)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    return decompress_if_gzip(raw, str(path))


def decompress_if_gzip(raw: bytes, source: str = "<bytes>") -> bytes:
    """Decompress ``raw`` if it starts with the gzip magic bytes, else return it unchanged.

    zlib checks the gzip trailer (CRC-32 and length) for us, so a corrupted or
    truncated archive is caught here. ``source`` only names the file in messages.
    """
    if not raw.startswith(GZIP_MAGIC):
        return raw
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(raw)
    except zlib.error as exc:
        raise DataError(f"{source}: corrupt gzip data ({exc})") from exc
    if not inflater.eof:
        raise DataError(f"{source}: truncated: the gzip stream ends early (incomplete download?)")
    if inflater.unused_data.lstrip(b"\x00").startswith(GZIP_MAGIC):
        return _decompress_members(raw, source)
    return data


def _decompress_members(raw: bytes, source: str) -> bytes:
    """Rare case: a gzip file made of several members, which the stdlib joins for us."""
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(f"{source}: corrupt gzip data ({exc})") from exc


def parse_idx(data: bytes, kind: str, source: str = "<bytes>") -> np.ndarray:
    """Check the IDX header in ``data`` and return the values as a read-only uint8 array.

    ``kind`` is ``"images"`` (result shape ``(n, rows, cols)``) or ``"labels"``
    (shape ``(n,)``). The array is a view on ``data``, so nothing is copied.
    """
    if kind not in _MAGIC_FOR_KIND:
        raise ValueError(f"kind must be 'images' or 'labels', not {kind!r}")
    _check_magic(data, kind, source)
    ndim = data[3]
    header_len = 4 + 4 * ndim
    if len(data) < header_len:
        raise DataError(f"{source}: truncated: the file ends inside the IDX header")
    dims = struct.unpack(f">{ndim}I", data[4:header_len])
    _check_dims(dims, kind, source)
    _check_length(len(data) - header_len, dims, kind, source)
    return np.frombuffer(data, dtype=np.uint8, offset=header_len).reshape(dims)


def _check_magic(data: bytes, kind: str, source: str) -> None:
    """Make sure the file is an IDX file of unsigned bytes holding ``kind``."""
    if not data:
        raise DataError(f"{source}: the file is empty (0 bytes)")
    foreign = _describe_foreign(data[:64])
    if len(data) < 4 and not foreign:
        raise DataError(f"{source}: truncated: only {len(data)} bytes, too short for an IDX file")
    magic = int.from_bytes(data[:4], "big")
    expected = _MAGIC_FOR_KIND[kind]
    if magic == expected:
        return
    if magic in _KIND_FOR_MAGIC and len(data) >= 4:
        raise DataError(
            f"{source}: wrong kind of IDX file: it holds {_KIND_FOR_MAGIC[magic]} "
            f"(magic 0x{magic:08x}) but {kind} (magic 0x{expected:08x}) were expected"
        )
    if foreign:
        raise DataError(f"{source}: not an IDX file: it looks like {foreign}")
    if data[:2] == b"\x00\x00" and data[2] != _UBYTE:
        raise DataError(
            f"{source}: unsupported IDX value type 0x{data[2]:02x}: only unsigned bytes (0x08)"
        )
    raise DataError(
        f"{source}: not an IDX {kind} file: magic number 0x{magic:08x}, expected 0x{expected:08x}"
    )


def _describe_foreign(head: bytes) -> str:
    """Name the kind of file ``head`` (its first bytes) belongs to, or return ``""``."""
    stripped = head.lstrip()
    for signature, what in _FOREIGN_SIGNATURES.items():
        if stripped.startswith(signature):
            return what
    if head.isascii() and all(c >= 32 or c in b"\t\r\n" for c in head):
        return "a text file"
    return ""


def _check_dims(dims: tuple[int, ...], kind: str, source: str) -> None:
    """Images must be a non-empty stack of 28x28 pictures; labels a non-empty list."""
    if dims[0] == 0:
        raise DataError(f"{source}: the file holds 0 {kind}")
    if kind == "images" and dims[1:] != (28, 28):
        size = "x".join(str(d) for d in dims[1:])
        raise DataError(f"{source}: wrong image size {size}: 28x28 pixels expected")


def _check_length(payload: int, dims: tuple[int, ...], kind: str, source: str) -> None:
    """The bytes after the header must be exactly what the dimensions promise."""
    expected = int(np.prod(dims, dtype=np.int64))
    if payload < expected:
        raise DataError(
            f"{source}: truncated: the header promises {expected:,} bytes of {kind} "
            f"but only {payload:,} follow (incomplete download?)"
        )
    if payload > expected:
        raise DataError(
            f"{source}: {payload - expected:,} unexpected bytes after the {expected:,} "
            f"bytes of {kind} the header promises"
        )


def read_idx(path: str | Path, kind: str) -> np.ndarray:
    """Read an IDX file of ``kind`` ``"images"`` or ``"labels"`` (see :func:`parse_idx`)."""
    return parse_idx(read_idx_bytes(path), kind, str(path))


def read_idx_images(path: str | Path) -> np.ndarray:
    """Read an IDX images file: ``(n, 28, 28)`` uint8, values 0 (paper) to 255 (ink)."""
    return read_idx(path, "images")


def read_idx_labels(path: str | Path) -> np.ndarray:
    """Read an IDX labels file: ``(n,)`` uint8 class numbers."""
    return read_idx(path, "labels")
