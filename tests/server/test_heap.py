"""server.heap: freed arrays go back to the operating system, measured from /proc.

Each case runs in a fresh interpreter, so that nothing else shares its heap: it frees a
20 MB array (glibc then raises its threshold for mappings of their own to that size),
allocates 24 arrays of 8 MB (above the server's fixed threshold), frees every other
one (the ones kept stay between them, so that the freed ones cannot melt into the free
end of the heap and be trimmed there) and reads its anonymous memory.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from server import heap

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = """
import sys
import numpy as np
from server import heap

def anonymous_mb():
    with open("/proc/self/smaps_rollup") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("Anonymous:")) / 1024

if sys.argv[1] == "map":
    heap.map_big_blocks()
np.ones(20 << 20, dtype=np.uint8)
before = anonymous_mb()
blocks = [np.ones(8 << 20, dtype=np.uint8) for _ in range(24)]
kept = blocks[1::2]
del blocks
in_use = 8 * len(kept)  # MB still referred to: not what is measured
freed = anonymous_mb() - in_use
heap.give_back()
print(freed - before, anonymous_mb() - in_use - before)
"""


def run(mode: str) -> tuple[float, float]:
    """MB above the start once the arrays are freed, and after ``give_back``."""
    out = subprocess.run(
        [sys.executable, "-c", PROGRAM, mode], cwd=ROOT, capture_output=True, text=True, check=True
    )
    freed, given_back = map(float, out.stdout.split())
    return freed, given_back


def test_give_back_returns_what_glibc_kept():
    if heap._libc("malloc_trim") is None:  # macOS, musl: nothing to call, nothing raised
        assert heap.give_back() is False
        return
    freed, given_back = run("adaptive")
    assert freed > 48  # freed by Python, still held by glibc
    assert given_back < 8


def test_with_big_blocks_mapped_freed_arrays_go_back_at_once():
    if heap._libc("mallopt") is None:
        assert heap.map_big_blocks() is False
        return
    freed, _ = run("map")
    assert freed < 8
