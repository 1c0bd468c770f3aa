"""The ``pure`` driver: Pure Storage FlashArray through py-pure-client (REST 2.x).

Async PGs use a protection group replicating to the target
(:mod:`.async_pg`), sync PGs an ActiveCluster pod (:mod:`.pods`). Both
materialise the same way: copy each volume's snapshot of the chosen recovery
point to a neutral name on the target (:mod:`.copies`) for Cinder to
``manage`` with ``{"source-name": name}``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from protector import exception as base_exc
from protector.storage import base
from protector.storage import exception as exc
from protector.storage.drivers.pure.async_pg import AsyncProtectionGroup
from protector.storage.drivers.pure.copies import Copier, CopyTask
from protector.storage.drivers.pure.mode import ReplicationMode, unusable
from protector.storage.drivers.pure.pods import POD_SEP, PodReplication
from protector.storage.drivers.pure.session import ArraySession, ClientFactory

LOG = logging.getLogger(__name__)

__all__ = ["PureDriver"]


class PureDriver(base.ReplicationDriver):
    """:class:`~protector.storage.base.ReplicationDriver` for FlashArrays.

    :param client_factory: builds an SDK client for an endpoint (tests wrap
        the real one to inject faults); default a real
        ``pypureclient.flasharray.Client``.
    """

    def __init__(self, group: base.GroupSpec, arrays: base.ArrayPair,
                 options: base.DriverOptions | None = None, *,
                 target_volumes: base.TargetVolumeFactory | None = None,
                 client_factory: ClientFactory | None = None) -> None:
        super().__init__(group, arrays, options, target_volumes=target_volumes)
        self._client_factory = client_factory
        self.source = ArraySession("source", arrays.source, self.options, client_factory)
        self.target = ArraySession("target", arrays.target, self.options, client_factory)
        mode_cls = (PodReplication if group.replication_type is base.ReplicationType.SYNC
                    else AsyncProtectionGroup)
        self.mode: ReplicationMode = mode_cls(group, self.source, self.target, self.options)
        self.copier = Copier(self.target, self.options)

    def reversed(self) -> PureDriver:
        return PureDriver(self.group, self.arrays.reversed(), self.options,
                          target_volumes=self.target_volumes,
                          client_factory=self._client_factory)

    def close(self) -> None:
        self.copier.close()
        self.source.close()
        self.target.close()

    # -- arrays -----------------------------------------------------------------------
    def check_connectivity(self) -> base.ConnectivityReport:
        src, tgt = self.source.status(), self.target.status()
        link = link_type = None
        if src.reachable and tgt.reachable and tgt.array_name:
            try:
                conns = self.source.call("get_array_connections", tgt.array_name,
                                         remote_names=[tgt.array_name])
                if conns:
                    link = getattr(conns[0], "status", None)
                    link_type = getattr(conns[0], "type", None)
            except exc.StorageObjectNotFound:
                link = "not connected"
            except exc.StorageError as err:
                LOG.warning("cannot read the connection %s -> %s: %s",
                            self.source.label, self.target.label, err)
        return base.ConnectivityReport(source=src, target=tgt, link_status=link,
                                       link_type=link_type)

    # -- set-up -----------------------------------------------------------------------
    def ensure_replication(self) -> base.ReplicationContainer:
        return self.mode.ensure()

    def add_volumes(self, volumes: Sequence[base.VolumeRef]) -> None:
        if volumes:
            self.mode.add(self.mode.qualify(volumes))

    def remove_volumes(self, volumes: Sequence[base.VolumeRef]) -> None:
        if volumes:
            self.mode.remove(self.mode.qualify(volumes, check=False))

    def drop_replication(self) -> list[str]:
        return self.mode.drop()

    def list_volumes(self) -> list[str]:
        return self.mode.members()

    # -- recovery points ----------------------------------------------------------------
    def list_recovery_points(self) -> list[base.RecoveryPoint]:
        return self.mode.points()

    def latest_recovery_point(self) -> base.RecoveryPoint | None:
        return self.mode.latest()

    def replicate_now(self, timeout: float | None = None) -> base.RecoveryPoint:
        return self.mode.snapshot_now(timeout if timeout is not None
                                      else self.options.replicate_timeout)

    # -- failover -----------------------------------------------------------------------
    def check_materialisable(self) -> None:
        """Sync: the pod's other array must answer. Cinder's Pure driver puts
        each replicated-sync volume it manages in a ghost pod, stretches that
        to the peer and waits, without a timeout, until the peer is online;
        with the peer lost the manage would never end (or fails)."""
        if not isinstance(self.mode, PodReplication):
            return
        if not self.source.status().reachable:
            raise exc.PodPeerLost(array=self.source.label, pod=self.mode.pod,
                                  target=self.target.label)

    def materialise(self, point: base.RecoveryPoint | str, volumes: Sequence[base.VolumeRef],
                    tag: str) -> list[base.MaterialisedVolume]:
        name = point.name if isinstance(point, base.RecoveryPoint) else point
        prefix = base.neutral_prefix(tag)
        sources = [v.name for v in volumes]
        if len(set(sources)) != len(sources):
            raise base_exc.Invalid(reason="a volume is listed twice for materialisation")
        self.mode.check_point(name)
        snaps = self.target.call("get_volume_snapshots", name, filter=f"name='{name}.*'",
                                 destroyed=False)
        by_volume = {s.name[len(name) + 1:]: s.name for s in snaps}
        tasks, missing = [], []
        for src in sources:
            snap = by_volume.get(src.rpartition(POD_SEP)[2])
            if snap is None:
                missing.append(src)
            else:
                tasks.append(CopyTask(source=src, snapshot=snap,
                                      name=base.neutral_volume_name(tag, src)))
        if missing:
            raise exc.VolumeNotInRecoveryPoint(point=name, array=self.target.label,
                                               volumes=", ".join(missing))
        return self.copier.copy_all(tasks, name, prefix)

    def cleanup(self, tag: str) -> list[str]:
        found = self.copier.list_prefixed(base.neutral_prefix(tag))
        failed = self.copier.remove_all(found)
        if failed:
            raise exc.CleanupIncomplete(count=len(failed), array=self.target.label,
                                        names=", ".join(failed[:5]))
        return found

    def reverse_replication(
            self, volumes: Sequence[base.VolumeRef] = ()) -> base.ReplicationContainer:
        try:
            self.mode.stop_source()
        except exc.StorageError as err:
            if not unusable(err):
                raise
            # Unplanned failover: the old source is down. Its schedule is
            # stopped when reverse_replication runs again after it returns.
            LOG.warning("old source %s unreachable; its schedule keeps running: %s",
                        self.source.label, err)
        reverse = self.reversed()
        try:
            container = reverse.ensure_replication()
            reverse.add_volumes(volumes)
        finally:
            reverse.close()
        return container

    def replication_health(self) -> base.ReplicationHealth:
        return self.mode.health()
