"""Reading a ``.npz`` archive one member at a time, each header checked before its data.

A ``.npz`` file is a zip archive of ``.npy`` members, and every member starts with a
small header declaring its shape and dtype. ``np.load`` allocates whatever a header
declares before reading a byte of the data, so a 3 MB file declaring 784 x 1,000,000
floats asks for 3 GB. An :class:`Archive` hands out the header first
(:meth:`Archive.header`), lets the caller judge it against what it needs, and only then
reads the data (:meth:`Archive.read`): exactly as many bytes as the header promises.

This module knows nothing about models: ``nn_core.modelfile`` decides which members a
model file must hold, and ``nn_core.jsonbound`` how its text members are bounded.
"""

from __future__ import annotations

import math
import zipfile
from dataclasses import dataclass

import numpy as np
from numpy.lib import format as npformat

from nn_core.errors import ModelFileError


@dataclass(frozen=True)
class Header:
    """What a ``.npy`` member says about itself, read before any of its data."""

    shape: tuple[int, ...]
    fortran: bool
    dtype: np.dtype
    offset: int  # bytes of magic + header before the data

    @property
    def nbytes(self) -> int:
        return math.prod(self.shape) * self.dtype.itemsize  # Python int: no overflow


class Archive:
    """The members of an open ``.npz`` zip, read one header at a time.

    ``name`` is how the file is called in error messages (a path, or "the uploaded
    file"); ``members`` maps each member's name without ``.npy`` to its zip entry.
    """

    def __init__(self, zf: zipfile.ZipFile, name: str):
        self.zf, self.name = zf, name
        self.members = {info.filename.removesuffix(".npy"): info for info in zf.infolist()}

    def fail(self, message: str) -> ModelFileError:
        """The error to raise about this file: its name, then what is wrong."""
        return ModelFileError(f"{self.name}: {message}")

    def header(self, key: str) -> Header:
        """The member's header, refused if it could only be read through a pickle."""
        with self.zf.open(self.members[key]) as f:
            version = npformat.read_magic(f)
            if version not in ((1, 0), (2, 0)):
                raise self.fail(f"'{key}' uses .npy format version {version}, not 1.0 or 2.0")
            read = (
                npformat.read_array_header_1_0
                if version == (1, 0)
                else npformat.read_array_header_2_0
            )
            shape, fortran, dtype = read(f)
            header = Header(tuple(shape), bool(fortran), dtype, f.tell())
        if dtype.hasobject:
            raise self.fail(
                f"'{key}' holds Python objects (a pickle), which cannot be loaded safely"
            )
        return header

    def read(self, key: str, header: Header) -> np.ndarray:
        """The member's data; its size in the zip directory must match its header."""
        info = self.members[key]
        if info.file_size != header.offset + header.nbytes:
            raise self.fail(
                f"'{key}' holds {info.file_size:,} bytes but its header promises "
                f"{header.offset + header.nbytes:,}; the file is damaged or forged"
            )
        with self.zf.open(info) as f:
            f.read(header.offset)
            data = f.read(header.nbytes)
        if len(data) != header.nbytes:
            raise self.fail(f"'{key}' is damaged or truncated")
        flat = np.frombuffer(data, dtype=header.dtype)  # (n,) a view, no copy
        return flat.reshape(header.shape, order="F" if header.fortran else "C")  # header.shape
