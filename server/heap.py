"""Hand freed memory back to the operating system (glibc's ``mallopt`` and ``malloc_trim``).

Python frees an array the moment nobody refers to it, but "freed" means handed back to
the C library's allocator, not to the operating system. glibc serves a big request
(a NumPy array of 128 KB or more) with a mapping of its own and unmaps it on free;
after the first such free, though, it raises that threshold to the freed size (up to
32 MB), and the threshold for trimming a heap's free end with it, so later arrays come
from its heaps and stay there once freed. Measured after three closed tabs: the server
held 170 MB of free heap, a training worker 45 MB, and nothing was still in use.

Two remedies, each where it fits: the web server fixes the thresholds once at start-up
(``map_big_blocks``) and returns what its heaps hold free when a closed tab's session
is released (``server.sessions``); a training worker, whose training loop is quicker
with glibc's adaptive thresholds, returns the free pages after a run has gone
(``give_back``).
Other C libraries (macOS, musl, Windows) have neither function and manage memory in
their own way: there both quietly do nothing. No Streamlit here: the workers use it.
"""

from __future__ import annotations

import ctypes
import functools
import gc

BIG_BLOCK = 4 * 1024 * 1024
"""Blocks this big or bigger get a mapping of their own in the server: data sets, a
board's handwriting, a model's copies. Not smaller ones: a fresh mapping is zeroed page
by page when first touched and unmapped (every core told) when freed, and a stroke's
arrays (a 280x280 RGBA canvas as float32 is 1.25 MB) paid that at every step. With
glibc's own 128 KB as the fixed threshold, decoding a stroke's PNG took 2.0 ms, reading
it 2.3 ms and its three figures 4.8 ms; at 4 MB 1.1, 1.0-1.4 and 2.2-3.5 ms, as with
glibc's adaptive thresholds (``python -m bench.bench_draw_latency --no-browser
--heap-block N``, this machine); one student's stroke cost the server 29 ms of CPU,
now 24. What the heaps keep of smaller blocks goes back at a session's release."""
TRIM = 128 * 1024  # glibc's own starting trimming threshold, made permanent
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # mallopt's parameter numbers (malloc.h)


@functools.cache
def _libc(name: str):
    """A function of glibc's allocator, or None where the C library has no such thing."""
    try:
        libc = ctypes.CDLL(None)  # the symbols already loaded into this process
    except (OSError, TypeError):  # Windows has no "this process" handle for ctypes
        return None
    function = getattr(libc, name, None)
    if function is not None:
        function.restype = ctypes.c_int
    return function


@functools.cache
def map_big_blocks(block: int = BIG_BLOCK) -> bool:
    """From now on, every block of ``block`` bytes or more gets a mapping of its own,
    for good, and a heap gives back a free end of 128 KB or more.

    For the web server, once at start-up: a visitor's big arrays go back to the system
    the moment they are freed. The fixed trimming threshold lets every thread's heap
    give back its free end: the server runs each tab's script in a thread, with a heap
    of its own, and ``malloc_trim`` leaves those free ends alone.
    """
    mallopt = _libc("mallopt")
    if mallopt is None:
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, block) and mallopt(M_TRIM_THRESHOLD, TRIM))


def give_back() -> bool:
    """Collect unreachable cycles, then return every whole free page of the heaps (a
    few milliseconds); False where the C library cannot.

    The collection comes first: the app turns off Streamlit's collection after every
    script run (``runner.postScriptGC``), and a released session is a web of cycles
    that only the collector frees.
    """
    gc.collect()
    trim = _libc("malloc_trim")
    if trim is None:
        return False
    trim(ctypes.c_size_t(0))
    return True
