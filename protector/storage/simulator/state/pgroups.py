"""Protection groups, their targets and their volume members."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from protector.storage.simulator.errors import (
    SimError,
    already_exists,
    bad_request,
    does_not_exist,
    not_connected,
    not_destroyed,
    pending_eradication,
)
from protector.storage.simulator.names import check_object_name, split_pod
from protector.storage.simulator.state import views
from protector.storage.simulator.state.core import ArrayCore
from protector.storage.simulator.state.records import PGroup, Retention, TargetLink

# Range Purity accepts before 6.8.2 for all_for_sec.
MIN_ALL_FOR_SEC = 60
MAX_ALL_FOR_SEC = 34_560_000


def _int_field(value: Any, name: str, minimum: int = 0) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise bad_request(f"{name} must be an integer of at least {minimum}.")
    return value


def apply_retention(policy: Retention, body: dict[str, Any]) -> Retention:
    new = replace(policy)
    if body.get("all_for_sec") is not None:
        new.all_for_sec = _int_field(body["all_for_sec"], "all_for_sec", MIN_ALL_FOR_SEC)
        if new.all_for_sec > MAX_ALL_FOR_SEC:
            raise bad_request(f"all_for_sec must be at most {MAX_ALL_FOR_SEC}.")
    if body.get("per_day") is not None:
        new.per_day = _int_field(body["per_day"], "per_day")
    if body.get("days") is not None:
        new.days = _int_field(body["days"], "days")
    return new


class PGroupOps(ArrayCore):
    # -- groups -----------------------------------------------------------
    def get_protection_groups(
        self, *, names: list[str] | None, destroyed: bool | None
    ) -> list[dict]:
        pgs = self.select("Protection group", self.all_pgroups(), names, destroyed)
        return [views.pgroup(self, pg) for pg in pgs]

    def post_protection_groups(self, *, names: list[str] | None) -> list[dict]:
        if not names:
            raise bad_request("The names parameter is required.")
        out = []
        for name in names:
            check_object_name("protection group", name)
            self._check_pod_writable(name)
            store = self.store_for(name)
            existing = store.pgroups.get(name)
            if existing is not None:
                if existing.destroyed_at is not None:
                    raise pending_eradication("Protection group", name)
                raise already_exists("Protection group", name)
            pg = PGroup(name=name, created=self.now)
            store.pgroups[name] = pg
            out.append(views.pgroup(self, pg))
        return out

    def patch_protection_groups(
        self, *, names: list[str] | None, changes: dict[str, Any]
    ) -> list[dict]:
        if not names:
            raise bad_request("The names parameter is required.")
        engine = self.fabric.engine
        out = []
        for name in names:
            pg = self.pgroup(name, live=False)
            if changes.get("destroyed") is True:
                engine.destroy_pgroup(self, pg)
            elif changes.get("destroyed") is False:
                engine.recover_pgroup(self, pg)
            settings = {
                k for k, v in changes.items() if v is not None and k not in ("destroyed", "name")
            }
            if (settings or changes.get("name")) and pg.destroyed_at is not None:
                raise pending_eradication("Protection group", name)
            if settings and not pg.is_local:
                raise bad_request(
                    "Settings of a replica protection group are changed on its source array.",
                    name,
                )
            if changes.get("replication_schedule"):
                self._patch_schedule(pg, changes["replication_schedule"])
            if changes.get("target_retention"):
                pg.target_retention = apply_retention(
                    pg.target_retention, changes["target_retention"]
                )
                engine.propagate_settings(self, pg)
            if changes.get("source_retention"):
                pg.source_retention = apply_retention(
                    pg.source_retention, changes["source_retention"]
                )
            if changes.get("name") and changes["name"] != pg.name:
                self._rename_pgroup(pg, changes["name"])
            out.append(views.pgroup(self, pg))
        return out

    def _patch_schedule(self, pg: PGroup, body: dict[str, Any]) -> None:
        sched = replace(pg.schedule)
        if body.get("frequency") is not None:
            sched.frequency = _int_field(body["frequency"], "frequency", 1000)
        if body.get("enabled") is not None:
            sched.enabled = bool(body["enabled"])
        if "at" in body:
            sched.at = body["at"]
        if body.get("blackout") is not None:
            window = body["blackout"]
            start, end = window.get("start"), window.get("end")
            sched.blackout = None if start is None or end is None else (int(start), int(end))
        changed = (sched.enabled, sched.frequency, sched.at) != (
            pg.schedule.enabled,
            pg.schedule.frequency,
            pg.schedule.at,
        )
        pg.schedule = sched
        if changed:
            self.fabric.engine.reschedule(pg)
        self.fabric.engine.propagate_settings(self, pg)

    def _rename_pgroup(self, pg: PGroup, new_name: str) -> None:
        if not pg.is_local:
            raise bad_request("A replica protection group cannot be renamed.", pg.name)
        new_pod, _ = check_object_name("protection group", new_name)
        if new_pod != split_pod(pg.name)[0]:
            raise bad_request("A protection group cannot be renamed into another pod.", new_name)
        store = self.store_for(pg.name)
        if new_name in store.pgroups:
            raise already_exists("Protection group", new_name)
        old = pg.name
        del store.pgroups[old]
        pg.name = new_name
        store.pgroups[new_name] = pg
        # Purity renames the group's snapshots with it.
        for snap in [s for s in store.pg_snaps.values() if s.group == old]:
            del store.pg_snaps[snap.name]
            snap.group = new_name
            snap.name = f"{new_name}.{snap.suffix}"
            store.pg_snaps[snap.name] = snap
            members = [v for v in store.vol_snaps.values() if v.pgsnap == f"{old}.{snap.suffix}"]
            for vs in members:
                del store.vol_snaps[vs.name]
                vs.pgsnap = snap.name
                vs.name = snap.name + vs.name[len(old) + 1 + len(snap.suffix):]
                store.vol_snaps[vs.name] = vs

    def delete_protection_groups(self, *, names: list[str] | None) -> list[dict]:
        if not names:
            raise bad_request("The names parameter is required.")
        pgs = []
        for name in names:
            pg = self.pgroup(name, live=False)
            if pg.destroyed_at is None:
                raise not_destroyed("Protection group", name)
            pgs.append(pg)
        for pg in pgs:
            self.fabric.engine.eradicate_pgroup(self, pg)
        return []

    # -- targets ----------------------------------------------------------
    def _groups(self, group_names: list[str] | None) -> list[PGroup]:
        return self.select("Protection group", self.all_pgroups(), group_names, None)

    def get_protection_groups_targets(
        self, *, group_names: list[str] | None, member_names: list[str] | None
    ) -> list[dict]:
        out = []
        for pg in self._groups(group_names):
            if pg.is_local:
                for target, link in pg.targets.items():
                    out.append(views.target(self, pg.name, self.name, target, link))
            else:
                link = self.fabric.engine.source_link(self, pg)
                if link is not None:
                    out.append(views.target(self, pg.name, pg.source_array or "", self.name, link))
        if member_names is not None:
            out = [t for t in out if t["member"]["name"] in member_names]
        return out

    def post_protection_groups_targets(
        self, *, group_names: list[str] | None, member_names: list[str] | None
    ) -> list[dict]:
        if not group_names or not member_names:
            raise bad_request("group_names and member_names are required.")
        out = []
        for name in group_names:
            pg = self.pgroup(name)
            if not pg.is_local:
                raise bad_request("A replica protection group cannot have targets.", name)
            for member in member_names:
                if member == self.name:
                    raise bad_request("An array cannot replicate to itself.", member)
                if self.fabric.connection(self.name, member) is None:
                    raise not_connected(member)
                if member in pg.targets:
                    raise SimError(
                        f"Protection group already includes target array '{member}'.", name
                    )
                link = TargetLink(allowed=self.fabric.targets_allowed_by_default)
                pg.targets[member] = link
                self.fabric.engine.ensure_replica_group(self, pg, member)
                out.append(views.target(self, pg.name, self.name, member, link))
        return out

    def patch_protection_groups_targets(
        self,
        *,
        group_names: list[str] | None,
        member_names: list[str] | None,
        allowed: bool | None,
    ) -> list[dict]:
        if not group_names:
            raise bad_request("The group_names parameter is required.")
        if allowed is None:
            raise bad_request("target.allowed is required.")
        out = []
        for name in group_names:
            pg = self.pgroup(name)
            if pg.is_local:
                raise bad_request(
                    "Replication is allowed or disallowed on the target array.", name
                )
            link = self.fabric.engine.source_link(self, pg)
            if link is None:
                raise bad_request("The source no longer replicates this group here.", name)
            if link.allowed == allowed:
                state = "allowed" if allowed else "disallowed"
                raise SimError(f"Protection group is already {state} on '{self.name}'.", name)
            link.allowed = allowed
            out.append(views.target(self, pg.name, pg.source_array or "", self.name, link))
        return out

    def delete_protection_groups_targets(
        self, *, group_names: list[str] | None, member_names: list[str] | None
    ) -> list[dict]:
        if not group_names or not member_names:
            raise bad_request("group_names and member_names are required.")
        for name in group_names:
            pg = self.pgroup(name)
            for member in member_names:
                if member not in pg.targets:
                    raise bad_request(f"Target '{member}' does not exist on this group.", name)
        for name in group_names:
            pg = self.pgroup(name)
            for member in member_names:
                del pg.targets[member]
                self.fabric.engine.cancel_transfers(self.name, member, pg.name)
        return []

    # -- volume members ---------------------------------------------------
    def get_protection_groups_volumes(
        self, *, group_names: list[str] | None, member_names: list[str] | None
    ) -> list[dict]:
        if member_names is not None:
            for vol_name in member_names:
                if self.find_volume(vol_name) is None:
                    raise does_not_exist("Volume", vol_name)
        out = []
        for pg in self._groups(group_names):
            for vol_name in pg.volumes:
                if member_names is not None and vol_name not in member_names:
                    continue
                vol = self.find_volume(vol_name)
                if vol is not None:
                    out.append(views.pg_member(pg, vol))
        return out

    def post_protection_groups_volumes(
        self, *, group_names: list[str] | None, member_names: list[str] | None
    ) -> list[dict]:
        if not group_names or not member_names:
            raise bad_request("group_names and member_names are required.")
        out = []
        for name in group_names:
            pg = self.pgroup(name)
            for vol_name in member_names:
                self.add_volume_to_group(pg, vol_name)
                vol = self.find_volume(vol_name)
                assert vol is not None
                out.append(views.pg_member(pg, vol))
        return out

    def delete_protection_groups_volumes(
        self, *, group_names: list[str] | None, member_names: list[str] | None
    ) -> list[dict]:
        if not group_names or not member_names:
            raise bad_request("group_names and member_names are required.")
        for name in group_names:
            pg = self.pgroup(name)
            for vol_name in member_names:
                self.remove_volume_from_group(pg, vol_name)
        return []

    def add_volume_to_group(
        self, pg: PGroup, vol_name: str, ignore_duplicate: bool = False
    ) -> None:
        if not pg.is_local:
            raise bad_request("Volumes cannot be added to a replica protection group.", pg.name)
        self.live_volume(vol_name)
        if split_pod(vol_name)[0] != split_pod(pg.name)[0]:
            raise bad_request(
                "A volume and its protection group must be in the same pod.", vol_name
            )
        if vol_name in pg.volumes:
            if ignore_duplicate:
                return
            raise SimError(f"Volume already belongs to protection group '{pg.name}'.", vol_name)
        pg.volumes.append(vol_name)

    def remove_volume_from_group(self, pg: PGroup, vol_name: str) -> None:
        if vol_name not in pg.volumes:
            if self.find_volume(vol_name) is None:
                raise does_not_exist("Volume", vol_name)
            raise bad_request(f"Volume is not a member of protection group '{pg.name}'.", vol_name)
        pg.volumes.remove(vol_name)
