"""Model files, tightened: weights finite in the model's precision, and a zip directory
judged before it is parsed.

A float64 weight of 1e300 is a finite number in the file and infinity in the float32
network, so the check comes after the cast. A zip of 200,000 empty entries is a 10 MB
upload that costs seconds of CPU in zipfile's directory parser before a single name can
be checked, so the end record's count and size are judged first. The counts here are of
the records zipfile parses (``zipfile.ZipInfo`` objects made), not of seconds: the verdict
is the same on a laptop and on a loaded server.
"""

from __future__ import annotations

import io
import struct
import zipfile

import numpy as np
import pytest

from nn_core import MLP, ModelFileError
from nn_core.modelfile import MAX_MEMBERS, members_needed, read_config
from tests.engine.helpers import assert_model_file_error, parts, spoiled

# ---------------------------------------------------------------- finite after the cast


@pytest.mark.parametrize("big", [1e300, -1e39])
def test_float64_weights_beyond_float32_are_refused_with_the_reason(big):
    W1 = parts()["W1"].astype(np.float64)
    W1[2, 3] = big
    error = assert_model_file_error(spoiled(W1=W1), "'W1' holds values as large as")
    assert str(error).endswith(
        f"'W1' holds values as large as {abs(big):.3g}, beyond what float32 can hold "
        "(about 3.4e+38); they would load as infinity"
    )


def test_float64_weights_within_float32_still_load():
    W1 = parts()["W1"].astype(np.float64)
    W1[2, 3] = 1e38
    model = MLP.load(spoiled(W1=W1))
    assert model.dense[1].W.dtype == np.float32 and np.isfinite(model.dense[1].W).all()


# ---------------------------------------------------------------- the zip's directory


def many_entries(n: int, claimed: int | None = None) -> bytes:
    """A zip of ``n`` empty stored entries (zip64 end records beyond 65,535 of them);
    its end record says ``claimed`` entries (default: the truth)."""
    claimed = n if claimed is None else claimed
    local, central, offset = [], [], 0
    for i in range(n):
        name = b"%06d" % i
        local.append(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0x21, 0, 0, 0, 6, 0))
        local.append(name)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                *(0x02014B50, 20, 20, 0, 0, 0, 0x21, 0, 0, 0, 6, 0, 0, 0, 0, 0, offset),
            )
        )
        central.append(name)
        offset += 30 + 6
    body, directory = b"".join(local), b"".join(central)
    tail = b""
    if claimed > 0xFFFF:
        zip64_at = len(body) + len(directory)
        tail += struct.pack(
            "<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, claimed, claimed, len(directory), len(body)
        )
        tail += struct.pack("<IIQI", 0x07064B50, 0, zip64_at, 1)
    count = min(claimed, 0xFFFF)
    tail += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), len(body), 0)
    return body + directory + tail


@pytest.fixture(scope="module")
def two_hundred_thousand() -> bytes:
    data = many_entries(200_000)
    return data


def test_the_fixture_is_an_honest_zip_of_200000_entries(two_hundred_thousand):
    assert len(zipfile.ZipFile(io.BytesIO(many_entries(70_000))).filelist) == 70_000
    assert len(two_hundred_thousand) == 200_000 * (36 + 52) + 98


def test_200000_entries_are_refused_before_the_directory_is_parsed(
    two_hundred_thousand, parsed_records
):
    assert_model_file_error(
        two_hundred_thousand,
        "the archive lists 200,000 entries; a model file accepted here has at most "
        f"{MAX_MEMBERS} (format, config and meta, and two per layer)",
    )
    with pytest.raises(ModelFileError, match="200,000 entries"):
        read_config(two_hundred_thousand)
    assert parsed_records == []  # not one record of the directory was parsed


def test_an_end_record_that_understates_the_count_is_judged_by_the_directory_size(
    parsed_records,
):
    """zipfile walks the directory by its size, whatever count the end record gives."""
    data = many_entries(5_000, claimed=5)
    assert_model_file_error(data, "the archive's directory takes 260,000 bytes")
    assert parsed_records == []


def test_a_few_extra_entries_within_the_size_are_counted_once_parsed(parsed_records):
    data = many_entries(30, claimed=7)  # 1,560 bytes of directory: within 11 x 256
    with pytest.raises(ModelFileError, match="the archive holds 30 entries; .* at most 11 "):
        MLP.load(data, max_members=11)
    assert len(parsed_records) == 30


def test_the_bound_is_the_servers_choice():
    """A model needs three text entries and two per Dense layer; the caller says how deep."""
    buffer = io.BytesIO()
    MLP((784, 8, 8, 10), seed=0).save(buffer)
    file = buffer.getvalue()
    assert members_needed(3) == 9
    assert MLP.load(file, max_members=9).config.sizes == (784, 8, 8, 10)
    with pytest.raises(ModelFileError, match="the archive lists 9 entries"):
        MLP.load(file, max_members=8)
