"""A real ``streamlit run app.py`` on a free local port, for the browser tests and benchmarks.

The server runs headless with this process's environment (so ``NN_DATA_DIR`` reaches
it), plus whatever a caller lays over it. ``launch_app`` returns only once the server
answers its health check, so a test never races a server that is still starting; and
``stop_app`` also ends the training workers a server that died badly left behind.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[2]


def launch_app(
    log: str | Path | None = None,
    env: Mapping[str, str | None] | None = None,
    *,
    extra: tuple[str, ...] = (),
    script: str = "app.py",
    root: str | Path = ROOT,
    port: int | None = None,
    timeout: float = 60.0,
) -> tuple[subprocess.Popen, str]:
    """``streamlit run <root>/<script>`` headless on 127.0.0.1; returns (process, base URL)
    once it answers its health check, or raises RuntimeError (the server stopped).

    ``log``: a file for the server's output (default: discarded); ``env``: variables laid
    over this process's environment (``NN_WORKERS``; None removes one); ``extra``: more
    Streamlit options (``--server.disconnectedSessionTTL 10``); ``script``: another entry
    point (``app_pages/classroom.py`` serves one page alone); ``root``: the checkout to run
    (another one, to compare before and after); ``port``: default, a free one.
    """
    port = port or free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(Path(root) / script)]
    cmd += ["--server.headless", "true", *extra]
    cmd += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    # Nothing else: the rest comes from the checkout's .streamlit/config.toml, so tests and
    # benchmarks run the server as it ships (its file watcher setting, for one).
    laid = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    full_env = {name: value for name, value in laid.items() if value is not None}
    with open(log, "wb") if log else contextlib.nullcontext(subprocess.DEVNULL) as out:
        proc = subprocess.Popen(
            cmd, cwd=root, stdout=out, stderr=subprocess.STDOUT, env=full_env
        )  # the child keeps its own copy of the log's file descriptor
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, timeout)
    except RuntimeError:
        stop_app(proc)
        raise
    return proc, url


@contextlib.contextmanager
def running_app(log: str | Path | None = None, env=None, **options) -> Iterator[str]:
    """``launch_app`` for a ``with`` block: yields the base URL, stops the server after."""
    proc, url = launch_app(log, env, **options)
    try:
        yield url
    finally:
        stop_app(proc)


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    """Until ``url`` answers ``/_stcore/health``; RuntimeError if the server stops or
    ``timeout`` seconds pass first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not become healthy within {timeout:.0f} s")


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
