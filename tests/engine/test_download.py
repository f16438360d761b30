"""Downloading, against a real HTTP server on 127.0.0.1 (never the internet).

The server serves a temporary folder: ``/good/`` holds correct files, ``/bad/`` files
with the right names but other content, ``/cut/`` sends half of each file and hangs
up, ``/cut-train/`` does that only for the training images.
"""

from __future__ import annotations

import dataclasses
import functools
import gzip
import hashlib
import http.server
import os
import socket
import struct
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from nn_core.data import DATASETS, FILES, load_dataset
from nn_core.download import atomic_write, md5_of_content
from nn_core.errors import DataUnavailableError
from tests.support.ports import refused_url

REAL_DATA_DIR = os.environ.get("NN_DATA_DIR")


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves files from ``directory``, recording requests; /cut*/ paths misbehave."""

    def do_GET(self):
        self.server.requests.append(self.path)
        for prefix, victim in (("/cut/", ""), ("/cut-train/", "train-images")):
            if self.path.startswith(prefix) and victim in self.path:
                return self._send_half(self.path.replace(prefix, "/good/", 1))
        if self.path.startswith("/cut-train/"):
            self.path = self.path.replace("/cut-train/", "/good/", 1)
        return super().do_GET()

    def _send_half(self, path: str) -> None:
        data = Path(self.directory, path.lstrip("/")).read_bytes()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2])
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture
def serve():
    """Start a threaded HTTP server on a free local port serving a folder; return its URL."""
    servers = []

    def start(root: Path) -> http.server.ThreadingHTTPServer:
        handler = functools.partial(Handler, directory=str(root))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.requests = []
        server.url = f"http://127.0.0.1:{server.server_address[1]}"
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def closed_port():
    """A local URL that refuses connections (``tests.support.ports.refused_url``)."""
    with refused_url() as url:
        yield url


@pytest.fixture(autouse=True)
def no_official_mirrors(monkeypatch, tmp_path):
    """No data folder, a private cache, no proxy for the local server, no official mirrors:
    every download goes to the mirrors a test names (conftest.py's ``refused_mirrors``
    points them at a refusing port instead)."""
    monkeypatch.delenv("NN_DATA_DIR", raising=False)
    for name, info in DATASETS.items():
        monkeypatch.setitem(DATASETS, name, dataclasses.replace(info, mirrors=()))
    monkeypatch.setenv("NN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


def write_files(folder: Path, seed: int, n_train: int = 1000) -> dict[str, str]:
    """Four valid gzip IDX files in ``folder``; return their content MD5s.

    Random pixels do not compress, so 1,000 training images make a file of several
    read chunks, enough to watch progress within a file.
    """
    rng = np.random.default_rng(seed)
    arrays = (
        rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        rng.integers(0, 10, n_train, dtype=np.uint8),
        rng.integers(0, 256, (10, 28, 28), dtype=np.uint8),
        rng.integers(0, 10, 10, dtype=np.uint8),
    )
    folder.mkdir(parents=True)
    md5 = {}
    for name, a in zip(FILES, arrays, strict=True):
        data = struct.pack(f">I{a.ndim}I", 0x803 if a.ndim == 3 else 0x801, *a.shape) + a.tobytes()
        (folder / f"{name}.gz").write_bytes(gzip.compress(data))
        md5[name] = hashlib.md5(data).hexdigest()
    return md5


@pytest.fixture
def site(tmp_path, serve, monkeypatch):
    """A server with /good/ and /bad/ synthetic files; MNIST's checksums are the good ones."""
    md5 = write_files(tmp_path / "www" / "good", seed=1)
    write_files(tmp_path / "www" / "bad", seed=2)
    monkeypatch.setitem(DATASETS, "mnist", dataclasses.replace(DATASETS["mnist"], md5=md5))
    return serve(tmp_path / "www")


def load(tmp_path, mirrors, **kwargs):
    """load_dataset with no data folder, the tmp cache, and only the given mirrors.

    The folder comes from NN_DATA_DIR (an explicit ``data_dir=`` that is missing is an
    error, never a reason to look elsewhere), pointing at an empty place.
    """
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NN_DATA_DIR", str(tmp_path / "no-data"))
        return load_dataset("mnist", mirrors=mirrors, **kwargs)


def cache_files(tmp_path) -> list[str]:
    """Every file in the cache folder, hidden ones included."""
    folder = tmp_path / "cache" / "mnist"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_download_synthetic_files(tmp_path, site):
    ds = load(tmp_path, [f"{site.url}/good/"])
    assert (ds.source, ds.location) == ("download", f"{site.url}/good/")
    assert (ds.n_train, ds.n_test) == (1000, 10)
    assert cache_files(tmp_path) == sorted(f"{name}.gz" for name in FILES)
    again = load(tmp_path, [f"{site.url}/good/"])
    assert again.source == "cache" and len(site.requests) == 4
    np.testing.assert_array_equal(again.X_train, ds.X_train)


@pytest.mark.skipif(
    not REAL_DATA_DIR or not Path(REAL_DATA_DIR, "mnist").is_dir(),
    reason="NN_DATA_DIR is unset or has no mnist/ folder to serve",
)
def test_download_real_mnist(tmp_path, serve):
    server = serve(Path(REAL_DATA_DIR, "mnist"))
    ds = load(tmp_path, [f"{server.url}/"])
    assert (ds.source, ds.n_train, ds.n_test) == ("download", 60000, 10000)
    for name, md5 in DATASETS["mnist"].md5.items():
        assert md5_of_content((tmp_path / "cache" / "mnist" / f"{name}.gz").read_bytes()) == md5


def test_checksum_mismatch_rejected_and_next_mirror_used(tmp_path, site):
    bad, good = f"{site.url}/bad/", f"{site.url}/good/"
    ds = load(tmp_path, [bad, good])
    assert (ds.source, ds.location) == ("download", good)
    rejected = [n for n in ds.notes if n.startswith(bad) and "checksum mismatch" in n]
    assert len(rejected) == 4
    for name, md5 in DATASETS["mnist"].md5.items():
        assert md5_of_content((tmp_path / "cache" / "mnist" / f"{name}.gz").read_bytes()) == md5


def test_only_wrong_files_means_no_download(tmp_path, site):
    ds = load(tmp_path, [f"{site.url}/bad/"])
    assert ds.source == "bundled"
    names = ", ".join(f"{name}.gz" for name in FILES)
    assert f"download failed: no mirror delivered a correct {names}" in ds.notes
    assert cache_files(tmp_path) == []


def test_server_down_next_mirror_used(tmp_path, site, closed_port):
    ds = load(tmp_path, [closed_port, f"{site.url}/good/"])
    assert ds.source == "download"
    assert [n for n in ds.notes if "unreachable" in n] == [
        f"mirror {closed_port} unreachable (connection refused)"
    ]


def test_all_mirrors_down_falls_back_with_clear_note(tmp_path, site, closed_port):
    ds = load(tmp_path, [closed_port, closed_port + "other/"])
    assert ds.source == "bundled"
    assert "download failed: all 2 mirrors unreachable" in ds.notes
    with pytest.raises(DataUnavailableError, match="the mirror .* is unreachable"):
        load(tmp_path, [closed_port], allow_bundled=False)


def test_silent_server_times_out(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        start = time.perf_counter()
        ds = load(tmp_path, [f"http://127.0.0.1:{sock.getsockname()[1]}/"], timeout=0.3)
    assert time.perf_counter() - start < 5
    assert ds.source == "bundled"
    assert any("unreachable (no answer within 0.3 s)" in n for n in ds.notes)


def test_interrupted_download_leaves_nothing(tmp_path, site):
    ds = load(tmp_path, [f"{site.url}/cut/"])
    assert ds.source == "bundled"
    assert any("interrupted" in n for n in ds.notes)
    assert cache_files(tmp_path) == []


def test_interrupted_file_is_fetched_again_later(tmp_path, site):
    first = load(tmp_path, [f"{site.url}/cut-train/"])
    assert first.source == "bundled"
    assert (
        "download failed: no mirror delivered a correct train-images-idx3-ubyte.gz" in first.notes
    )
    assert cache_files(tmp_path) == sorted(f"{name}.gz" for name in FILES[1:])
    site.requests.clear()
    ds = load(tmp_path, [f"{site.url}/good/"])
    assert ds.source == "download"
    assert site.requests == ["/good/train-images-idx3-ubyte.gz"]


def test_complete_files_are_not_downloaded_again(tmp_path, site):
    cache = tmp_path / "cache" / "mnist"
    cache.mkdir(parents=True)
    for name in FILES[1:]:
        (cache / f"{name}.gz").write_bytes((tmp_path / "www" / "good" / f"{name}.gz").read_bytes())
    (cache / f"{FILES[0]}.gz").write_bytes(b"\x1f\x8b broken")
    ds = load(tmp_path, [f"{site.url}/good/"])
    assert ds.source == "download"
    assert site.requests == [f"/good/{FILES[0]}.gz"]


def test_progress_increases_to_one(tmp_path, site):
    calls = []
    load(
        tmp_path,
        [f"{site.url}/bad/", f"{site.url}/good/"],
        progress=lambda f, m: calls.append((f, m)),
    )
    fractions = [f for f, _ in calls]
    assert len(calls) >= 5  # several steps within the training images alone
    assert all(0.0 <= f <= 1.0 for f in fractions)
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    assert all(isinstance(m, str) and m for _, m in calls)
    assert any("train-images-idx3-ubyte.gz" in m for _, m in calls)


def test_atomic_write_failure_leaves_old_file(tmp_path, monkeypatch):
    target = tmp_path / "file.gz"
    target.write_bytes(b"old")

    def broken_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, b"new" * 1000)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.gz"]
    monkeypatch.undo()
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
