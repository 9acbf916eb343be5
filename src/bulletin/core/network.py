"""Being a polite, persistent client of a flaky endpoint: a shared request-rate
limit, a shared bound on requests in flight, and retries with backoff."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")


class Throttle:
    """At most ``per_second`` request starts per second (after an initial burst of
    ``burst``) and ``concurrent`` in flight, shared by every thread that uses it.

    The rate is a generic cell-rate algorithm (a token bucket without a timer):
    ``burst`` requests may start at once after a quiet spell, then starts are
    spaced ``1 / per_second`` apart, so no window ever sees more than the rate
    plus the burst.

    ``clock`` and ``sleep`` are injectable (like :class:`Backoff`'s ``rng``) so the
    schedule can be checked without real waiting.
    """

    def __init__(
        self,
        per_second: float,
        concurrent: int,
        burst: int = 1,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_second <= 0 or concurrent < 1 or burst < 1:
            raise ValueError("per_second must be positive, concurrent and burst at least 1")
        self._clock, self._sleep = clock, sleep
        self.interval = 1.0 / per_second
        self._tolerance = (burst - 1) * self.interval
        self._slots = threading.BoundedSemaphore(concurrent)
        self._lock = threading.Lock()
        self._arrival = 0.0  # the theoretical start time of the next request at the steady rate
        self.in_flight = 0
        self.most_in_flight = 0

    @contextmanager
    def request(self) -> Iterator[None]:
        """Hold a place for one request; blocks until the limits allow it."""
        with self._slots:
            with self._lock:
                now = self._clock()
                arrival = max(self._arrival, now)
                start = max(now, arrival - self._tolerance)
                self._arrival = arrival + self.interval
            if start > now:
                self._sleep(start - now)
            with self._lock:
                self.in_flight += 1
                self.most_in_flight = max(self.most_in_flight, self.in_flight)
            try:
                yield
            finally:
                with self._lock:
                    self.in_flight -= 1


class Retryable(Exception):
    """A failure worth another try (throttled, server error, timeout)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class Backoff:
    """Exponential backoff with full jitter, bounded in tries and in total time."""

    tries: int
    base: float  # seconds: the first wait is at most this, doubling after each try
    budget: float  # seconds of waiting, summed over retries
    cap: float = 8.0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def run(self, attempt: Callable[[], T], stop: threading.Event | None = None) -> T:
        """Call ``attempt`` until it succeeds; retry only on :class:`Retryable`.

        Waiting ends early when ``stop`` is set (another request failed for
        good); the last failure is raised then.
        """
        stop = stop or threading.Event()
        waited = 0.0
        for number in range(1, max(self.tries, 1) + 1):
            try:
                return attempt()
            except Retryable as exc:
                delay = (
                    exc.retry_after
                    if exc.retry_after is not None
                    else self.rng.uniform(0, min(self.cap, self.base * 2 ** (number - 1)))
                )
                if number == self.tries or waited + delay > self.budget or stop.wait(delay):
                    raise
                waited += delay
        raise AssertionError("unreachable: the loop returns or raises")
