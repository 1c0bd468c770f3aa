"""ActiveCluster pods: stretch, per-array status, unstretch, destroy/eradicate."""

from __future__ import annotations

from pypureclient import flasharray

from protector.storage.simulator import SimulatedFabric
from protector.tests.functional.storage.helpers import GiB, create_volumes, err, names, ok


def _stretched(a, pod="pod"):
    ok(a.post_pods(names=[pod], pod=flasharray.PodPost()))
    ok(a.post_pods_arrays(group_names=[pod], member_names=["array-b"]))


def _statuses(client, pod="pod"):
    found = ok(client.get_pods(names=[pod]))[0]
    return {row.name: row.status for row in found.arrays}


def test_stretched_pod_shares_its_volumes(sim, a, b):
    ok(a.post_pods(names=["pod"], pod=flasharray.PodPost()))
    assert ok(a.get_pods(names=["pod"]))[0].array_count == 1
    create_volumes(a, "pod::v1", size=3 * GiB)
    create_volumes(a, "local")
    ok(a.post_pods_arrays(group_names=["pod"], member_names=["array-b"]))

    for client in (a, b):
        pod = ok(client.get_pods(names=["pod"]))[0]
        assert pod.array_count == 2
        assert _statuses(client) == {"array-a": "online", "array-b": "online"}
    vol = ok(b.get_volumes(names=["pod::v1"]))[0]
    assert vol.pod.name == "pod" and vol.provisioned == 3 * GiB
    assert names(ok(a.get_volumes(filter="pod.name='pod'"))) == ["pod::v1"]
    # Written on B, visible on A: one synchronously replicated namespace.
    create_volumes(b, "pod::v2")
    assert sorted(names(ok(a.get_volumes(filter="pod.name='pod'")))) == ["pod::v1", "pod::v2"]
    members = ok(a.get_pods_arrays(group_names=["pod"]))
    assert sorted(m.member.name for m in members) == ["array-a", "array-b"]


def test_stretch_errors():
    with SimulatedFabric(["array-a", "array-b", "array-c", "array-d"], connect=False) as sim:
        sim.fabric.connect("array-a", "array-b")
        sim.fabric.connect("array-a", "array-c")
        sim.fabric.connect("array-a", "array-d", "async-replication")
        a = sim.client("array-a")
        ok(a.post_pods(names=["pod"], pod=flasharray.PodPost()))
        res = a.post_pods_arrays(group_names=["pod"], member_names=["array-d"])
        assert "synchronous" in err(res)
        ok(a.post_pods_arrays(group_names=["pod"], member_names=["array-b"]))
        res = a.post_pods_arrays(group_names=["pod"], member_names=["array-b"])
        assert "already exists" in err(res)
        res = a.post_pods_arrays(group_names=["pod"], member_names=["array-c"])
        assert "limit reached" in err(res)
        c = sim.client("array-c")
        ok(c.post_pods(names=["other"], pod=flasharray.PodPost()))
        res = c.post_pods_arrays(group_names=["other"], member_names=["array-b"])
        assert "is not connected" in err(res)
        assert "already exists" in err(a.post_pods(names=["pod"], pod=flasharray.PodPost()))


def test_no_stretch_to_an_array_out_of_reach(sim, a):
    """The pod is made on the peer, so the peer must answer; Cinder's Pure
    driver stretching a ghost pod for a sync volume's manage fails here
    instead of waiting without end for the peer to come online."""
    ok(a.post_pods(names=["pod"], pod=flasharray.PodPost()))
    sim.make_unreachable("array-b")
    res = a.post_pods_arrays(group_names=["pod"], member_names=["array-b"])
    assert "Array 'array-b' is not reachable: the array connection is connecting" in err(res)
    sim.make_reachable("array-b")
    sim.set_link("array-a", "array-b", False)
    assert "not reachable" in err(a.post_pods_arrays(group_names=["pod"],
                                                     member_names=["array-b"]))
    sim.set_link("array-a", "array-b", True)
    ok(a.post_pods_arrays(group_names=["pod"], member_names=["array-b"]))
    assert ok(a.get_pods(names=["pod"]))[0].array_count == 2


def test_peer_loss_and_forced_unstretch(sim, a, b):
    _stretched(a)
    create_volumes(a, "pod::v1")
    lost_at = sim.clock.now_ms()
    sim.make_unreachable("array-b")
    sim.advance(30)
    pod = ok(a.get_pods(names=["pod"]))[0]
    rows = {row.name: row for row in pod.arrays}
    assert rows["array-a"].status == "online" and rows["array-b"].status == "offline"
    assert rows["array-b"].frozen_at == lost_at

    res = a.delete_pods_arrays(group_names=["pod"], member_names=["array-b"])
    assert "with_unknown" in err(res)
    ok(a.delete_pods_arrays(group_names=["pod"], member_names=["array-b"], with_unknown=True))
    assert ok(a.get_pods(names=["pod"]))[0].array_count == 1
    assert names(ok(a.get_volumes(names=["pod::v1"]))) == ["pod::v1"]

    sim.make_reachable("array-b")
    assert "does not exist" in err(b.get_pods(names=["pod"]))
    leftover = ok(b.get_pods(destroyed=True))[0]
    assert leftover.name == "pod.restretch" and leftover.destroyed is True


def test_resync_before_online():
    with SimulatedFabric(stretch_seconds=20) as sim:
        a = sim.client("array-a")
        _stretched(a)
        assert _statuses(a)["array-b"] == "resyncing"
        sim.advance(20)
        assert _statuses(a) == {"array-a": "online", "array-b": "online"}


def test_promotion_is_refused_on_a_stretched_pod(a, b):
    _stretched(a)
    patch = flasharray.PodPatch(requested_promotion_state="demoted")
    assert "stretched" in err(a.patch_pods(names=["pod"], pod=patch))


def test_destroy_and_eradicate_with_contents(sim, a, b):
    _stretched(a)
    create_volumes(a, "pod::v1")
    destroy = flasharray.PodPatch(destroyed=True)
    assert "stretched" in err(a.patch_pods(names=["pod"], pod=destroy))
    ok(a.delete_pods_arrays(group_names=["pod"], member_names=["array-b"]))
    assert "destroy_contents" in err(a.patch_pods(names=["pod"], pod=destroy))
    ok(a.patch_pods(names=["pod"], pod=destroy, destroy_contents=True))
    pod = ok(a.get_pods(names=["pod"]))[0]
    assert pod.destroyed is True and pod.time_remaining > 0
    assert ok(a.get_volumes(names=["pod::v1"]))[0].destroyed is True
    assert "has been destroyed" in err(a.post_pods(names=["pod"], pod=flasharray.PodPost()))
    assert "eradicate_contents" in err(a.delete_pods(names=["pod"]))
    ok(a.delete_pods(names=["pod"], eradicate_contents=True))
    assert "does not exist" in err(a.get_pods(names=["pod"]))
    ok(a.post_pods(names=["pod"], pod=flasharray.PodPost()))


def test_volume_moves_through_a_ghost_pod(sim, a, b):
    """Cinder's retype into sync replication, step by step."""
    create_volumes(a, "vol")
    ok(a.post_protection_groups(names=["cinder-group"]))
    ok(a.post_protection_groups_volumes(group_names=["cinder-group"], member_names=["vol"]))
    _stretched(a, "cinder-pod")
    ok(a.post_pods(names=["ghost"], pod=flasharray.PodPost()))

    into_ghost = flasharray.VolumePatch(pod=flasharray.Reference(name="ghost"))
    res = a.patch_volumes(names=["vol"], volume=into_ghost)
    assert "protection group" in err(res)
    ok(a.patch_volumes(names=["vol"], volume=into_ghost,
                       remove_from_protection_group_names=["cinder-group"]))
    assert names(ok(a.get_volumes(filter="pod.name='ghost'"))) == ["ghost::vol"]

    into_main = flasharray.VolumePatch(pod=flasharray.Reference(name="cinder-pod"))
    res = a.patch_volumes(names=["ghost::vol"], volume=into_main)
    assert "stretched to the same arrays" in err(res)
    ok(a.post_pods_arrays(group_names=["ghost"], member_names=["array-b"]))
    ok(a.patch_volumes(names=["ghost::vol"], volume=into_main))
    assert names(ok(b.get_volumes(filter="pod.name='cinder-pod'"))) == ["cinder-pod::vol"]

    ok(a.delete_pods_arrays(group_names=["ghost"], member_names=["array-b"]))
    ok(a.patch_pods(names=["ghost"], destroy_contents=True,
                    pod=flasharray.PodPatch(destroyed=True)))
    ok(a.delete_pods(names=["ghost"], eradicate_contents=True))
    assert "does not exist" in err(a.get_pods(names=["ghost"]))


def test_group_inside_a_pod_replicates_as_pod_colon_group():
    with SimulatedFabric(["array-a", "array-b", "array-c"], transfer_seconds=10) as sim:
        a, c = sim.client("array-a"), sim.client("array-c")
        _stretched(a, "cinder-pod")
        create_volumes(a, "cinder-pod::v1")
        ok(a.post_protection_groups(names=["cinder-pod::trisync"]))
        ok(a.post_protection_groups_volumes(group_names=["cinder-pod::trisync"],
                                            member_names=["cinder-pod::v1"]))
        ok(a.post_protection_groups_targets(group_names=["cinder-pod::trisync"],
                                            member_names=["array-c"]))
        ok(c.patch_protection_groups_targets(
            group_names=["cinder-pod:trisync"],
            target=flasharray.TargetProtectionGroupPostPatch(allowed=True)))
        ok(a.post_protection_group_snapshots(source_names=["cinder-pod::trisync"],
                                             replicate_now=True))
        sim.advance(10)
        snaps = ok(c.get_volume_snapshots(filter="name='cinder-pod:trisync.1.*'"))
        assert names(snaps) == ["cinder-pod:trisync.1.v1"]
