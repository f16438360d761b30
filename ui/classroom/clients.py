"""Limits per client: this tab's budget and its address's, never the whole server's.

A guesser can open fresh tabs, so a budget kept in the session alone is no limit; a
budget kept for the whole server lets one guesser lock out every class. So each limit is
counted twice, once for the tab (``ClassSession``) and once for the address it comes from
(``ClientTables``, shared by the server's sessions), and a try must pass both. Another
address is never touched by what this one does.

The address is the connection's (``st.context.ip_address``) unless the app sits behind a
proxy, when every visitor seems to come from the proxy. Then the address is read from
``X-Forwarded-For`` (``st.context.headers``), counting ``NN_PROXY_HOPS`` entries from the
right: each proxy appends the address it saw, so the rightmost entries are written by the
proxies we trust, and whatever the visitor put on the left is ignored. Set
``NN_PROXY_HOPS`` only behind a proxy: a visitor who reaches the app directly could
otherwise name any address they like. A proxy on the server itself (the connection comes
from localhost) is trusted for one hop without asking. A visitor on the server itself
with no header (the teacher at the console, a test) has no address: the tab's budget alone.
IPv6 addresses count per /64 network, the block one household or phone is given.

The per-address state is bounded: at most ``TABLE_SIZE`` addresses, least recently seen
dropped first, and an address whose counters have run down is forgotten.
"""

from __future__ import annotations

import collections
import ipaddress
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from ui.classroom import codes

TAB_FREE_TRIES, TAB_MAX_WAIT, TAB_LEAK = 5, 300.0, 120.0  # wrong codes or keys, one tab
ADDRESS_FREE_TRIES, ADDRESS_MAX_WAIT, ADDRESS_LEAK = 30, 30.0, 60.0  # a school shares one
STARTS_PER_TAB, STARTS_PER_ADDRESS, START_WINDOW = 3, 10, 3600.0  # classes started an hour
TABLE_SIZE = 10_000
PROXY_HOPS_VARIABLE = "NN_PROXY_HOPS"

log = logging.getLogger(__name__)


def tab_tries(clock: Callable[[], float] = time.monotonic) -> codes.Backoff:
    return codes.Backoff(TAB_FREE_TRIES, TAB_MAX_WAIT, TAB_LEAK, clock)


def tab_starts(clock: Callable[[], float] = time.monotonic) -> codes.RateLimiter:
    return codes.RateLimiter(STARTS_PER_TAB, START_WINDOW, clock)


class ClientTable:
    """One limiter per address, made on first sight; bounded and self-forgetting.

    An address is forgotten once its limiter has run down and it has not been seen for
    ``GRACE`` seconds (so a limiter handed out a moment ago is never dropped before the
    try it was fetched for is counted), or when the table is full, oldest first.
    """

    GRACE = 60.0

    def __init__(self, make: Callable[[], object], clock=time.monotonic, size=TABLE_SIZE):
        self.make, self.clock, self.size = make, clock, size
        self.entries: collections.OrderedDict[str, tuple[object, float]] = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, address: str):
        with self._lock:
            now = self.clock()
            found = self.entries.pop(address, None)
            entry = self.make() if found is None else found[0]
            self.entries[address] = (entry, now)  # now the most recently seen
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
            for oldest, (limiter, seen) in list(self.entries.items()):
                if now - seen < self.GRACE or not limiter.idle():
                    break
                del self.entries[oldest]  # its counters had run down: nothing is lost
            return entry


class ClientTables:
    """The server's per-address limiters (one set per process, ``client_tables``)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, size: int = TABLE_SIZE):
        self.clock = clock
        self.tries = ClientTable(
            lambda: codes.Backoff(ADDRESS_FREE_TRIES, ADDRESS_MAX_WAIT, ADDRESS_LEAK, clock),
            clock,
            size,
        )
        self.starts = ClientTable(
            lambda: codes.RateLimiter(STARTS_PER_ADDRESS, START_WINDOW, clock), clock, size
        )

    def client(self, session, address: str | None) -> Client:
        """The limits that apply to ``session`` (a ``ClassSession``) at ``address``."""
        tries, starts = [session.tries], [session.starts]
        if address is not None:
            tries.append(self.tries.get(address))
            starts.append(self.starts.get(address))
        return Client(address, tuple(tries), tuple(starts))


@dataclass(frozen=True)
class Client:
    """One visitor as the limits see them: their tab's counters and their address's."""

    address: str | None
    tries: tuple[codes.Backoff, ...]
    starts: tuple[codes.RateLimiter, ...]

    def wait_to_try(self) -> float:
        return max(b.wait_seconds() for b in self.tries)

    def wrong_try(self) -> None:
        for b in self.tries:
            b.fail()

    def wait_to_start(self) -> float:
        return max(r.wait_seconds() for r in self.starts)

    def start(self) -> bool:
        """Record a class started, if every limit allows one now."""
        if self.wait_to_start() > 0:
            return False
        return all([r.allow() for r in self.starts])


def _parse(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address as typed in a header or by the server (``::ffff:a.b.c.d`` is IPv4)."""
    try:
        address = ipaddress.ip_address(str(text).strip().strip("[]"))
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _key(address) -> str:
    if address.version == 4:
        return str(address)
    return str(ipaddress.ip_network(f"{address}/64", strict=False))


def client_address(peer: str | None, forwarded: list[str], hops: int = 0) -> str | None:
    """The address to count a visitor under, or None for a visitor on this machine.

    ``peer`` is the connection's address as Streamlit reports it (None, ``127.0.0.1`` or
    ``::ffff:127.0.0.1`` for localhost), ``forwarded`` the values of every
    ``X-Forwarded-For`` header, ``hops`` how many proxies in front are trusted.
    """
    peer_ip = _parse(peer) if peer else None
    local = peer is None or (peer_ip is not None and peer_ip.is_loopback)
    chain = [part for value in forwarded for part in value.split(",") if part.strip()]
    if local and hops == 0 and chain:
        hops = 1  # only a process on this machine can connect from localhost: our proxy
    if hops > 0 and chain:
        found = _parse(chain[-min(hops, len(chain))])
        if found is not None:
            return _key(found)
    if local:
        return None
    return peer if peer_ip is None else _key(peer_ip)


def proxy_hops(environ=None) -> int:
    environ = os.environ if environ is None else environ
    try:
        return max(0, int(environ.get(PROXY_HOPS_VARIABLE, "0")))
    except ValueError:
        return 0


def current_address() -> str | None:
    """This visitor's address, from Streamlit's view of the request."""
    try:
        peer = st.context.ip_address
        forwarded = st.context.headers.get_all("X-Forwarded-For")
    except Exception:  # noqa: BLE001 - no request at all (a bare script): no address
        return None
    hops, forwarded = proxy_hops(), list(forwarded)
    if hops == 0 and forwarded and client_address(peer, [], 0) is not None:
        _warn_once()  # a remote proxy nobody told us about
    return client_address(peer, forwarded, hops)


_warned = threading.Event()


def _warn_once() -> None:
    if not _warned.is_set():
        _warned.set()
        log.warning(
            "Requests carry X-Forwarded-For but %s is not set: every visitor behind the "
            "proxy shares one address's limits. Set it to the number of proxies in front.",
            PROXY_HOPS_VARIABLE,
        )


@st.cache_resource(show_spinner=False)
def client_tables() -> ClientTables:
    """The per-address limiters of this server process (shared by every session)."""
    return ClientTables()
