"""Asynchronous replication: protection groups, targets, transfers, failover copies."""

from __future__ import annotations

import pytest
import urllib3
from pypureclient import flasharray

from protector.storage.simulator import SimulatedFabric
from protector.tests.functional.storage.conftest import ERADICATION_DELAY, TRANSFER_SECONDS
from protector.tests.functional.storage.helpers import (
    GiB,
    create_volumes,
    err,
    latest_complete,
    names,
    ok,
    setup_async,
    snap_now,
)


def _transfers(client, replica_pg="array-a:pg"):
    return ok(client.get_protection_group_snapshots_transfer(source_names=[replica_pg]))


def test_cinder_setup_sequence(sim, a, b):
    create_volumes(a, "v1")
    setup_async(a, b, volumes=("v1",))
    pg = ok(a.get_protection_groups(names=["pg"]))[0]
    assert pg.target_count == 1 and pg.is_local is True and pg.volume_count == 1
    assert pg.replication_schedule.enabled is True
    assert pg.replication_schedule.frequency == 3_600_000  # milliseconds
    ret = pg.target_retention
    assert (ret.all_for_sec, ret.per_day, ret.days) == (14_400, 3, 7)

    replica = ok(b.get_protection_groups(names=["array-a:pg"]))[0]
    assert replica.is_local is False and replica.source.name == "array-a"

    target = ok(a.get_protection_groups_targets(group_names=["pg"]))[0]
    assert (target.member.name, target.allowed, target.status) == (
        "array-b", True, "replicating",
    )
    res = b.patch_protection_groups_targets(
        group_names=["array-a:pg"], target=flasharray.TargetProtectionGroupPostPatch(allowed=True)
    )
    assert "already allowed on" in err(res)
    res = a.post_protection_groups_targets(group_names=["pg"], member_names=["array-b"])
    assert "already includes" in err(res)


def test_target_must_be_connected():
    with SimulatedFabric(["array-a", "array-c"], connect=False) as sim:
        a = sim.client("array-a")
        ok(a.post_protection_groups(names=["pg"]))
        res = a.post_protection_groups_targets(group_names=["pg"], member_names=["array-c"])
        assert "is not connected" in err(res)
        sim.fabric.connect("array-a", "array-c", "async-replication")
        ok(a.post_protection_groups_targets(group_names=["pg"], member_names=["array-c"]))
        conn = ok(a.get_array_connections())[0]
        assert (conn.name, conn.status, conn.type) == ("array-c", "connected", "async-replication")


def test_nothing_replicates_until_the_target_allows_it(sim, a, b):
    create_volumes(a, "v1")
    ok(a.post_protection_groups(names=["pg"]))
    ok(a.post_protection_groups_volumes(group_names=["pg"], member_names=["v1"]))
    ok(a.post_protection_groups_targets(group_names=["pg"], member_names=["array-b"]))
    assert ok(a.get_protection_groups_targets(group_names=["pg"]))[0].status == "disallowed"
    snap_now(a)
    sim.advance(2 * TRANSFER_SECONDS)
    assert _transfers(b) == []
    source_row = ok(a.get_protection_group_snapshots_transfer(names=["pg.1"]))[0]
    with pytest.raises(AttributeError):
        source_row.progress  # noqa: B018 - never sent anywhere


def test_transfer_progress_and_latest_complete_snapshot(sim, a, b):
    create_volumes(a, "v1", "v2")
    setup_async(a, b, volumes=("v1", "v2"), enable=False)
    assert snap_now(a) == "pg.1"

    sim.advance(TRANSFER_SECONDS / 2)
    row = _transfers(b)[0]
    assert row.name == "array-a:pg.1" and row.progress == 0.5
    assert row.data_transferred == GiB  # half of two 1 GiB volumes
    assert latest_complete(b) is None

    sim.advance(TRANSFER_SECONDS / 2)
    first = latest_complete(b)
    assert first.name == "array-a:pg.1" and first.progress == 1.0
    assert first.completed - first.started == TRANSFER_SECONDS * 1000
    # The source side reports the same transfer.
    assert ok(a.get_protection_group_snapshots_transfer(names=["pg.1"]))[0].progress == 1.0

    sim.advance(10)
    assert snap_now(a) == "pg.2"
    sim.advance(TRANSFER_SECONDS / 4)
    in_flight = [t for t in _transfers(b) if t.name == "array-a:pg.2"][0]
    assert 0 < in_flight.progress < 1.0
    assert latest_complete(b).name == "array-a:pg.1"  # the in-flight one is not chosen

    sim.advance(TRANSFER_SECONDS)
    assert latest_complete(b).name == "array-a:pg.2"
    # Cinder passes the group name in ``names``; Ansible a wildcard.
    for spelling in ({"names": ["array-a:pg"]}, {"names": ["array-a:pg.*"]}):
        rows = ok(
            b.get_protection_group_snapshots_transfer(
                destroyed=False, filter='progress="1.0"', sort=["started-"], **spelling
            )
        )
        assert names(rows) == ["array-a:pg.2", "array-a:pg.1"]
    oldest_first = ok(b.get_protection_group_snapshots_transfer(
        source_names=["array-a:pg"], sort=["started"]))
    assert names(oldest_first) == ["array-a:pg.1", "array-a:pg.2"]


def test_transfers_of_one_group_queue_behind_each_other(sim, a, b):
    create_volumes(a, "v1")
    setup_async(a, b, volumes=("v1",), enable=False)
    snap_now(a)
    snap_now(a)
    sim.advance(TRANSFER_SECONDS / 2)
    rows = {r.name: r for r in _transfers(b)}
    assert rows["array-a:pg.2"].progress == 0.0
    sim.advance(2 * TRANSFER_SECONDS)
    rows = {r.name: r for r in _transfers(b)}
    assert rows["array-a:pg.2"].started == rows["array-a:pg.1"].completed


def test_replica_volume_snapshots_appear_after_the_transfer(sim, a, b):
    create_volumes(a, "v1")
    create_volumes(a, "v2", size=5 * GiB)
    setup_async(a, b, volumes=("v1", "v2"), enable=False)
    snap_now(a, protection_group_snapshot=flasharray.ProtectionGroupSnapshotPost(suffix="dr-1"))
    assert ok(b.get_volume_snapshots(filter="name='array-a:pg.dr-1.*'")) == []
    sim.advance(TRANSFER_SECONDS)
    snaps = ok(b.get_volume_snapshots(filter="name='array-a:pg.dr-1.*'", sort=["name"]))
    assert names(snaps) == ["array-a:pg.dr-1.v1", "array-a:pg.dr-1.v2"]
    assert [s.source.name for s in snaps] == ["array-a:v1", "array-a:v2"]
    assert [s.provisioned for s in snaps] == [GiB, 5 * GiB]
    # The source has the same per-volume snapshots under the local name.
    assert names(ok(a.get_volume_snapshots(filter="name='pg.dr-1.*'", sort=["name"]))) == [
        "pg.dr-1.v1", "pg.dr-1.v2",
    ]
    # The target has no volumes until one is copied out of a snapshot.
    assert ok(b.get_volumes()) == []


def test_failover_copy_creates_the_volume_on_the_target(sim, a, b):
    create_volumes(a, "v1", size=7 * GiB)
    setup_async(a, b, volumes=("v1",), enable=False)
    snap_now(a)
    sim.advance(TRANSFER_SECONDS)
    pg_snap = latest_complete(b)
    snap = ok(b.get_volume_snapshots(filter=f"name='{pg_snap.name}.*'"))[0]
    vol_name = snap.name.split(".")[-1]
    copy = flasharray.VolumePost(source=flasharray.Reference(name=snap.name))
    made = ok(b.post_volumes(names=[vol_name], volume=copy, overwrite=True))[0]
    assert (made.name, made.provisioned) == ("v1", 7 * GiB)
    assert "already exists" in err(b.post_volumes(names=[vol_name], volume=copy))
    ok(b.post_volumes(names=[vol_name], volume=copy, overwrite=True))


def test_schedule_replicates_every_frequency(sim, a, b):
    create_volumes(a, "v1")
    setup_async(a, b, volumes=("v1",), frequency_ms=600_000)  # every 10 minutes
    sim.advance(3 * 600 + TRANSFER_SECONDS)
    done = ok(b.get_protection_group_snapshots_transfer(
        source_names=["array-a:pg"], filter='progress="1.0"', sort=["started"]))
    assert names(done) == ["array-a:pg.1", "array-a:pg.2", "array-a:pg.3"]
    created = [s.created for s in ok(b.get_protection_group_snapshots(
        source_names=["array-a:pg"], sort=["created"]))]
    assert [c - created[0] for c in created] == [0, 600_000, 1_200_000]

    disable = flasharray.ProtectionGroup(
        replication_schedule=flasharray.ReplicationSchedule(enabled=False))
    ok(a.patch_protection_groups(names=["pg"], protection_group=disable))
    sim.advance(3600)
    assert len(_transfers(b)) == 3


def test_retention_expires_replicas_then_eradicates_them(sim, a, b):
    create_volumes(a, "v1")
    # Keep everything one hour, then one snapshot per day for a day.
    setup_async(a, b, volumes=("v1",), retention=(3600, 1, 1), enable=False)
    snap_now(a)                        # pg.1, superseded in its day
    sim.advance(600)
    snap_now(a)                        # pg.2, the day's keeper
    snap_now(a, apply_retention=False)  # pg.3, not under the policy
    sim.advance(3600 + TRANSFER_SECONDS)

    pg1 = ok(b.get_protection_group_snapshots(names=["array-a:pg.1"]))[0]
    assert pg1.destroyed is True
    expired_at = pg1.created + 3600 * 1000
    assert pg1.time_remaining == expired_at + ERADICATION_DELAY * 1000 - sim.clock.now_ms()
    assert "does not exist" in err(
        b.get_volume_snapshots(names=["array-a:pg.1.v1"], destroyed=False))
    live = ok(b.get_protection_group_snapshots(source_names=["array-a:pg"], destroyed=False))
    assert names(live) == ["array-a:pg.2", "array-a:pg.3"]

    sim.advance(ERADICATION_DELAY)
    assert "does not exist" in err(b.get_protection_group_snapshots(names=["array-a:pg.1"]))
    sim.advance(86_400)
    live = ok(b.get_protection_group_snapshots(source_names=["array-a:pg"]))
    assert names(live) == ["array-a:pg.3"]
    # The source keeps its own copies under its default policy (1 day, 4/day x 7).
    assert "pg.2" in names(ok(a.get_protection_group_snapshots(source_names=["pg"])))


@pytest.mark.parametrize("keeps_expiring", [True, False])
def test_retention_while_the_source_is_down_is_configurable(keeps_expiring):
    with SimulatedFabric(
        transfer_seconds=TRANSFER_SECONDS, retention_when_source_down=keeps_expiring
    ) as sim:
        a, b = sim.client("array-a"), sim.client("array-b")
        create_volumes(a, "v1")
        setup_async(a, b, volumes=("v1",), retention=(3600, 0, 0), enable=False)
        snap_now(a)
        sim.advance(TRANSFER_SECONDS)
        sim.make_unreachable("array-a")
        sim.advance(2 * 3600)
        replica = ok(b.get_protection_group_snapshots(names=["array-a:pg.1"]))[0]
        assert replica.destroyed is keeps_expiring


def test_source_unreachable_leaves_completed_snapshots_usable(sim, a, b):
    create_volumes(a, "v1", size=2 * GiB)
    setup_async(a, b, volumes=("v1",), enable=False)
    snap_now(a)
    sim.advance(TRANSFER_SECONDS)
    snap_now(a)
    sim.advance(TRANSFER_SECONDS / 2)

    sim.make_unreachable("array-a")
    with pytest.raises(urllib3.exceptions.MaxRetryError):
        a.get_volumes()
    sim.advance(3600)

    # Everything below talks to the target only, as Cinder's failover does.
    pg_snap = latest_complete(b)
    assert pg_snap.name == "array-a:pg.1"
    stuck = [t for t in _transfers(b) if t.name == "array-a:pg.2"][0]
    assert stuck.progress == 0.5
    conn = ok(b.get_array_connections(names=["array-a"]))[0]
    assert conn.status != "connected"
    snap = ok(b.get_volume_snapshots(filter=f"name='{pg_snap.name}.*'"))[0]
    copy = flasharray.VolumePost(source=flasharray.Reference(name=snap.name))
    assert ok(b.post_volumes(names=["v1"], volume=copy, overwrite=True))[0].provisioned == 2 * GiB

    # Back online, the interrupted transfer finishes the remaining half.
    sim.make_reachable("array-a")
    sim.advance(TRANSFER_SECONDS / 2)
    assert latest_complete(b).name == "array-a:pg.2"


def test_slow_transfer_rate(sim, a, b):
    create_volumes(a, "v1", size=GiB)
    setup_async(a, b, volumes=("v1",), enable=False)
    sim.set_transfer_rate("array-a", 1024**2)  # 1 MiB/s: 1024 s for the volume
    snap_now(a)
    sim.advance(512)
    row = _transfers(b)[0]
    assert row.progress == 0.5 and row.data_transferred == GiB // 2
    sim.set_transfer_rate("array-a", None)  # the remaining half at normal speed
    sim.advance(TRANSFER_SECONDS / 2)
    assert latest_complete(b).name == "array-a:pg.1"


def test_cut_link_pauses_transfers(sim, a, b):
    create_volumes(a, "v1")
    setup_async(a, b, volumes=("v1",), enable=False)
    snap_now(a)
    sim.advance(TRANSFER_SECONDS / 4)
    sim.set_link("array-a", "array-b", up=False)
    assert ok(a.get_protection_groups_targets(group_names=["pg"]))[0].status == "suspended"
    assert ok(a.get_array_connections())[0].status == "connecting"
    sim.advance(3600)
    assert _transfers(b)[0].progress == 0.25
    sim.set_link("array-a", "array-b", up=True)
    sim.advance(TRANSFER_SECONDS * 3 / 4)
    assert latest_complete(b).progress == 1.0


def test_removing_the_target_keeps_the_replica_group(sim, a, b):
    create_volumes(a, "v1")
    setup_async(a, b, volumes=("v1",), enable=False)
    snap_now(a)
    sim.advance(TRANSFER_SECONDS)
    ok(a.delete_protection_groups_targets(group_names=["pg"], member_names=["array-b"]))
    assert ok(a.get_protection_groups(names=["pg"]))[0].target_count == 0
    assert latest_complete(b).name == "array-a:pg.1"
    snap_now(a)
    sim.advance(TRANSFER_SECONDS)
    assert names(_transfers(b)) == ["array-a:pg.1"]


def test_destroyed_group_snapshot_life_cycle(sim, a, b):
    create_volumes(a, "v1")
    setup_async(a, b, volumes=("v1",), enable=False)
    snap_now(a)
    sim.advance(TRANSFER_SECONDS)
    destroy = flasharray.ProtectionGroupSnapshotPatch(destroyed=True)
    assert "destroyed before" in err(b.delete_protection_group_snapshots(names=["array-a:pg.1"]))
    ok(b.patch_protection_group_snapshots(names=["array-a:pg.1"],
                                          protection_group_snapshot=destroy))
    assert latest_complete(b) is None
    assert ok(b.get_volume_snapshots(names=["array-a:pg.1.v1"]))[0].destroyed is True
    ok(b.delete_protection_group_snapshots(names=["array-a:pg.1"]))
    assert "does not exist" in err(b.get_volume_snapshots(names=["array-a:pg.1.v1"]))
    res = a.post_protection_group_snapshots(source_names=["pg"], replicate=True,
                                            replicate_now=True)
    assert "cannot be used together" in err(res)
