"""Records rendered the way the REST 2.x API returns them.

Fields that have no value are left out rather than sent as null: the SDK's
models raise AttributeError on None attributes by default, and real callers
(Cinder) rely on that to tell "not set" apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from protector.storage.simulator.state.records import (
    PGroup,
    PGSnapshot,
    Pod,
    Retention,
    Schedule,
    TargetLink,
    Volume,
    VolumeSnapshot,
)

if TYPE_CHECKING:
    from protector.storage.simulator.state.core import ArrayCore

PURITY_OS = "Purity//FA"


def _ref(name: str, obj_id: str | None = None) -> dict[str, str]:
    out = {"name": name}
    if obj_id:
        out["id"] = obj_id
    return out


def _life(array: ArrayCore, out: dict[str, Any], destroyed_at: int | None) -> dict[str, Any]:
    out["destroyed"] = destroyed_at is not None
    remaining = array.time_remaining(destroyed_at)
    if remaining is not None:
        out["time_remaining"] = remaining
    return out


def _pod_ref(array: ArrayCore, name: str) -> dict[str, str] | None:
    pod = array.pod_of(name)
    return _ref(pod.name, pod.id) if pod is not None else None


def _space(provisioned: int = 0) -> dict[str, Any]:
    return {
        "data_reduction": 1.0,
        "thin_provisioning": 1.0,
        "total_reduction": 1.0,
        "total_provisioned": provisioned,
        "total_physical": 0,
        "unique": 0,
        "snapshots": 0,
        "virtual": 0,
    }


def volume(array: ArrayCore, vol: Volume) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": vol.id,
        "name": vol.name,
        "serial": vol.serial,
        "created": vol.created,
        "provisioned": vol.provisioned,
        "connection_count": sum(1 for c in array.connections if c.volume_id == vol.id),
        "subtype": "regular",
        "host_encryption_key_status": "none",
        "promotion_status": "promoted",
        "requested_promotion_state": "promoted",
        "priority": 0,
        "priority_adjustment": {
            "priority_adjustment_operator": "+",
            "priority_adjustment_value": 0,
        },
        "qos": dict(vol.qos),
        "space": _space(vol.provisioned),
    }
    pod = _pod_ref(array, vol.name)
    if pod is not None:
        out["pod"] = pod
    if vol.source is not None:
        out["source"] = _ref(*vol.source)
    return _life(array, out, vol.destroyed_at)


def vol_snap(array: ArrayCore, snap: VolumeSnapshot) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": snap.id,
        "name": snap.name,
        "serial": snap.serial,
        "created": snap.created,
        "provisioned": snap.provisioned,
        "suffix": snap.suffix,
        "source": _ref(snap.source_name, snap.source_id),
        "space": _space(snap.provisioned),
    }
    pod = _pod_ref(array, snap.name)
    if pod is not None:
        out["pod"] = pod
    return _life(array, out, snap.destroyed_at)


def _schedule(sched: Schedule) -> dict[str, Any]:
    out: dict[str, Any] = {"enabled": sched.enabled, "frequency": sched.frequency}
    if sched.at is not None:
        out["at"] = sched.at
    if sched.blackout is not None:
        out["blackout"] = {"start": sched.blackout[0], "end": sched.blackout[1]}
    return out


def _retention(policy: Retention) -> dict[str, int]:
    return {"all_for_sec": policy.all_for_sec, "per_day": policy.per_day, "days": policy.days}


def pgroup(array: ArrayCore, pg: PGroup) -> dict[str, Any]:
    source = array.fabric.arrays.get(pg.source_array or array.name)
    out: dict[str, Any] = {
        "id": pg.id,
        "name": pg.name,
        "is_local": pg.is_local,
        "source": _ref(source.name, source.id) if source else _ref(pg.source_array or ""),
        "target_count": len(pg.targets) if pg.is_local else 0,
        "volume_count": len(pg.volumes),
        "host_count": 0,
        "host_group_count": 0,
        "replication_schedule": _schedule(pg.schedule),
        "snapshot_schedule": {"enabled": False, "frequency": 3_600_000},
        "source_retention": _retention(pg.source_retention),
        "target_retention": _retention(pg.target_retention),
        "retention_lock": "unlocked",
        "eradication_config": {"manual_eradication": "all-enabled"},
        "space": _space(),
    }
    pod = _pod_ref(array, pg.name)
    if pod is not None:
        out["pod"] = pod
    return _life(array, out, pg.destroyed_at)


def target(array: ArrayCore, group: str, source: str, member: str, link: TargetLink) -> dict:
    fabric = array.fabric
    if not link.allowed:
        status = "disallowed"
    elif fabric.link_up(source, member):
        status = "replicating"
    else:
        status = "suspended"
    peer = fabric.arrays.get(member)
    return {
        "group": _ref(group),
        "member": {**_ref(member, peer.id if peer else None), "resource_type": "remote-arrays"},
        "allowed": link.allowed,
        "status": status,
    }


def pg_member(pg: PGroup, vol: Volume) -> dict[str, Any]:
    return {
        "group": _ref(pg.name, pg.id),
        "member": {"name": vol.name, "id": vol.id, "destroyed": vol.destroyed_at is not None},
    }


def pg_snap(array: ArrayCore, snap: PGSnapshot) -> dict[str, Any]:
    pg = array.find_pgroup(snap.group)
    out: dict[str, Any] = {
        "id": snap.id,
        "name": snap.name,
        "created": snap.created,
        "suffix": snap.suffix,
        "source": _ref(snap.group, pg.id if pg else None),
        "eradication_config": {"manual_eradication": "all-enabled"},
        "space": _space(),
    }
    pod = _pod_ref(array, snap.name)
    if pod is not None:
        out["pod"] = pod
    return _life(array, out, snap.destroyed_at)


def pg_transfer(array: ArrayCore, snap: PGSnapshot) -> dict[str, Any]:
    out: dict[str, Any] = {"id": snap.id, "name": snap.name}
    transfers = [snap.inbound] if snap.inbound is not None else list(snap.transfers.values())
    transfers = [t for t in transfers if not t.cancelled]
    if transfers:
        # The source sees one row per snapshot: it is done when every target is.
        started = [t.started for t in transfers]
        out["started"] = None if None in started else min(s for s in started if s is not None)
        completed = [t.completed for t in transfers]
        if None not in completed:
            out["completed"] = max(c for c in completed if c is not None)
        out["progress"] = min(t.progress for t in transfers)
        out["data_transferred"] = sum(int(t.total_bytes * t.progress) for t in transfers)
        out["physical_bytes_written"] = out["data_transferred"]
        if out["started"] is None:
            del out["started"]
    return _life(array, out, snap.destroyed_at)


def pod_array(array: ArrayCore, pod: Pod, member: str) -> dict[str, Any]:
    peer = array.fabric.arrays.get(member)
    return {
        "group": _ref(pod.name, pod.id),
        "member": _ref(member, peer.id if peer else None),
    }


def pod(array: ArrayCore, pod: Pod) -> dict[str, Any]:
    fabric = array.fabric
    arrays = []
    for member, info in pod.members.items():
        peer = fabric.arrays.get(member)
        status = fabric.pod_member_status(pod, array.name, member)
        row: dict[str, Any] = {
            **_ref(member, peer.id if peer else None),
            "status": status,
            "mediator_status": "online",
            "pre_elected": False,
            "member": {**_ref(member, peer.id if peer else None), "resource_type": "arrays"},
        }
        if status == "offline":
            row["frozen_at"] = fabric.offline_since(array.name, member) or info.joined
        if status == "resyncing":
            row["progress"] = fabric.resync_progress(info.joined)
        arrays.append(row)
    out: dict[str, Any] = {
        "id": pod.id,
        "name": pod.name,
        "array_count": len(pod.members),
        "arrays": arrays,
        "failover_preferences": [_ref(n) for n in pod.failover_preferences],
        "footprint": 0,
        "link_source_count": 0,
        "link_target_count": 0,
        "mediator": "purestorage",
        "mediator_version": "1.0",
        "promotion_status": "promoted",
        "requested_promotion_state": "promoted",
        "eradication_config": {"manual_eradication": "all-enabled"},
        "space": _space(),
    }
    if pod.quota_limit is not None:
        out["quota_limit"] = pod.quota_limit
    if pod.source is not None:
        out["source"] = _ref(pod.source)
    return _life(array, out, pod.destroyed_at)


def array(arr: ArrayCore) -> dict[str, Any]:
    return {
        "id": arr.id,
        "name": arr.name,
        "os": PURITY_OS,
        "version": arr.purity_version,
        "capacity": 100 * 1024**4,
        "banner": "",
        "console_lock_enabled": False,
        "idle_timeout": 0,
        "scsi_timeout": 60,
        "time_zone": "UTC",
        "ntp_servers": [],
        "parity": 1.0,
        "eradication_config": {
            "eradication_delay": arr.fabric.eradication_delay_ms,
            "manual_eradication": "all-enabled",
        },
        "space": _space(),
    }


def connection(arr: ArrayCore, peer_name: str) -> dict[str, Any]:
    fabric = arr.fabric
    conn = fabric.connection(arr.name, peer_name)
    peer = fabric.arrays[peer_name]
    assert conn is not None
    return {
        "id": conn.id,
        "name": peer_name,
        "remote": {**_ref(peer_name, peer.id), "resource_type": "remote-arrays"},
        "status": fabric.connection_status(arr.name, peer_name),
        "type": conn.type,
        "management_address": fabric.address_of(peer_name),
        "replication_addresses": [],
        "replication_transport": "ip",
        "encryption": "disabled",
        "encryption_mode": "",
        "os": PURITY_OS,
        "version": peer.purity_version,
        "throttle": {},
    }
