"""``bulletin serve``: the output folder over HTTP, the way a podcast host serves it.

GET and HEAD, single byte ranges (206, Content-Range, Accept-Ranges: podcast
apps and Apple need them) with If-Range, ETag and Last-Modified with
conditional GET, the right Content-Type for every file we write, nothing
outside the folder and nothing of a draft, and idle connections closed.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote, urlsplit

from bulletin import __version__
from bulletin.core.errors import InputError
from bulletin.core.jsontext import loads
from bulletin.publish.episode import DRAFT, MANIFEST_SUFFIX
from bulletin.publish.mediatypes import cache_control, content_type

log = logging.getLogger(__name__)

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
LOOPBACK = ("127.0.0.1", "::1", "localhost")
COPY_CHUNK = 64 * 1024
MAX_POSITION_DIGITS = 18  # 10^18 bytes: past the end of any file
LISTEN_BACKLOG = 64  # connections waiting to be accepted (socketserver's default is 5)
IDLE_TIMEOUT_S = 30.0  # a connection that sends nothing for this long is closed
WEAK_PREFIX = "W/"
DATE_STRONG_AFTER_S = 1.0


def _draft(path: Path) -> bool:
    """Whether ``path`` belongs to a draft (its folder's manifest says so): not on air, not served."""
    manifests = list(path.parent.glob(f"*{MANIFEST_SUFFIX}"))
    try:
        return any(loads(m.read_text("utf-8")).get("state") == DRAFT for m in manifests)
    except (OSError, ValueError, AttributeError):
        return False


def _position(digits: str) -> int:
    """A byte position from a Range header; one longer than any file can be is simply past its end
    (Python refuses to read integers of thousands of digits)."""
    return int(digits) if len(digits) <= MAX_POSITION_DIGITS else 10**MAX_POSITION_DIGITS


class _Handler(BaseHTTPRequestHandler):
    root: Path  # set on the subclass made by make_server
    server_version = f"bulletin/{__version__}"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        log.info("%s %s", self.address_string(), format % args)

    def _file(self) -> Path | None:
        """The file asked for, or None: outside the root, hidden, or missing."""
        relative = unquote(urlsplit(self.path).path).lstrip("/")
        if "\x00" in relative or any(part.startswith(".") for part in Path(relative).parts):
            return None  # no "..", no hidden or temporary files
        try:
            candidate = (self.root / relative).resolve()
            if candidate != self.root and self.root not in candidate.parents:
                return None
            if candidate.is_dir():
                candidate = candidate / "index.html"
            return candidate if candidate.is_file() and not _draft(candidate) else None
        except OSError:  # a name too long for the file system, say: no such file here
            return None

    def _error(self, status: HTTPStatus, extra: dict[str, str] | None = None) -> None:
        body = f"{status.value} {status.phrase}\n".encode()
        self.send_response(status)
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _serve(self, send_body: bool) -> None:
        path = self._file()
        try:
            handle = path.open("rb") if path is not None else None
        except OSError:  # gone (or replaced by a folder) since it was found
            handle = None
        if handle is None:
            self._error(HTTPStatus.NOT_FOUND)
            return
        with handle:  # one open file: length, validators and bytes all of one version, whatever replaces it
            self._answer(handle, content_type(Path(handle.name).name), send_body)

    def _answer(self, handle: BinaryIO, media_type: str, send_body: bool) -> None:
        stat = os.fstat(handle.fileno())
        size = stat.st_size
        etag = f'"{size:x}-{stat.st_mtime_ns:x}"'
        modified = formatdate(stat.st_mtime, usegmt=True)
        if self._not_modified(etag, stat.st_mtime):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        start, end, status = 0, size - 1, HTTPStatus.OK
        wanted = self.headers.get("Range")
        if wanted and self._range_still_valid(etag, modified, stat.st_mtime):
            parsed = RANGE.match(wanted.replace(" ", ""))
            if parsed is None or not any(parsed.groups()):
                pass  # several ranges or a unit we do not know: the whole file, as HTTP allows
            else:
                first, last = (_position(g) if g else None for g in parsed.groups())
                if first is not None:
                    start, end = first, min(last, size - 1) if last is not None else size - 1
                else:  # the last N bytes
                    start, end = max(size - (last or 0), 0), size - 1
                if start >= size or start > end:
                    self._error(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE, {"Content-Range": f"bytes */{size}"})
                    return
                status = HTTPStatus.PARTIAL_CONTENT
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Cache-Control", cache_control(Path(handle.name).name))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", modified)
        if status is HTTPStatus.PARTIAL_CONTENT:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.end_headers()
        if send_body:
            handle.seek(start)
            remaining = end - start + 1
            while remaining > 0:
                chunk = handle.read(min(COPY_CHUNK, remaining))
                if not chunk:
                    break
                self.wfile.write(chunk)
                remaining -= len(chunk)

    def _range_still_valid(self, etag: str, modified: str, mtime: float) -> bool:
        """If-Range (RFC 9110 13.1.5): the range only for the representation the client
        has, named by a strong ETag or its exact Last-Modified date (a strong validator
        only once a second has passed since: a change within that second keeps the date);
        else the whole file."""
        validator = self.headers.get("If-Range")
        if validator is None:
            return True
        validator = validator.strip()
        if validator.startswith(WEAK_PREFIX):
            return False  # weak validators never match here
        return validator == etag or (validator == modified and time.time() - mtime >= DATE_STRONG_AFTER_S)

    def _not_modified(self, etag: str, mtime: float) -> bool:
        match = self.headers.get("If-None-Match")
        if match is not None:
            return etag in [m.strip() for m in match.split(",")] or match.strip() == "*"
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return int(mtime) <= int(parsedate_to_datetime(since).timestamp())
            except (TypeError, ValueError):
                return False
        return False


class _Server(ThreadingHTTPServer):
    request_queue_size = LISTEN_BACKLOG

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A player that hangs up mid-file (skipping, seeking, ``head -c``) is normal: one debug line,
        not a traceback; anything else is still reported."""
        if isinstance(sys.exc_info()[1], ConnectionError):  # reset, broken pipe, aborted
            log.debug("%s:%d hung up before the answer was sent", *client_address[:2])
            return
        super().handle_error(request, client_address)


def make_server(root: Path, host: str, port: int, idle_timeout: float = IDLE_TIMEOUT_S) -> ThreadingHTTPServer:
    """A server for ``root`` (not started); port 0 picks a free port."""
    handler = type("Handler", (_Handler,), {"root": root.resolve(), "timeout": idle_timeout})
    try:
        server = _Server((host, port), handler)
    except OSError as exc:  # a busy port, an address not on this machine, a name that does not resolve
        raise InputError(
            f"cannot serve on {host}:{port}: {exc.strerror or exc}; pick another --port, or a --host "
            "address of this machine."
        ) from None
    server.daemon_threads = True
    if host not in LOOPBACK:
        log.warning("serving %s to the network on %s:%d; this is a preview server, not a web host.", root, host, port)
    return server
