"""The storage layer's collaborator protocols over the fake cloud."""

import pytest

from protector.cloud import exception as exc
from protector.cloud.base import Cloud
from protector.cloud.fake import FakeCloud
from protector.storage import base as storage
from protector.storage import exception as storage_exc


def test_consistency_groups(cloud: Cloud) -> None:
    cgs = cloud.consistency_groups()
    assert isinstance(cgs, storage.ConsistencyGroupAPI)
    cg = cgs.create_group("pg-1", "replicated", description="pg")
    assert (cg.name, cg.volume_type, cg.status, cg.description) == ("pg-1", "replicated",
                                                                     "available", "pg")
    vid = cloud.volume.wait_available(cloud.volume.create_volume(1, volume_type="replicated")).id
    assert cgs.add_volumes(cg.id, [vid]).volume_ids == (vid,)
    assert [g.id for g in cgs.list_groups()] == [cg.id]
    other = cgs.create_group("pg-2", "replicated")
    with pytest.raises(storage_exc.ConsistencyGroupConflict):
        cgs.add_volumes(other.id, [vid])
    with pytest.raises(storage_exc.ConsistencyGroupConflict):
        cgs.delete_group(cg.id)
    assert cgs.remove_volumes(cg.id, [vid]).volume_ids == ()
    cgs.delete_group(cg.id)
    with pytest.raises(storage_exc.ConsistencyGroupNotFound):
        cgs.get_group(cg.id)


@pytest.mark.parametrize("from_image", [True, False])
def test_target_volumes(fake: FakeCloud, cloud: Cloud, from_image: bool) -> None:
    factory = cloud.target_volumes(volume_from_image=from_image)
    assert isinstance(factory, storage.TargetVolumeFactory)
    image = factory.find_image("cirros")
    assert image is not None and factory.find_image("ubuntu") is None
    vid = factory.create_volume_from_image(image, 2, "dr-op-abc", "replicated")
    vol = cloud.volume.get_volume(vid)
    assert (vol.status, vol.bootable, vol.size_gb, vol.name) == ("available", True, 2,
                                                                 "dr-op-abc")
    blank = cloud.volume.get_volume(factory.create_volume_from_image(None, 1, "b", None))
    assert not blank.bootable
    factory.delete_volume(vid)
    factory.delete_volume(vid)


def test_target_volume_failure_removes_it(fake: FakeCloud, cloud: Cloud) -> None:
    fake.fail_volume_creates(1)
    with pytest.raises(exc.ResourceInError):
        cloud.target_volumes().create_volume_from_image(None, 1, "x", None)
    assert fake.volumes == {}


def test_group_type_resolution(fake: FakeCloud, cloud: Cloud) -> None:
    fake.group_types["a-plain"] = {}
    fake.group_types["b-consistent"] = {"consistent_group_snapshot_enabled": "<is> True"}
    assert cloud.consistency_groups().group_type == "b-consistent"
    assert cloud.consistency_groups("a-plain").group_type == "a-plain"
    for name in ("b-consistent", "protector-consistent"):
        del fake.group_types[name]
    with pytest.raises(exc.GroupTypeMissing, match="default_cgsnapshot_type is reserved"):
        cloud.consistency_groups().create_group("pg", "replicated")
    with pytest.raises(exc.CloudRequestFailed, match="reserved for migrating CGs"):
        cloud.volume.create_group("pg", "default_cgsnapshot_type", ["replicated"])
