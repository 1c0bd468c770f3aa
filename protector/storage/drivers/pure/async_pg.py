"""Async replication: a protection group on the source with the target as replica target.

The calls follow the Cinder Pure driver's ``_setup_replicated_pgroups``:
create the group, set target retention and the replication schedule (the
array counts **milliseconds**), add the target, allow it on the target
(where the replica group appears as ``SOURCE:pg``), then enable the
schedule. Snapshots land on the target as ``SOURCE:pg.N`` with per-volume
snapshots ``SOURCE:pg.N.<volume>``; only those whose transfer reports
progress 1.0 are recovery points.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from pypureclient import flasharray

from protector.storage import base
from protector.storage import exception as exc
from protector.storage.drivers.pure.mode import (
    ReplicationMode,
    point_from,
    unusable,
)
from protector.storage.drivers.pure.session import ArraySession


class AsyncProtectionGroup(ReplicationMode):
    kind = "protection-group"

    _replica: str | None = None

    @property
    def pg(self) -> str:
        return self.group.array_group_name

    def replica_name(self) -> str:
        """``SOURCE:pg``, found on the target so it works while the source is down."""
        if self._replica is None:
            suffix = ":" + self.pg
            items = self.tgt.call("get_protection_groups", "*" + suffix,
                                  filter=f"name='*{suffix}'", destroyed=False)
            replicas = [i.name for i in items
                        if i.name.endswith(suffix) and not getattr(i, "is_local", True)]
            if not replicas:
                raise exc.ReplicationNotConfigured(container="Replica protection group",
                                                   name="*" + suffix, array=self.tgt.label)
            if len(replicas) > 1:
                # Two sources replicate a group of this name here: ask the source.
                wanted = f"{self.src.name}{suffix}"
                replicas = [r for r in replicas if r == wanted] or replicas[:1]
            self._replica = replicas[0]
        return self._replica

    # -- set-up ------------------------------------------------------------------------
    def ensure(self) -> base.ReplicationContainer:
        src_name, tgt_name = self.src.name, self.tgt.name
        pg, retention = self.pg, self.group.retention
        self.ensure_pgroup(self.src, pg)
        self.src.call("patch_protection_groups", pg, names=[pg], idempotent=True,
                      protection_group=flasharray.ProtectionGroup(
                          target_retention=flasharray.RetentionPolicy(
                              all_for_sec=retention.all_for_sec, per_day=retention.per_day,
                              days=retention.days),
                          replication_schedule=flasharray.ReplicationSchedule(
                              frequency=self.group.rpo_seconds * 1000)))
        self.src.call("post_protection_groups_targets", pg, group_names=[pg],
                      member_names=[tgt_name], ignore=("already includes",))
        replica = f"{src_name}:{pg}"

        def replica_visible() -> bool | None:
            try:
                self.tgt.call("get_protection_groups", replica, names=[replica])
            except exc.StorageObjectNotFound:
                return None
            return True

        # Purity may take a while to create the replica group on the target.
        self.wait_for(replica_visible, self.options.replicate_timeout,
                      lambda: exc.ReplicationNotConfigured(
                          container="Replica protection group", name=replica,
                          array=self.tgt.label))
        self.tgt.call("patch_protection_groups_targets", replica, group_names=[replica],
                      target=flasharray.TargetProtectionGroupPostPatch(allowed=True),
                      ignore=("already allowed",), idempotent=True)
        self._set_schedule(self.src, pg, True)
        self._replica = replica
        return base.ReplicationContainer(kind=self.kind, name=pg, source_array=src_name,
                                         target_array=tgt_name, replica_name=replica)

    def drop(self) -> list[str]:
        """Both arrays: the PG's own group (a reprotected PG has one each
        way), then the replicas of the peer's (``PEER:pg``)."""
        suffix = ":" + self.pg

        def own(session: ArraySession) -> list[str]:
            return [self.pg] if self.drop_pgroup(session, self.pg) else []

        def replicas(session: ArraySession) -> list[str]:
            names = [i.name for i in session.call("get_protection_groups", "*" + suffix,
                                                  filter=f"name='*{suffix}'")
                     if i.name.endswith(suffix)]
            return [name for name in names if self.drop_pgroup(session, name)]

        # Sources first: a replica goes once nothing replicates into it.
        arrays = (self.src, self.tgt)
        return (self.drop_each([(s, functools.partial(own, s)) for s in arrays])
                + self.drop_each([(s, functools.partial(replicas, s)) for s in arrays]))

    def _set_schedule(self, session: ArraySession, pg: str, enabled: bool) -> None:
        session.call("patch_protection_groups", pg, names=[pg], idempotent=True,
                     protection_group=flasharray.ProtectionGroup(
                         replication_schedule=flasharray.ReplicationSchedule(enabled=enabled)))

    def qualify(self, volumes: Sequence[base.VolumeRef], check: bool = True) -> list[str]:
        return [v.name for v in volumes]

    def stop_source(self) -> None:
        self._set_schedule(self.src, self.pg, False)

    # -- recovery points ---------------------------------------------------------------
    def points(self) -> list[base.RecoveryPoint]:
        replica = self.replica_name()
        snaps = self.tgt.call("get_protection_group_snapshots", replica,
                              source_names=[replica], destroyed=False)
        transfers = {t.name: t for t in self.tgt.call(
            "get_protection_group_snapshots_transfer", replica,
            source_names=[replica], destroyed=False)}
        return base.newest_first([point_from(s, transfers.get(s.name)) for s in snaps])

    def latest(self) -> base.RecoveryPoint | None:
        # Cinder's _get_latest_replicated_pg_snap, with source_names.
        replica = self.replica_name()
        items = self.tgt.call("get_protection_group_snapshots_transfer", replica,
                              source_names=[replica], destroyed=False,
                              filter='progress="1.0"', sort=["started-"])
        if not items:
            return None
        snap = self.tgt.call("get_protection_group_snapshots", items[0].name,
                             names=[items[0].name], destroyed=False)[0]
        return point_from(snap, items[0])

    def _point(self, name: str) -> base.RecoveryPoint | None:
        try:
            snaps = self.tgt.call("get_protection_group_snapshots", name, names=[name],
                                  destroyed=False)
            rows = self.tgt.call("get_protection_group_snapshots_transfer", name,
                                 names=[name], destroyed=False)
        except exc.StorageObjectNotFound:
            return None
        if not snaps:
            return None
        return point_from(snaps[0], rows[0] if rows else None)

    def snapshot_now(self, timeout: float) -> base.RecoveryPoint:
        replica = self.replica_name()
        made = self.src.call("post_protection_group_snapshots", self.pg,
                             source_names=[self.pg], replicate_now=True, apply_retention=True)
        name = f"{replica}.{made[0].suffix}"
        last: list[base.RecoveryPoint | None] = [None]

        def complete() -> base.RecoveryPoint | None:
            last[0] = point = self._point(name)
            return point if point is not None and point.complete else None

        def timed_out() -> Exception:
            progress = f"{last[0].progress:.0%}" if last[0] else "not started"
            return exc.ReplicationTimeout(snapshot=name, array=self.tgt.label,
                                          timeout=timeout, progress=progress)

        return self.wait_for(complete, timeout, timed_out)

    def check_point(self, name: str) -> None:
        if not name.startswith(self.replica_name() + "."):
            raise exc.RecoveryPointNotFound(point=name, array=self.tgt.label)
        point = self._point(name)
        if point is None:
            raise exc.RecoveryPointNotFound(point=name, array=self.tgt.label)
        if not point.complete:
            raise exc.RecoveryPointIncomplete(point=name, array=self.tgt.label,
                                              progress=f"{point.progress:.0%}")

    def health(self) -> base.ReplicationHealth:
        link = None
        source_ok = target_ok = True
        detail = []
        try:
            tgt_name: str | None = self.tgt.name
        except exc.StorageError as err:
            tgt_name, target_ok = None, not unusable(err)
            detail.append(str(err))
        if tgt_name is not None:
            try:
                conns = self.src.call("get_array_connections", tgt_name,
                                      remote_names=[tgt_name])
                link = getattr(conns[0], "status", None) if conns else "disconnected"
            except exc.StorageError as err:
                source_ok = not unusable(err)
                detail.append(str(err))
        latest = in_flight = None
        if target_ok:
            try:
                points = self.points()
                latest = next((p for p in points if p.complete), None)
                in_flight = next((p for p in points if not p.complete), None)
            except exc.StorageError as err:
                target_ok = not unusable(err)
                detail.append(str(err))
        return base.ReplicationHealth(
            replication_type=self.group.replication_type, rpo_seconds=self.group.rpo_seconds,
            lag_seconds=self.lag_since(latest), latest=latest, in_flight=in_flight,
            link_status=link, source_reachable=source_ok, target_reachable=target_ok,
            detail="; ".join(detail) or None)
