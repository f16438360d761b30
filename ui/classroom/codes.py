"""Class codes, teacher keys and how often anyone may try one.

A class code is something a teacher reads aloud and writes on the board, so it is short
and has no letters that look alike (no 0/O, 1/I/L). It is still a secret of sorts: whoever
has it can post to the class. Eight characters from 31 give 31**8, about 8.5e11 codes;
with wrong tries slowed per tab and per address (``Backoff``, ``ui.classroom.clients``) a
guesser gets about a hundred tries an hour from one address, so finding one of a thousand
live classes takes millions of hours.

The teacher key is longer (twelve characters, about 2**59) because it grants more: hiding
entries, closing the class, exporting. It is shown once and stored only as a hash, so a
copy of the database does not hand out the boards.
"""

from __future__ import annotations

import collections
import hashlib
import hmac
import math
import secrets
import threading
import time
from collections.abc import Callable

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # 31 symbols, none easily confused
CODE_LENGTH = 8
KEY_LENGTH = 12


def _random(n: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(n))


def new_code() -> str:
    return _random(CODE_LENGTH)


def new_key() -> str:
    return _random(KEY_LENGTH)


def new_token() -> str:
    """A member's private token: proves in later requests that an entry is theirs."""
    return secrets.token_urlsafe(24)


def _grouped(s: str) -> str:
    return "-".join(s[i : i + 4] for i in range(0, len(s), 4))


def show_code(code: str) -> str:
    """``ABCD2345`` as ``ABCD-2345``: easier to read aloud and copy from a projector."""
    return _grouped(code)


def show_key(key: str) -> str:
    return _grouped(key)


def normalise(typed: str | None, length: int = CODE_LENGTH) -> str | None:
    """What a person typed (any case, spaces, dashes) as a code, or None if it cannot be one."""
    if not typed:
        return None
    cleaned = "".join(c for c in str(typed).upper() if c not in " -_")
    if len(cleaned) != length or any(c not in ALPHABET for c in cleaned):
        return None
    return cleaned


def digest(secret: str, salt: str) -> str:
    """The stored form of a key or token: salted with the class code, hashed."""
    return hashlib.sha256(f"{salt}:{secret}".encode()).hexdigest()


def matches(secret: str | None, salt: str, stored: str) -> bool:
    """Compare in constant time, so the time taken leaks nothing about the key."""
    if not secret:
        return False
    return hmac.compare_digest(digest(secret, salt), stored)


def guess_probability(attempts: float, live_classes: int, length: int = CODE_LENGTH) -> float:
    """Chance that ``attempts`` random guesses hit any of ``live_classes`` codes."""
    return min(1.0, attempts * live_classes / len(ALPHABET) ** length)


class RateLimiter:
    """At most ``limit`` events in any window of ``seconds`` (a sliding window).

    ``allow()`` records the event when it is allowed. The clock is a parameter so tests
    can move time forward instead of waiting.
    """

    def __init__(self, limit: int, seconds: float, clock: Callable[[], float] = time.monotonic):
        self.limit, self.seconds, self.clock = limit, seconds, clock
        self.events: collections.deque[float] = collections.deque()
        self._lock = threading.Lock()  # one limiter may guard a whole server's sessions

    def _forget_old(self) -> float:
        now = self.clock()
        while self.events and self.events[0] <= now - self.seconds:
            self.events.popleft()
        return now

    def allow(self) -> bool:
        with self._lock:
            now = self._forget_old()
            if len(self.events) >= self.limit:
                return False
            self.events.append(now)
            return True

    def wait_seconds(self) -> float:
        """How long until the next event would be allowed (0 if now)."""
        with self._lock:
            now = self._forget_old()
            if len(self.events) < self.limit:
                return 0.0
            return max(0.0, self.events[0] + self.seconds - now)

    def idle(self) -> bool:
        """True when the window holds nothing: forgetting this limiter loses nothing."""
        with self._lock:
            self._forget_old()
            return not self.events


class Backoff:
    """Wrong tries of one client, forgiven slowly, answered with a growing wait.

    Mistakes are human: the first ``free`` wrong tries cost nothing. Past them, each wrong
    try makes the next one wait 2, 4, 8, ... seconds, at most ``cap``. The count leaks
    away, one try every ``leak`` seconds, so a student who mistyped a code a few times
    last lesson starts clean, while a guesser who keeps trying stays at the cap. Nobody
    is ever locked out: the worst is a wait of ``cap`` seconds, and only for this client.
    A try refused because of the wait is not counted (it never reached the store).
    """

    def __init__(
        self, free: int, cap: float, leak: float, clock: Callable[[], float] = time.monotonic
    ):
        self.free, self.cap, self.leak, self.clock = free, cap, leak, clock
        self.level, self.updated, self.blocked_until = 0.0, clock(), -math.inf
        self._lock = threading.Lock()  # one address's counter is shared by its tabs

    def _drain(self) -> float:
        now = self.clock()
        self.level = max(0.0, self.level - max(0.0, now - self.updated) / self.leak)
        self.updated = now
        return now

    def fail(self) -> None:
        """Count one wrong try; past the free ones, the next try must wait."""
        with self._lock:
            now = self._drain()
            ceiling = self.free + math.ceil(math.log2(max(self.cap, 2.0))) + 1  # at the cap
            self.level = min(self.level + 1, ceiling)
            over = self.level - self.free
            if over > 0:
                self.blocked_until = now + min(self.cap, 2.0 ** math.ceil(over))

    def wait_seconds(self) -> float:
        """How long until this client may try again (0 if now)."""
        with self._lock:
            return max(0.0, self.blocked_until - self._drain())

    def idle(self) -> bool:
        """True when nothing is counted and nothing is waited for: safe to forget."""
        with self._lock:
            now = self._drain()
            return self.level == 0 and now >= self.blocked_until


def in_words(seconds: float) -> str:
    """A wait as a person says it: "12 s", "4 min"."""
    seconds = math.ceil(max(seconds, 1.0))
    return f"{seconds} s" if seconds < 90 else f"{math.ceil(seconds / 60)} min"
