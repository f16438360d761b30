"""Replicas behind nginx: the launcher's plan, the configuration nginx accepts, and a real
run of two replicas behind a real nginx on 127.0.0.1 (``tests/support/replicas.py``).

The run checks what an administrator relies on: pages and the websocket come through
nginx, one browser always reaches the same replica while different browsers spread over
both, uploads up to Streamlit's limit pass (nginx spools them to disk) and larger ones
are refused, and SIGTERM stops nginx, the replicas and their training workers, leaving
nothing behind.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import urllib.error
import urllib.request

import pytest

from server import replicas
from tests.support.classroom import fresh_pg_database, pg_admin_url  # noqa: F401
from tests.support.loops import run_alone
from tests.support.protocol import Client
from tests.support.replicas import nginx_path, running_replicas


def test_the_site_file_names_every_replica_and_nginx_accepts_it(tmp_path):
    plan = replicas.Plan(
        replicas=2, first_port=9102, listen="127.0.0.1:9101", run_dir=tmp_path,
        upstream=("10.0.0.5:8502",),
    )  # fmt: skip
    site = replicas.site_config(plan)
    for server in ("127.0.0.1:9102", "127.0.0.1:9103", "10.0.0.5:8502"):
        assert f"server {server} " in site
    assert not re.search(r"@[A-Z_]+@", site)  # every field filled
    assert "hash $nn_replica_key consistent" in site
    assert "client_max_body_size 20m" in site  # .streamlit/config.toml: maxUploadSize = 20
    spool = replicas.spool_folder()
    replicas.write_configs(plan, spool)
    cmd = replicas.nginx_command(plan, nginx_path())[:-2] + ["-t"]
    checked = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    shutil.rmtree(spool)
    assert checked.returncode == 0, checked.stderr


def test_the_upload_limit_in_the_site_file_follows_streamlits():
    config = (replicas.ROOT / ".streamlit" / "config.toml").read_text()
    megabytes = int(config.split("maxUploadSize = ")[1].split()[0])
    assert f"client_max_body_size {megabytes}m;" in replicas.SITE_TEMPLATE.read_text()


def test_no_replica_and_no_upstream_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no replica"):
        replicas.site_config(replicas.Plan(replicas=0, run_dir=tmp_path))


def test_the_machines_cores_are_shared_between_its_replicas():
    env = replicas.replica_env({}, replicas=2, cores=2)
    assert (env["NN_WORKERS"], env["NN_MAX_ACTIVE_RUNS"], env["NN_PROXY_HOPS"]) == ("1", "2", "1")
    assert replicas.replica_env({}, replicas=2, cores=8)["NN_WORKERS"] == "4"
    mine = replicas.replica_env({"NN_WORKERS": "3", "NN_PROXY_HOPS": "2"}, replicas=2, cores=2)
    assert (mine["NN_WORKERS"], mine["NN_MAX_ACTIVE_RUNS"], mine["NN_PROXY_HOPS"]) == (
        "3",
        "6",
        "2",
    )


def test_replicas_without_a_shared_board_are_refused(tmp_path, monkeypatch, capsys):
    assert replicas.board_database({}, root=tmp_path) is None
    assert replicas.board_database({"NN_CLASS_DB_URL": "postgresql://h/db"}, tmp_path)
    (tmp_path / ".streamlit").mkdir()
    secrets = tmp_path / ".streamlit" / "secrets.toml"
    secrets.write_text('[connections.classroom]\nurl = "postgresql://h/db"\n')
    assert "connections.classroom" in replicas.board_database({}, root=tmp_path)
    monkeypatch.delenv("NN_CLASS_DB_URL", raising=False)
    monkeypatch.setattr(replicas, "ROOT", tmp_path / "nowhere")
    assert replicas.main(["--replicas", "2", "--run-dir", str(tmp_path / "run")]) == 2
    assert "NN_CLASS_DB_URL" in capsys.readouterr().err


def test_print_config_prints_the_filled_site_file(tmp_path, capsys):
    args = ["--replicas", "0", "--print-config", "--upstream", "10.0.0.6:8502"]
    assert replicas.main([*args, "--access-log", "/var/log/nginx/nn.log"]) == 0
    printed = capsys.readouterr().out
    assert "server 10.0.0.6:8502 " in printed and "listen 0.0.0.0:8501;" in printed
    assert "access_log /var/log/nginx/nn.log nn_replicas;" in printed


def get(url: str, cookie: str | None = None):
    headers = {"Cookie": f"nn_replica={cookie}"} if cookie else {}
    return urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30)


def upload_status(url: str, size: int) -> int:
    """The HTTP status of an upload of ``size`` bytes through nginx (Streamlit itself
    refuses it without a session's token: what matters is that nginx passed it on)."""
    request = urllib.request.Request(
        f"{url}/_stcore/upload_file/session/file", data=b"x" * size, method="PUT"
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status
    except urllib.error.HTTPError as e:
        return e.code


@pytest.mark.slow
def test_two_replicas_behind_nginx_serve_stick_and_stop(tmp_path, pg_admin_url):  # noqa: F811
    db_url, drop = fresh_pg_database(pg_admin_url)
    env = {"NN_CLASS_DB_URL": db_url, "NN_STATE_DIR": str(tmp_path / "state")}
    try:
        with running_replicas(tmp_path / "run", env) as r:
            with get(r.url + "/") as first:  # a new browser: a cookie to stick with
                cookie = first.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
                assert "<html" in first.read().decode().lower()
            with get(r.url + "/", cookie) as again:
                assert again.headers["Set-Cookie"] is None  # kept, not replaced
            one, other = r.cookies_on_different_replicas(2)
            assert {r.replica_for(one), r.replica_for(other)} == set(r.servers)
            for _ in range(5):
                assert r.replica_for(one) == r.replica_for(one)
            for forged in ("127.0.0.1:9", "10.0.0.1", "../../etc/passwd", "x" * 3000):
                assert r.replica_for(forged) in r.servers  # hashed, never an address

            async def draw_page():  # a websocket session, through nginx's upgrade
                c = Client("student", r.url)
                await c.connect()
                visit = await c.open("draw", timeout=120)
                await c.close()
                return visit, c.canvas

            assert upload_status(r.url, 3 * 2**20) not in (413, 500)  # spooled, passed on
            assert upload_status(r.url, 21 * 2**20) == 413  # over Streamlit's 20 MB: nginx says no
            errors = (r.run_dir / "error.log").read_text()
            assert not re.search(r"\[(crit|alert|emerg)\]", errors), errors

            visit, canvas = run_alone(draw_page)
            assert visit.seconds is not None and not visit.exceptions and canvas is not None
            assert r.logged("GET /_stcore/stream ")["status"] == "101"  # upgraded
            assert r.stop() == 0
            assert r.left_behind == ()  # nginx, replicas and training workers all gone
            log = (r.run_dir / "replica-{}.log".format(r.servers[0].split(":")[1])).read_text()
            assert "Traceback" not in log
    finally:
        drop()
