"""Destroy, recover, eradicate, and retention expiry.

Destroyed objects are eradicated ``eradication_delay`` after they were
destroyed. Retention destroys protection-group snapshots whose policy period
has passed; they are then eradicated like any other destroyed object.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from protector.storage.simulator.state.records import (
    PGroup,
    PGSnapshot,
    Pod,
    Retention,
    Store,
    Transfer,
    VolumeSnapshot,
)

if TYPE_CHECKING:
    from protector.storage.simulator.state.core import ArrayCore as Array
    from protector.storage.simulator.state.fabric import Fabric

DAY_MS = 86_400_000


def member_snaps(store: Store, snap: PGSnapshot) -> list[VolumeSnapshot]:
    return [v for v in store.vol_snaps.values() if v.pgsnap == snap.name]


def retention_expiry(
    policy: Retention, snaps: list[PGSnapshot]
) -> Iterator[tuple[int, PGSnapshot]]:
    """When each snapshot expires under ``policy``.

    Everything is kept for ``all_for_sec``. After that, each day is cut into
    ``per_day`` equal slots and the newest snapshot of each slot is kept for
    another ``days`` days; the others expire at once.
    """
    keep_ms = policy.all_for_sec * 1000
    winners: set[int] = set()
    if policy.per_day > 0 and policy.days > 0:
        slot_ms = DAY_MS // policy.per_day
        newest: dict[int, PGSnapshot] = {}
        for snap in snaps:
            slot = snap.created // slot_ms
            best = newest.get(slot)
            if best is None or snap.created >= best.created:
                newest[slot] = snap
        winners = {id(s) for s in newest.values()}
    for snap in snaps:
        extra = policy.days * DAY_MS if id(snap) in winners else 0
        yield snap.created + keep_ms + extra, snap


class Lifecycle:
    fabric: Fabric
    transfers: list[Transfer]

    # -- stores -----------------------------------------------------------
    def iter_stores(self) -> Iterator[tuple[Array, Store]]:
        """Every store once, with an array that can act on it."""
        seen: set[int] = set()
        for array in self.fabric.arrays.values():
            yield array, array.store
            for pod in array.pods.values():
                if id(pod) in seen:
                    continue
                seen.add(id(pod))
                yield self.pod_context(pod) or array, pod.store

    def pod_context(self, pod: Pod) -> Array | None:
        """The member array that acts for a pod: the first one that is up."""
        members = [self.fabric.arrays[m] for m in pod.members if m in self.fabric.arrays]
        for array in members:
            if self.fabric.array_up(array.name):
                return array
        return members[0] if members else None

    def cancel(self, transfer: Transfer) -> None:
        transfer.cancelled = True
        if transfer in self.transfers:
            self.transfers.remove(transfer)

    # -- protection-group snapshots ----------------------------------------
    def destroy_pg_snap(self, array: Array, snap: PGSnapshot, when: int) -> None:
        if snap.destroyed_at is not None:
            return
        snap.destroyed_at = when
        for vs in member_snaps(array.store_for(snap.name), snap):
            if vs.destroyed_at is None:
                vs.destroyed_at = when
        if snap.inbound is not None and snap.inbound.active:
            self.cancel(snap.inbound)

    def recover_pg_snap(self, array: Array, snap: PGSnapshot) -> None:
        if snap.destroyed_at is None:
            return
        for vs in member_snaps(array.store_for(snap.name), snap):
            if vs.destroyed_at == snap.destroyed_at:
                vs.destroyed_at = None
        snap.destroyed_at = None

    def eradicate_pg_snap(self, array: Array, snap: PGSnapshot) -> None:
        store = array.store_for(snap.name)
        for vs in member_snaps(store, snap):
            del store.vol_snaps[vs.name]
        store.pg_snaps.pop(snap.name, None)
        if snap.inbound is not None and snap.inbound.active:
            self.cancel(snap.inbound)
        for transfer in snap.transfers.values():
            if transfer.active:
                self.cancel(transfer)
                self.drop_unfinished_replica(transfer)

    def drop_unfinished_replica(self, transfer: Transfer) -> None:
        target = self.fabric.arrays.get(transfer.target_array)
        replica = target.store.pg_snaps.get(transfer.replica_snap) if target else None
        if target is not None and replica is not None and replica.inbound is transfer:
            self.destroy_pg_snap(target, replica, self.fabric.now)

    # -- protection groups --------------------------------------------------
    def _group_snaps(self, array: Array, pg: PGroup) -> list[PGSnapshot]:
        store = array.store_for(pg.name)
        return [s for s in store.pg_snaps.values() if s.group == pg.name]

    def destroy_pgroup(self, array: Array, pg: PGroup) -> None:
        if pg.destroyed_at is not None:
            return
        now = self.fabric.now
        pg.destroyed_at = now
        for snap in self._group_snaps(array, pg):
            self.destroy_pg_snap(array, snap, now)

    def recover_pgroup(self, array: Array, pg: PGroup) -> None:
        if pg.destroyed_at is None:
            return
        for snap in self._group_snaps(array, pg):
            if snap.destroyed_at == pg.destroyed_at:
                self.recover_pg_snap(array, snap)
        pg.destroyed_at = None
        self.reschedule(pg)

    def eradicate_pgroup(self, array: Array, pg: PGroup) -> None:
        for snap in self._group_snaps(array, pg):
            self.eradicate_pg_snap(array, snap)
        array.store_for(pg.name).pgroups.pop(pg.name, None)

    def reschedule(self, pg: PGroup) -> None:  # implemented by the replication engine
        raise NotImplementedError

    # -- pods ---------------------------------------------------------------
    def eradicate_pod(self, pod: Pod) -> None:
        context = self.pod_context(pod)
        if context is not None:
            for pg in list(pod.store.pgroups.values()):
                self.eradicate_pgroup(context, pg)
        for array in self.fabric.arrays.values():
            if array.pods.get(pod.name) is pod:
                del array.pods[pod.name]

    # -- retention ----------------------------------------------------------
    def _expiries(self) -> Iterator[tuple[int, Array, PGSnapshot]]:
        fabric = self.fabric
        for array, store in self.iter_stores():
            for pg in store.pgroups.values():
                if pg.destroyed_at is not None:
                    continue
                if pg.is_local:
                    policy = pg.source_retention
                else:
                    source_down = not fabric.array_up(pg.source_array or "")
                    if source_down and not fabric.retention_when_source_down:
                        continue
                    policy = pg.target_retention
                snaps = [
                    s
                    for s in store.pg_snaps.values()
                    if s.group == pg.name and s.retained and s.destroyed_at is None
                ]
                for when, snap in retention_expiry(policy, snaps):
                    yield when, array, snap

    def next_expiry(self) -> int | None:
        return min((when for when, _, _ in self._expiries()), default=None)

    def expire_due(self, now: int) -> None:
        due = [(when, array, snap) for when, array, snap in self._expiries() if when <= now]
        for when, array, snap in due:
            # Destroyed at the moment it expired, so eradication stays on time
            # even when the clock jumps far ahead.
            self.destroy_pg_snap(array, snap, when)

    # -- eradication --------------------------------------------------------
    def _destroyed_times(self) -> Iterator[int]:
        for _, store in self.iter_stores():
            for group in (store.volumes, store.vol_snaps, store.pgroups, store.pg_snaps):
                for obj in group.values():
                    if obj.destroyed_at is not None:
                        yield obj.destroyed_at
        for pod in self._pods():
            if pod.destroyed_at is not None:
                yield pod.destroyed_at

    def _pods(self) -> list[Pod]:
        seen: dict[int, Pod] = {}
        for array in self.fabric.arrays.values():
            for pod in array.pods.values():
                seen.setdefault(id(pod), pod)
        return list(seen.values())

    def next_eradication(self) -> int | None:
        first = min(self._destroyed_times(), default=None)
        return None if first is None else first + self.fabric.eradication_delay_ms

    def eradicate_due(self, now: int) -> None:
        cutoff = now - self.fabric.eradication_delay_ms

        def due(obj: object) -> bool:
            at = getattr(obj, "destroyed_at", None)
            return at is not None and at <= cutoff

        for pod in self._pods():
            if due(pod):
                self.eradicate_pod(pod)
        for array, store in list(self.iter_stores()):
            for pg in [p for p in store.pgroups.values() if due(p)]:
                self.eradicate_pgroup(array, pg)
            for snap in [s for s in store.pg_snaps.values() if due(s)]:
                if snap.name in store.pg_snaps:
                    self.eradicate_pg_snap(array, snap)
            for vol in [v for v in store.volumes.values() if due(v)]:
                array.eradicate_volume(vol)
            for vs in [v for v in store.vol_snaps.values() if due(v)]:
                # Members normally go with their group snapshot; drop orphans too.
                if vs.pgsnap is None or vs.pgsnap not in store.pg_snaps:
                    store.vol_snaps.pop(vs.name, None)
