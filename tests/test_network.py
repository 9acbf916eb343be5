"""Backoff and throttling, with the waiting replaced by a recorder (no real sleeping)."""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress

import pytest

from bulletin.core.network import Backoff, Retryable, Throttle


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
        Backoff(tries=3, base=0.01, budget=30.0, rng=random.Random(2)).run(attempt, Stopwatch())
    assert calls["n"] == 3


def test_gives_up_when_the_waiting_budget_is_spent():
    watch = Stopwatch()
    attempt, _calls = flaky(10)

    def slow_server() -> str:
        try:
            return attempt()
        except Retryable as exc:
            raise Retryable(str(exc), retry_after=4.0) from exc  # the server asks for 4 s each time

    with pytest.raises(Retryable):
        Backoff(tries=10, base=0.5, budget=10.0).run(slow_server, watch)
    assert watch.delays == [4.0, 4.0]  # a third wait would pass the 10 s budget


def test_a_stop_ends_the_retries_at_once():
    watch = Stopwatch()
    watch.set()
    attempt, calls = flaky(10)
    with pytest.raises(Retryable):
        Backoff(tries=10, base=0.01, budget=30.0).run(attempt, watch)
    assert calls["n"] == 1


def test_throttle_bounds_requests_in_flight():
    throttle = Throttle(per_second=1000, concurrent=3)
    barrier = threading.Barrier(3, timeout=5)
    seen = []

    def request(_: int) -> None:
        with throttle.request():
            seen.append(throttle.in_flight)
            with suppress(threading.BrokenBarrierError):
                barrier.wait()  # the first three meet inside; nobody else can be

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(request, range(9)))
    assert throttle.most_in_flight == 3
    assert max(seen) <= 3


class FakeClock:
    """A clock that moves only when the throttle sleeps: the schedule, without waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def start_times(per_second: float, burst: int, requests: int) -> list[float]:
    """When each of ``requests`` back-to-back requests is let through, on a fake clock."""
    clock = FakeClock()
    throttle = Throttle(per_second=per_second, concurrent=10, burst=burst, clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(requests):
        with throttle.request():
            starts.append(clock())
    return starts


def test_throttle_spaces_request_starts():
    assert start_times(per_second=50, burst=1, requests=6) == pytest.approx([0.0, 0.02, 0.04, 0.06, 0.08, 0.10])


def test_throttle_lets_a_burst_start_at_once_then_keeps_the_rate():
    starts = start_times(per_second=20, burst=4, requests=10)
    assert starts[:4] == [0.0] * 4  # the first four together
    # the other six at the rate, 50 ms apart: no one-second window sees more than rate + burst
    assert starts[4:] == pytest.approx([0.05 * n for n in range(1, 7)])


def test_throttle_forgives_a_quiet_spell():
    clock = FakeClock()
    throttle = Throttle(per_second=10, concurrent=1, burst=2, clock=clock, sleep=clock.sleep)
    for _ in range(4):
        with throttle.request():
            pass
    clock.now += 60.0  # a minute without requests: the burst is available again
    before = len(clock.slept)
    for _ in range(2):
        with throttle.request():
            pass
    assert len(clock.slept) == before
