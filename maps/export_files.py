"""Export files written once, kept on disk, served whole or by byte range.

A GeoPackage is SQLite and an Excel workbook is a zip: a client that opens them
by URL (GDAL's /vsicurl/, QGIS) reads them by HTTP range requests, dozens per
file, after a HEAD that must give the size. Writing the file again for every
range would take seconds each time (17 s for every public hotspot), so each
file is written once per (dataset, parameters, language, data version) into
EXPORT_CACHE_DIR and the ranges are read from it.

- The key: a SHA-256 of what decides the bytes (dataset, format, parameters,
  language) and of the data versions the database triggers keep
  (maps.models.LayerVersion). A write to hotspots, events, decisions, size
  classes or areas changes the version, hence the key.
- What the versions do not follow (an entrant's publish consent, a campaign's
  settings) is bounded by age: a file older than EXPORT_CACHE_SECONDS is
  written again.
- One writer per key: an exclusive lock (fcntl) on `<key>.lock`; the others
  wait for it and then read the file. A file is written under a temporary name
  and renamed into place, so no reader sees half a file.
- Bounded disk: after each write, files past their age are removed, then the
  oldest until the directory holds at most EXPORT_CACHE_MAX_BYTES. A file
  being served stays readable after it is unlinked (it is open).
"""

import fcntl
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.http import http_date

# Bytes read from the file per piece of a range response.
READ_BYTES = 64 * 1024
DEFAULT_CACHE_SECONDS = 300
DEFAULT_CACHE_MAX_BYTES = 2 * 1024**3
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def cache_dir() -> Path:
    """Return the export cache directory (EXPORT_CACHE_DIR, else var/exports)."""
    folder = getattr(settings, "EXPORT_CACHE_DIR", None) or (
        Path(getattr(settings, "VAR_DIR", tempfile.gettempdir())) / "exports"
    )
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _max_age() -> float:
    return float(getattr(settings, "EXPORT_CACHE_SECONDS", DEFAULT_CACHE_SECONDS))


def _max_bytes() -> int:
    return int(getattr(settings, "EXPORT_CACHE_MAX_BYTES", DEFAULT_CACHE_MAX_BYTES))


def cache_key(*parts: str) -> str:
    """Return the file key of what decides an export's bytes."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


def _fresh(path: Path) -> bool:
    try:
        return time.time() - path.stat().st_mtime < _max_age()
    except FileNotFoundError:
        return False


def cached_file(key: str, suffix: str, write: Callable[[str], None]) -> Path:
    """Return the cached file of `key`, written by `write(path)` if missing or old.

    `write` creates the file at the path it is given (GDAL wants to create it).
    """
    folder = cache_dir()
    path = folder / f"{key}.{suffix}"
    if _fresh(path):
        return path
    with open(folder / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if _fresh(path):  # another worker wrote it while this one waited
                return path
            work = tempfile.mkdtemp(prefix=f".{key}-", dir=folder)
            try:
                part = os.path.join(work, f"export.{suffix}")
                write(part)
                os.replace(part, path)
            finally:
                for name in os.listdir(work):
                    os.unlink(os.path.join(work, name))
                os.rmdir(work)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    sweep()
    return path


def sweep() -> None:
    """Remove files past their age, then the oldest beyond the size bound."""
    folder = cache_dir()
    now = time.time()
    files = []
    for entry in os.scandir(folder):
        if not entry.is_file() or entry.name.startswith("."):
            continue
        try:
            stat = entry.stat()
        except FileNotFoundError:
            continue
        # Lock files outlive their export briefly; both go once stale.
        if now - stat.st_mtime >= 2 * _max_age():
            _unlink(entry.path)
        elif not entry.name.endswith(".lock"):
            files.append((stat.st_mtime, stat.st_size, entry.path))
    total = sum(size for _m, size, _p in files)
    for _mtime, size, path in sorted(files):
        if total <= _max_bytes():
            break
        _unlink(path)
        total -= size


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _byte_range(header: str, size: int) -> tuple[int, int] | None | bool:
    """Return (first, last) of a single `bytes=` range, None to send the whole
    file (no range, several ranges, or a header we do not understand), False
    if the range cannot be satisfied."""
    match = RANGE.match(header.strip())
    if not match or not size:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0:
            return False
        return max(size - length, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return False
    return start, end


def _piece(path: Path, start: int, length: int) -> Iterator[bytes]:
    with open(path, "rb") as stream:
        stream.seek(start)
        while length > 0:
            data = stream.read(min(READ_BYTES, length))
            if not data:
                return
            length -= len(data)
            yield data


def file_response(request, path: Path, *, content_type: str, etag: str):
    """Answer GET or HEAD with the file, whole (200) or one byte range (206).

    HEAD gives the same headers (Content-Length included) without the body; an
    unsatisfiable range is a 416 with the size, as RFC 9110 asks.
    """
    size = path.stat().st_size
    head = request.method == "HEAD"
    wanted = _byte_range(request.headers.get("Range", ""), size)
    if request.headers.get("If-Range") and request.headers["If-Range"] != etag:
        wanted = None  # the client holds another version: send it whole
    if wanted is False:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    elif wanted is None:
        if head:
            response = HttpResponse(content_type=content_type)
            response["Content-Length"] = str(size)
        else:
            response = FileResponse(open(path, "rb"), content_type=content_type)  # noqa: SIM115
    else:
        start, end = wanted
        length = end - start + 1
        if head:
            response = HttpResponse(content_type=content_type, status=206)
        else:
            response = StreamingHttpResponse(
                _piece(path, start, length), content_type=content_type, status=206
            )
        response["Content-Length"] = str(length)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(path.stat().st_mtime)
    return response
