"""Clocks for the simulator.

Every time-dependent behaviour (schedules, transfers, retention, eradication)
reads the fabric's clock, so tests swap in a :class:`ManualClock` and move
time forward explicitly instead of sleeping.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

# 2026-01-01T00:00:00Z: a fixed, midnight-aligned start makes per-day
# retention buckets predictable in tests.
DEFAULT_START_MS = 1_767_225_600_000


class Clock(Protocol):
    def now_ms(self) -> int:
        """Milliseconds since the UNIX epoch, the unit Purity uses."""
        ...


class SystemClock:
    """Wall-clock time, for the standalone simulator."""

    def now_ms(self) -> int:
        return int(time.time() * 1000)


class ManualClock:
    """A clock that only moves when told to."""

    def __init__(self, start_ms: int = DEFAULT_START_MS) -> None:
        self._now = start_ms
        self._lock = threading.Lock()

    def now_ms(self) -> int:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> int:
        if seconds < 0:
            raise ValueError("time only moves forward")
        with self._lock:
            self._now += int(round(seconds * 1000))
            return self._now

    def set(self, now_ms: int) -> None:
        with self._lock:
            if now_ms < self._now:
                raise ValueError("time only moves forward")
            self._now = now_ms
