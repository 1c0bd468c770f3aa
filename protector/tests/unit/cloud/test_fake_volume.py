"""The fake Cinder: creation, quotas, manage with host discovery, groups."""

from typing import Any

import pytest

from protector.cloud import exception as exc
from protector.cloud.base import Cloud
from protector.cloud.fake import FakeCloud

REF = {"source-name": "dr-op1-0123456789ab"}


def test_create_goes_available(fake: FakeCloud, cloud: Cloud) -> None:
    vid = cloud.volume.create_volume(2, name="data", metadata={"k": "v"})
    assert cloud.volume.get_volume(vid).status == "creating"
    vol = cloud.volume.wait_available(vid)
    assert vol.size_gb == 2 and vol.volume_type == "__DEFAULT__" and not vol.bootable
    image = fake.add_image("fedora")
    boot = cloud.volume.wait_available(
        cloud.volume.create_volume(1, image_id=image, volume_type="replicated"))
    assert boot.bootable and boot.host == "cinder@fake"
    cloud.volume.set_bootable(vid, True)
    assert cloud.volume.get_volume(vid).bootable


def test_create_errors(fake: FakeCloud, cloud: Cloud) -> None:
    with pytest.raises(exc.CloudNotFound, match="Volume type gold"):
        cloud.volume.create_volume(1, volume_type="gold")
    with pytest.raises(exc.CloudRequestFailed, match="Invalid image identifier"):
        cloud.volume.create_volume(1, image_id="nope")
    fake.fail_volume_creates(1, fault="back end full")
    vid = cloud.volume.create_volume(1)
    with pytest.raises(exc.ResourceInError, match="back end full"):
        cloud.volume.wait_available(vid)
    cloud.volume.delete_volume(vid)  # an errored volume can go
    cloud.volume.delete_volume(vid)  # and a gone one is fine


@pytest.mark.parametrize("knobs, sizes, match", [
    ({"max_volumes": 2}, (1, 1, 1), "Maximum number of volumes allowed \\(2\\)"),
    ({"max_gigabytes": 10}, (5, 5, 1), "exceeds allowed gigabytes quota"),
])
def test_quotas(make_cloud: Any, knobs: dict, sizes: tuple, match: str) -> None:
    cloud = make_cloud(**knobs).as_cloud()
    for size in sizes[:-1]:
        cloud.volume.create_volume(size)
    with pytest.raises(exc.QuotaExceeded, match=match) as err:
        cloud.volume.create_volume(sizes[-1])
    assert "Raise the project's quota" in str(err.value)


def test_manage_discovers_host_once(fake: FakeCloud, cloud: Cloud) -> None:
    fake.add_service("cinder@other")
    fake.add_volume_type("other", {"volume_backend_name": "other"})
    fake.backend_volumes.update({"a": 3, "b": 4, "c": 1})
    first = cloud.volume.manage_volume({"source-name": "a"}, "replicated", name="boot",
                                       bootable=True, metadata={"protector_operation": "op"})
    second = cloud.volume.manage_volume({"source-name": "b"}, "replicated")
    third = cloud.volume.manage_volume({"source-name": "c"}, "other")
    assert fake.calls["volume.volume_services"] == 2  # once per type: cached
    vol = cloud.volume.get_volume(first)
    assert (vol.status, vol.size_gb, vol.bootable, vol.host) == ("available", 3, True,
                                                                 "cinder@fake")
    assert vol.metadata == {"protector_operation": "op"}
    assert cloud.volume.get_volume(second).size_gb == 4
    assert cloud.volume.get_volume(third).host == "cinder@other"
    assert fake.backend_volumes == {}  # renamed by the driver


def test_manage_unknown_ref_fails_like_cinder(fake: FakeCloud, cloud: Cloud) -> None:
    with pytest.raises(exc.ResourceInError) as err:
        cloud.volume.manage_volume(REF, "replicated")
    assert err.value.kwargs["status"] == "error_managing"
    assert "invalid backend reference {'source-name': 'dr-op1-0123456789ab'}" in str(err.value)
    vid = cloud.volume.manage_volume(REF, "replicated", wait=False)
    assert cloud.volume.get_volume(vid).status == "creating"
    with pytest.raises(exc.ResourceInError):
        cloud.volume.wait_available(vid)
    cloud.volume.delete_volume(vid)  # Cinder lets an error_managing volume go


def test_manage_policy_403(fake: FakeCloud, cloud: Cloud) -> None:
    fake.backend_volumes["x"] = 1
    fake.deny_policy("volume_extension:volume_manage")
    with pytest.raises(exc.PolicyForbidden) as err:
        cloud.volume.manage_volume({"source-name": "x"}, "replicated")
    text = str(err.value)
    assert text.startswith("Policy doesn't allow volume_extension:volume_manage to be performed")
    assert "site-b" in text and '"volume_extension:services:index": "rule:admin_or_owner"' \
        in text
    assert err.value.code == 403
    fake.allow_policy("volume_extension:volume_manage")
    assert cloud.volume.manage_volume({"source-name": "x"}, "replicated")


def test_services_index_403_blocks_discovery(fake: FakeCloud, cloud: Cloud) -> None:
    fake.deny_policy("volume_extension:services:index")
    with pytest.raises(exc.PolicyForbidden, match="volume_extension:services:index"):
        cloud.volume.manage_host("replicated")
    fake.backend_volumes["x"] = 1  # an explicit host needs no discovery
    assert cloud.volume.manage_volume({"source-name": "x"}, "replicated", host="cinder@fake")


def test_manage_host_not_found(fake: FakeCloud, cloud: Cloud) -> None:
    fake.add_volume_type("orphan", {"volume_backend_name": "rbd-1"})
    with pytest.raises(exc.ManageHostNotFound, match="back end rbd-1"):
        cloud.volume.manage_host("orphan")
    with pytest.raises(exc.CloudNotFound, match="Volume type gold"):
        cloud.volume.manage_host("gold")
    fake.services[0]["state"] = "down"
    with pytest.raises(exc.ManageHostNotFound):
        cloud.volume.manage_host("replicated")


def test_hidden_backend_name_with_one_service(fake: FakeCloud, cloud: Cloud) -> None:
    fake.add_volume_type("tenant-view", {})
    assert cloud.volume.manage_host("tenant-view") == "cinder@fake"
    fake.add_service("cinder@two")
    cloud.volume.forget_hosts()
    with pytest.raises(exc.ManageHostNotFound, match="not visible"):
        cloud.volume.manage_host("tenant-view")


def test_manage_on_wrong_backend(fake: FakeCloud, cloud: Cloud) -> None:
    fake.add_service("cinder@other")
    fake.backend_volumes["x"] = 1
    with pytest.raises(exc.ResourceInError, match="No valid backend"):
        cloud.volume.manage_volume({"source-name": "x"}, "replicated", host="cinder@other")
    with pytest.raises(exc.CloudNotFound, match="Volume service"):
        cloud.volume.manage_volume({"source-name": "x"}, "replicated", host="nowhere@x")


def test_retype_to_a_type_its_back_end_does_not_serve(fake: FakeCloud, cloud: Cloud) -> None:
    """As Cinder with migration_policy=never: the volume stays as it was,
    in its old status, and the wait says so with Cinder's reason."""
    fake.add_volume_type("elsewhere", {"volume_backend_name": "other"})
    vid = cloud.volume.wait_available(cloud.volume.create_volume(1, volume_type="replicated")).id
    cloud.volume.retype_volume(vid, "elsewhere")
    assert cloud.volume.get_volume(vid).status == "retyping"
    with pytest.raises(exc.RetypeFailed, match="not retyped to elsewhere .it is still "
                                               "replicated.: No valid host"):
        cloud.volume.wait_retyped(vid, "elsewhere")
    assert cloud.volume.get_volume(vid).status == "available"


def test_unmanage_leaves_backend_volume(fake: FakeCloud, cloud: Cloud) -> None:
    fake.backend_volumes["x"] = 2
    vid = cloud.volume.manage_volume({"source-name": "x"}, "replicated")
    fake.deny_policy("volume_extension:volume_unmanage")
    with pytest.raises(exc.PolicyForbidden, match="volume_unmanage"):
        cloud.volume.unmanage_volume(vid)
    fake.allow_policy("volume_extension:volume_unmanage")
    cloud.volume.unmanage_volume(vid)
    assert fake.backend_volumes == {f"volume-{vid}-cinder-unmanaged": 2}  # Pure driver's name
    with pytest.raises(exc.CloudNotFound):
        cloud.volume.get_volume(vid)


def test_inject_times(fake: FakeCloud, cloud: Cloud) -> None:
    fake.inject("volume.create_volume", exc.CloudUnavailable(service="Cinder", site="b",
                                                             reason="503"), times=2)
    for _ in range(2):
        with pytest.raises(exc.CloudUnavailable):
            cloud.volume.create_volume(1)
    assert cloud.volume.create_volume(1)
    fake.inject("get_volume", RuntimeError, times=None)  # bare name, every call
    for _ in range(3):
        with pytest.raises(RuntimeError):
            cloud.volume.get_volume("x")
    fake.clear_faults()
    with pytest.raises(exc.CloudNotFound):
        cloud.volume.get_volume("x")


def test_find_volumes_by_metadata(cloud: Cloud) -> None:
    mine = {cloud.volume.create_volume(1, metadata={"protector_operation": "op", "i": str(i)})
            for i in range(2)}
    cloud.volume.create_volume(1, metadata={"protector_operation": "other"})
    assert {v.id for v in cloud.volume.find_volumes({"protector_operation": "op"})} == mine


def test_volume_types(cloud: Cloud) -> None:
    types = {t.name: t for t in cloud.volume.volume_types()}
    assert types["replicated"].replication_enabled and types["replicated"].backend_name == "fake"
    assert not types["__DEFAULT__"].replication_enabled
    assert cloud.volume.find_volume_type(types["replicated"].id) == types["replicated"]
    assert cloud.volume.find_volume_type("gold") is None


def test_groups(fake: FakeCloud, cloud: Cloud) -> None:
    vol = cloud.volume
    group = vol.create_group("pg", "protector-consistent", ["replicated"], description="d")
    assert group.status == "available" and group.volume_types == ("replicated",)
    a, b = (vol.wait_available(vol.create_volume(1, volume_type="replicated")).id
            for _ in range(2))
    plain = vol.wait_available(vol.create_volume(1)).id
    assert vol.add_volumes(group.id, [a, b]).volume_ids == tuple(sorted([a, b]))
    assert vol.get_volume(a).group_id == group.id
    with pytest.raises(exc.CloudConflict, match="does not support"):
        vol.add_volumes(group.id, [plain])
    other = vol.create_group("pg2", "protector-consistent", ["replicated"])
    with pytest.raises(exc.CloudConflict, match="already in group"):
        vol.add_volumes(other.id, [a])
    with pytest.raises(exc.CloudRequestFailed, match="belong to a group"):
        vol.delete_volume(a)
    with pytest.raises(exc.CloudConflict, match="still has 2"):
        vol.delete_group(group.id)
    assert vol.remove_volumes(group.id, [b]).volume_ids == (a,)
    with pytest.raises(exc.CloudConflict, match="not in the group"):
        vol.remove_volumes(group.id, [b])
    assert {g.id for g in vol.list_groups()} == {group.id, other.id}
    vol.delete_group(group.id, delete_volumes=True)
    with pytest.raises(exc.CloudNotFound):
        vol.get_volume(a)
    with pytest.raises(exc.CloudNotFound):
        vol.get_group(group.id)
    vol.delete_group(group.id)  # gone: fine
    with pytest.raises(exc.CloudNotFound, match="Group type"):
        vol.create_group("x", "nope", ["replicated"])


def test_wait_deleted(fake: FakeCloud, cloud: Cloud) -> None:
    gone = cloud.volume.create_volume(1)
    cloud.volume.wait_available(gone)
    cloud.volume.delete_volume(gone)
    cloud.volume.wait_deleted(gone)  # 404 is what it waits for
    stuck = cloud.volume.wait_available(cloud.volume.create_volume(1)).id
    fake.volumes[stuck].status = "error_deleting"  # the back end refused the delete
    with pytest.raises(exc.ResourceInError, match="error_deleting"):
        cloud.volume.wait_deleted(stuck)
