"""The JSON inside a model file is bounded before ``json.loads`` ever sees it.

A model file's ``config`` and ``meta`` entries are JSON text, and on a shared server that
text comes from whoever uploads a file. ``json.loads`` is safe against code, but not
against cost, and a hostile upload can aim at two costs:

* Depth. ``json.loads`` calls itself once per level of nesting, so ``[[[[...]]]]``
  200,000 levels deep ends in a RecursionError: not the ModelFileError a page knows how
  to show, but a traceback on a student's screen. A real model file nests 3 levels, so
  anything deeper than ``MAX_JSON_DEPTH`` is refused, counted without any recursion.
* Length. A real entry is at most a few tens of kilobytes. A huge one, or a string that
  never ends, costs memory to read and CPU to scan, so an entry over ``MAX_TEXT_CHARS``
  is refused from its ``.npy`` header alone, before a byte of it is decompressed; and
  the depth count reads the rest in one pass, so no crafted string can make it start
  over and over.

Every refusal is a ModelFileError naming the entry and the limit, so the person who
uploaded the file can see what was wrong with it.
"""

from __future__ import annotations

import json

import numpy as np

from nn_core.archive import Archive

MAX_TEXT_CHARS = 1_000_000
"""Longest ``config`` or ``meta`` JSON accepted: a real one is at most a few tens of kilobytes."""
MAX_JSON_DEPTH = 20
"""Deepest nesting of lists and objects accepted in the JSON (a real model file uses 3)."""


def read_text(archive: Archive, key: str) -> str:
    """The text entry ``key``, refused from its header alone if it is not short text.

    The header says how many characters the entry holds before any of them is read, so
    a forged 3 GB entry costs no more than a real one.
    """
    if key not in archive.members:
        raise archive.fail(f"missing '{key}'; this .npz was not written by MLP.save")
    header = archive.header(key)
    if header.dtype.kind != "U" or header.shape != ():
        raise archive.fail(f"'{key}' should be a text entry")
    if header.dtype.itemsize > 4 * MAX_TEXT_CHARS:  # 4 bytes per character
        raise archive.fail(
            f"'{key}' is {header.dtype.itemsize // 4:,} characters long; "
            f"the limit is {MAX_TEXT_CHARS:,}"
        )
    return str(archive.read(key, header)[()])


def read_json(archive: Archive, key: str):
    """The JSON entry ``key``, parsed only once its length and nesting are known to be safe.

    What ``json.loads`` still raises (a JSONDecodeError for text that is not JSON) is
    the caller's to turn into a sentence about that entry.
    """
    text = read_text(archive, key)
    if json_depth(text) > MAX_JSON_DEPTH:
        raise archive.fail(f"'{key}' nests lists or objects more than {MAX_JSON_DEPTH} levels deep")
    return json.loads(text)


_STRUCTURE = np.zeros(256, bool)
_STRUCTURE[list(b'[]{}"\\')] = True  # the bytes that can change the nesting


def _skeleton(text: str) -> np.ndarray:
    """The UTF-8 bytes of ``text`` with every run of other bytes shrunk to one byte.

    Nesting depends only on brackets, quotes and backslashes, and on which of them touch
    (a backslash escapes the very next byte), so shrinking the runs in between changes
    nothing we count, while the arrays built from it stay small however long a string of
    accented letters the file holds.
    """
    b = np.frombuffer(text.encode("utf-8", "replace"), np.uint8)  # (n,)
    marks = _STRUCTURE[b]  # (n,) bool
    keep = marks.copy()
    keep[1:] |= marks[:-1]  # the first byte of each run of other bytes
    keep[:1] = True
    return b[keep]


def json_depth(text: str) -> int:
    """How deeply lists and objects nest in ``text``, found without recursion.

    ``json.loads`` recurses once per level, so ``[[[[...]]]]`` 200,000 deep would end in
    a RecursionError. Instead the depth at each byte is a running sum: +1 for ``[`` or
    ``{``, -1 for ``]`` or ``}``, counting only brackets outside strings.

    Finding the strings is the delicate part. A regular expression that matches them
    backtracks on a forged entry such as ``"\\"\\"\\"...`` (a string that never ends):
    every quote starts a new attempt that scans to the end, so a 1 MB entry would cost
    hours of CPU. Here every step is one pass over the bytes instead. A quote opens or
    closes a string unless an odd number of backslashes stands right before it, and the
    bytes after an odd count of such quotes are inside a string. (Outside strings a
    backslash is not valid JSON, and ``json.loads`` stops at the first one, so what we
    count beyond it never matters.) Brackets, quotes and backslashes are ASCII and never
    occur inside a multi-byte UTF-8 character, so scanning the bytes is exact.
    """
    b = _skeleton(text)  # (m,) m <= len(text)
    position = np.arange(len(b))  # (m,)
    backslash = b == ord("\\")  # (m,) bool
    last_other = np.maximum.accumulate(np.where(backslash, -1, position))  # (m,)
    run_before = np.zeros(len(b), np.int64)  # (m,) backslashes right before each byte
    run_before[1:] = position[1:] - 1 - last_other[:-1]
    quote = (b == ord('"')) & (run_before % 2 == 0)  # (m,) quotes that open or close
    outside = np.cumsum(quote) % 2 == 0  # (m,) bool: not inside a string
    opens = outside & ((b == ord("[")) | (b == ord("{")))  # (m,) bool
    closes = outside & ((b == ord("]")) | (b == ord("}")))  # (m,) bool
    depth = np.cumsum(opens.astype(np.int64) - closes)  # (m,) nesting after each byte
    return int(depth.max(initial=0))
