"""Several arrays that share connections, a clock and a replication engine."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from protector.storage.simulator.clock import Clock, ManualClock
from protector.storage.simulator.state.array import Array
from protector.storage.simulator.state.records import Pod, new_id
from protector.storage.simulator.state.replication import ReplicationEngine

DEFAULT_PURITY_VERSION = "6.7.3"
# Versions an array advertises on /api/api_version; the SDK picks the newest
# one it also knows.
DEFAULT_REST_VERSIONS = [f"2.{minor}" for minor in range(0, 59)]
UNREACHABLE_MODES = ("refuse", "503")


@dataclass
class Connection:
    arrays: frozenset[str]
    type: str
    id: str = field(default_factory=new_id)
    up: bool = True
    down_since: int | None = None


@dataclass
class InjectedError:
    operation: str  # SDK method name, e.g. "post_volumes"
    message: str
    status: int = 400
    remaining: int | None = 1  # None: every call fails until cleared


@dataclass
class Outage:
    """The array stops answering (503) once ``operation`` has succeeded
    ``calls`` more times: an array lost in the middle of a batch of copies."""

    operation: str
    calls: int


@dataclass
class ArrayFaults:
    # None: reachable; "refuse": the port is closed; "503": the API answers
    # 503. Either way the array counts as down for replication and pods.
    unreachable: str | None = None
    down_since: int | None = None
    transfer_rate: int | None = None  # bytes/s cap on outgoing transfers
    latency: float = 0.0  # real seconds added to every API call (benchmarks)
    errors: list[InjectedError] = field(default_factory=list)
    outage: Outage | None = None


class Fabric:
    """The shared world the simulated arrays live in.

    All state changes happen under :attr:`lock`; :meth:`sync` brings the
    state up to the clock's current time first.
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        transfer_seconds: float = 30.0,
        eradication_delay_sec: float = 86_400.0,
        stretch_seconds: float = 0.0,
        retention_when_source_down: bool = True,
        targets_allowed_by_default: bool = False,
    ) -> None:
        self.lock = threading.RLock()
        self.clock: Clock = clock or ManualClock()
        self.now = self.clock.now_ms()
        self.transfer_seconds = transfer_seconds
        self.eradication_delay_ms = int(eradication_delay_sec * 1000)
        self.stretch_ms = int(stretch_seconds * 1000)
        self.retention_when_source_down = retention_when_source_down
        self.targets_allowed_by_default = targets_allowed_by_default
        self.arrays: dict[str, Array] = {}
        self.addresses: dict[str, str] = {}
        self.engine = ReplicationEngine(self)
        self._connections: dict[frozenset[str], Connection] = {}
        self._faults: dict[str, ArrayFaults] = {}
        self._pod_status: dict[tuple[str, str], str] = {}

    # -- time -----------------------------------------------------------------
    def sync(self) -> None:
        with self.lock:
            self.engine.run_until(self.clock.now_ms())

    def advance(self, seconds: float) -> None:
        """Move a :class:`ManualClock` forward and play out what happens meanwhile."""
        if not isinstance(self.clock, ManualClock):
            raise TypeError("advance() needs a ManualClock")
        with self.lock:
            self.sync()
            self.clock.advance(seconds)
            self.sync()

    def _changing(self) -> None:
        # Progress so far is accounted at the old transfer rates.
        self.sync()
        self.engine.settle()

    # -- arrays and connections ---------------------------------------------
    def add_array(
        self,
        name: str,
        *,
        api_token: str = "sim-api-token",
        purity_version: str = DEFAULT_PURITY_VERSION,
        rest_versions: list[str] | None = None,
    ) -> Array:
        with self.lock:
            if name in self.arrays:
                raise ValueError(f"array {name} already exists")
            array = Array(
                self,
                name,
                api_token=api_token,
                purity_version=purity_version,
                rest_versions=list(rest_versions or DEFAULT_REST_VERSIONS),
            )
            self.arrays[name] = array
            self._faults[name] = ArrayFaults()
            return array

    def connect(self, a: str, b: str, type: str = "sync-replication") -> None:
        """Connect two arrays; a sync connection also carries async replication."""
        with self.lock:
            self._changing()
            self._connections[frozenset((a, b))] = Connection(frozenset((a, b)), type)

    def disconnect(self, a: str, b: str) -> None:
        with self.lock:
            self._changing()
            self._connections.pop(frozenset((a, b)), None)

    def set_link(self, a: str, b: str, up: bool) -> None:
        """Cut or restore the replication link without removing the connection."""
        with self.lock:
            self._changing()
            conn = self._connections[frozenset((a, b))]
            conn.up = up
            conn.down_since = None if up else self.now

    def connection(self, a: str, b: str) -> Connection | None:
        return self._connections.get(frozenset((a, b)))

    def peers_of(self, name: str) -> list[str]:
        return [p for key in self._connections for p in key if name in key and p != name]

    def array_up(self, name: str) -> bool:
        faults = self._faults.get(name)
        return faults is not None and faults.unreachable is None

    def link_up(self, a: str, b: str) -> bool:
        conn = self.connection(a, b)
        return conn is not None and conn.up and self.array_up(a) and self.array_up(b)

    def connection_status(self, a: str, b: str) -> str:
        return "connected" if self.link_up(a, b) else "connecting"

    def offline_since(self, viewer: str, member: str) -> int | None:
        times = [self.fault(member).down_since]
        conn = self.connection(viewer, member)
        if conn is not None:
            times.append(conn.down_since)
        known = [t for t in times if t is not None]
        return max(known) if known else None

    def address_of(self, name: str) -> str:
        return self.addresses.get(name, name)

    def resolve_address(self, address: str) -> str | None:
        for name in self.arrays:
            if address in (name, self.addresses.get(name)):
                return name
        return None

    # -- pods -------------------------------------------------------------------
    def pod_member_status(self, pod: Pod, viewer: str, member: str) -> str:
        forced = self._pod_status.get((pod.name, member))
        if forced is not None:
            return forced
        if member != viewer and not self.link_up(viewer, member):
            return "offline"
        if member == viewer and not self.array_up(member):
            return "offline"
        joined = pod.members[member].joined if member in pod.members else self.now
        if len(pod.members) > 1 and self.now < joined + self.stretch_ms:
            return "resyncing"
        return "online"

    def resync_progress(self, joined: int) -> float:
        if self.stretch_ms <= 0:
            return 1.0
        return min(max((self.now - joined) / self.stretch_ms, 0.0), 0.999)

    def set_pod_member_status(self, pod: str, member: str, status: str | None) -> None:
        """Force what every array reports for ``member`` of ``pod`` (None: computed)."""
        with self.lock:
            if status is None:
                self._pod_status.pop((pod, member), None)
            else:
                self._pod_status[(pod, member)] = status

    # -- faults -----------------------------------------------------------------
    def fault(self, name: str) -> ArrayFaults:
        return self._faults[name]

    def set_unreachable(self, name: str, mode: str | None = "refuse") -> None:
        """Take an array down (``refuse`` or ``503``) or bring it back (None)."""
        if mode is not None and mode not in UNREACHABLE_MODES:
            raise ValueError(f"mode must be one of {UNREACHABLE_MODES} or None")
        with self.lock:
            self._changing()
            faults = self.fault(name)
            if mode is None:
                faults.down_since = None
            elif faults.unreachable is None:
                faults.down_since = self.now
            faults.unreachable = mode

    def set_transfer_rate(self, name: str, bytes_per_sec: int | None) -> None:
        """Cap the speed of transfers leaving ``name`` (None: modelled time only)."""
        with self.lock:
            self._changing()
            self.fault(name).transfer_rate = bytes_per_sec

    def set_latency(self, name: str, seconds: float) -> None:
        """Delay every API call to ``name`` by ``seconds`` of real time (0: none)."""
        if seconds < 0:
            raise ValueError("latency cannot be negative")
        with self.lock:
            self.fault(name).latency = seconds

    def inject_error(
        self,
        name: str,
        operation: str,
        message: str,
        *,
        status: int = 400,
        times: int | None = 1,
    ) -> None:
        with self.lock:
            self.fault(name).errors.append(InjectedError(operation, message, status, times))

    def down_after(self, name: str, operation: str, calls: int = 1) -> None:
        """Arm an :class:`Outage` of ``name``."""
        if calls < 1:
            raise ValueError("calls must be at least 1")
        with self.lock:
            self.fault(name).outage = Outage(operation, calls)

    def served(self, name: str, operation: str) -> None:
        """``operation`` succeeded on ``name``: an armed outage may begin."""
        with self.lock:
            outage = self.fault(name).outage
            if outage is None or outage.operation != operation:
                return
            outage.calls -= 1
            if outage.calls <= 0:
                self.fault(name).outage = None
                self.set_unreachable(name, "503")

    def clear_faults(self, name: str) -> None:
        with self.lock:
            self.set_unreachable(name, None)
            self.set_transfer_rate(name, None)
            self.set_latency(name, 0.0)
            self.fault(name).errors.clear()
            self.fault(name).outage = None

    def take_injected_error(self, name: str, operation: str) -> InjectedError | None:
        with self.lock:
            for err in self.fault(name).errors:
                if err.operation != operation:
                    continue
                if err.remaining is not None:
                    err.remaining -= 1
                    if err.remaining <= 0:
                        self.fault(name).errors.remove(err)
                return err
            return None
