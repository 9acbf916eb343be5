"""What every online engine shares: a worker pool over the whole bulletin, one
throttle per host, bounded retries with backoff, and errors that name the
probable cause. An online engine says how to cut a text into requests, how to
make one request and how to join the answers; this module does the rest."""

from __future__ import annotations

import importlib
import logging
import socket
import threading
from abc import abstractmethod
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar, Generic, TypeVar

from bulletin.core.errors import EngineError
from bulletin.core.model import Speech
from bulletin.core.network import Backoff, Retryable, Throttle
from bulletin.core.schema import above, at_least, at_most, setting
from bulletin.tts.base import Engine, OnDone

log = logging.getLogger(__name__)

Piece = TypeVar("Piece")  # one request's worth of a text
Answer = TypeVar("Answer")  # what one request brings back

HTTP_TOO_MANY_REQUESTS = 429
HTTP_SERVER_ERRORS = range(500, 600)
HTTPS_PORT = 443
# A host that does not accept a connection within this long is out of reach.
CONNECT_TIMEOUT_S = 5.0
OFFLINE_CAUSE = "Probable cause: this machine is offline or the host is blocked."
# Sane maxima: far beyond any sensible value, low enough to catch a slip of the finger.
MAX_SECONDS = 3600.0
MAX_TRIES = 100
MAX_CONCURRENT = 64  # requests in flight to one host
MAX_REQUESTS_PER_SECOND = 1000.0

_throttles: dict[tuple[str, float, int, int], Throttle] = {}
_throttles_lock = threading.Lock()


def shared_throttle(host: str, per_second: float, concurrent: int, burst: int) -> Throttle:
    """One throttle per host and limits, shared by every engine in the process,
    so two voices of one service in one bulletin still keep to one limit."""
    limits = (host, per_second, concurrent, burst)
    with _throttles_lock:
        if limits not in _throttles:
            _throttles[limits] = Throttle(per_second, concurrent, burst)
        return _throttles[limits]


def unreachable(host: str, hint: str) -> EngineError:
    """The error for a host that cannot be reached at all (not worth retrying)."""
    return EngineError(f"cannot reach {host}. {OFFLINE_CAUSE}", hint)


def http_failure(service: str, status: int, retry_after: float | None, changed: str, hint: str) -> Exception:
    """A refused request: Retryable when throttled or a server error, else a final EngineError."""
    if status == HTTP_TOO_MANY_REQUESTS:
        return Retryable(f"throttled by {service} (HTTP {status})", retry_after)
    if status in HTTP_SERVER_ERRORS:
        return Retryable(f"{service} server error (HTTP {status})")
    return EngineError(f"{service} refused the request (HTTP {status}). {changed}", hint)


def retry_after(headers: Mapping[str, str]) -> float | None:
    """A Retry-After header in seconds, if the server sent one."""
    value = headers.get("Retry-After", "")
    return float(value) if value.strip().isdigit() else None


@cache
def host_reachable(host: str) -> bool:
    """Whether ``host`` accepts an HTTPS connection now (asked once per host and process)."""
    try:
        socket.create_connection((host, HTTPS_PORT), timeout=CONNECT_TIMEOUT_S).close()
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class OnlineSection:
    """An online engine's section of ``bulletin.toml`` (``[gtts]``, ``[edge]``): how hard it may ask."""

    timeout: float = setting(above(0), at_most(MAX_SECONDS))
    tries: int = setting(at_least(1), at_most(MAX_TRIES))
    backoff: float = setting(at_least(0), at_most(MAX_SECONDS))
    max_wait: float = setting(at_least(0), at_most(MAX_SECONDS))
    requests_per_second: float = setting(above(0), at_most(MAX_REQUESTS_PER_SECOND))
    concurrent: int = setting(at_least(1), at_most(MAX_CONCURRENT))
    burst: int = setting(at_least(1), at_most(MAX_CONCURRENT))


class OnlineEngine(Engine, Generic[Piece, Answer]):
    """An engine that asks a web service: subclasses plan, request and join."""

    Section: ClassVar[type | None] = OnlineSection
    service: ClassVar[str]  # named in errors: "Google TTS", "Microsoft Edge TTS"
    offline_hint: ClassVar[str] = "Try --engine espeak."
    client: ClassVar[str]  # the client library's import name, e.g. "gtts"

    def __init__(self, options: Any, section: OnlineSection) -> None:
        self.options = options
        self.timeout, self.concurrent = section.timeout, section.concurrent
        self.throttle = shared_throttle(self.host, section.requests_per_second, section.concurrent, section.burst)
        self.backoff = Backoff(tries=section.tries, base=section.backoff, budget=section.max_wait)

    def check(self) -> None:
        """The client library must be installed; whether the service answers shows at the first request."""
        try:
            importlib.import_module(self.client)
        except ImportError:
            install = (
                f"pip install 'bulletin[{self.needs.extra}]'" if self.needs.extra else f"pip install {self.client}"
            )
            raise EngineError(f"the {self.name} engine needs the {self.client} package: {install}") from None

    @property
    def version(self) -> str:
        return str(importlib.import_module(self.client).__version__)

    @property
    @abstractmethod
    def host(self) -> str:
        """The host requests go to."""

    @abstractmethod
    def _plan(self, text: str) -> list[Piece]:
        """The requests one text needs, in order."""

    @abstractmethod
    def _request(self, piece: Piece) -> Answer:
        """One request; raise Retryable for a failure worth another try, EngineError for a final one."""

    @abstractmethod
    def _join(self, text: str, plan: Sequence[Piece], answers: Sequence[Answer]) -> Speech:
        """One text's speech from its answers, in order."""

    def _ask(self, piece: Piece, stop: threading.Event) -> Answer:
        def attempt() -> Answer:
            with self.throttle.request():
                return self._request(piece)

        try:
            return self.backoff.run(attempt, stop)
        except Retryable as exc:
            raise EngineError(
                f"{self.service} kept failing ({exc}) after {self.backoff.tries} tries. Probable cause: "
                "throttled or an unstable network; try again later.",
                self.offline_hint,
            ) from exc

    def synthesize(self, text: str) -> Speech:
        return self.synthesize_many([text])[0]

    def synthesize_many(self, texts: Sequence[str], on_done: OnDone | None = None) -> list[Speech]:
        """Every request of every text goes into one pool, so the whole bulletin is
        fetched concurrently; a text is done when its last answer arrives. The first
        final failure stops the rest (the bulletin is then voiced by someone else)."""
        plans = [self._plan(text) for text in texts]
        results: list[Speech | None] = [None] * len(texts)
        answers: list[list[Any]] = [[None] * len(plan) for plan in plans]
        waiting = [len(plan) for plan in plans]

        def finish(index: int) -> None:
            speech = results[index] = self._join(texts[index], plans[index], answers[index])
            if on_done:
                on_done(index, speech)

        for index, plan in enumerate(plans):
            if not plan:
                finish(index)
        stop = threading.Event()
        pool = ThreadPoolExecutor(max_workers=self.concurrent, thread_name_prefix=self.name)
        futures: dict[Future[Answer], tuple[int, int]] = {
            pool.submit(self._ask, piece, stop): (i, j) for i, plan in enumerate(plans) for j, piece in enumerate(plan)
        }
        try:
            for future in as_completed(futures):
                i, j = futures[future]
                answers[i][j] = future.result()
                waiting[i] -= 1
                if waiting[i] == 0:
                    finish(i)
        except BaseException:
            stop.set()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        log.info(
            "%s: %d requests for %d segments, at most %d at once",
            self.name,
            len(futures),
            len(texts),
            self.throttle.most_in_flight,
        )
        return [r for r in results if r is not None]
