"""``asyncio.run`` in a test session that also drives a browser.

The browser tests' Playwright marks its event loop as running on the main thread for the
rest of the test session, and ``asyncio.run`` refuses to start inside a running loop. A
test that runs a coroutine of its own (a session scenario, a websocket client) hides that
loop while it runs, then puts it back.
"""

from __future__ import annotations

import asyncio
import contextlib


@contextlib.contextmanager
def no_running_loop():
    """Hide the running loop Playwright left on this thread, then put it back."""
    saved = asyncio._get_running_loop()
    asyncio._set_running_loop(None)
    try:
        yield
    finally:
        asyncio._set_running_loop(saved)


def run_alone(scenario):
    """``asyncio.run(scenario())`` on a loop of its own; returns what the scenario returns."""
    with no_running_loop():
        return asyncio.run(scenario())
