"""What async (protection group) and sync (pod) replication have in common."""

from __future__ import annotations

import abc
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from protector.storage import base
from protector.storage import exception as exc
from protector.storage.drivers.pure import errors
from protector.storage.drivers.pure.session import ArraySession

T = TypeVar("T")


def point_from(snap: Any, transfer: Any | None) -> base.RecoveryPoint:
    """A :class:`RecoveryPoint` from a pgroup snapshot and its transfer row."""
    progress = getattr(transfer, "progress", None) if transfer is not None else None
    started = getattr(transfer, "started", None) if transfer is not None else None
    completed = getattr(transfer, "completed", None) if transfer is not None else None
    return base.RecoveryPoint(
        name=snap.name,
        created=base.utc_from_ms(snap.created),
        complete=progress is not None and progress >= 1.0,
        progress=float(progress) if progress is not None else 0.0,
        started=base.utc_from_ms(started) if started else None,
        completed=base.utc_from_ms(completed) if completed else None,
        bytes_transferred=getattr(transfer, "data_transferred", None) if transfer else None,
    )


def unusable(err: Exception) -> bool:
    """Whether ``err`` means the array could not be talked to at all."""
    return isinstance(err, (exc.ArrayUnreachable, exc.ArrayUnavailable,
                            exc.ArrayConnectionFailed))


class ReplicationMode(abc.ABC):
    """The array-side steps of one replication type."""

    kind: str

    def __init__(self, group: base.GroupSpec, src: ArraySession, tgt: ArraySession,
                 options: base.DriverOptions) -> None:
        self.group = group
        self.src = src
        self.tgt = tgt
        self.options = options

    # -- the container --------------------------------------------------------------
    @property
    @abc.abstractmethod
    def pg(self) -> str:
        """The protection group on the source whose snapshots are recovery points."""

    @abc.abstractmethod
    def replica_name(self) -> str:
        """What the target calls that group."""

    @abc.abstractmethod
    def ensure(self) -> base.ReplicationContainer: ...

    @abc.abstractmethod
    def qualify(self, volumes: Sequence[base.VolumeRef], check: bool = True) -> list[str]:
        """Array names of ``volumes`` on the source (checked if ``check``)."""

    @abc.abstractmethod
    def stop_source(self) -> None:
        """Stop the old source sending (first step of reversing)."""

    # -- recovery points -------------------------------------------------------------
    @abc.abstractmethod
    def points(self) -> list[base.RecoveryPoint]: ...

    @abc.abstractmethod
    def latest(self) -> base.RecoveryPoint | None: ...

    @abc.abstractmethod
    def snapshot_now(self, timeout: float) -> base.RecoveryPoint: ...

    @abc.abstractmethod
    def check_point(self, name: str) -> None:
        """:raises RecoveryPointNotFound/RecoveryPointIncomplete: not usable."""

    @abc.abstractmethod
    def health(self) -> base.ReplicationHealth: ...

    # -- shared steps -----------------------------------------------------------------
    def members(self) -> list[str]:
        items = self._on_group(lambda: self.src.call(
            "get_protection_groups_volumes", self.pg, group_names=[self.pg]))
        return sorted(i.member.name for i in items)

    def add(self, names: Sequence[str]) -> None:
        current = set(self.members())
        missing = [n for n in dict.fromkeys(names) if n not in current]
        if missing:
            self.src.call("post_protection_groups_volumes", self.pg, group_names=[self.pg],
                          member_names=missing, ignore=("already belongs",))

    def remove(self, names: Sequence[str]) -> None:
        current = set(self.members())
        present = [n for n in dict.fromkeys(names) if n in current]
        if present:
            self.src.call("delete_protection_groups_volumes", self.pg, group_names=[self.pg],
                          member_names=present, idempotent=True)

    def _on_group(self, fn: Callable[[], T]) -> T:
        try:
            return fn()
        except exc.StorageObjectNotFound as err:
            if "protection group" not in str(err).lower():
                raise
            raise exc.ReplicationNotConfigured(container="Protection group", name=self.pg,
                                               array=self.src.label) from err

    def ensure_pgroup(self, session: ArraySession, name: str) -> None:
        """Create ``name``; recover it if it is destroyed but not yet eradicated."""
        try:
            session.call("post_protection_groups", name, names=[name],
                         ignore=("already exists",))
        except exc.ArrayRequestFailed as err:
            if "destroyed" not in str(err):
                raise
            from pypureclient import flasharray

            session.call("patch_protection_groups", name, names=[name],
                         protection_group=flasharray.ProtectionGroup(destroyed=False),
                         idempotent=True)

    def drop_pgroup(self, session: ArraySession, name: str) -> bool:
        """Destroy ``name`` with its snapshots (its targets first, so a
        replica is never left replicating); eradicate it unless configured
        not to. :returns: whether there was one."""
        from pypureclient import flasharray

        try:
            found = session.call("get_protection_groups", name, names=[name])
        except exc.StorageObjectNotFound:
            return False
        if not found:
            return False
        pgroup = found[0]
        if getattr(pgroup, "is_local", True) and not getattr(pgroup, "destroyed", False):
            targets = [t.member.name for t in session.call(
                "get_protection_groups_targets", name, group_names=[name])
                if getattr(getattr(t, "group", None), "name", name) == name]
            if targets:
                session.call("delete_protection_groups_targets", name, group_names=[name],
                             member_names=targets, ignore=errors.NOT_FOUND, idempotent=True)
        if not getattr(pgroup, "destroyed", False):
            session.call("patch_protection_groups", name, names=[name], idempotent=True,
                         protection_group=flasharray.ProtectionGroup(destroyed=True),
                         ignore=errors.DESTROYED + errors.NOT_FOUND)
        if self.options.eradicate:
            session.call("delete_protection_groups", name, names=[name], idempotent=True,
                         ignore=errors.NOT_FOUND)
        return True

    def drop_each(self, work: Sequence[tuple[ArraySession, Callable[[], list[str]]]]
                  ) -> list[str]:
        """Run each array's share of a drop; an array that fails does not stop
        the others, and is reported once they ran."""
        removed: list[str] = []
        failed: list[tuple[ArraySession, Exception]] = []
        for session, step in work:
            try:
                removed += step()
            except exc.StorageError as err:
                failed.append((session, err))
        if failed:
            session, err = failed[0]
            raise exc.ContainersLeft(names=self.pg, array=session.label, reason=str(err))
        return removed

    @abc.abstractmethod
    def drop(self) -> list[str]:
        """:meth:`ReplicationDriver.drop_replication` for this type."""

    def wait_for(self, probe: Callable[[], T | None], timeout: float,
                 on_timeout: Callable[[], Exception]) -> T:
        """Call ``probe`` every ``poll_interval`` until it returns non-None."""
        deadline = self.options.monotonic() + timeout
        while True:
            result = probe()
            if result is not None:
                return result
            remaining = deadline - self.options.monotonic()
            if remaining <= 0:
                raise on_timeout()
            self.options.sleep(min(self.options.poll_interval, remaining))

    def lag_since(self, point: base.RecoveryPoint | None) -> float | None:
        if point is None:
            return None
        return max((self.options.now() - point.created).total_seconds(), 0.0)
