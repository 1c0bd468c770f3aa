"""Sync replication: an ActiveCluster pod stretched over both arrays.

Every write to a pod volume lands on both arrays, so the "replica" is the
pod itself, visible on the target as the same ``pod::volume`` objects. Two
things still need care:

* Recovery points: a protection group *inside* the pod (``pod::pg``) gives
  crash-consistent snapshots of all the PG's volumes at once; being in the
  pod, they exist on both arrays the moment they are taken, and can be
  taken on the target when the source is down.
* Cinder cannot manage a volume of a stretched pod (its
  ``_validate_manage_existing_ref`` refuses it), so materialising copies the
  volumes out of the pod to neutral names on the target.

Volumes are not moved into the pod: that renames them behind Cinder's back.
They must already live there (created with a sync-replicated volume type).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pypureclient import flasharray

from protector.storage import base
from protector.storage import exception as exc
from protector.storage.drivers.pure.mode import ReplicationMode, unusable
from protector.storage.drivers.pure.session import ArraySession

POD_SEP = "::"


def _point(snap: Any) -> base.RecoveryPoint:
    created = base.utc_from_ms(snap.created)
    return base.RecoveryPoint(name=snap.name, created=created, complete=True, progress=1.0,
                              started=created, completed=created)


class PodReplication(ReplicationMode):
    kind = "pod"

    @property
    def pod(self) -> str:
        return self.group.pod_name or self.options.sync_pod_name

    @property
    def pg(self) -> str:
        return f"{self.pod}{POD_SEP}{self.group.array_group_name}"

    def replica_name(self) -> str:
        return self.pg  # the same object on both arrays

    def _get_pod(self, session: ArraySession) -> Any | None:
        try:
            items = session.call("get_pods", self.pod, names=[self.pod])
        except exc.StorageObjectNotFound:
            return None
        return items[0] if items else None

    # -- set-up ----------------------------------------------------------------------
    def ensure(self) -> base.ReplicationContainer:
        src_name, tgt_name = self.src.name, self.tgt.name
        pod = self._get_pod(self.src)
        if pod is None:
            self.src.call("post_pods", self.pod, names=[self.pod], pod=flasharray.PodPost(),
                          ignore=("already exists",))
            pod = self._get_pod(self.src)
        if pod is not None and getattr(pod, "destroyed", False):
            raise exc.ArrayRequestFailed(
                array=self.src.label, operation="ensure_replication", object=f"pod {self.pod}",
                reason="the pod is destroyed; recover or eradicate it first")
        members = {a.name for a in getattr(pod, "arrays", None) or []}
        if tgt_name not in members:
            self.src.call("post_pods_arrays", self.pod, group_names=[self.pod],
                          member_names=[tgt_name])

        def online() -> bool | None:
            found = self._get_pod(self.src)
            rows = {a.name: a for a in getattr(found, "arrays", None) or []}
            row = rows.get(tgt_name)
            return True if row is not None and getattr(row, "status", "") == "online" else None

        self.wait_for(online, self.options.replicate_timeout,
                      lambda: exc.ReplicationTimeout(
                          snapshot=f"pod {self.pod} (stretch)", array=self.tgt.label,
                          timeout=self.options.replicate_timeout, progress="not online"))
        self.ensure_pgroup(self.src, self.pg)
        return base.ReplicationContainer(kind=self.kind, name=self.pod, source_array=src_name,
                                         target_array=tgt_name, replica_name=self.pg)

    def qualify(self, volumes: Sequence[base.VolumeRef], check: bool = True) -> list[str]:
        names = []
        for vol in volumes:
            pod, _, rest = vol.name.rpartition(POD_SEP)
            if pod and pod != self.pod:
                raise exc.VolumeNotInPod(volume=vol.name, pod=self.pod, array=self.src.label)
            names.append(f"{self.pod}{POD_SEP}{rest}")
        if not check:
            return names
        in_pod = {v.name for v in self.src.call(
            "get_volumes", self.pod, filter=f"pod.name='{self.pod}'", destroyed=False)}
        for name in names:
            if name not in in_pod:
                raise exc.VolumeNotInPod(volume=name, pod=self.pod, array=self.src.label)
        return names

    def stop_source(self) -> None:
        """Nothing to stop: a pod has no direction."""

    def drop(self) -> list[str]:
        """The PG's group inside the stretched pod (one object on both
        arrays: from the source, else the target); the pod stays, it holds
        other groups' volumes too."""
        errors_seen: list[Exception] = []
        for session in (self.src, self.tgt):
            try:
                return [self.pg] if self.drop_pgroup(session, self.pg) else []
            except exc.StorageError as err:
                errors_seen.append(err)
        raise exc.ContainersLeft(names=self.pg, array=self.tgt.label,
                                 reason=str(errors_seen[-1]))

    # -- recovery points -------------------------------------------------------------
    def points(self) -> list[base.RecoveryPoint]:
        snaps = self.tgt.call("get_protection_group_snapshots", self.pg,
                              source_names=[self.pg], destroyed=False)
        return base.newest_first([_point(s) for s in snaps])

    def latest(self) -> base.RecoveryPoint | None:
        points = self.points()
        return points[0] if points else None

    def snapshot_now(self, timeout: float) -> base.RecoveryPoint:
        kwargs = {"source_names": [self.pg], "apply_retention": True}
        try:
            made = self.src.call("post_protection_group_snapshots", self.pg, **kwargs)
        except exc.StorageError as err:
            if not unusable(err):
                raise
            # The pod lives on the target too: snapshot it there.
            made = self.tgt.call("post_protection_group_snapshots", self.pg, **kwargs)
        return _point(made[0])

    def check_point(self, name: str) -> None:
        if not name.startswith(self.pg + "."):
            raise exc.RecoveryPointNotFound(point=name, array=self.tgt.label)
        try:
            self.tgt.call("get_protection_group_snapshots", name, names=[name],
                          destroyed=False)
        except exc.StorageObjectNotFound as err:
            raise exc.RecoveryPointNotFound(point=name, array=self.tgt.label) from err

    def health(self) -> base.ReplicationHealth:
        detail: list[str] = []
        reachable = {"source": True, "target": True}
        pod = None
        for role, session in (("target", self.tgt), ("source", self.src)):
            try:
                found = self._get_pod(session)
                pod = pod if pod is not None else found
            except exc.StorageError as err:
                reachable[role] = not unusable(err)
                detail.append(str(err))
        latest, lag, link = None, None, None
        if pod is not None:
            rows = list(getattr(pod, "arrays", None) or [])
            down = [r for r in rows if getattr(r, "status", "") != "online"]
            names = {r.name for r in rows}
            if len(rows) < 2:
                link = "unstretched"
                detail.append(f"pod {self.pod} is not stretched ({', '.join(sorted(names))})")
            elif not down:
                link, lag = "online", 0.0
            else:
                link = ",".join(f"{r.name}={getattr(r, 'status', '?')}" for r in down)
                frozen = [getattr(r, "frozen_at", None) for r in down]
                frozen_ms = [f for f in frozen if f]
                if frozen_ms:
                    lag = max((self.options.now() - base.utc_from_ms(min(frozen_ms)))
                              .total_seconds(), 0.0)
        if reachable["target"]:
            try:
                latest = self.latest()
            except exc.StorageError as err:
                detail.append(str(err))
        return base.ReplicationHealth(
            replication_type=self.group.replication_type, rpo_seconds=self.group.rpo_seconds,
            lag_seconds=lag, latest=latest, link_status=link,
            source_reachable=reachable["source"], target_reachable=reachable["target"],
            detail="; ".join(detail) or None)
