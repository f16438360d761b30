"""Start ``streamlit run app.py`` on a free local port for the browser benchmarks.

Also the helpers several benchmarks share: the server's memory (PSS of the server process
and its children, the training workers) from ``/proc``.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(
    port: int,
    extra: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
    log: str | Path | None = None,
    root: str | Path = ROOT,
) -> subprocess.Popen:
    """``streamlit run app.py`` on ``port``; returns once it answers its health check.

    ``extra``: more command-line options (``--server.disconnectedSessionTTL 10``);
    ``env``: variables laid over this process's environment (``NN_WORKERS``);
    ``log``: a file for the server's stdout and stderr (default: discarded);
    ``root``: the checkout to run (another one, to compare before and after).
    """
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", *extra]
    cmd += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    cmd += ["--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    full_env = {**os.environ, **(env or {})}
    out = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 (the child keeps it)
    proc = subprocess.Popen(cmd, cwd=root, stdout=out, stderr=subprocess.STDOUT, env=full_env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return proc
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("the app did not start")


def stop_app(proc: subprocess.Popen) -> None:
    """Terminate the server (its training workers are daemonic children and follow)."""
    kids = descendants(proc.pid)
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
    for pid in kids:  # workers left behind by a server that died badly
        with contextlib.suppress(OSError):
            os.kill(pid, 9)


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux /proc), children first."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


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
    """User + system CPU seconds of these processes so far (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")
