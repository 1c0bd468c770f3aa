"""A simulated clock: ``sleep`` advances time at once, so tests never wait."""

from __future__ import annotations

import threading


class FakeClock:
    """Thread-safe simulated monotonic clock.

    Every ``sleep`` moves the shared time forward by its own duration, so
    threads sleeping at once do not overlap in simulated time; enough for
    ordering and timeouts, not for measuring parallel speed-up (use real time
    with small latencies for that).
    """

    def __init__(self, start: float = 1000.0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.advance(seconds)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds
