"""Fetching sources over HTTP the way a well-behaved daily client should:
timeouts, bounded retries with backoff, a deadline for the whole fetch,
conditional requests (ETag and Last-Modified, with the last answer kept on
disk), a descriptive User-Agent and a cap on size. Whatever goes wrong is a
SourceError naming the URL, so one bad source never stops the others."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from bulletin import __version__
from bulletin.core.errors import InputError, SourceError
from bulletin.core.jsontext import loads
from bulletin.core.network import Backoff, Retryable
from bulletin.storage.atomic import staged

log = logging.getLogger(__name__)

USER_AGENT = f"bulletin/{__version__} (Dutch radio news bulletins; +https://example.invalid/bulletin)"
HTTP_OK, HTTP_NOT_MODIFIED = 200, 304
HTTP_RETRY = frozenset({429, 500, 502, 503, 504})
READ_CHUNK = 64 * 1024
VALIDATORS = ("ETag", "Last-Modified")  # the names we store them under; servers may spell them in any case


@dataclass(frozen=True)
class FetchSettings:
    """How to fetch; from the configuration's [fetch] section (``config.fetch_settings``)."""

    timeout: float  # seconds for an answer
    connect_timeout: float
    tries: int
    backoff: float
    max_bytes: int
    deadline: float  # seconds for the whole fetch, every try and wait included
    cache_dir: Path | None  # where the last answers are kept for conditional requests


@dataclass(frozen=True)
class Fetched:
    """A source's bytes, and whether the server said they had not changed."""

    data: bytes
    not_modified: bool = False


class Fetcher:
    """Fetches URLs with the settings given; keeps validators between runs."""

    def __init__(self, settings: FetchSettings) -> None:
        import requests

        self.settings = settings
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.backoff = Backoff(tries=settings.tries, base=settings.backoff, budget=settings.timeout * settings.tries)

    def _cache_paths(self, url: str) -> tuple[Path, Path] | None:
        if self.settings.cache_dir is None:
            return None
        key = hashlib.sha256(url.encode()).hexdigest()
        return self.settings.cache_dir / f"{key}.body", self.settings.cache_dir / f"{key}.json"

    def _cached(self, url: str) -> tuple[bytes, dict[str, str]] | None:
        paths = self._cache_paths(url)
        if paths is None or not paths[0].is_file() or not paths[1].is_file():
            return None
        try:
            body, validators = paths[0].read_bytes(), loads(paths[1].read_text("utf-8"))
        except (OSError, ValueError):
            return None  # a damaged cache entry is simply not used
        if not isinstance(validators, dict) or not all(
            name in VALIDATORS and isinstance(value, str) and value.isprintable() for name, value in validators.items()
        ):
            return None  # nor one whose validators could not be sent as headers (a number, a line break)
        return body, validators

    def _remember(self, url: str, data: bytes, headers: Mapping[str, str]) -> None:
        paths = self._cache_paths(url)
        validators = {name: headers[name] for name in VALIDATORS if name in headers}  # case-insensitive
        if paths is None or not validators:
            return
        try:
            with staged(list(paths)) as (body, meta):
                body.write_bytes(data)
                meta.write_text(json.dumps(validators), encoding="utf-8")
        except OSError as exc:  # a full or read-only cache: the next fetch is simply unconditional
            log.warning("cannot keep %s in the cache at %s (%s).", url, paths[0].parent, exc.strerror or exc)

    def get(self, url: str) -> Fetched:
        """The body at ``url``; raises SourceError saying what went wrong."""
        cached = self._cached(url)
        headers = {}
        if cached:
            if "ETag" in cached[1]:
                headers["If-None-Match"] = cached[1]["ETag"]
            if "Last-Modified" in cached[1]:
                headers["If-Modified-Since"] = cached[1]["Last-Modified"]
        deadline = time.monotonic() + self.settings.deadline
        try:
            return self.backoff.run(
                lambda: self._by(deadline, url, lambda: self._attempt(url, headers, cached, deadline))
            )
        except Retryable as exc:
            if time.monotonic() >= deadline:
                raise self._late(url) from None
            raise SourceError(f"{url}: {exc} (after {self.settings.tries} tries)") from None

    def _by(self, deadline: float, url: str, attempt: Callable[[], Fetched]) -> Fetched:
        """``attempt()``, given up at ``deadline`` whatever it is waiting for: the socket's timeouts
        bound each wait, not their sum, and a server that drips its headers a byte at a time never
        lets one expire. The attempt goes on in its (daemon) thread until its own timeouts end it;
        nothing waits for it."""
        outcome: list[Fetched | BaseException] = []

        def run() -> None:
            try:
                outcome.append(attempt())
            except BaseException as exc:  # handed to the caller's thread
                outcome.append(exc)

        worker = threading.Thread(target=run, name=f"fetch {url}", daemon=True)
        worker.start()
        worker.join(max(0.0, deadline - time.monotonic()))
        if not outcome:
            raise self._late(url)
        if isinstance(outcome[0], BaseException):
            raise outcome[0]
        return outcome[0]

    def _late(self, url: str) -> SourceError:
        return SourceError(
            f"{url}: no complete answer within the {self.settings.deadline:g} s deadline "
            "([fetch] deadline); the server is too slow."
        )

    def _attempt(
        self, url: str, headers: dict[str, str], cached: tuple[bytes, dict[str, str]] | None, deadline: float
    ) -> Fetched:
        import requests
        import urllib3

        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise self._late(url)
        timeouts = (min(self.settings.connect_timeout, remaining), min(self.settings.timeout, remaining))
        try:
            with self.session.get(url, headers=headers, timeout=timeouts, stream=True) as response:
                if response.status_code == HTTP_NOT_MODIFIED and cached:
                    log.info("%s: not modified", url)
                    return Fetched(cached[0], not_modified=True)
                if response.status_code in HTTP_RETRY:
                    raise Retryable(f"HTTP {response.status_code}")
                if response.status_code != HTTP_OK:
                    raise SourceError(f"{url}: HTTP {response.status_code} {response.reason}")
                data = self._read_capped(url, response, deadline)
                self._remember(url, data, response.headers)
                return Fetched(data)
        except (requests.Timeout, urllib3.exceptions.TimeoutError):
            if time.monotonic() >= deadline:
                raise self._late(url) from None
            raise Retryable(f"no answer within {self.settings.timeout:g} s") from None
        except requests.TooManyRedirects:
            raise SourceError(f"{url}: redirects that go round in a loop; check the address.") from None
        except requests.ConnectionError as exc:
            raise SourceError(f"{url}: cannot connect ({type(exc).__name__}).") from None
        except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema):
            # the address itself, not the network: trying again will not help
            raise InputError(f"{url} is not an address that can be fetched; check it.") from None
        except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
            # A body cut short (fewer bytes than Content-Length), a broken chunk, a bad header.
            raise SourceError(f"{url}: the answer broke off ({type(exc).__name__}); try again later.") from None

    def _read_capped(self, url: str, response: object, deadline: float) -> bytes:
        limit = self.settings.max_bytes
        declared = getattr(response, "headers", {}).get("Content-Length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise SourceError(f"{url}: {int(declared) / 1e6:.1f} MB is over the {limit / 1e6:g} MB limit.")
        raw = response.raw  # type: ignore[attr-defined]
        chunks, total = [], 0
        # read1: whatever has arrived, so a server sending a byte at a time meets the deadline.
        while chunk := raw.read1(READ_CHUNK, decode_content=True):
            if time.monotonic() >= deadline:
                raise self._late(url)
            total += len(chunk)
            if total > limit:
                raise SourceError(f"{url}: more than the {limit / 1e6:g} MB limit.")
            chunks.append(chunk)
        return b"".join(chunks)
