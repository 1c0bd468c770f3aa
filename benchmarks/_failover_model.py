"""The model behind the failover benchmarks (see ``_failover.py``'s
docstring): production-like durations, the engine's and the cloud's
concurrency limits, and from them the critical path and the serial runbook.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Production-like durations, seconds (see the module docstring).
REAL = {"latency": 0.2, "poll": 2.0, "stop": 10.0, "replicate": 30.0, "volume": 10.0,
        "build": 40.0, "attach": 5.0}
DEFAULT_SCALE = 0.05


@dataclass(frozen=True)
class Model:
    latency: float
    poll: float
    stop: float
    replicate: float
    volume: float
    build: float
    attach: float

    @classmethod
    def scaled(cls, scale: float) -> Model:
        return cls(**{k: v * scale for k, v in REAL.items()})

    def wait(self, duration: float) -> float:
        """Time until a poller sees a transition of ``duration`` (w(d))."""
        k = max(1, math.ceil((duration + self.poll) / (self.latency + self.poll)))
        return k * self.latency + (k - 1) * self.poll

    def call_wait(self, duration: float) -> float:
        """c(d): the call that starts a transition, then the wait for it."""
        return self.latency + self.wait(duration)


@dataclass(frozen=True)
class Limits:
    """The engine's and the fake Nova's concurrency, all set so 100 servers
    can build at once."""

    workers: int = 100  # [engine] max_workers: taskflow threads of one operation
    builds: int = 100  # [engine] max_concurrent_builds
    volume_calls: int = 200  # [engine] max_concurrent_volume_calls
    hosts: int = 10  # fake Nova compute hosts ...
    host_builds: int = 10  # ... with this many build slots each

    @property
    def build_slots(self) -> int:
        return min(self.builds, self.hosts * self.host_builds, self.workers)

    storage: str = "mock"

    @property
    def volume_slots(self) -> int:
        if self.storage == "simulator":
            return min(self.volume_calls, self.workers)
        return 2 * self.workers

    def describe(self) -> str:
        return (f"[engine] max_workers={self.workers} max_concurrent_builds={self.builds} "
                f"max_concurrent_volume_calls={self.volume_calls}; fake Nova "
                f"{self.hosts} hosts x {self.host_builds} builds; build slots S="
                f"{self.build_slots}, volume slots V={self.volume_slots}")


def boot_groups(n: int, groups: int) -> list[int]:
    """Members per boot order: ``n`` split as evenly as possible."""
    groups = max(1, min(groups, n))
    return [n // groups + (1 if i < n % groups else 0) for i in range(groups)]


def critical_phases(kind: str, m: Model, lim: Limits, sizes: list[int]) -> dict[str, float]:
    """The critical path (module docstring) per phase, keyed by step name."""
    n = sum(sizes)
    phases = {"check target site": m.latency}
    if kind == "planned":
        phases["stop servers on source"] = m.call_wait(m.stop)
        phases["replicate now"] = m.replicate
    else:
        phases["pick recovery point"] = 0.0
    if kind == "test":
        phases["create test network"] = m.latency
    copies = 7 * m.latency if lim.storage == "simulator" else 0.0
    phases["volumes"] = copies + math.ceil(2 * n / lim.volume_slots) * m.call_wait(m.volume)
    for i, g in enumerate(sizes, start=1):
        phases[f"boot group {i}"] = (math.ceil(g / lim.build_slots) * m.call_wait(m.build)
                                     + m.call_wait(m.attach))
    if kind == "test":
        phases["record test resources"] = 0.0
    else:
        phases["switch primary site"] = m.latency
    return phases


def critical_many(kind: str, m: Model, lim: Limits, pgs: int, sizes: list[int]) -> float:
    """The critical path of ``pgs`` PGs (boot groups ``sizes`` each) failed
    over at once by one engine: the phases of one PG, except that the
    volumes and the servers of every PG share the engine's slots (``lim`` is
    per operation: ``pgs`` operations have ``pgs`` times the worker
    threads). Each of volumes and builds takes the longer of one PG's chain
    (its boot groups one after the other) and the rounds the shared slots
    need for all the PGs (slots never idle while a PG has a server left)."""
    n = sum(sizes)
    one = critical_phases(kind, m, lim, sizes)
    fixed = sum(v for k, v in one.items() if k != "volumes" and not k.startswith("boot group"))
    volume_slots = lim.volume_slots * pgs if lim.storage == "mock" else lim.volume_slots
    build_slots = min(lim.builds, lim.hosts * lim.host_builds, lim.workers * pgs)
    copies = 7 * m.latency if lim.storage == "simulator" else 0.0
    volumes = max(one["volumes"], copies + math.ceil(2 * n * pgs / volume_slots)
                  * m.call_wait(m.volume))
    chain = sum(v for k, v in one.items() if k.startswith("boot group"))
    shared = (math.ceil(n * pgs / build_slots) * m.call_wait(m.build)
              + len(sizes) * m.call_wait(m.attach))
    return fixed + volumes + max(chain, shared)


def serial_runbook(kind: str, m: Model, lim: Limits, n: int) -> float:
    copy = m.latency if lim.storage == "simulator" else 0.0
    per_server = m.call_wait(m.build) + m.call_wait(m.attach) + 2 * (copy + m.call_wait(m.volume))
    if kind == "planned":
        return 2 * m.latency + n * (m.call_wait(m.stop) + per_server) + m.replicate
    return 2 * m.latency + n * per_server  # test: network; unplanned: switch


# -- the environment -------------------------------------------------------------------
