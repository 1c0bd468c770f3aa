"""Plain records that make up an array's state.

Timestamps are milliseconds since the epoch (Purity's unit). A destroyed
object keeps its record with ``destroyed_at`` set until it is eradicated.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field


def new_id() -> str:
    return str(uuid.uuid4())


def new_serial() -> str:
    return secrets.token_hex(12).upper()


@dataclass
class Volume:
    name: str
    provisioned: int
    created: int
    id: str = field(default_factory=new_id)
    serial: str = field(default_factory=new_serial)
    # (name, id) of the volume this one was copied from.
    source: tuple[str, str] | None = None
    destroyed_at: int | None = None
    qos: dict[str, int] = field(default_factory=dict)


@dataclass
class VolumeSnapshot:
    name: str
    suffix: str
    provisioned: int
    created: int
    source_name: str
    source_id: str
    id: str = field(default_factory=new_id)
    serial: str = field(default_factory=new_serial)
    destroyed_at: int | None = None
    # Set for the per-volume members of a protection-group snapshot; those
    # share their group snapshot's life cycle.
    pgsnap: str | None = None


@dataclass
class Schedule:
    enabled: bool = False
    frequency: int = 14_400_000  # ms; Purity's default of 4 hours
    at: int | None = None  # ms after midnight, only for whole-day frequencies
    blackout: tuple[int, int] | None = None  # ms after midnight [start, end)


@dataclass
class Retention:
    all_for_sec: int = 86_400
    per_day: int = 4
    days: int = 7


@dataclass
class TargetLink:
    allowed: bool = False


@dataclass
class PGroup:
    name: str
    created: int
    id: str = field(default_factory=new_id)
    volumes: list[str] = field(default_factory=list)
    targets: dict[str, TargetLink] = field(default_factory=dict)
    schedule: Schedule = field(default_factory=Schedule)
    source_retention: Retention = field(default_factory=Retention)
    target_retention: Retention = field(default_factory=Retention)
    destroyed_at: int | None = None
    # Replica groups (on a target) remember where they come from.
    source_array: str | None = None
    source_group: str | None = None
    next_due: int | None = None
    snap_seq: int = 0

    @property
    def is_local(self) -> bool:
        return self.source_array is None


@dataclass
class SnapMember:
    """What a protection-group snapshot captured of one volume."""

    volume: str  # name on the source, possibly ``pod::vol``
    volume_id: str
    provisioned: int


@dataclass
class Transfer:
    """One protection-group snapshot travelling to one target."""

    source_array: str
    target_array: str
    source_snap: str
    replica_snap: str
    total_bytes: int
    created: int
    id: str = field(default_factory=new_id)
    done_bytes: float = 0.0
    started: int | None = None
    completed: int | None = None
    last_update: int | None = None
    cancelled: bool = False

    @property
    def work(self) -> float:
        # Progress is tracked in bytes; an empty group still takes one unit
        # so that it, too, needs the modelled transfer time.
        return float(max(self.total_bytes, 1))

    @property
    def progress(self) -> float:
        if self.completed is not None:
            return 1.0
        # A transfer in flight never reports 1.0: callers pick snapshots by
        # progress == 1.0 and must not see a half-sent one.
        return min(self.done_bytes / self.work, 0.999)

    @property
    def active(self) -> bool:
        return self.completed is None and not self.cancelled


@dataclass
class PGSnapshot:
    name: str
    group: str
    suffix: str
    created: int
    members: list[SnapMember]
    id: str = field(default_factory=new_id)
    destroyed_at: int | None = None
    # Scheduled snapshots and ``apply_retention=True`` ones expire by policy.
    retained: bool = False
    # Source side: one transfer per target. Replica side: ``inbound``.
    transfers: dict[str, Transfer] = field(default_factory=dict)
    inbound: Transfer | None = None


@dataclass
class PodMember:
    array: str
    joined: int


@dataclass
class Pod:
    name: str
    created: int
    members: dict[str, PodMember]
    id: str = field(default_factory=new_id)
    failover_preferences: list[str] = field(default_factory=list)
    quota_limit: int | None = None
    destroyed_at: int | None = None
    source: str | None = None
    store: Store = field(default_factory=lambda: Store())


@dataclass
class Store:
    """Objects of one namespace: an array's own, or a pod's (``pod::...``).

    A stretched pod's store is the same object on every member array, which
    is how synchronous replication is modelled.
    """

    volumes: dict[str, Volume] = field(default_factory=dict)
    vol_snaps: dict[str, VolumeSnapshot] = field(default_factory=dict)
    pgroups: dict[str, PGroup] = field(default_factory=dict)
    pg_snaps: dict[str, PGSnapshot] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not (self.volumes or self.vol_snaps or self.pgroups or self.pg_snaps)
