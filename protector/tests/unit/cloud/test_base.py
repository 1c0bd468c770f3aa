"""The Cloud bundle, the provider hook and the data classes."""

from types import SimpleNamespace

from protector.cloud import base
from protector.cloud.compute import Flavor, ServerSpec
from protector.cloud.fake import FakeClouds
from protector.cloud.volume import VolumeService, VolumeType


def test_fake_clouds_answer_cloud_for() -> None:
    clouds = FakeClouds(build_time=0.0).install()
    try:
        site = SimpleNamespace(name="site-b", region_name="RegionOne", interface="internal")
        tenant = base.cloud_for(site, "project-1", context=None)
        admin = base.admin_cloud_for(site)
        assert tenant.site == admin.site == "site-b"
        vid = tenant.volume.create_volume(1)
        assert admin.volume.get_volume(vid).id == vid  # one fake per site
        assert clouds["site-b"].build_time == 0.0
        assert base.cloud_for(SimpleNamespace(name="site-a"), "p", None).site == "site-a"
    finally:
        clouds.uninstall()
    assert base._provider is None


def test_volume_helpers() -> None:
    assert VolumeService("cinder-volume", "cinder@fake#pool").backend == "fake"
    assert VolumeService("cinder-scheduler", "cinder").backend is None
    assert not VolumeService("cinder-volume", "a@b", state="down").usable
    assert VolumeType("1", "t", {"replication_enabled": "<is>  True"}).replication_enabled


def test_minimal_spec_round_trip() -> None:
    spec = ServerSpec(id="s", name="n", flavor=Flavor(None, "m1", 1, 512, 1))
    assert ServerSpec.from_dict(spec.to_dict()) == spec
    assert spec.volumes == ()
