"""The ``mock`` driver (use_mock_storage) and loading drivers by name."""

from __future__ import annotations

import importlib.metadata
import os
import stat
from typing import Any

import pytest
from stevedore import extension

from protector.storage import base, factory
from protector.storage import exception as exc
from protector.storage.drivers.mock import FakeTargetVolumes, MockDriver
from protector.storage.drivers.pure import PureDriver
from protector.tests.functional.storage.test_driver_contract import PG_ID, MockEnv

ARRAYS = base.ArrayPair(base.ArrayEndpoint("https://fa-a.example.com", "tok-a"),
                        base.ArrayEndpoint("https://fa-b.example.com", "tok-b"))
GROUP = base.GroupSpec(pg_id=PG_ID, replication_type="async", rpo_minutes=10)


def _mode(path: str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def env(tmp_path: Any) -> MockEnv:
    return MockEnv("async", str(tmp_path))


def test_state_files_and_permissions(env, tmp_path):
    env.driver.ensure_replication()
    directory = tmp_path / "mock_storage"
    assert _mode(directory) == 0o755
    files = sorted(p.name for p in directory.iterdir() if p.suffix == ".sqlite")
    assert files == ["mock-fa-a-example-com.sqlite", "mock-fa-b-example-com.sqlite"]
    for name in files:
        assert _mode(directory / name) == 0o600


def test_state_survives_the_driver(env):
    vols = [env.make_volume("vol-1", size_gb=2)]
    env.driver.ensure_replication()
    env.driver.add_volumes(vols)
    point = env.driver.replicate_now()
    again = env.make_driver()  # e.g. another engine process
    assert again.list_volumes() == ["vol-1"]
    assert again.latest_recovery_point().name == point.name


def test_missing_image_fails_with_the_spec_message(env):
    env.driver.ensure_replication()
    env.driver.add_volumes([env.make_volume("boot"),
                            base.VolumeRef("other", size_gb=1, image_name="ubuntu-24.04")])
    point = env.driver.replicate_now()
    with pytest.raises(exc.ImageNotFound) as caught:
        env.driver.materialise(point, [base.VolumeRef("boot"), base.VolumeRef("other")],
                               tag="t1")
    assert str(caught.value) == "Image 'ubuntu-24.04' not found on target site"
    assert env.cloud.volumes == {}  # checked before anything was created
    env.cloud.images["ubuntu-24.04"] = "img-ubuntu"
    assert len(env.driver.materialise(point, [base.VolumeRef("boot")], tag="t1")) == 1


def test_copies_are_cinder_volumes_from_images(env):
    env.driver.ensure_replication()
    env.driver.add_volumes([
        base.VolumeRef("boot", size_gb=3, image_name="cirros", bootable=True,
                       volume_type="replicated-async"),
        base.VolumeRef("data", size_gb=5)])  # no image: a blank volume
    point = env.driver.replicate_now()
    made = env.driver.materialise(point, [base.VolumeRef("boot"),
                                          base.VolumeRef("data", volume_type="fast")], tag="t2")
    boot, data = (env.cloud.volumes[m.cinder_volume_id] for m in made)
    assert boot == {"name": made[0].name, "size_gb": 3, "image_id": "img-cirros",
                    "volume_type": "replicated-async", "bootable": True}
    assert data["image_id"] is None and data["volume_type"] == "fast" and data["size_gb"] == 5
    assert all(m.manage_ref is None for m in made)


def test_failure_half_way_deletes_what_was_created(env):
    env.driver.ensure_replication()
    vols = [env.make_volume(f"v{i}") for i in range(6)]
    env.driver.add_volumes(vols)
    point = env.driver.replicate_now()
    env.cloud.fail_after = 2
    with pytest.raises(exc.MaterialiseFailed) as caught:
        env.driver.materialise(point, vols, tag="t3")
    assert "injected failure" in str(caught.value) and caught.value.leftovers == []
    assert env.cloud.volumes == {}
    assert env.driver.cleanup("t3") == []


def test_size_is_required(env):
    env.driver.ensure_replication()
    with pytest.raises(exc.MockStorageError, match="size_gb"):
        env.driver.add_volumes([base.VolumeRef("no-size")])


def test_schedule_records_points_every_rpo(env):
    env.driver.ensure_replication()
    env.driver.add_volumes([env.make_volume("v1")])
    env.advance(2.5 * 15 * 60)
    points = env.driver.list_recovery_points()
    assert len(points) == 1  # the newest due one
    health = env.driver.replication_health()
    assert health.lag_seconds == pytest.approx(0.5 * 15 * 60) and health.within_rpo
    env.driver.reverse_replication()  # stops the schedule here
    env.advance(3 * 15 * 60)
    assert len(env.driver.list_recovery_points()) == 1
    assert not env.driver.replication_health().within_rpo


def test_needs_a_target_volume_factory(tmp_path):
    driver = MockDriver(GROUP, ARRAYS, base.DriverOptions(state_path=str(tmp_path)))
    driver.ensure_replication()
    driver.add_volumes([base.VolumeRef("v1", size_gb=1)])
    point = driver.replicate_now()
    with pytest.raises(exc.MockStorageError, match="target volume factory"):
        driver.materialise(point, [base.VolumeRef("v1")], tag="t4")


def test_sites_sharing_the_array_dir_see_one_array(tmp_path):
    """Two sites' engines (own state_path each) with one mock_storage_dir: what
    site-a's engine replicated, site-b's sees, as with real arrays."""
    shared = str(tmp_path / "arrays")

    def driver(site: str) -> MockDriver:
        return MockDriver(GROUP, ARRAYS, base.DriverOptions(
            state_path=str(tmp_path / site), mock_storage_dir=shared))

    a = driver("site-a")
    a.ensure_replication()
    a.add_volumes([base.VolumeRef("v1", size_gb=1)])
    point = a.replicate_now()
    assert [p.name for p in driver("site-b").list_recovery_points()] == [point.name]
    alone = MockDriver(GROUP, ARRAYS, base.DriverOptions(state_path=str(tmp_path / "c")))
    assert alone.list_recovery_points() == []  # its own directory: nothing there


def test_array_dir_from_config(conf):
    assert factory.options_from_conf(conf).mock_storage_dir == os.path.join(
        conf.state_path, "mock_storage")
    conf.set_override("mock_storage_dir", "/srv/arrays", group="storage")
    try:
        assert factory.options_from_conf(conf).mock_storage_dir == "/srv/arrays"
    finally:
        conf.clear_override("mock_storage_dir", group="storage")


# -- factory ------------------------------------------------------------------------
def test_driver_name_from_config(conf):
    assert factory.driver_name(conf) == "pure"
    conf.set_override("driver", "other", group="storage")
    assert factory.driver_name(conf) == "other"
    conf.set_override("use_mock_storage", True)
    try:
        assert factory.driver_name(conf) == "mock"
    finally:
        conf.clear_override("use_mock_storage")
        conf.clear_override("driver", group="storage")


def test_options_from_config(conf):
    conf.set_override("max_concurrent_copies", 3, group="storage")
    try:
        options = factory.options_from_conf(conf)
    finally:
        conf.clear_override("max_concurrent_copies", group="storage")
    assert options.max_concurrent_copies == 3 and options.replicate_timeout == 3600
    assert options.state_path == conf.state_path and options.sync_pod_name == "cinder-pod"
    endpoint = factory.endpoint("https://fa.example.com:8443", "secret", conf)
    assert endpoint.host == "fa.example.com:8443" and endpoint.verify_ssl
    assert "secret" not in repr(endpoint)


@pytest.fixture
def entry_points(tmp_path: Any, monkeypatch: Any) -> None:
    """The drivers' entry points, as pyproject.toml declares them.

    Until the installed metadata has them, a throwaway dist-info with the
    same lines stands in.
    """
    installed = {ep.name for ep in importlib.metadata.entry_points(group=factory.NAMESPACE)}
    monkeypatch.setattr(extension.ExtensionManager, "ENTRY_POINT_CACHE", {})
    if {"pure", "mock"} <= installed:
        return
    dist = tmp_path / "site" / "protector_storage_drivers-0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: protector-storage-drivers\nVersion: 0\n")
    (dist / "entry_points.txt").write_text(
        "[protector.storage.drivers]\n"
        "pure = protector.storage.drivers.pure:PureDriver\n"
        "mock = protector.storage.drivers.mock:MockDriver\n")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))


def test_get_driver_by_name(conf, entry_points):
    cloud = FakeTargetVolumes()
    conf.set_override("use_mock_storage", True)
    try:
        driver = factory.get_driver(GROUP, ARRAYS, conf=conf, target_volumes=cloud)
    finally:
        conf.clear_override("use_mock_storage")
    assert isinstance(driver, MockDriver) and driver.target_volumes is cloud
    assert driver.directory == os.path.join(conf.state_path, "mock_storage")
    pure = factory.get_driver(GROUP, ARRAYS, conf=conf)
    assert isinstance(pure, PureDriver) and pure.options.api_retries == 3
    with pytest.raises(exc.StorageDriverNotFound, match="nosuch"):
        factory.get_driver(GROUP, ARRAYS, conf=conf, name="nosuch")
