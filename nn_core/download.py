"""Downloading data set files from mirrors into a cache folder, safely.

Classroom networks are flaky, so this module is deliberately suspicious:

* several mirrors are tried in turn, each with a short timeout, and a mirror that
  cannot be reached at all is not asked again for the remaining files;
* every file is checked against a known MD5 of its *decompressed* bytes, because the
  same data is often re-compressed differently (so the ``.gz`` checksum may differ
  while the content is identical);
* a file only ever appears in the cache complete and verified: it is downloaded into
  memory, checked, written to a temporary file in the same folder, flushed to disk
  (``fsync``) and then renamed over the final name (``os.replace`` is atomic), so an
  interrupted download leaves nothing half-written behind;
* files already in the cache and correct are not downloaded again, so a second
  attempt after a failure only fetches what is still missing.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from nn_core.errors import DataError
from nn_core.idx import GZIP_MAGIC, decompress_if_gzip

__all__ = ["DownloadError", "DownloadResult", "atomic_write", "download_files", "md5_of_content"]

Progress = Callable[[float, str], None]
_CHUNK = 256 * 1024
_USER_AGENT = "nn-classroom (python urllib)"


class DownloadError(DataError):
    """No mirror delivered a correct copy of some file; ``notes`` says why, mirror by mirror."""

    def __init__(self, message: str, notes: Sequence[str] = ()):
        super().__init__(message)
        self.notes = tuple(notes)


class _MirrorDown(Exception):
    """The mirror itself could not be reached (as opposed to one bad file on it)."""


@dataclass
class DownloadResult:
    """What :func:`download_files` did: which mirrors served files, and what went wrong."""

    mirrors_used: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def md5_of_content(raw: bytes) -> str:
    """MD5 hex digest of the decompressed content of ``raw`` (gzip or not)."""
    return hashlib.md5(decompress_if_gzip(raw)).hexdigest()


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that ``path`` is either absent or complete.

    A reader (or a second app instance downloading at the same time) can never see
    a half-written file: the bytes go to a hidden temporary file in the same folder
    first, which is flushed to disk and then renamed in one atomic step.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); harmless to skip where unsupported."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def download_files(
    wanted: Mapping[str, str | None],
    dest: Path,
    mirrors: Sequence[str],
    *,
    timeout: float = 5.0,
    progress: Progress | None = None,
    weights: Mapping[str, float] | None = None,
) -> DownloadResult:
    """Make sure every file in ``wanted`` is in ``dest``, verified, fetching what is missing.

    ``wanted`` maps a base file name (``"train-images-idx3-ubyte"``) to the MD5 of its
    decompressed content (``None``: unknown, only the IDX structure is checked later).
    Each file is fetched as ``<mirror>/<name>.gz``. ``weights`` (e.g. expected sizes)
    share out the progress bar between files. A file that fails does not stop the
    others, so a later attempt only needs what is still missing. Raises
    :class:`DownloadError` if some file could not be obtained from any mirror.
    """
    dest.mkdir(parents=True, exist_ok=True)
    todo = [name for name, md5 in wanted.items() if not _cached_ok(dest, name, md5)]
    bar = _ProgressBar(progress, {n: (weights or {}).get(n, 1.0) for n in todo})
    fetcher = _Fetcher(dest, list(mirrors), timeout, bar)
    failed = [name for name in todo if not fetcher.fetch(name, wanted[name])]
    if failed:
        raise DownloadError(fetcher.failure_summary(failed), fetcher.result.notes)
    bar.finish()
    return fetcher.result


def _cached_ok(dest: Path, name: str, md5: str | None) -> bool:
    """True if ``dest`` already holds a complete, correct copy of ``name`` (gzip or not)."""
    for path in (dest / f"{name}.gz", dest / name):
        if md5 is not None and path.is_file():
            try:
                return md5_of_content(path.read_bytes()) == md5
            except (OSError, DataError):
                return False
    return False


class _Fetcher:
    """Fetches files one by one, remembering which mirrors are down and what failed."""

    def __init__(self, dest: Path, mirrors: list[str], timeout: float, bar: _ProgressBar):
        self.dest, self.mirrors, self.timeout, self.bar = dest, mirrors, timeout, bar
        self.dead: set[str] = set()
        self.result = DownloadResult()

    def fetch(self, name: str, md5: str | None) -> bool:
        """Try the mirrors in turn for one file; return whether one delivered it."""
        for mirror in self.mirrors:
            if mirror not in self.dead and self._try(mirror, name, md5):
                if mirror not in self.result.mirrors_used:
                    self.result.mirrors_used.append(mirror)
                self.bar.file_done(name)
                return True
        return False

    def _try(self, mirror: str, name: str, md5: str | None) -> bool:
        """Download, check and store one file from one mirror; note any failure."""
        url = mirror.rstrip("/") + f"/{name}.gz"
        try:
            raw = _get(url, self.timeout, lambda f: self.bar.update(name, f, url))
            _verify(raw, md5)
        except _MirrorDown as exc:
            self.dead.add(mirror)
            self.result.notes.append(f"mirror {mirror} unreachable ({exc})")
            return False
        except DataError as exc:
            self.result.notes.append(f"{url} rejected: {exc}")
            return False
        _store(self.dest, name, raw)
        return True

    def failure_summary(self, failed: list[str]) -> str:
        """One plain sentence for the notes: why the download as a whole failed."""
        if not self.mirrors:
            return "download failed: no mirrors to try"
        if self.dead >= set(self.mirrors):
            if len(self.dead) == 1:
                return f"download failed: the mirror {self.mirrors[0]} is unreachable"
            return f"download failed: all {len(self.dead)} mirrors unreachable"
        names = ", ".join(f"{name}.gz" for name in failed)
        return f"download failed: no mirror delivered a correct {names}"


def _get(url: str, timeout: float, on_fraction: Callable[[float], None]) -> bytes:
    """Download ``url`` into memory, reporting the fraction received so far."""
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return _read_body(response, on_fraction)
    except urllib.error.HTTPError as exc:
        raise DataError(f"HTTP error {exc.code} ({exc.reason})") from exc
    except urllib.error.URLError as exc:
        raise _MirrorDown(_reason(exc.reason)) from exc
    except TimeoutError as exc:
        raise _MirrorDown(f"no answer within {timeout:g} s") from exc
    except (http.client.HTTPException, OSError) as exc:
        raise DataError(f"download interrupted ({_reason(exc)})") from exc


def _read_body(response, on_fraction: Callable[[float], None]) -> bytes:
    """Read the whole response body, insisting on the advertised length if there is one."""
    total = int(response.headers.get("Content-Length") or 0)
    chunks, received = [], 0
    while chunk := response.read(_CHUNK):
        chunks.append(chunk)
        received += len(chunk)
        if total:
            on_fraction(min(received / total, 1.0))
    if total and received != total:
        raise DataError(f"download interrupted after {received:,} of {total:,} bytes")
    return b"".join(chunks)


def _reason(reason: object) -> str:
    """A short human description of a network error."""
    if isinstance(reason, TimeoutError):
        return "timed out"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower()
    return str(reason) or type(reason).__name__


def _verify(raw: bytes, md5: str | None) -> None:
    """Reject a download whose decompressed content does not have the expected MD5."""
    if md5 is None:
        decompress_if_gzip(raw, "the download")
        return
    got = md5_of_content(raw)
    if got != md5:
        raise DataError(f"checksum mismatch: MD5 of the content is {got}, expected {md5}")


def _store(dest: Path, name: str, raw: bytes) -> None:
    """Save a verified download as ``name.gz`` (or ``name`` if it came uncompressed)."""
    final = dest / (f"{name}.gz" if raw.startswith(GZIP_MAGIC) else name)
    atomic_write(final, raw)
    for other in (dest / name, dest / f"{name}.gz"):
        if other != final:
            with contextlib.suppress(OSError):
                other.unlink()


class _ProgressBar:
    """Turns per-file fractions into one overall, never-decreasing fraction in [0, 1]."""

    def __init__(self, callback: Progress | None, weights: Mapping[str, float]):
        self.callback = callback
        total = sum(weights.values()) or 1.0
        self.share = {name: w / total for name, w in weights.items()}
        self.done = 0.0
        self.shown = 0.0

    def update(self, name: str, fraction: float, url: str) -> None:
        """Report that ``fraction`` of file ``name`` has arrived from ``url``."""
        overall = min(self.done + self.share.get(name, 0.0) * fraction, 1.0)
        if self.callback and overall >= self.shown + 0.005:
            self.shown = overall
            host = urlsplit(url).netloc or url
            self.callback(overall, f"downloading {name}.gz from {host}")

    def file_done(self, name: str) -> None:
        """Count file ``name`` as complete, whatever its server said about its length."""
        self.done += self.share.get(name, 0.0)

    def finish(self) -> None:
        """Always end on exactly 1.0, so a progress bar in the UI can close."""
        if self.callback:
            self.callback(1.0, "download complete")
