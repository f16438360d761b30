"""Local ports for the servers the tests and benchmarks start, and one that refuses.

Everything listens on 127.0.0.1 only: a test machine's servers are nobody else's business.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator


def free_port() -> int:
    """A port nothing listens on right now, for a server about to start on it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def refused_url() -> Iterator[str]:
    """``http://127.0.0.1:PORT/`` on a port that is bound but where nobody listens, for
    as long as the ``with`` lasts: every connection is refused at once, so a download
    from it fails fast, never reaching the internet."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/"
