"""Backoff and throttling, with the waiting replaced by a recorder (no real sleeping)."""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bulletin.network import Backoff, Retryable, Throttle


class Stopwatch(threading.Event):
    """A stop event whose wait() records the delays instead of waiting them."""

    def __init__(self) -> None:
        super().__init__()
        self.delays: list[float] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.delays.append(timeout or 0.0)
        return self.is_set()


def flaky(failures: int):
    calls = {"n": 0}

    def attempt() -> str:
        calls["n"] += 1
        if calls["n"] <= failures:
            raise Retryable("throttled")
        return "ok"

    return attempt, calls


def test_retries_until_success_with_growing_jittered_delays():
    watch = Stopwatch()
    attempt, calls = flaky(3)
    backoff = Backoff(tries=5, base=0.5, cap=8, budget=60, rng=random.Random(1))
    assert backoff.run(attempt, watch) == "ok"
    assert calls["n"] == 4
    assert len(watch.delays) == 3
    for number, delay in enumerate(watch.delays, 1):
        assert 0 <= delay <= 0.5 * 2 ** (number - 1)  # full jitter under an exponential cap


def test_gives_up_after_the_tries():
    attempt, calls = flaky(10)
    with pytest.raises(Retryable):
        Backoff(tries=3, base=0.01, rng=random.Random(2)).run(attempt, Stopwatch())
    assert calls["n"] == 3


def test_gives_up_when_the_waiting_budget_is_spent():
    watch = Stopwatch()
    attempt, calls = flaky(10)

    def slow_server() -> str:
        try:
            return attempt()
        except Retryable as exc:
            raise Retryable(str(exc), retry_after=4.0) from exc  # the server asks for 4 s each time

    with pytest.raises(Retryable):
        Backoff(tries=10, budget=10.0).run(slow_server, watch)
    assert watch.delays == [4.0, 4.0]  # a third wait would pass the 10 s budget


def test_a_stop_ends_the_retries_at_once():
    watch = Stopwatch()
    watch.set()
    attempt, calls = flaky(10)
    with pytest.raises(Retryable):
        Backoff(tries=10, base=0.01).run(attempt, watch)
    assert calls["n"] == 1


def test_throttle_bounds_requests_in_flight():
    throttle = Throttle(per_second=1000, concurrent=3)
    barrier = threading.Barrier(3, timeout=5)
    seen = []

    def request(_: int) -> None:
        with throttle.request():
            seen.append(throttle.in_flight)
            try:
                barrier.wait()  # the first three meet inside; nobody else can be
            except threading.BrokenBarrierError:
                pass

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(request, range(9)))
    assert throttle.most_in_flight == 3
    assert max(seen) <= 3


def start_times(throttle: Throttle, requests: int, workers: int) -> list[float]:
    """When each of ``requests`` requests from ``workers`` threads got through, sorted."""
    starts = []

    def request(_: int) -> None:
        with throttle.request():
            starts.append(time.monotonic())

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(request, range(requests)))
    return sorted(starts)


def test_throttle_spaces_request_starts():
    starts = start_times(Throttle(per_second=50, concurrent=10), requests=6, workers=5)
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert min(gaps) >= 0.02 * 0.9  # 50 per second: 20 ms apart


def test_throttle_lets_a_burst_start_at_once_then_keeps_the_rate():
    starts = start_times(Throttle(per_second=20, concurrent=10, burst=4), requests=10, workers=10)
    offsets = [s - starts[0] for s in starts]
    assert offsets[3] < 0.02  # the first four together
    # the other six at the rate: 50 ms apart, the seventh after three intervals
    gaps = [b - a for a, b in zip(starts[4:], starts[5:])]
    assert min(gaps) >= 0.05 * 0.9
    assert offsets[-1] >= (10 - 4) * 0.05 * 0.9
