"""One site's OpenStack in memory: the state the fake collaborators share.

A :class:`FakeCloud` holds servers, volumes, types, services, groups,
networks, ports, images, flavors, key pairs and security groups of one site
(one project), and the knobs that make it behave like a loaded cloud:

- **latency** per call (``latency={"volume.manage_volume": 0.5}``, or by bare
  method name) or for every call (``default_latency``), slept with the
  injectable ``sleep``;
- **status transitions** after simulated durations (``build_time``,
  ``volume_create_time``, ``manage_time`` ...), evaluated lazily against the
  injectable ``clock``, so a :class:`~protector.cloud.fake.clock.FakeClock`
  makes them instant;
- **capacity**: ``max_servers`` / ``max_volumes`` / ``max_gigabytes`` quotas,
  ``compute_hosts`` hosts with ``max_concurrent_builds`` build slots each
  (Nova's default 10: later builds queue) and ``max_servers_per_host`` (then
  builds fail with Nova's "No valid host" fault);
- **faults**: :meth:`FakeCloud.inject`, :meth:`deny_policy`,
  :meth:`fail_builds`, :meth:`fail_volume_creates`, :meth:`remove_image`.

Cinder's storage is a :class:`~protector.cloud.fake.backend.VolumeBackend`
(``backend=``): in memory by default, where ``backend_volumes`` (array volume
name -> GiB) lists what ``manage`` may import (register the storage layer's
materialised names there), or a simulated FlashArray
(``protector.storage.simulator.cinder.SimulatedArrayBackend``).
"""

from __future__ import annotations

import collections
import functools
import heapq
import itertools
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from protector.cloud import exception as exc
from protector.cloud.common import CloudOptions
from protector.cloud.compute import Flavor
from protector.cloud.fake.backend import MemoryBackend, VolumeBackend

F = TypeVar("F", bound=Callable[..., Any])
ErrorSpec = BaseException | type[BaseException] | Callable[[], BaseException]

POLICY_METHODS = {
    "volume_extension:volume_manage": "volume.manage_volume",
    "volume_extension:volume_unmanage": "volume.unmanage_volume",
    "volume_extension:services:index": "volume.volume_services",
}
NO_VALID_HOST = "No valid host was found. There are not enough hosts available."


def new_id() -> str:
    return str(uuid.uuid4())


@dataclass
class _Fault:
    error: ErrorSpec
    times: int | None  # None: every call

    def raise_it(self) -> None:
        err = self.error
        if isinstance(err, type) and issubclass(err, BaseException):
            raise err()
        if isinstance(err, BaseException):
            raise err
        raise err()


@dataclass
class Record:
    """A mutable resource; ``data`` holds the kind-specific fields."""

    id: str
    name: str
    status: str
    metadata: dict[str, str] = field(default_factory=dict)
    fault: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


def api(service: str, *, locked: bool = True) -> Callable[[F], F]:
    """Wrap a fake API method: count it, sleep its latency, raise an injected
    fault, then run it under the cloud's lock (with transitions settled)."""

    def decorate(method: F) -> F:
        name = f"{service}.{method.__name__}"

        @functools.wraps(method)
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            cloud: FakeCloud = self.cloud
            with cloud.track(name):
                cloud.before_call(name)
                if not locked:
                    return method(self, *args, **kwargs)
                with cloud.lock:
                    cloud.settle()
                    return method(self, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


class FakeCloud:
    """In-memory OpenStack of one site; see the module docstring for the knobs."""

    def __init__(self, site: str = "site-a", *, project_id: str | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep,
                 latency: dict[str, float] | None = None, default_latency: float = 0.0,
                 compute_hosts: int = 1, max_concurrent_builds: int = 10,
                 max_servers_per_host: int | None = None, max_servers: int | None = None,
                 max_volumes: int | None = None, max_gigabytes: int | None = None,
                 build_time: float = 1.0, power_time: float = 0.2, attach_time: float = 0.1,
                 volume_create_time: float = 0.2, image_copy_time: float = 0.5,
                 manage_time: float = 0.2, group_time: float = 0.1,
                 poll_interval: float = 0.05, seed: bool = True,
                 backend: VolumeBackend | None = None) -> None:
        self.site = site
        self.project_id = project_id or uuid.uuid4().hex
        self.clock = clock
        self.sleep = sleep
        self.latency = dict(latency or {})
        self.default_latency = default_latency
        self.max_concurrent_builds = max_concurrent_builds
        self.max_servers_per_host = max_servers_per_host
        self.max_servers = max_servers
        self.max_volumes = max_volumes
        self.max_gigabytes = max_gigabytes
        self.build_time = build_time
        self.power_time = power_time
        self.attach_time = attach_time
        self.volume_create_time = volume_create_time
        self.image_copy_time = image_copy_time
        self.manage_time = manage_time
        self.group_time = group_time
        self.options = CloudOptions(timeout=600.0, poll_interval=poll_interval,
                                    sleep=sleep, monotonic=clock)
        self.lock = threading.RLock()
        # state
        self.servers: dict[str, Record] = {}
        self.volumes: dict[str, Record] = {}
        self.groups: dict[str, Record] = {}
        self.networks: dict[str, Record] = {}
        self.subnets: dict[str, Record] = {}
        self.routers: dict[str, Record] = {}
        self.ports: dict[str, Record] = {}
        self.images: dict[str, Record] = {}
        self.flavors: dict[str, Flavor] = {}
        self.keypairs: set[str] = set()
        self.security_groups: dict[str, str] = {}  # id -> name
        self.volume_types: dict[str, Record] = {}  # id -> name, extra_specs
        self.group_types: dict[str, dict[str, str]] = {}  # name -> group specs
        self.services: list[dict[str, str]] = []
        self.backend: VolumeBackend = backend if backend is not None else MemoryBackend()
        # build slots: per compute host, when each of its slots is free again
        self.hosts = {f"compute-{i + 1}": [0.0] * max_concurrent_builds
                      for i in range(compute_hosts)}
        self.build_faults: collections.deque[str] = collections.deque()
        self.volume_faults: collections.deque[str] = collections.deque()
        # observation
        self.calls: collections.Counter[str] = collections.Counter()
        self.in_flight: collections.Counter[str] = collections.Counter()
        self.peak_in_flight: collections.Counter[str] = collections.Counter()
        self._faults: dict[str, list[_Fault]] = {}
        self._events: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = itertools.count()
        if seed:
            self._seed()

    @property
    def backend_volumes(self) -> dict[str, int]:
        """Manageable array volumes (name -> GiB) of the in-memory back end."""
        if not isinstance(self.backend, MemoryBackend):
            raise TypeError(f"{self.site}'s Cinder stores volumes on {self.backend!r}; "
                            "create manageable volumes there")
        return self.backend.volumes

    # -- seeding ---------------------------------------------------------------------------
    def _seed(self) -> None:
        self.add_service("cinder@fake")
        self.add_volume_type("__DEFAULT__", {})
        self.add_volume_type("replicated", {"replication_enabled": "<is> True",
                                            "replication_type": "<in> async",
                                            "volume_backend_name": "fake"})
        self.add_flavor("m1.tiny", vcpus=1, ram_mb=512, disk_gb=1)
        self.add_flavor("m1.small", vcpus=1, ram_mb=2048, disk_gb=20)
        self.add_security_group("default")
        self.add_image("cirros")
        self.add_network("private", "10.0.0.0/24")
        consistent = {"consistent_group_snapshot_enabled": "<is> True"}
        self.group_types["default_cgsnapshot_type"] = dict(consistent)  # reserved by Cinder
        self.group_types["protector-consistent"] = dict(consistent)

    def add_service(self, host: str, binary: str = "cinder-volume", state: str = "up",
                    status: str = "enabled") -> None:
        with self.lock:
            self.services.append({"binary": binary, "host": host, "state": state,
                                  "status": status, "zone": "nova"})

    def add_volume_type(self, name: str, extra_specs: dict[str, str]) -> str:
        with self.lock:
            tid = new_id()
            self.volume_types[tid] = Record(tid, name, "available",
                                            data={"extra_specs": dict(extra_specs)})
            return tid

    def add_flavor(self, name: str, *, vcpus: int = 1, ram_mb: int = 512,
                   disk_gb: int = 1) -> str:
        with self.lock:
            fid = new_id()
            self.flavors[fid] = Flavor(fid, name, vcpus, ram_mb, disk_gb)
            return fid

    def add_keypair(self, name: str) -> None:
        with self.lock:
            self.keypairs.add(name)

    def add_security_group(self, name: str) -> str:
        with self.lock:
            gid = new_id()
            self.security_groups[gid] = name
            return gid

    def add_image(self, name: str, status: str = "active") -> str:
        with self.lock:
            iid = new_id()
            self.images[iid] = Record(iid, name, status)
            return iid

    def remove_image(self, name: str) -> None:
        """Fault: the image is missing on this site."""
        with self.lock:
            for iid in [i for i, r in self.images.items() if r.name == name]:
                del self.images[iid]

    def add_network(self, name: str, cidr: str, *, tags: tuple[str, ...] = ()) -> str:
        from protector.cloud.fake.network import make_network
        with self.lock:
            return make_network(self, name, cidr, tags)[0]

    # -- faults ----------------------------------------------------------------------------
    def inject(self, method: str, error: ErrorSpec, times: int | None = 1) -> None:
        """Make the next ``times`` calls of ``method`` raise ``error`` (None: all).

        ``method`` is ``service.method`` (``"volume.manage_volume"``) or a bare
        method name matching any service.
        """
        with self.lock:
            self._faults.setdefault(method, []).append(_Fault(error, times))

    def clear_faults(self, method: str | None = None) -> None:
        with self.lock:
            if method is None:
                self._faults.clear()
            else:
                self._faults.pop(method, None)

    def deny_policy(self, action: str) -> None:
        """Cinder policy without the spec's changes: ``action`` answers 403."""
        method = POLICY_METHODS[action]
        self.clear_faults(method)
        self.inject(method, lambda: exc.PolicyForbidden(action=action, site=self.site),
                    times=None)

    def allow_policy(self, action: str) -> None:
        self.clear_faults(POLICY_METHODS[action])

    def fail_builds(self, times: int = 1, fault: str = "Build of instance aborted: "
                    "injected failure") -> None:
        """The next ``times`` server builds end in ERROR with ``fault``."""
        with self.lock:
            self.build_faults.extend([fault] * times)

    def fail_volume_creates(self, times: int = 1, fault: str = "injected failure") -> None:
        """The next ``times`` volume creations end in ``error``."""
        with self.lock:
            self.volume_faults.extend([fault] * times)

    # -- call plumbing ---------------------------------------------------------------------
    @contextmanager
    def track(self, name: str) -> Iterator[None]:
        with self.lock:
            self.calls[name] += 1
            self.in_flight[name] += 1
            self.peak_in_flight[name] = max(self.peak_in_flight[name], self.in_flight[name])
        try:
            yield
        finally:
            with self.lock:
                self.in_flight[name] -= 1

    def before_call(self, name: str) -> None:
        short = name.split(".", 1)[1]
        delay = self.latency.get(name, self.latency.get(short, self.default_latency))
        if delay > 0:
            self.sleep(delay)  # outside the lock: concurrent calls overlap
        with self.lock:
            for key in (name, short):
                faults = self._faults.get(key)
                if not faults:
                    continue
                fault = faults[0]
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        faults.pop(0)
                fault.raise_it()

    def at(self, delay: float, action: Callable[[], None]) -> None:
        """Run ``action`` (under the lock) once ``delay`` simulated seconds passed."""
        heapq.heappush(self._events, (self.clock() + delay, next(self._seq), action))

    def settle(self) -> None:
        """Apply every transition that is due."""
        with self.lock:
            now = self.clock()
            while self._events and self._events[0][0] <= now:
                _, _, action = heapq.heappop(self._events)
                action()

    # -- capacity --------------------------------------------------------------------------
    def schedule_build(self) -> tuple[str | None, float]:
        """Pick a compute host and the time the build finishes (queued behind
        ``max_concurrent_builds``); host None when every host is full."""
        now = self.clock()
        per_host = collections.Counter(s.data["host"] for s in self.servers.values()
                                       if s.data["host"])
        candidates = [h for h in self.hosts
                      if self.max_servers_per_host is None
                      or per_host[h] < self.max_servers_per_host]
        if not candidates:
            return None, 0.0
        host = min(candidates, key=lambda h: (min(self.hosts[h]), per_host[h], h))
        slots = self.hosts[host]
        i = min(range(len(slots)), key=slots.__getitem__)
        done = max(now, slots[i]) + self.build_time
        slots[i] = done
        return host, done - now

    # -- the collaborators -----------------------------------------------------------------
    def as_cloud(self) -> Any:
        """This site as a :class:`~protector.cloud.base.Cloud` bundle."""
        from protector.cloud.base import Cloud
        from protector.cloud.fake.compute import FakeCompute
        from protector.cloud.fake.image import FakeImage
        from protector.cloud.fake.network import FakeNetwork
        from protector.cloud.fake.volume import FakeVolume
        return Cloud(site=self.site, compute=FakeCompute(self), volume=FakeVolume(self),
                     network=FakeNetwork(self), image=FakeImage(self))
