"""What a benchmark reads about the server it started: memory, CPU time, the machine's load.

Memory is PSS, read once (``server_pss``) or sampled in a thread for its peak
(``MemorySampler``); CPU time is per process, for the server, its training workers
(``worker_pids``) or the browser (``chromium_pids``). The server itself is started by
``tests.support.app_server`` (``launch_app``, ``stop_app``), the same launcher the
browser tests use. Linux ``/proc`` only.
"""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

from tests.support.app_server import descendants


def pss_bytes(pid: int) -> int:
    """Proportional set size of one process (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def server_pss(pid: int) -> dict[str, int]:
    """PSS of the server and of each child (training workers), in bytes, and the total."""
    parts = {"server": pss_bytes(pid)}
    for child in descendants(pid):
        parts[f"child {child}"] = pss_bytes(child)
    parts["total"] = sum(parts.values())
    return parts


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def cpu_seconds(pids) -> float:
    """User + system CPU seconds of these processes so far (Linux /proc; 0 for one gone)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def worker_pids(server_pid: int) -> list[int]:
    """The server's training workers (spawned multiprocessing children)."""
    pids = []
    for pid in descendants(server_pid):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"multiprocessing" in cmd and b"resource_tracker" not in cmd:
            pids.append(pid)
    return pids


class MemorySampler:
    """Samples the server's total PSS every ``every`` seconds in a thread; keeps the peak."""

    def __init__(self, pid: int, every: float = 0.5):
        self.pid, self.every = pid, every
        self.peak, self.samples = 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, server_pss(self.pid)["total"])
            self.samples += 1
            self._stop.wait(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=10)


def chromium_pids() -> list[int]:
    """Every Chromium process on the machine (a benchmark keeps those it started)."""
    out = subprocess.run(["pgrep", "-f", "chromium"], capture_output=True, text=True)
    return [int(x) for x in out.stdout.split()]
