"""The replication engine: schedules, snapshots, transfers and time.

Time only moves in :meth:`ReplicationEngine.run_until`, which walks from one
event to the next (a transfer finishing, a schedule firing, a snapshot
expiring, an object due for eradication) so that every timestamp is exact no
matter how far the clock jumps.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING

from protector.storage.simulator.errors import already_exists, pending_eradication
from protector.storage.simulator.names import check_component, replica_group_name, split_pod
from protector.storage.simulator.state.lifecycle import DAY_MS, Lifecycle
from protector.storage.simulator.state.records import (
    PGroup,
    PGSnapshot,
    SnapMember,
    TargetLink,
    Transfer,
    VolumeSnapshot,
)

if TYPE_CHECKING:
    from protector.storage.simulator.state.core import ArrayCore as Array
    from protector.storage.simulator.state.fabric import Fabric

# A runaway event loop is a simulator bug; fail loudly instead of hanging.
MAX_EVENTS_PER_RUN = 1_000_000


def _group_of(snap_name: str) -> str:
    return snap_name.rsplit(".", 1)[0]


class ReplicationEngine(Lifecycle):
    def __init__(self, fabric: Fabric) -> None:
        self.fabric = fabric
        # Transfers still queued or running, in creation order.
        self.transfers: list[Transfer] = []

    # -- groups and targets -------------------------------------------------
    def ensure_replica_group(self, array: Array, pg: PGroup, target: str) -> None:
        """Create ``SRC:pg`` on the target, as Purity does when a target is added."""
        tgt = self.fabric.arrays.get(target)
        if tgt is None:
            return
        name = replica_group_name(array.name, pg.name)
        replica = tgt.store.pgroups.get(name)
        if replica is None:
            replica = PGroup(
                name=name,
                created=self.fabric.now,
                source_array=array.name,
                source_group=pg.name,
            )
            tgt.store.pgroups[name] = replica
        replica.destroyed_at = None
        replica.source_array, replica.source_group = array.name, pg.name
        self._copy_settings(pg, replica)

    @staticmethod
    def _copy_settings(pg: PGroup, replica: PGroup) -> None:
        replica.schedule = replace(pg.schedule)
        replica.target_retention = replace(pg.target_retention)
        replica.source_retention = replace(pg.source_retention)
        replica.volumes = list(pg.volumes)

    def propagate_settings(self, array: Array, pg: PGroup) -> None:
        for target in pg.targets:
            tgt = self.fabric.arrays.get(target)
            if tgt is None:
                continue
            replica = tgt.store.pgroups.get(replica_group_name(array.name, pg.name))
            if replica is not None:
                self._copy_settings(pg, replica)

    def source_link(self, array: Array, replica: PGroup) -> TargetLink | None:
        """The source group's record of this target (where ``allowed`` lives)."""
        source = self.fabric.arrays.get(replica.source_array or "")
        if source is None or replica.source_group is None:
            return None
        pg = source.find_pgroup(replica.source_group)
        if pg is None:
            # A pod group is shared: any pod member holds the link.
            return None
        return pg.targets.get(array.name)

    # -- snapshots ------------------------------------------------------------
    def take_snapshot(
        self,
        array: Array,
        pg: PGroup,
        *,
        suffix: str | None,
        retained: bool,
        replicate: bool,
    ) -> PGSnapshot:
        store = array.store_for(pg.name)
        if suffix is None:
            pg.snap_seq += 1
            while f"{pg.name}.{pg.snap_seq}" in store.pg_snaps:
                pg.snap_seq += 1
            suffix = str(pg.snap_seq)
        else:
            check_component("snapshot suffix", suffix)
        name = f"{pg.name}.{suffix}"
        existing = store.pg_snaps.get(name)
        if existing is not None:
            if existing.destroyed_at is not None:
                raise pending_eradication("Protection group snapshot", name)
            raise already_exists("Protection group snapshot", name)
        now = self.fabric.now
        members = []
        for vol_name in pg.volumes:
            vol = array.find_volume(vol_name)
            if vol is None or vol.destroyed_at is not None:
                continue
            members.append(SnapMember(vol_name, vol.id, vol.provisioned))
            vs_name = f"{name}.{split_pod(vol_name)[1]}"
            store.vol_snaps[vs_name] = VolumeSnapshot(
                name=vs_name,
                suffix=suffix,
                provisioned=vol.provisioned,
                created=now,
                source_name=vol_name,
                source_id=vol.id,
                pgsnap=name,
            )
        snap = PGSnapshot(
            name=name, group=pg.name, suffix=suffix, created=now, members=members,
            retained=retained,
        )
        store.pg_snaps[name] = snap
        if replicate:
            self._replicate(array, pg, snap)
        return snap

    def _replicate(self, array: Array, pg: PGroup, snap: PGSnapshot) -> None:
        for target, link in pg.targets.items():
            tgt = self.fabric.arrays.get(target)
            if not link.allowed or tgt is None:
                continue
            replica_pg = tgt.store.pgroups.get(replica_group_name(array.name, pg.name))
            if replica_pg is None or replica_pg.destroyed_at is not None:
                continue
            replica_name = f"{replica_pg.name}.{snap.suffix}"
            if replica_name in tgt.store.pg_snaps:
                continue
            transfer = Transfer(
                source_array=array.name,
                target_array=target,
                source_snap=snap.name,
                replica_snap=replica_name,
                total_bytes=sum(m.provisioned for m in snap.members),
                created=self.fabric.now,
            )
            tgt.store.pg_snaps[replica_name] = PGSnapshot(
                name=replica_name,
                group=replica_pg.name,
                suffix=snap.suffix,
                created=snap.created,  # the recovery point is the source's
                members=list(snap.members),
                retained=snap.retained,
                inbound=transfer,
            )
            snap.transfers[target] = transfer
            self.transfers.append(transfer)
        self._start_queued(self.fabric.now)

    def cancel_transfers(self, source_array: str, target: str, group: str) -> None:
        for transfer in list(self.transfers):
            if (
                transfer.source_array == source_array
                and transfer.target_array == target
                and _group_of(transfer.source_snap) == group
            ):
                self.cancel(transfer)
                self.drop_unfinished_replica(transfer)

    # -- schedules ------------------------------------------------------------
    def reschedule(self, pg: PGroup) -> None:
        sched = pg.schedule
        now = self.fabric.now
        if not sched.enabled or pg.destroyed_at is not None:
            pg.next_due = None
        elif sched.at is not None and sched.frequency % DAY_MS == 0:
            due = now - now % DAY_MS + sched.at
            while due <= now:
                due += DAY_MS
            pg.next_due = due
        else:
            pg.next_due = now + sched.frequency

    def _scheduled_groups(self) -> list[tuple[Array, PGroup]]:
        return [
            (array, pg)
            for array, store in self.iter_stores()
            for pg in store.pgroups.values()
            if pg.is_local
            and pg.destroyed_at is None
            and pg.schedule.enabled
            and pg.next_due is not None
        ]

    def _run_schedules(self, now: int) -> None:
        for array, pg in self._scheduled_groups():
            if pg.next_due is None or pg.next_due > now:
                continue
            window = pg.schedule.blackout
            in_blackout = window is not None and window[0] <= now % DAY_MS < window[1]
            has_target = any(link.allowed for link in pg.targets.values())
            if has_target and not in_blackout and self.fabric.array_up(array.name):
                self.take_snapshot(array, pg, suffix=None, retained=True, replicate=True)
            while pg.next_due <= now:
                pg.next_due += pg.schedule.frequency

    # -- transfers ------------------------------------------------------------
    def _rate(self, transfer: Transfer) -> float | None:
        """Work units per ms; None means instantaneous."""
        fabric = self.fabric
        if not fabric.link_up(transfer.source_array, transfer.target_array):
            return 0.0
        rates = []
        if fabric.transfer_seconds > 0:
            rates.append(transfer.work / (fabric.transfer_seconds * 1000))
        limit = fabric.fault(transfer.source_array).transfer_rate
        if limit is not None:
            rates.append(max(limit, 0) / 1000)
        return min(rates) if rates else None

    def _eta(self, transfer: Transfer) -> int | None:
        if transfer.started is None or not transfer.active or transfer.last_update is None:
            return None
        rate = self._rate(transfer)
        if rate is None:
            return transfer.last_update
        if rate <= 0:
            return None
        remaining = max(transfer.work - transfer.done_bytes, 0.0)
        return transfer.last_update + math.ceil(remaining / rate)

    def _integrate(self, transfer: Transfer, now: int) -> None:
        if transfer.started is None or not transfer.active or transfer.last_update is None:
            return
        eta = self._eta(transfer)
        if eta is not None and now >= eta:
            transfer.done_bytes = transfer.work
        elif now > transfer.last_update:
            rate = self._rate(transfer) or 0.0
            transfer.done_bytes += rate * (now - transfer.last_update)
        transfer.last_update = max(now, transfer.last_update)

    def settle(self) -> None:
        """Account progress so far before the topology (and so rates) changes."""
        for transfer in self.transfers:
            self._integrate(transfer, self.fabric.now)

    def _start_queued(self, now: int) -> None:
        busy = {
            (t.target_array, _group_of(t.replica_snap))
            for t in self.transfers
            if t.started is not None
        }
        for transfer in self.transfers:
            key = (transfer.target_array, _group_of(transfer.replica_snap))
            if transfer.started is None and key not in busy:
                transfer.started = transfer.last_update = now
                busy.add(key)

    def _complete_finished(self, now: int) -> None:
        for transfer in list(self.transfers):
            if transfer.started is None or transfer.done_bytes < transfer.work:
                continue
            transfer.completed = now
            self.transfers.remove(transfer)
            self._land(transfer)

    def _land(self, transfer: Transfer) -> None:
        """Make the volume snapshots of a completed transfer visible on the target."""
        target = self.fabric.arrays.get(transfer.target_array)
        replica = target.store.pg_snaps.get(transfer.replica_snap) if target else None
        if target is None or replica is None or replica.inbound is not transfer:
            return
        if replica.destroyed_at is not None:
            return
        for member in replica.members:
            name = f"{replica.name}.{split_pod(member.volume)[1]}"
            target.store.vol_snaps[name] = VolumeSnapshot(
                name=name,
                suffix=replica.suffix,
                provisioned=member.provisioned,
                created=replica.created,
                source_name=replica_group_name(transfer.source_array, member.volume),
                source_id=member.volume_id,
                pgsnap=replica.name,
            )

    # -- time -----------------------------------------------------------------
    def _next_event(self) -> int | None:
        candidates = [self._eta(t) for t in self.transfers]
        candidates += [pg.next_due for _, pg in self._scheduled_groups()]
        candidates += [self.next_expiry(), self.next_eradication()]
        return min((c for c in candidates if c is not None), default=None)

    def _step_to(self, when: int) -> None:
        for transfer in self.transfers:
            self._integrate(transfer, when)
        self.fabric.now = max(self.fabric.now, when)
        self._complete_finished(when)
        self._start_queued(when)
        self._run_schedules(when)
        self.expire_due(when)
        self.eradicate_due(when)
        self._start_queued(when)

    def run_until(self, target_ms: int) -> None:
        for _ in range(MAX_EVENTS_PER_RUN):
            when = self._next_event()
            if when is None or when > target_ms:
                break
            self._step_to(max(when, self.fabric.now))
        else:
            raise RuntimeError("simulator event loop did not settle")
        self._step_to(max(target_ms, self.fabric.now))
