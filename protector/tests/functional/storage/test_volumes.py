"""Volumes and volume snapshots: creation, copies, destroy/eradicate."""

from __future__ import annotations

import pytest
from pypureclient import flasharray

from protector.tests.functional.storage.conftest import ERADICATION_DELAY
from protector.tests.functional.storage.helpers import GiB, create_volumes, err, names, ok


def _destroy(client, name, destroyed=True):
    return client.patch_volumes(names=[name], volume=flasharray.VolumePatch(destroyed=destroyed))


def test_create_reports_size_serial_and_creation_time(sim, a):
    create_volumes(a, "v1", size=10 * GiB)
    vol = ok(a.get_volumes(names=["v1"]))[0]
    assert vol.provisioned == 10 * GiB
    assert len(vol.serial) == 24 and vol.destroyed is False
    assert vol.created == sim.clock.now_ms()
    with pytest.raises(AttributeError):
        vol.pod  # noqa: B018 - not in a pod: the SDK raises on unset attributes


@pytest.mark.parametrize(
    "name",
    ["x" * 64, "vol_1", "-leading", "", "a b"],
    ids=["64", "underscore", "dash", "empty", "space"],
)
def test_invalid_names_are_refused(a, name):
    res = a.post_volumes(names=[name], volume=flasharray.VolumePost(provisioned=GiB))
    assert res.status_code == 400


def test_63_character_name_is_fine(a):
    create_volumes(a, "v" * 63)
    assert ok(a.get_volumes())[0].name == "v" * 63


def test_size_must_be_a_multiple_of_512(a):
    res = a.post_volumes(names=["v1"], volume=flasharray.VolumePost(provisioned=1000))
    assert "multiple of 512" in err(res)


def test_duplicate_name_already_exists(a):
    create_volumes(a, "v1")
    res = a.post_volumes(names=["v1"], volume=flasharray.VolumePost(provisioned=GiB))
    assert "already exists" in err(res)


def test_destroy_recover_eradicate_life_cycle(sim, a):
    create_volumes(a, "v1", "v2")
    ok(_destroy(a, "v1"))
    gone = ok(a.get_volumes(names=["v1"]))[0]
    assert gone.destroyed is True and gone.time_remaining == ERADICATION_DELAY * 1000
    assert names(ok(a.get_volumes(destroyed=False))) == ["v2"]
    assert names(ok(a.get_volumes(destroyed=True))) == ["v1"]
    assert "does not exist" in err(a.get_volumes(names=["v1"], destroyed=False))

    # A destroyed name still blocks creation until it is eradicated.
    res = a.post_volumes(names=["v1"], volume=flasharray.VolumePost(provisioned=GiB))
    assert "has been destroyed" in err(res)

    sim.advance(600)
    assert ok(a.get_volumes(names=["v1"]))[0].time_remaining == (ERADICATION_DELAY - 600) * 1000

    ok(_destroy(a, "v1", destroyed=False))
    assert ok(a.get_volumes(names=["v1"]))[0].destroyed is False

    assert "destroyed before" in err(a.delete_volumes(names=["v2"]))
    ok(_destroy(a, "v2"))
    ok(a.delete_volumes(names=["v2"]))
    assert "does not exist" in err(a.get_volumes(names=["v2"]))
    create_volumes(a, "v2")


def test_destroyed_volume_is_eradicated_after_the_delay(sim, a):
    create_volumes(a, "v1")
    ok(_destroy(a, "v1"))
    sim.advance(ERADICATION_DELAY - 1)
    assert ok(a.get_volumes(names=["v1"]))[0].time_remaining == 1000
    sim.advance(1)
    assert "does not exist" in err(a.get_volumes(names=["v1"]))


def test_copy_from_volume_needs_overwrite_for_an_existing_name(a):
    create_volumes(a, "src", size=3 * GiB)
    copy = flasharray.VolumePost(source=flasharray.Reference(name="src"))
    made = ok(a.post_volumes(names=["dst"], volume=copy))[0]
    assert made.provisioned == 3 * GiB and made.source.name == "src"
    assert "already exists" in err(a.post_volumes(names=["dst"], volume=copy))
    ok(a.post_volumes(names=["dst"], volume=copy, overwrite=True))
    missing = flasharray.VolumePost(source=flasharray.Reference(name="nothing"))
    assert "No such volume or snapshot" in err(a.post_volumes(names=["x"], volume=missing))


def test_snapshots_default_suffix_copy_and_life_cycle(a):
    create_volumes(a, "v1")
    plain = flasharray.VolumeSnapshotPost()
    first = ok(a.post_volume_snapshots(source_names=["v1"], volume_snapshot=plain))[0]
    second = ok(a.post_volume_snapshots(source_names=["v1"], volume_snapshot=plain))[0]
    assert (first.name, second.name) == ("v1.1", "v1.2")
    named = ok(
        a.post_volume_snapshots(
            source_names=["v1"], volume_snapshot=flasharray.VolumeSnapshotPost(suffix="daily")
        )
    )[0]
    assert named.name == "v1.daily" and named.source.name == "v1"

    ok(a.patch_volumes(names=["v1"], volume=flasharray.VolumePatch(provisioned=2 * GiB)))
    copy = flasharray.VolumePost(source=flasharray.Reference(name="v1.1"))
    assert ok(a.post_volumes(names=["old"], volume=copy))[0].provisioned == GiB

    # Destroying a volume takes its snapshots along, recovering brings them back.
    ok(_destroy(a, "v1"))
    assert all(s.destroyed for s in ok(a.get_volume_snapshots(source_names=["v1"])))
    ok(_destroy(a, "v1", destroyed=False))
    assert not any(s.destroyed for s in ok(a.get_volume_snapshots(source_names=["v1"])))

    snap_patch = flasharray.VolumeSnapshotPatch(destroyed=True)
    ok(a.patch_volume_snapshots(names=["v1.2"], volume_snapshot=snap_patch))
    ok(a.delete_volume_snapshots(names=["v1.2"]))
    assert sorted(names(ok(a.get_volume_snapshots()))) == ["v1.1", "v1.daily"]


def test_extend_and_truncate(a):
    create_volumes(a, "v1", size=2 * GiB)
    ok(a.patch_volumes(names=["v1"], volume=flasharray.VolumePatch(provisioned=4 * GiB)))
    res = a.patch_volumes(names=["v1"], volume=flasharray.VolumePatch(provisioned=GiB))
    assert "truncate" in err(res)
    ok(a.patch_volumes(names=["v1"], truncate=True,
                       volume=flasharray.VolumePatch(provisioned=GiB)))
    assert ok(a.get_volumes(names=["v1"]))[0].provisioned == GiB


def test_rename_keeps_group_membership(a):
    create_volumes(a, "v1", "v2")
    ok(a.post_protection_groups(names=["pg"]))
    ok(a.post_protection_groups_volumes(group_names=["pg"], member_names=["v1"]))
    res = a.patch_volumes(names=["v1"], volume=flasharray.VolumePatch(name="v2"))
    assert "already exists" in err(res)
    ok(a.patch_volumes(names=["v1"], volume=flasharray.VolumePatch(name="renamed")))
    assert "does not exist" in err(a.get_volumes(names=["v1"]))
    members = ok(a.get_protection_groups_volumes(group_names=["pg"]))
    assert [m.member.name for m in members] == ["renamed"]


def test_group_membership_errors(a):
    create_volumes(a, "v1")
    ok(a.post_protection_groups(names=["pg"]))
    ok(a.post_protection_groups_volumes(group_names=["pg"], member_names=["v1"]))
    res = a.post_protection_groups_volumes(group_names=["pg"], member_names=["v1"])
    assert "already belongs to" in err(res)
    assert "already exists" in err(a.post_protection_groups(names=["pg"]))
    res = a.post_protection_groups_volumes(group_names=["nope"], member_names=["v1"])
    assert "does not exist" in err(res)
    member = ok(a.get_protection_groups_volumes(member_names=["v1"]))[0]
    assert member["group"]["name"] == "pg"
    ok(a.delete_protection_groups_volumes(group_names=["pg"], member_names=["v1"]))
    assert ok(a.get_protection_groups_volumes(member_names=["v1"])) == []


def test_destroyed_group_blocks_its_name_until_eradicated(a):
    ok(a.post_protection_groups(names=["pg"]))
    destroy = flasharray.ProtectionGroup(destroyed=True)
    ok(a.patch_protection_groups(names=["pg"], protection_group=destroy))
    assert "has been destroyed" in err(a.post_protection_groups(names=["pg"]))
    ok(a.delete_protection_groups(names=["pg"]))
    ok(a.post_protection_groups(names=["pg"]))
