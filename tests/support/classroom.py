"""Shared by the class-board tests: a throwaway PostgreSQL, the two stores, a clock.

(The runs they share come from ``tests.support.runs.make_run``.) PostgreSQL comes from
``NN_TEST_PG_URL`` (``.ci/run`` starts one) or, when that is unset, from a cluster this
module starts itself: ``initdb`` into a temporary folder, ``pg_ctl start`` on a free port
on 127.0.0.1, as the user ``nobody`` when running as root (postgres refuses root). If
neither works the tests that need it FAIL, saying why: a class board that was never run
against PostgreSQL must not pass as if it had been.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.support.ports import free_port

BACKENDS = ("sqlite", "postgresql")


def _pg_bin() -> Path | None:
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(folder) / "initdb").exists():
            return Path(folder)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class ThrowawayPostgres:
    """A private PostgreSQL cluster in a temporary folder, gone after ``stop()``."""

    def __init__(self):
        self.bin = _pg_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install -y postgresql)")
        self.folder = Path(tempfile.mkdtemp(prefix="nn-pg-"))
        self.data, self.port = self.folder / "data", free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            os.chown(self.folder, nobody.pw_uid, nobody.pw_gid)
            self.as_user = ["runuser", "-u", "nobody", "--"]

    def _run(self, tool: str, *args: str) -> None:
        cmd = [*self.as_user, str(self.bin / tool), *args]
        done = subprocess.run(cmd, cwd=self.folder, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed: {done.stdout}{done.stderr}")

    def start(self) -> str:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync")
        options = f"-h 127.0.0.1 -p {self.port} -k {self.folder} -F"
        log = str(self.folder / "server.log")
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "-t", "60", "start"
        )
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_admin_url():
    """A PostgreSQL server's URL for the tests' own databases (fails if there is none)."""
    url = os.environ.get("NN_TEST_PG_URL")
    cluster = None
    if not url:
        try:
            cluster = ThrowawayPostgres()
            url = cluster.start()
        except Exception as e:  # noqa: BLE001 - any reason is reported, none is skipped
            pytest.fail(f"could not start a throwaway PostgreSQL for the class-board tests: {e}")
    try:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
    except Exception as e:  # noqa: BLE001
        pytest.fail(f"PostgreSQL at {url} does not answer: {e}")
    yield url
    if cluster is not None:
        cluster.stop()


def fresh_pg_database(admin_url: str) -> tuple[str, callable]:
    """A new empty database on the server; returns (its URL, a function that drops it)."""
    name = f"nn_test_{secrets.token_hex(6)}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


@pytest.fixture(params=BACKENDS)
def engine(request, tmp_path):
    """A SQLAlchemy engine on an empty database: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        eng = sa.create_engine(f"sqlite:///{tmp_path / 'class.sqlite3'}")
        yield eng
        eng.dispose()
        return
    url, drop = fresh_pg_database(request.getfixturevalue("pg_admin_url"))
    eng = sa.create_engine(url)
    yield eng
    eng.dispose()
    drop()


class Clock:
    """A clock the test moves by hand: expiry without waiting days."""

    def __init__(self, now: float = 1_700_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now
