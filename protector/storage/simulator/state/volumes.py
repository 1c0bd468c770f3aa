"""Volumes and volume snapshots."""

from __future__ import annotations

from typing import Any

from protector.storage.simulator.errors import (
    SimError,
    already_exists,
    bad_request,
    does_not_exist,
    not_destroyed,
    pending_eradication,
)
from protector.storage.simulator.names import check_component, check_object_name, split_pod
from protector.storage.simulator.state import views
from protector.storage.simulator.state.core import ArrayCore
from protector.storage.simulator.state.records import Volume, VolumeSnapshot

MAX_PROVISIONED = 4 * 1024**5  # 4 PiB


def check_size(name: str, size: Any) -> int:
    if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
        raise bad_request("Volume size must be a positive number of bytes.", name)
    if size % 512:
        raise bad_request("Volume size must be a multiple of 512 bytes.", name)
    if size > MAX_PROVISIONED:
        raise bad_request("Volume size exceeds the maximum of 4 PiB.", name)
    return size


class VolumeOps(ArrayCore):
    # -- volumes ----------------------------------------------------------
    def get_volumes(self, *, names: list[str] | None, destroyed: bool | None) -> list[dict]:
        vols = self.select("Volume", self.all_volumes(), names, destroyed)
        return [views.volume(self, v) for v in vols]

    def _check_free_name(self, kind: str, name: str, existing: Any) -> None:
        if existing is None:
            return
        if existing.destroyed_at is not None:
            raise pending_eradication(kind, name)
        raise already_exists(kind, name)

    def _copy_source(self, source: str) -> tuple[int, tuple[str, str]]:
        """Size and origin of a copy from a volume or a snapshot."""
        vol = self.find_volume(source)
        if vol is not None:
            if vol.destroyed_at is not None:
                raise pending_eradication("Volume", source)
            return vol.provisioned, (vol.name, vol.id)
        snap = self.find_vol_snap(source)
        if snap is not None:
            if snap.destroyed_at is not None:
                raise pending_eradication("Snapshot", source)
            return snap.provisioned, (snap.source_name, snap.source_id)
        raise SimError("No such volume or snapshot.", source)

    def _check_pod_writable(self, name: str) -> None:
        pod_name, _ = split_pod(name)
        if pod_name is None:
            return
        pod = self.pods.get(pod_name)
        if pod is None:
            raise does_not_exist("Pod", pod_name)
        if pod.destroyed_at is not None:
            raise pending_eradication("Pod", pod_name)

    def post_volumes(
        self,
        *,
        names: list[str] | None,
        provisioned: int | None = None,
        source: str | None = None,
        overwrite: bool = False,
        add_to_pgs: list[str] | None = None,
    ) -> list[dict]:
        if not names:
            raise bad_request("The names parameter is required.")
        groups = [self.pgroup(g) for g in add_to_pgs or []]
        out = []
        for name in names:
            check_object_name("volume", name)
            self._check_pod_writable(name)
            store = self.store_for(name)
            existing = store.volumes.get(name)
            if source is not None:
                size, origin = self._copy_source(source)
                if existing is not None and (existing.destroyed_at is not None or not overwrite):
                    self._check_free_name("Volume", name, existing)
                if existing is not None:
                    # overwrite keeps identity (serial, id, memberships), new data
                    existing.provisioned, existing.source = size, origin
                    vol = existing
                else:
                    vol = Volume(name=name, provisioned=size, created=self.now, source=origin)
            else:
                self._check_free_name("Volume", name, existing)
                if provisioned is None:
                    raise bad_request("Either provisioned or source is required.", name)
                vol = Volume(name=name, provisioned=check_size(name, provisioned), created=self.now)
            store.volumes[name] = vol
            for pg in groups:
                self.add_volume_to_group(pg, vol.name, ignore_duplicate=True)
            out.append(views.volume(self, vol))
        return out

    def patch_volumes(
        self,
        *,
        names: list[str] | None,
        changes: dict[str, Any],
        add_to_pgs: list[str] | None = None,
        remove_from_pgs: list[str] | None = None,
        truncate: bool = False,
    ) -> list[dict]:
        if not names:
            raise bad_request("The names parameter is required.")
        if "name" in changes and len(names) > 1:
            raise bad_request("Only one volume can be renamed at a time.")
        out = []
        for name in names:
            vol = self.find_volume(name)
            if vol is None:
                raise does_not_exist("Volume", name)
            destroyed = changes.get("destroyed")
            if destroyed is True:
                self._destroy_volume(vol)
            elif destroyed is False:
                self._recover_volume(vol)
            other = set(changes) - {"destroyed"}
            if (other or add_to_pgs or remove_from_pgs) and vol.destroyed_at is not None:
                raise pending_eradication("Volume", name)
            if "provisioned" in changes:
                size = check_size(name, changes["provisioned"])
                if size < vol.provisioned and not truncate:
                    raise bad_request(
                        "Implicit truncation is not permitted; pass truncate=true to shrink.", name
                    )
                vol.provisioned = size
            if "qos" in changes:
                vol.qos = {k: v for k, v in (changes["qos"] or {}).items() if v is not None}
            for pg_name in remove_from_pgs or []:
                self.remove_volume_from_group(self.pgroup(pg_name), vol.name)
            if "pod" in changes:
                target = (changes["pod"] or {}).get("name") or None
                self._move_volume(vol, target)
            if "name" in changes:
                self._rename_volume(vol, changes["name"])
            for pg_name in add_to_pgs or []:
                self.add_volume_to_group(self.pgroup(pg_name), vol.name, ignore_duplicate=True)
            out.append(views.volume(self, vol))
        return out

    def _direct_snaps(self, vol: Volume) -> list[VolumeSnapshot]:
        store = self.store_for(vol.name)
        return [
            s
            for s in store.vol_snaps.values()
            if s.pgsnap is None and s.source_id == vol.id and s.name.startswith(vol.name + ".")
        ]

    def _destroy_volume(self, vol: Volume) -> None:
        if vol.destroyed_at is not None:
            return
        if any(c.volume_id == vol.id for c in self.connections):
            # Strict on purpose: a client must disconnect hosts first (Cinder does).
            raise SimError("Volume has host connections. Disconnect the hosts first.",
                           vol.name)
        vol.destroyed_at = self.now
        # Purity destroys a volume's own snapshots along with it.
        for snap in self._direct_snaps(vol):
            if snap.destroyed_at is None:
                snap.destroyed_at = self.now

    def _recover_volume(self, vol: Volume) -> None:
        if vol.destroyed_at is None:
            return
        when = vol.destroyed_at
        for snap in self._direct_snaps(vol):
            if snap.destroyed_at == when:
                snap.destroyed_at = None
        vol.destroyed_at = None

    def _rename_volume(self, vol: Volume, new_name: str) -> None:
        if new_name == vol.name:
            return
        new_pod, _ = check_object_name("volume", new_name)
        if new_pod != split_pod(vol.name)[0]:
            raise bad_request("Use the pod attribute to move a volume between pods.", new_name)
        store = self.store_for(vol.name)
        self._check_free_name("Volume", new_name, store.volumes.get(new_name))
        self._relocate(vol, store, store, new_name)

    def _move_volume(self, vol: Volume, target_pod: str | None) -> None:
        src_pod = self.pod_of(vol.name)
        if (src_pod.name if src_pod else None) == target_pod:
            return
        dst_pod = None
        if target_pod is not None:
            dst_pod = self.pods.get(target_pod)
            if dst_pod is None:
                raise does_not_exist("Pod", target_pod)
            if dst_pod.destroyed_at is not None:
                raise pending_eradication("Pod", target_pod)
        src_arrays = set(src_pod.members) if src_pod else {self.name}
        dst_arrays = set(dst_pod.members) if dst_pod else {self.name}
        if src_arrays != dst_arrays:
            raise bad_request(
                "A volume can only move between pods that are stretched to the same arrays.",
                vol.name,
            )
        for pg in self.all_pgroups():
            if vol.name in pg.volumes:
                raise bad_request(
                    f"Volume belongs to protection group '{pg.name}'; remove it before moving.",
                    vol.name,
                )
        base = split_pod(vol.name)[1]
        new_name = f"{target_pod}::{base}" if target_pod else base
        dst_store = dst_pod.store if dst_pod else self.store
        self._check_free_name("Volume", new_name, dst_store.volumes.get(new_name))
        self._relocate(vol, self.store_for(vol.name), dst_store, new_name)

    def _relocate(self, vol: Volume, src_store: Any, dst_store: Any, new_name: str) -> None:
        old = vol.name
        snaps = self._direct_snaps(vol)
        del src_store.volumes[old]
        vol.name = new_name
        dst_store.volumes[new_name] = vol
        for snap in snaps:
            del src_store.vol_snaps[snap.name]
            snap.name = f"{new_name}.{snap.suffix}"
            snap.source_name = new_name
            dst_store.vol_snaps[snap.name] = snap
        for pg in self.all_pgroups():
            pg.volumes = [new_name if v == old else v for v in pg.volumes]

    def delete_volumes(self, *, names: list[str] | None) -> list[dict]:
        if not names:
            raise bad_request("The names parameter is required.")
        vols = []
        for name in names:
            vol = self.find_volume(name)
            if vol is None:
                raise does_not_exist("Volume", name)
            if vol.destroyed_at is None:
                raise not_destroyed("Volume", name)
            vols.append(vol)
        for vol in vols:
            self.eradicate_volume(vol)
        return []

    def eradicate_volume(self, vol: Volume) -> None:
        store = self.store_for(vol.name)
        for snap in self._direct_snaps(vol):
            store.vol_snaps.pop(snap.name, None)
        store.volumes.pop(vol.name, None)
        for pg in self.all_pgroups():
            if vol.name in pg.volumes:
                pg.volumes.remove(vol.name)

    # -- volume snapshots -------------------------------------------------
    def get_volume_snapshots(
        self,
        *,
        names: list[str] | None,
        source_names: list[str] | None,
        destroyed: bool | None,
    ) -> list[dict]:
        pool = list(self.all_vol_snaps())
        if source_names is not None:
            pool = [s for s in pool if s.source_name in source_names]
        snaps = self.select("Snapshot", pool, names, destroyed)
        return [views.vol_snap(self, s) for s in snaps]

    def post_volume_snapshots(
        self, *, source_names: list[str] | None, suffix: str | None = None
    ) -> list[dict]:
        if not source_names:
            raise bad_request("The source_names parameter is required.")
        vols = [self.live_volume(n) for n in source_names]
        if suffix is not None:
            check_component("snapshot suffix", suffix)
        out = []
        for vol in vols:
            if suffix is None:
                self.snap_seq += 1
            sfx = suffix if suffix is not None else str(self.snap_seq)
            name = f"{vol.name}.{sfx}"
            store = self.store_for(vol.name)
            self._check_free_name("Snapshot", name, store.vol_snaps.get(name))
            snap = VolumeSnapshot(
                name=name,
                suffix=sfx,
                provisioned=vol.provisioned,
                created=self.now,
                source_name=vol.name,
                source_id=vol.id,
            )
            store.vol_snaps[name] = snap
            out.append(views.vol_snap(self, snap))
        return out

    def _own_snap(self, name: str) -> VolumeSnapshot:
        snap = self.find_vol_snap(name)
        if snap is None:
            raise does_not_exist("Snapshot", name)
        if snap.pgsnap is not None:
            raise bad_request(
                f"Snapshot is part of protection group snapshot '{snap.pgsnap}'; "
                "change the protection group snapshot instead.",
                name,
            )
        return snap

    def patch_volume_snapshots(
        self, *, names: list[str] | None, changes: dict[str, Any]
    ) -> list[dict]:
        if not names:
            raise bad_request("The names parameter is required.")
        out = []
        for name in names:
            snap = self._own_snap(name)
            if changes.get("destroyed") is True and snap.destroyed_at is None:
                snap.destroyed_at = self.now
            elif changes.get("destroyed") is False:
                snap.destroyed_at = None
            if "name" in changes and changes["name"] != snap.name:
                new_name = changes["name"]
                prefix = snap.source_name + "."
                if not new_name.startswith(prefix):
                    raise bad_request("A snapshot keeps its volume's name as prefix.", new_name)
                check_component("snapshot suffix", new_name[len(prefix):], new_name)
                store = self.store_for(snap.name)
                self._check_free_name("Snapshot", new_name, store.vol_snaps.get(new_name))
                del store.vol_snaps[snap.name]
                snap.name, snap.suffix = new_name, new_name[len(prefix):]
                store.vol_snaps[new_name] = snap
            out.append(views.vol_snap(self, snap))
        return out

    def delete_volume_snapshots(self, *, names: list[str] | None) -> list[dict]:
        if not names:
            raise bad_request("The names parameter is required.")
        snaps = []
        for name in names:
            snap = self._own_snap(name)
            if snap.destroyed_at is None:
                raise not_destroyed("Snapshot", name)
            snaps.append(snap)
        for snap in snaps:
            self.store_for(snap.name).vol_snaps.pop(snap.name, None)
        return []
