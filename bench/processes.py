"""What a benchmark reads about the server it started: memory, CPU time, the machine's load.

The server itself is started by ``tests.support.app_server`` (``launch_app``,
``stop_app``), the same launcher the browser tests use. Linux ``/proc`` only.
"""

from __future__ import annotations

import os
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
