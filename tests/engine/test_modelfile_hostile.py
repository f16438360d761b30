"""Hostile model files: made to cost a shared server memory or time, refused cheaply.

A zip bomb, a header declaring a quadrillion floats, JSON nested two hundred thousand
deep or a string that never ends: the server reads uploads from many people, so it must
refuse these before they are inflated or parsed, with the same plain ModelFileError as
any other bad file.
"""

from __future__ import annotations

import io
import json
import struct
import tracemalloc
import zipfile
import zlib

import numpy as np
import pytest

from nn_core import MLP, ModelFileError, model_to_bytes
from nn_core.jsonbound import json_depth
from nn_core.model import load_model
from tests.engine.helpers import assert_model_file_error, parts, spoiled, with_config

# A shared server must refuse these before they cost memory: every header is checked
# first, and the JSON is bounded before json.loads sees it.


def npy_header(shape: tuple[int, ...], dtype=np.float32) -> bytes:
    """The bytes of a .npy header (magic included) declaring ``shape``, with no data."""
    buf = io.BytesIO()
    header = {"descr": np.lib.format.dtype_to_descr(np.dtype(dtype)), "fortran_order": False}
    np.lib.format.write_array_header_1_0(buf, {**header, "shape": shape})
    return buf.getvalue()


def raw_zip(members: dict[str, tuple[bytes, int, int]]) -> bytes:
    """A zip archive from already deflated members: name -> (deflated bytes, crc, size)."""
    local, central = b"", b""
    for name, (deflated, crc, size) in members.items():
        fields = (8, 0, 0x21, crc, len(deflated), size, len(name))  # method, time, date, ...
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, *fields, 0, 0, 0, 0, 0, len(local)
        )
        central += name.encode()
        local += (
            struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, *fields, 0) + name.encode() + deflated
        )
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(local), 0
    )
    return local + central + end


def deflated(data: bytes) -> tuple[bytes, int, int]:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(), zlib.crc32(data), len(data)


def deflated_zeros_after(header: bytes, n_zeros: int, chunk: int = 1_000_000):
    """``header`` followed by ``n_zeros`` zero bytes, deflated without ever holding them.

    After a full flush the compressor forgets its history, so every further megabyte of
    zeros compresses to the same block: deflate it once, repeat it.
    """
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(chunk)
    first = c.compress(header) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    assert c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH) == block  # the trick holds
    n_blocks = n_zeros // chunk
    assert n_blocks * chunk == n_zeros
    crc = zlib.crc32(header)
    for _ in range(n_blocks):
        crc = zlib.crc32(zeros, crc)
    body = first + block * n_blocks + c.flush()
    return body, crc, len(header) + n_zeros


def hostile_file(W0: tuple[bytes, int, int]) -> bytes:
    """A 784-6-10 model file whose W0 member is ``W0``; everything else is valid."""
    members = {}
    for key, value in parts().items():
        buf = io.BytesIO()
        np.save(buf, value)
        members[f"{key}.npy"] = deflated(buf.getvalue())
    members["W0.npy"] = W0
    return raw_zip(members)


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """3 MB on disk; its W0 declares 784 x 1,000,000 float32: 3.1 GB once inflated."""
    return hostile_file(deflated_zeros_after(npy_header((784, 1_000_000)), 784 * 1_000_000 * 4))


def test_the_zip_bomb_is_what_it_claims(zip_bomb):
    """Sanity check of the fixture: small on disk, honest zip directory, huge inside."""
    assert len(zip_bomb) < 4_000_000
    info = zipfile.ZipFile(io.BytesIO(zip_bomb)).getinfo("W0.npy")
    assert info.file_size > 3_000_000_000
    with zipfile.ZipFile(io.BytesIO(zip_bomb)).open("W0.npy") as f:
        assert np.lib.format.read_magic(f) == (1, 0)
        assert np.lib.format.read_array_header_1_0(f)[0] == (784, 1_000_000)


def assert_refused_cheaply(source, *fragments: str) -> None:
    """Refused as in assert_model_file_error, at a peak traced allocation under 300 MB.

    tracemalloc counts what NumPy and zipfile allocate, so this measures memory, not
    time: the verdict is the same on an idle laptop and on a loaded server.
    """
    tracemalloc.start()
    try:
        assert_model_file_error(source, *fragments)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 300e6, f"peak traced allocation {peak / 1e6:.0f} MB"


def test_a_zip_bomb_is_refused_before_it_is_inflated(zip_bomb):
    assert_refused_cheaply(zip_bomb, "'W0' has shape (784, 1000000), expected (784, 6)")


def test_a_header_declaring_a_quadrillion_floats_is_a_model_file_error_not_memory_error():
    W0 = deflated(npy_header((10**15,)) + bytes(64))
    assert_refused_cheaply(hostile_file(W0), "'W0' has shape (1000000000000000,)")


def test_a_configuration_beyond_the_parameter_cap_is_refused_before_reading_weights():
    huge = with_config(sizes=[784, 10**12, 10])
    assert_model_file_error(huge, "parameters", "at most 20,000,000")


def test_max_params_is_the_servers_choice():
    data = model_to_bytes(MLP((784, 6, 10), seed=0))  # 4,780 parameters
    assert load_model(data, max_params=4_780).config.sizes == (784, 6, 10)
    with pytest.raises(ModelFileError, match="4,780 parameters; this server accepts at most 4,779"):
        load_model(data, max_params=4_779)


def test_a_member_larger_than_its_header_promises_is_refused():
    """The zip directory says 1 MB follows a header that promises 24 bytes: forged."""
    body = deflated(npy_header((6,)) + bytes(1_000_000))
    data = hostile_file(deflated(npy_header((784, 6)) + bytes(784 * 6 * 4)))
    members = {name: None for name in zipfile.ZipFile(io.BytesIO(data)).namelist()}
    assert "b0.npy" in members
    spoiled_b0 = raw_zip({**{k: _member(data, k) for k in members}, "b0.npy": body})
    assert_model_file_error(spoiled_b0, "'b0' holds 1,000,128 bytes but its header promises 152")


def _member(data: bytes, name: str) -> tuple[bytes, int, int]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return deflated(z.read(name))


def test_deeply_nested_meta_is_a_model_file_error_not_recursion_error():
    deep = "[" * 200_000 + "]" * 200_000
    assert_model_file_error(spoiled(meta=np.array(deep)), "'meta' nests", "20 levels")


def test_deeply_nested_config_is_a_model_file_error_not_recursion_error():
    deep = '{"sizes": ' + "[" * 200_000 + "]" * 200_000 + "}"
    assert_model_file_error(spoiled(config=np.array(deep)), "'config' nests", "20 levels")


@pytest.mark.parametrize("key", ["config", "meta"])
@pytest.mark.parametrize(
    "forged", ['"' + '\\"' * 499_999 + "x", '"\\' * 500_000], ids=["escaped quotes", "backslashes"]
)
def test_a_string_that_never_ends_is_refused_after_one_pass(key, forged):
    """1,000,000 characters of one unterminated string, full of escaped quotes.

    The old scanner (a regular expression for JSON strings) tried again at every quote
    and read on to the end each time: hours of CPU for this one upload, until the suite's
    timeout failed the test. A single pass refuses it at once.
    """
    assert len(forged) == 1_000_000
    assert_model_file_error(spoiled(**{key: np.array(forged)}), "Unterminated string")


def nesting(x) -> int:
    """The depth json.loads itself sees: 1 per list or object around the deepest value."""
    if isinstance(x, list | dict):
        inner = x.values() if isinstance(x, dict) else x
        return 1 + max(map(nesting, inner), default=0)
    return 0


def tricky_document(rng: np.random.Generator, levels: int):
    """Random lists and objects whose strings are made of brackets, quotes and backslashes."""
    text = "".join(rng.choice(list('[]{}"\\ aé'), size=int(rng.integers(0, 6))))
    if levels == 0 or rng.random() < 0.2:
        return text
    items = [tricky_document(rng, levels - 1) for _ in range(int(rng.integers(0, 3)))]
    return items if rng.random() < 0.5 else {text + str(i): v for i, v in enumerate(items)}


def test_json_depth_reads_escapes_as_json_does():
    rng = np.random.default_rng(0)
    documents = [tricky_document(rng, levels=6) for _ in range(300)]
    assert max(map(nesting, documents)) >= 5  # the sample does reach deep
    for doc in documents:
        text = json.dumps(doc, ensure_ascii=False)
        assert json_depth(text) == nesting(doc), text


def test_brackets_inside_strings_do_not_count_as_nesting():
    meta = {"note": '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ "{{{{{{{{{{{{{{{{{{{{{{{{\\\\'}
    assert MLP.load(spoiled(meta=np.array(json.dumps(meta)))).meta == meta
    assert json_depth(json.dumps({"a": [[1], {"b": "]]]["}]})) == 3


def test_oversized_json_is_refused_before_parsing():
    huge = json.dumps({"history": "x" * 1_000_001})
    assert_model_file_error(spoiled(meta=np.array(huge)), "'meta' is 1,000,0", "limit is 1,000,000")
