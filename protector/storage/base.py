"""The storage driver interface: one replicated array object per protection group.

A driver is built for one protection group (PG) and one replication
direction: ``arrays.source`` is where the PG runs now and ``arrays.target``
where it would fail over to. Drivers are loaded by name from the
``protector.storage.drivers`` entry-point namespace (see
:mod:`protector.storage.factory`): ``pure`` for FlashArrays, ``mock`` for
``use_mock_storage = True``.

Everything that crosses the interface is a small frozen dataclass defined
here, so that the engine never sees an SDK object. Every method may raise
:class:`~protector.storage.exception.StorageError` subclasses; those with
``transient = True`` are worth retrying later.
"""

from __future__ import annotations

import abc
import enum
import hashlib
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable
from urllib.parse import urlsplit

from protector import exception

# Purity names: 1-63 characters of [-a-zA-Z0-9], starting with a letter or digit.
_ARRAY_NAME = re.compile(r"^[a-zA-Z0-9][-a-zA-Z0-9]{0,62}$")
_TAG = re.compile(r"^[a-zA-Z0-9][-a-zA-Z0-9]{0,23}$")
NEUTRAL_PREFIX = "dr"


class ReplicationType(enum.StrEnum):
    ASYNC = "async"  # Pure protection group with a replica target and a schedule
    SYNC = "sync"  # ActiveCluster pod stretched over both arrays


def utc_from_ms(ms: int | float) -> datetime:
    return datetime.fromtimestamp(ms / 1000.0, tz=UTC)


def newest_first(points: Sequence[RecoveryPoint]) -> list[RecoveryPoint]:
    """Recovery points newest first: by start of transfer, creation, then sequence."""

    def key(p: RecoveryPoint) -> tuple[datetime, datetime, int]:
        suffix = p.name.rsplit(".", 1)[-1]
        return (p.started or p.created, p.created, int(suffix) if suffix.isdigit() else -1)

    return sorted(points, key=key, reverse=True)


# -- what the engine passes in ----------------------------------------------------
@dataclass(frozen=True)
class RetentionPolicy:
    """Target retention: keep all for ``all_for_sec``, then ``per_day`` for ``days``."""

    all_for_sec: int = 14_400
    per_day: int = 3
    days: int = 7


@dataclass(frozen=True)
class GroupSpec:
    """Identity and replication settings of one protection group.

    :param pg_id: protector's PG id (a UUID).
    :param replication_type: async (protection group) or sync (pod).
    :param rpo_minutes: replication interval; the array schedule runs this often.
    :param retention: target retention of replicated snapshots.
    :param object_name: name of the array protection group (the policy's
        ``pure_pg_name``); default ``protector-<pg id hex>``. For sync it is
        the protection group created *inside* the pod.
    :param pod_name: sync only: the stretched pod holding the PG's volumes
        (default: the driver option ``sync_pod_name``).
    """

    pg_id: str
    replication_type: ReplicationType
    rpo_minutes: int = 60
    retention: RetentionPolicy = field(default_factory=RetentionPolicy)
    object_name: str | None = None
    pod_name: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "replication_type", ReplicationType(self.replication_type))
        if self.rpo_minutes < 1:
            raise exception.Invalid(reason="rpo_minutes must be at least 1")
        for label, value in (("object_name", self.object_name), ("pod_name", self.pod_name)):
            if value is not None and not _ARRAY_NAME.match(value):
                raise exception.Invalid(
                    reason=f"{label} {value!r} is not a valid array object name "
                    "(1-63 letters, digits and '-')")

    @property
    def array_group_name(self) -> str:
        if self.object_name:
            return self.object_name
        return "protector-" + self.pg_id.replace("-", "").lower()[:32]

    @property
    def rpo_seconds(self) -> int:
        return self.rpo_minutes * 60


@dataclass(frozen=True)
class ArrayEndpoint:
    """How to reach one array's management API.

    :param url: ``https://host[:port]`` (the policy's ``*_fa_url``) or ``host[:port]``.
    :param api_token: the array API token (decrypted); never printed.
    :param verify_ssl: verify the array's certificate.
    :param ca_file: CA bundle to verify it with (default: system trust store).
    """

    url: str
    api_token: str = field(repr=False)
    verify_ssl: bool = True
    ca_file: str | None = None

    @property
    def host(self) -> str:
        """``host[:port]``: the SDK's ``target``, and how messages name the array."""
        text = self.url if "//" in self.url else "//" + self.url
        parts = urlsplit(text)
        return parts.netloc or self.url


@dataclass(frozen=True)
class ArrayPair:
    """The two arrays of a PG in the current replication direction."""

    source: ArrayEndpoint
    target: ArrayEndpoint

    def reversed(self) -> ArrayPair:
        return ArrayPair(source=self.target, target=self.source)


@dataclass(frozen=True)
class VolumeRef:
    """One protected volume as the engine knows it.

    :param name: the volume's name on the source array (Cinder's
        ``array_volume_name``, e.g. ``volume-<id>-cinder`` or
        ``cinder-pod::volume-<id>-cinder``); for the mock driver any stable
        identifier (the Cinder volume id).
    :param size_gb: size, used by the mock driver to create the copy.
    :param image_name: Glance image the volume was built from (mock driver).
    :param bootable: whether the volume boots a server (mock driver).
    :param volume_type: Cinder volume type to create the copy with (mock driver).
    """

    name: str
    size_gb: int | None = None
    image_name: str | None = None
    bootable: bool = False
    volume_type: str | None = None


@dataclass
class DriverOptions:
    """Tunables and injectable time functions (tests drive a simulated clock).

    Built from ``[storage]`` by :func:`protector.storage.factory.options_from_conf`.
    """

    replicate_timeout: float = 3600.0
    poll_interval: float = 5.0
    api_retries: int = 3
    api_timeout: float | None = 60.0
    max_concurrent_copies: int = 8
    eradicate: bool = True
    sync_pod_name: str = "cinder-pod"
    state_path: str = "/var/lib/protector"
    mock_storage_dir: str | None = None  # mock driver; default $state_path/mock_storage
    user_agent: str = "openstack-protector"
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    clock: Callable[[], float] = time.time  # epoch seconds, for lag against RPO

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), tz=UTC)


# -- what drivers return ----------------------------------------------------------
@dataclass(frozen=True)
class ArrayStatus:
    role: str  # "source" or "target"
    endpoint: str
    reachable: bool
    array_name: str | None = None
    version: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class ConnectivityReport:
    source: ArrayStatus
    target: ArrayStatus
    link_status: str | None = None  # e.g. "connected", "connecting"
    link_type: str | None = None  # e.g. "async-replication", "sync-replication"

    @property
    def ok(self) -> bool:
        return self.source.reachable and self.target.reachable and self.link_status == "connected"


@dataclass(frozen=True)
class ReplicationContainer:
    """The array object replicating a PG.

    ``kind`` is ``protection-group`` (async) or ``pod`` (sync); ``name`` its
    name on the source; ``replica_name`` what the target calls the snapshot
    source (``SRC:pg`` for async, ``pod::pg`` for sync).
    """

    kind: str
    name: str
    source_array: str
    target_array: str
    replica_name: str


@dataclass(frozen=True)
class RecoveryPoint:
    """A snapshot of the PG's volumes as seen on the target array.

    ``created`` is the recovery point (when the source took the snapshot);
    only ``complete`` points can be materialised.
    """

    name: str
    created: datetime
    complete: bool
    progress: float = 1.0
    started: datetime | None = None
    completed: datetime | None = None
    bytes_transferred: int | None = None


@dataclass(frozen=True)
class MaterialisedVolume:
    """A copy of one protected volume on the target, ready to hand to Cinder.

    :param source: the :attr:`VolumeRef.name` it was copied from.
    :param name: its name on the target array.
    :param recovery_point: name of the recovery point it holds.
    :param size_bytes: provisioned size, when the array reports it.
    :param cinder_volume_id: set when the driver created the Cinder volume
        itself (mock storage); then no ``manage`` is needed.
    """

    source: str
    name: str
    recovery_point: str
    size_bytes: int | None = None
    cinder_volume_id: str | None = None

    @property
    def manage_ref(self) -> dict[str, str] | None:
        """The ``ref`` for Cinder ``manage`` (``{"source-name": name}``), or None."""
        if self.cinder_volume_id is not None:
            return None
        return {"source-name": self.name}


@dataclass(frozen=True)
class ReplicationHealth:
    """Replication lag of a PG against its RPO.

    ``lag_seconds`` is now minus the newest complete recovery point (sync:
    zero while the pod is in sync, else time since the peer froze); None
    when there is no complete recovery point at all.
    """

    replication_type: ReplicationType
    rpo_seconds: int
    lag_seconds: float | None
    latest: RecoveryPoint | None = None
    in_flight: RecoveryPoint | None = None
    link_status: str | None = None
    source_reachable: bool = True
    target_reachable: bool = True
    detail: str | None = None

    @property
    def within_rpo(self) -> bool:
        return self.lag_seconds is not None and self.lag_seconds <= self.rpo_seconds


# -- collaborators the engine supplies ----------------------------------------------
@runtime_checkable
class TargetVolumeFactory(Protocol):
    """Creates Cinder volumes on the target site (mock storage's "replication").

    The engine supplies an openstacksdk implementation scoped to the target
    project; tests use :class:`protector.storage.drivers.mock.FakeTargetVolumes`.
    """

    def find_image(self, name: str) -> str | None:
        """:returns: the id of the Glance image called ``name``, or None."""
        ...

    def create_volume_from_image(
        self, image_id: str | None, size_gb: int, name: str, volume_type: str | None
    ) -> str:
        """Create a volume (bootable from ``image_id``, blank if None) and wait for it.

        :returns: the new Cinder volume id.
        """
        ...

    def delete_volume(self, volume_id: str) -> None:
        """Delete a volume; a volume that is already gone is not an error."""
        ...


@dataclass(frozen=True)
class ConsistencyGroup:
    id: str
    name: str
    volume_type: str
    project_id: str | None = None
    description: str = ""
    status: str = "available"
    volume_ids: tuple[str, ...] = ()


@runtime_checkable
class ConsistencyGroupAPI(Protocol):
    """Cinder generic volume groups (consistency groups) of one project.

    The real implementation wraps Cinder; ``use_mock_cinder = True`` selects
    :class:`protector.storage.mock_cinder.MockConsistencyGroupAPI`.
    """

    def create_group(self, name: str, volume_type: str, *, description: str = "",
                     project_id: str | None = None) -> ConsistencyGroup:
        """:returns: the new group (status ``available``)."""
        ...

    def get_group(self, group_id: str) -> ConsistencyGroup:
        """:raises ConsistencyGroupNotFound: no such group."""
        ...

    def list_groups(self, project_id: str | None = None) -> list[ConsistencyGroup]: ...

    def add_volumes(self, group_id: str, volume_ids: Sequence[str]) -> ConsistencyGroup:
        """:raises ConsistencyGroupConflict: a volume belongs to another group."""
        ...

    def remove_volumes(self, group_id: str, volume_ids: Sequence[str]) -> ConsistencyGroup: ...

    def delete_group(self, group_id: str, *, delete_volumes: bool = False) -> None:
        """:raises ConsistencyGroupConflict: the group still has volumes and
            ``delete_volumes`` is False."""
        ...


# -- naming ---------------------------------------------------------------------
def check_tag(tag: str) -> str:
    """Validate an operation tag used to name (and later find) copies."""
    if not _TAG.match(tag):
        raise exception.Invalid(
            reason=f"storage tag {tag!r} must be 1-24 letters, digits and '-'")
    return tag


def neutral_prefix(tag: str) -> str:
    return f"{NEUTRAL_PREFIX}-{check_tag(tag)}-"


def neutral_volume_name(tag: str, source: str) -> str:
    """Name of the copy of ``source`` made by operation ``tag``.

    Deterministic, so a retried or resumed operation finds its own copies;
    it never ends in ``-cinder``, so Cinder does not mistake it for a
    volume it already manages.
    """
    digest = hashlib.sha256(source.encode()).hexdigest()[:12]
    return neutral_prefix(tag) + digest


# -- the driver -----------------------------------------------------------------
class ReplicationDriver(abc.ABC):
    """Replication of one protection group between two arrays.

    :param group: the PG's identity and replication settings.
    :param arrays: source (where the PG runs) and target arrays.
    :param options: tunables; defaults when None.
    :param target_volumes: creates Cinder volumes on the target site; only
        drivers that do not copy array volumes (mock) need it.
    """

    def __init__(self, group: GroupSpec, arrays: ArrayPair,
                 options: DriverOptions | None = None, *,
                 target_volumes: TargetVolumeFactory | None = None) -> None:
        self.group = group
        self.arrays = arrays
        self.options = options or DriverOptions()
        self.target_volumes = target_volumes

    def reversed(self) -> ReplicationDriver:
        """A driver of the same kind for the opposite direction."""
        return type(self)(self.group, self.arrays.reversed(), self.options,
                          target_volumes=self.target_volumes)

    def close(self) -> None:  # noqa: B027 - optional hook, not abstract
        """Release connections. The driver must not be used afterwards."""

    # -- arrays ---------------------------------------------------------------
    @abc.abstractmethod
    def check_connectivity(self) -> ConnectivityReport:
        """Log in to both arrays and read the replication link between them.

        Never raises for an unreachable array: the report says so.

        :returns: per-array reachability and the link's status and type.
        """

    # -- set-up ---------------------------------------------------------------
    @abc.abstractmethod
    def ensure_replication(self) -> ReplicationContainer:
        """Create or repair the PG's replication container; idempotent.

        Async: protection group on the source with the target array as
        replica target (allowed on the target), schedule every
        ``rpo_minutes`` (the array counts milliseconds) and the target
        retention, schedule enabled. Sync: the pod stretched to the target
        (waiting up to ``replicate_timeout`` until the target is online) and
        a protection group inside it for consistent snapshots.

        :returns: the container.
        :raises ArrayUnreachable: an array could not be reached.
        :raises ArrayRequestFailed: an array refused a step.
        """

    @abc.abstractmethod
    def add_volumes(self, volumes: Sequence[VolumeRef]) -> None:
        """Put volumes under replication; volumes already in are skipped.

        :raises StorageObjectNotFound: a volume does not exist on the source.
        :raises VolumeNotInPod: sync: a volume lives outside the pod.
        :raises ReplicationNotConfigured: :meth:`ensure_replication` was not run.
        """

    @abc.abstractmethod
    def remove_volumes(self, volumes: Sequence[VolumeRef]) -> None:
        """Stop replicating volumes; volumes not in the group are skipped.

        The volumes themselves are left alone.
        """

    @abc.abstractmethod
    def drop_replication(self) -> list[str]:
        """Remove the PG's replication containers, once it has no members.

        On both arrays and in both directions (a reprotected PG has one each
        way): the protection groups with their snapshots, source groups and
        replicas alike; for sync, the protection group inside the pod (the
        pod and the volumes stay). Eradicated unless ``eradicate`` is off.
        Idempotent; an array that is down is skipped and its containers are
        returned as ``leftovers`` of :class:`CleanupIncomplete`.

        :returns: the names removed.
        :raises CleanupIncomplete: an array could not be reached or refused.
        """

    @abc.abstractmethod
    def list_volumes(self) -> list[str]:
        """:returns: names of the volumes under replication, sorted."""

    # -- recovery points ----------------------------------------------------------
    @abc.abstractmethod
    def list_recovery_points(self) -> list[RecoveryPoint]:
        """Snapshots of the PG on the target, complete or in flight.

        Destroyed (expiring) snapshots are left out.

        :returns: newest first.
        :raises ArrayUnreachable: the target could not be reached.
        """

    def latest_recovery_point(self) -> RecoveryPoint | None:
        """:returns: the newest complete recovery point on the target, or None."""
        complete = newest_first([p for p in self.list_recovery_points() if p.complete])
        return complete[0] if complete else None

    @abc.abstractmethod
    def replicate_now(self, timeout: float | None = None) -> RecoveryPoint:
        """Take a snapshot now and wait until the target holds all of it.

        :param timeout: seconds to wait; default ``replicate_timeout``.
        :returns: the new, complete recovery point.
        :raises ReplicationTimeout: the transfer did not finish in time (the
            snapshot is left to finish on its own).
        """

    # -- failover -----------------------------------------------------------------
    def check_materialisable(self) -> None:
        """Raise :class:`~protector.storage.exception.StorageError` when copies
        made on the target now could not be handed to the target's Cinder
        (nothing is made or changed). Default: they always can."""
        return None

    @abc.abstractmethod
    def materialise(self, point: RecoveryPoint | str, volumes: Sequence[VolumeRef],
                    tag: str) -> list[MaterialisedVolume]:
        """Create independent copies of ``volumes`` on the target from ``point``.

        Copies get neutral names (:func:`neutral_volume_name` of ``tag``) and
        are not replicated; hand each to Cinder with
        :attr:`MaterialisedVolume.manage_ref`. Copies run in parallel up to
        ``max_concurrent_copies``. If any copy fails, the copies made so far
        are removed before the error is raised.

        :param point: a complete recovery point (or its name) on the target.
        :param volumes: the protected volumes to copy.
        :param tag: short id of the operation (letters, digits, '-'), used in
            the names so :meth:`cleanup` can find the copies again.
        :returns: one entry per volume, in the order given.
        :raises RecoveryPointNotFound: no such point on the target.
        :raises RecoveryPointIncomplete: the point is still transferring.
        :raises VolumeNotInRecoveryPoint: the point lacks a requested volume.
        :raises StorageObjectExists: a copy with that name exists already.
        :raises MaterialiseFailed: copying failed (``leftovers`` lists
            copies that could not be removed).
        """

    @abc.abstractmethod
    def cleanup(self, tag: str) -> list[str]:
        """Remove what :meth:`materialise` made for ``tag`` on the target.

        Found by name, so it also removes copies of a run that crashed.
        Array copies already handed to Cinder (``manage`` renames them) are
        Cinder's to delete and are not touched; the mock driver deletes the
        Cinder volumes it created. Idempotent.

        :returns: the names removed.
        :raises CleanupIncomplete: some copies could not be removed.
        """

    @abc.abstractmethod
    def reverse_replication(self, volumes: Sequence[VolumeRef] = ()) -> ReplicationContainer:
        """Replicate from the target back to the source (reprotect / failback).

        Stops the schedule on the old source when it is reachable, ensures
        the container in the opposite direction and adds ``volumes`` (their
        names on the *target*) to it. Use :meth:`reversed` for the driver of
        the new direction afterwards.

        :returns: the container of the new direction.
        """

    @abc.abstractmethod
    def replication_health(self) -> ReplicationHealth:
        """Lag of the newest complete recovery point against the RPO.

        Never raises for an unreachable array: the report says so.
        """
