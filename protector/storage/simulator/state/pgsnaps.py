"""Protection-group snapshots and their transfer listing."""

from __future__ import annotations

from typing import Any

from protector.storage.simulator.errors import (
    bad_request,
    does_not_exist,
    not_destroyed,
)
from protector.storage.simulator.names import glob_match
from protector.storage.simulator.state import views
from protector.storage.simulator.state.core import ArrayCore, destroyed_filter
from protector.storage.simulator.state.records import PGSnapshot


class PGSnapOps(ArrayCore):
    def _select_pg_snaps(
        self,
        names: list[str] | None,
        source_names: list[str] | None,
        destroyed: bool | None,
    ) -> list[PGSnapshot]:
        pool = [s for s in self.all_pg_snaps() if destroyed_filter(destroyed, s.destroyed_at)]
        if source_names is not None:
            for group in source_names:
                if self.find_pgroup(group) is None:
                    raise does_not_exist("Protection group", group)
            pool = [s for s in pool if s.group in source_names]
        if names is None:
            return sorted(pool, key=lambda s: s.created)
        picked: list[PGSnapshot] = []
        for wanted in names:
            # Three spellings are in use: a snapshot name, a group name
            # (Cinder: all of its snapshots) and a wildcard (Ansible: "pg.*").
            if self.find_pgroup(wanted) is not None:
                hits = [s for s in pool if s.group == wanted]
            else:
                hits = [s for s in pool if glob_match(wanted, s.name)]
                if not hits:
                    raise does_not_exist("Protection group snapshot", wanted)
            picked.extend(h for h in hits if all(h is not p for p in picked))
        return picked

    def get_protection_group_snapshots(
        self,
        *,
        names: list[str] | None,
        source_names: list[str] | None,
        destroyed: bool | None,
    ) -> list[dict]:
        snaps = self._select_pg_snaps(names, source_names, destroyed)
        return [views.pg_snap(self, s) for s in snaps]

    def get_protection_group_snapshots_transfer(
        self,
        *,
        names: list[str] | None,
        source_names: list[str] | None,
        destroyed: bool | None,
    ) -> list[dict]:
        snaps = self._select_pg_snaps(names, source_names, destroyed)
        return [views.pg_transfer(self, s) for s in snaps]

    def post_protection_group_snapshots(
        self,
        *,
        source_names: list[str] | None,
        suffix: str | None = None,
        replicate: bool = False,
        replicate_now: bool = False,
        apply_retention: bool = False,
    ) -> list[dict]:
        if not source_names:
            raise bad_request("The source_names parameter is required.")
        if replicate and replicate_now:
            raise bad_request("replicate and replicate_now cannot be used together.")
        groups = [self.pgroup(n) for n in source_names]
        for pg in groups:
            if not pg.is_local:
                raise bad_request("A replica protection group cannot be snapshotted.", pg.name)
        engine = self.fabric.engine
        out = []
        for pg in groups:
            snap = engine.take_snapshot(
                self,
                pg,
                suffix=suffix,
                retained=apply_retention,
                replicate=replicate or replicate_now,
            )
            out.append(views.pg_snap(self, snap))
        return out

    def patch_protection_group_snapshots(
        self, *, names: list[str] | None, changes: dict[str, Any]
    ) -> list[dict]:
        if not names:
            raise bad_request("The names parameter is required.")
        unsupported = {k for k, v in changes.items() if v is not None} - {"destroyed"}
        if unsupported:
            raise bad_request(
                f"Only 'destroyed' can be changed on a protection group snapshot, "
                f"not {sorted(unsupported)}."
            )
        engine = self.fabric.engine
        out = []
        for name in names:
            snap = self.find_pg_snap(name)
            if snap is None:
                raise does_not_exist("Protection group snapshot", name)
            if changes.get("destroyed") is True:
                engine.destroy_pg_snap(self, snap, self.now)
            elif changes.get("destroyed") is False:
                engine.recover_pg_snap(self, snap)
            out.append(views.pg_snap(self, snap))
        return out

    def delete_protection_group_snapshots(self, *, names: list[str] | None) -> list[dict]:
        if not names:
            raise bad_request("The names parameter is required.")
        snaps = []
        for name in names:
            snap = self.find_pg_snap(name)
            if snap is None:
                raise does_not_exist("Protection group snapshot", name)
            if snap.destroyed_at is None:
                raise not_destroyed("Protection group snapshot", name)
            snaps.append(snap)
        for snap in snaps:
            self.fabric.engine.eradicate_pg_snap(self, snap)
        return []
