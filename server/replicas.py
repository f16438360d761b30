"""Several app servers behind one nginx: a class past what one Python process can draw.

Every page a visitor opens runs in the one interpreter of a ``streamlit run app.py``, so
one process uses one core for pages however many cores the machine has. Past that, run
one process (a replica) per core, or per machine, behind a reverse proxy. Three things
make that work, and this launcher sets all three up:

- the class board in one database every replica sees (``NN_CLASS_DB_URL``, PostgreSQL,
  or ``[connections.classroom]`` in ``.streamlit/secrets.toml``): it refuses to start
  without one, since every replica would otherwise keep a board of its own;
- sticky sessions: a tab's session lives in one replica, so nginx sends a browser to the
  same replica every time (``deploy/nginx-site.conf`` says how);
- the data sets' memory maps in ``NN_STATE_DIR``, one folder per machine, shared by the
  replicas on it: the arrays are in memory once per machine.

The machine's cores are split between its replicas (``NN_WORKERS``, and two training
places per worker, ``NN_MAX_ACTIVE_RUNS``), and the
replicas trust one proxy in front (``NN_PROXY_HOPS=1``) for the visitors' addresses;
either can be set by hand instead. Ctrl-C or SIGTERM stops nginx, then the replicas.

    python -m server.replicas --replicas 2 --port 8501      # nginx on 8501, replicas 8502-8503
    python -m server.replicas --replicas 2 --no-proxy --address 0.0.0.0   # replicas only
    python -m server.replicas --replicas 0 --print-config --access-log /var/log/nginx/nn.log \\
        --upstream 10.0.0.5:8502 --upstream 10.0.0.6:8502   # the proxy machine's site file
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import tomllib

from server.shared_data import state_dir

ROOT = Path(__file__).resolve().parents[1]
SITE_TEMPLATE = ROOT / "deploy" / "nginx-site.conf"
MAIN_TEMPLATE = ROOT / "deploy" / "nginx-main.conf"


@dataclass(frozen=True)
class Plan:
    """What to start: ``replicas`` local app servers from ``first_port`` on ``address``,
    nginx on ``listen``, with ``upstream`` replicas of other machines beside them."""

    replicas: int = 2
    first_port: int = 8502
    address: str = "127.0.0.1"
    listen: str = "0.0.0.0:8501"
    upstream: tuple[str, ...] = ()
    run_dir: Path = field(default_factory=lambda: state_dir() / "replicas")
    access_log: Path | None = None  # default: access.log in run_dir

    @property
    def ports(self) -> list[int]:
        return [self.first_port + i for i in range(self.replicas)]

    @property
    def servers(self) -> list[str]:
        """Every replica nginx sends to, local ones first (a wildcard address is reached
        on 127.0.0.1 from this machine)."""
        host = "127.0.0.1" if self.address in ("0.0.0.0", "::", "") else self.address
        return [f"{host}:{port}" for port in self.ports] + list(self.upstream)


def site_config(plan: Plan, template: Path = SITE_TEMPLATE) -> str:
    """The site file: the template with the replicas, the listening address and the log."""
    if not plan.servers:
        raise ValueError("no replica to send visitors to: --replicas 0 and no --upstream")
    servers = "\n".join(f"    server {s} max_fails=3 fail_timeout=10s;" for s in plan.servers)
    filled = template.read_text(encoding="utf-8")
    for name, value in (
        ("@SERVERS@", servers),
        ("@LISTEN@", plan.listen),
        ("@ACCESS_LOG@", str(plan.access_log or plan.run_dir / "access.log")),
    ):
        filled = filled.replace(name, value)
    return filled


def write_configs(plan: Plan, temp: Path) -> Path:
    """Write ``nginx.conf`` and ``site.conf`` into the run folder; the main file's path.
    ``temp`` holds the request bodies and responses nginx spools to disk."""
    plan.run_dir.mkdir(parents=True, exist_ok=True)
    (plan.run_dir / "site.conf").write_text(site_config(plan), encoding="utf-8")
    main = plan.run_dir / "nginx.conf"
    text = MAIN_TEMPLATE.read_text(encoding="utf-8")
    text = text.replace("@RUN@", str(plan.run_dir)).replace("@TEMP@", str(temp))
    main.write_text(text, encoding="utf-8")
    return main


def spool_folder() -> Path:
    """A fresh folder for what nginx spools to disk (any upload over 16 kB), writable by
    its workers. Started as root, nginx runs its workers as ``nobody``, who cannot enter a
    folder private to root such as the run folder may be: so the spool is a folder of its
    own in the system's temp directory, given to ``nobody``."""
    folder = Path(tempfile.mkdtemp(prefix="nn-nginx-"))
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(folder, nobody.pw_uid, nobody.pw_gid)
    return folder


def nginx_command(plan: Plan, nginx: str = "nginx") -> list[str]:
    """nginx in the foreground with every file of its own in the run folder."""
    run = plan.run_dir
    files = ["-p", str(run), "-c", str(run / "nginx.conf"), "-e", str(run / "error.log")]
    return [nginx, *files, "-g", "daemon off;"]


def board_database(environ, root: Path = ROOT) -> str | None:
    """Where the replicas' shared board is, in words; None when nothing is configured."""
    if environ.get("NN_CLASS_DB_URL", "").strip():
        return "NN_CLASS_DB_URL"
    secrets = root / ".streamlit" / "secrets.toml"
    with contextlib.suppress(OSError, tomllib.TOMLDecodeError):
        if "classroom" in tomllib.loads(secrets.read_text()).get("connections", {}):
            return f"[connections.classroom] in {secrets}"
    return None


def replica_env(environ, replicas: int, cores: int) -> dict[str, str]:
    """The replicas' environment: this one, with the machine's training workers shared
    between them and one trusted proxy in front, unless set already."""
    env = dict(environ)
    share = int(env.get("NN_WORKERS") or max(1, cores // max(1, replicas)))  # cores each
    # A worker per core of its share, not per place: replicas on one machine already
    # split its cores, and a worker per place would start twice the processes.
    env.setdefault("NN_WORKERS", str(share))
    env.setdefault("NN_MAX_ACTIVE_RUNS", str(2 * share))
    env.setdefault("NN_PROXY_HOPS", "1")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def replica_command(port: int, address: str) -> list[str]:
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py")]
    return [*cmd, "--server.port", str(port), "--server.address", address, "--server.headless=true"]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


class Launcher:
    """The replicas and nginx as child processes, each in a process group of its own (so a
    Ctrl-C reaches the launcher alone, and it stops them in order)."""

    def __init__(self, plan: Plan, environ=None, nginx: str = "nginx"):
        self.plan, self.nginx = plan, nginx
        self.env = replica_env(
            os.environ if environ is None else environ, plan.replicas, os.cpu_count() or 1
        )
        self.replicas: list[subprocess.Popen] = []
        self.proxy: subprocess.Popen | None = None
        self.spool: Path | None = None
        self.stopping = threading.Event()

    def _spawn(self, cmd: list[str], log: Path, env=None) -> subprocess.Popen:
        with open(log, "ab") as out:
            return subprocess.Popen(
                cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def start_replicas(self, timeout: float = 180.0) -> None:
        self.plan.run_dir.mkdir(parents=True, exist_ok=True)
        for port in self.plan.ports:
            log = self.plan.run_dir / f"replica-{port}.log"
            cmd = replica_command(port, self.plan.address)
            self.replicas.append(self._spawn(cmd, log, self.env))
        for proc, server in zip(self.replicas, self.plan.servers, strict=False):
            self._wait(f"http://{server}", proc, timeout)

    def start_proxy(self, timeout: float = 30.0) -> str:
        self.spool = spool_folder()
        write_configs(self.plan, self.spool)
        cmd = nginx_command(self.plan, self.nginx)
        self.proxy = self._spawn(cmd, self.plan.run_dir / "nginx.out")
        host, _, port = self.plan.listen.rpartition(":")
        url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '[::]', '') else host}:{port}"
        self._wait(url, self.proxy, timeout)
        return url

    def _wait(self, url: str, proc: subprocess.Popen, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not healthy(url):
            if proc.poll() is not None or self.stopping.is_set():
                raise RuntimeError(
                    f"{proc.args[0]} stopped (exit {proc.returncode}) before {url} answered"
                )
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")
            time.sleep(0.3)

    def children(self) -> list[subprocess.Popen]:
        return [*self.replicas, *([self.proxy] if self.proxy else [])]

    def wait(self) -> int:
        """Until a stop is asked for (0) or a child ends by itself (1: systemd restarts us)."""
        while not self.stopping.wait(0.5):
            for proc in self.children():
                if proc.poll() is not None:
                    name = " ".join(map(str, proc.args[:6]))
                    say(f"stopped by itself: {name} (exit {proc.returncode})", sys.stderr)
                    return 1
        return 0

    def stop(self) -> None:
        """nginx first (no new request reaches a replica that is going), then the replicas
        and their training workers."""
        self.stopping.set()
        for group in ([self.proxy] if self.proxy else [], self.replicas):
            for proc in group:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
            for proc in group:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=20)
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)  # whatever of the group is left
                proc.wait(timeout=10)
        if self.spool is not None:
            shutil.rmtree(self.spool, ignore_errors=True)


NO_BOARD = (
    "Replicas need one class board they all see: set NN_CLASS_DB_URL to a PostgreSQL URL "
    "(postgresql+psycopg2://user:pass@host:5432/classroom) or fill [connections.classroom] "
    "in .streamlit/secrets.toml."
)


def say(text: str, stream=None, end: str = "\n") -> None:
    """A line for the person at the terminal (or the service's journal), at once."""
    stream = stream or sys.stdout
    stream.write(text + end)
    stream.flush()


def parse(argv=None) -> tuple[argparse.Namespace, Plan]:
    ap = argparse.ArgumentParser(
        prog="python -m server.replicas",
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1],
    )
    cores = os.cpu_count() or 1
    ap.add_argument(
        "--replicas", type=int, default=cores, help=f"app servers here ({cores}: one a core)"
    )
    ap.add_argument("--port", type=int, default=8501, help="where nginx listens (8501)")
    ap.add_argument("--listen-address", default="0.0.0.0", help="nginx's address (0.0.0.0)")
    ap.add_argument("--first-port", type=int, help="the first replica's port (default --port + 1)")
    ap.add_argument("--address", default="127.0.0.1", help="the replicas' address (127.0.0.1)")
    ap.add_argument(
        "--upstream",
        action="append",
        default=[],
        metavar="HOST:PORT",
        help="a replica on another machine (repeat)",
    )
    ap.add_argument(
        "--run-dir", type=Path, help="nginx's files and the logs (NN_STATE_DIR/replicas)"
    )
    ap.add_argument("--access-log", type=Path, help="nginx's access log (RUN_DIR/access.log)")
    ap.add_argument("--nginx", default="nginx", help="the nginx program (nginx)")
    ap.add_argument("--no-proxy", action="store_true", help="start the replicas only")
    ap.add_argument("--print-config", action="store_true", help="print the site file and stop")
    args = ap.parse_args(argv)
    if args.replicas < 0:
        ap.error("--replicas cannot be negative")
    plan = Plan(
        replicas=args.replicas,
        first_port=args.first_port or args.port + 1,
        address=args.address,
        listen=f"{args.listen_address}:{args.port}",
        upstream=tuple(args.upstream),
        run_dir=(args.run_dir or state_dir() / "replicas").resolve(),
        access_log=args.access_log,
    )
    return args, plan


def main(argv=None) -> int:
    args, plan = parse(argv)
    if args.print_config:
        say(site_config(plan), end="")
        return 0
    if plan.replicas and board_database(os.environ) is None:
        say(NO_BOARD, sys.stderr)
        return 2
    launcher = Launcher(plan, nginx=args.nginx)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: launcher.stopping.set())
    try:
        launcher.start_replicas()
        here = ", ".join(plan.servers[: plan.replicas]) or "none here"
        say(f"replicas: {here} (logs in {plan.run_dir})")
        if not args.no_proxy:
            url = launcher.start_proxy()
            say(f"ready: {url}/ through nginx ({plan.run_dir / 'site.conf'})")
        return launcher.wait()
    except RuntimeError as e:
        say(f"not started: {e}", sys.stderr)
        return 0 if launcher.stopping.is_set() else 1
    finally:
        launcher.stop()


if __name__ == "__main__":
    raise SystemExit(main())
