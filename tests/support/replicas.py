"""Replicas behind a real nginx on 127.0.0.1, started by the shipped launcher itself.

``running_replicas`` runs ``python -m server.replicas`` as a child process, exactly as an
administrator would, and returns once it prints ``ready:`` (every replica answered its
health check, then nginx did). nginx's access log names the replica of every request
(``replica=``) and the browser's sticky cookie (``browser=``): ``replica_for`` asks nginx
where one cookie goes, so a test can pick browsers that land on different replicas.
nginx missing is a failure, never a skip: replicas that were never run behind one must
not pass as if they had been.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.app_server import ROOT, descendants
from tests.support.ports import free_port

LOG_LINE = re.compile(
    r'"(?P<request>[^"]*)" (?P<status>\d+) \d+ replica=(?P<replica>\S+) browser=(?P<browser>\S+)'
)


def nginx_path() -> str:
    """Debian's nginx (``apt-get install nginx``), or the test fails saying so."""
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if os.access(p, os.X_OK)), None
    )
    if found is None:
        pytest.fail("nginx is not installed (apt-get install -y nginx)")
    return found


def free_ports(count: int) -> int:
    """The first of ``count`` consecutive local ports that are free right now."""
    for _ in range(200):
        first = free_port()
        with contextlib.ExitStack() as held:
            try:
                for port in range(first, first + count):
                    s = held.enter_context(socket.socket())
                    s.bind(("127.0.0.1", port))
            except OSError:
                continue
        return first
    raise RuntimeError(f"no {count} consecutive free ports")


@dataclass
class Replicas:
    url: str  # nginx's
    run_dir: Path
    proc: subprocess.Popen
    servers: list[str]  # the replicas, host:port
    exit_code: int | None = None  # once stopped
    left_behind: tuple[int, ...] = ()  # processes still alive after the launcher stopped
    probes: int = 0  # requests made by replica_for, each logged under its own number

    def stop(self) -> int:
        """SIGTERM, as systemd stops a service; the launcher's exit code. Whatever it left
        behind is noted in ``left_behind``, then killed."""
        if self.exit_code is not None:
            return self.exit_code
        kids = descendants(self.proc.pid)
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.exit_code = self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.exit_code = self.proc.wait(timeout=10)
        self.left_behind = tuple(pid for pid in kids if alive(pid))
        for pid in self.left_behind:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        return self.exit_code

    def log(self) -> list[dict]:
        """nginx's access log so far, one dict a request."""
        text = (self.run_dir / "access.log").read_text(encoding="utf-8", errors="replace")
        return [m.groupdict() for m in map(LOG_LINE.search, text.splitlines()) if m]

    def replica_for(self, cookie: str) -> str:
        """The replica nginx sends a browser with this sticky cookie to (asked, not guessed)."""
        self.probes += 1
        probe = f"/_stcore/health?probe={self.probes}"
        request = urllib.request.Request(
            self.url + probe, headers={"Cookie": f"nn_replica={cookie}"}
        )
        with urllib.request.urlopen(request, timeout=10) as r:
            assert r.status == 200
        return self.logged(f"GET {probe} ")["replica"]

    def logged(self, start: str, timeout: float = 60.0) -> dict:
        """The one log entry whose request starts with ``start``, once nginx has written it
        (it does so as the request ends, which can be just after the client has read it)."""
        deadline = time.monotonic() + timeout
        while True:
            found = [e for e in self.log() if (e["request"] + " ").startswith(start)]
            if found or time.monotonic() > deadline:
                assert len(found) == 1, f"{start!r} logged {len(found)} times"
                return found[0]
            time.sleep(0.1)

    def streams_of(self, cookies: list[str], timeout: float = 60.0) -> dict[str, str]:
        """The replica each browser's websocket went to, once nginx has logged them all
        (it logs a websocket when it closes)."""
        deadline = time.monotonic() + timeout
        while True:
            served = {
                e["browser"]: e["replica"]
                for e in self.log()
                if e["request"].startswith("GET /_stcore/stream ") and e["browser"] in cookies
            }
            if len(served) == len(cookies) or time.monotonic() > deadline:
                return served
            time.sleep(0.1)

    def cookies_on_different_replicas(self, count: int) -> list[str]:
        """``count`` cookies, each of which nginx sends to a replica of its own."""
        chosen: dict[str, str] = {}
        for i in range(256):
            cookie = f"browser{i:03d}"
            chosen.setdefault(self.replica_for(cookie), cookie)
            if len(chosen) == count:
                return list(chosen.values())
        raise AssertionError(f"256 cookies reached only {sorted(chosen)}")


@contextlib.contextmanager
def running_replicas(run_dir: Path, env: dict, replicas: int = 2) -> Iterator[Replicas]:
    """``python -m server.replicas`` with ``replicas`` app servers and nginx on free local
    ports, ``env`` laid over this environment; stopped (SIGTERM) after the block."""
    nginx = nginx_path()
    port, first = free_port(), free_ports(replicas)
    cmd = [sys.executable, "-m", "server.replicas", "--replicas", str(replicas),
           "--port", str(port), "--listen-address", "127.0.0.1", "--first-port", str(first),
           "--run-dir", str(run_dir), "--nginx", nginx]  # fmt: skip
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **env}
    out = open(run_dir.parent / f"{run_dir.name}.out", "w+b")  # noqa: SIM115 - read as it grows
    proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT)
    servers = [f"127.0.0.1:{first + i}" for i in range(replicas)]
    running = Replicas(f"http://127.0.0.1:{port}", run_dir, proc, servers)
    try:
        wait_for_line(proc, out, b"ready: ", timeout=240)
        yield running
    finally:
        running.stop()
        out.close()


def wait_for_line(proc: subprocess.Popen, out, needle: bytes, timeout: float) -> None:
    """Until the launcher's output contains ``needle``; fails with that output if it ends
    first (or the generous ``timeout`` passes: a machine that slow is a finding too)."""
    deadline = time.monotonic() + timeout
    while True:
        out.seek(0)
        text = out.read()
        if needle in text:
            return
        if proc.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(
                f"launcher never said {needle!r}:\n{text.decode(errors='replace')}"
            )
        time.sleep(0.3)


def alive(pid: int) -> bool:
    """A process that exists and is not a zombie waiting for its parent."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
