"""How busy the rest of the machine is: the test behind "a lone run may take every core"."""

from __future__ import annotations

import os


class MachineLoad:
    """How many cores the rest of the machine keeps busy, measured once a second.

    A lone run with every core's BLAS threads is faster only if those cores are free:
    two threads of which one must wait for a busy core made an epoch 4x slower in our
    measurements. So "the server is idle" means the machine's other processes (all but
    our workers) used less than half a core over the last second. Linux only (/proc);
    elsewhere we never add threads.
    """

    def __init__(self):
        self._last: tuple[float, float, dict[int, float]] | None = None

    @staticmethod
    def _cpu_seconds() -> tuple[float, float]:
        """(busy, total) CPU seconds of the whole machine since boot."""
        with open("/proc/stat") as f:
            fields = [float(x) for x in f.readline().split()[1:]]
        tick = os.sysconf("SC_CLK_TCK")
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0.0)
        return (sum(fields) - idle) / tick, sum(fields) / tick

    @staticmethod
    def _process_seconds(pid: int) -> float:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read().rsplit(")", 1)[1].split()
        return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")

    def others_busy(self, pids: list[int]) -> float | None:
        """Cores used by everything but ``pids`` since the last call (None: unknown yet)."""
        try:
            busy, total = self._cpu_seconds()
            ours = {pid: self._process_seconds(pid) for pid in pids}
        except (OSError, ValueError, IndexError):
            return None
        last, self._last = self._last, (busy, total, ours)
        if last is None or total <= last[1]:
            return None
        cores = os.cpu_count() or 1
        wall = (total - last[1]) / cores
        ours_delta = sum(t - last[2].get(pid, t) for pid, t in ours.items())
        return max(0.0, (busy - last[0] - ours_delta) / wall)
