"""A simulated array as the fake Cinder's back end: what Cinder does to the
array on create, manage, unmanage and delete (the Cinder Pure driver's names)."""

from __future__ import annotations

from typing import Any

import pytest

from protector.cloud import exception as cloud_exc
from protector.cloud.fake import FakeClock, FakeCloud, VolumeBackend, seed_server
from protector.storage.simulator import Fabric
from protector.storage.simulator.cinder import GiB, SimulatedArrayBackend


@pytest.fixture
def fabric() -> Fabric:
    fabric = Fabric(eradication_delay_sec=3600)
    fabric.add_array("array-a")
    return fabric


@pytest.fixture
def backend(fabric: Fabric) -> SimulatedArrayBackend:
    return SimulatedArrayBackend(fabric, "array-a")


@pytest.fixture
def fake(backend: SimulatedArrayBackend) -> FakeCloud:
    clock = FakeClock()
    return FakeCloud("site-a", clock=clock.monotonic, sleep=clock.sleep, backend=backend)


def _raw(fabric: Fabric, name: str, size: int) -> None:
    """An array volume Cinder does not know (what the storage driver copies)."""
    with fabric.lock:
        fabric.arrays["array-a"].post_volumes(names=[name], provisioned=size)


def _destroyed(backend: SimulatedArrayBackend) -> set[str]:
    return set(backend.volumes(destroyed=True))


def test_is_a_volume_backend(backend: SimulatedArrayBackend) -> None:
    assert isinstance(backend, VolumeBackend)
    with pytest.raises(ValueError, match="no array array-z"):
        SimulatedArrayBackend(backend.fabric, "array-z")


def test_create_and_delete(fake: FakeCloud, backend: SimulatedArrayBackend) -> None:
    volume = fake.as_cloud().volume
    vid = volume.wait_available(volume.create_volume(2, volume_type="replicated")).id
    assert backend.volumes() == {f"volume-{vid}-cinder": 2 * GiB}
    volume.delete_volume(vid)
    assert backend.volumes(destroyed=None) == {}  # destroyed and eradicated


def test_delete_without_eradication(fabric: Fabric) -> None:
    backend = SimulatedArrayBackend(fabric, "array-a", eradicate=False)
    volume = FakeCloud("site-a", backend=backend, volume_create_time=0).as_cloud().volume
    vid = volume.wait_available(volume.create_volume(1)).id
    volume.delete_volume(vid)
    assert _destroyed(backend) == {f"volume-{vid}-cinder"}
    fabric.advance(3600)
    assert backend.volumes(destroyed=None) == {}


def test_seeded_servers_volumes_are_on_the_array(fake: FakeCloud,
                                                 backend: SimulatedArrayBackend) -> None:
    sid = seed_server(fake, "db", volume_sizes=(1, 3))
    names = {f"volume-{vid}-cinder": fake.volumes[vid].data["size"] * GiB
             for vid, _ in fake.servers[sid].data["volumes"]}
    assert backend.volumes() == names and sorted(names.values()) == [GiB, 3 * GiB]


def test_manage_renames_and_rounds_up(fake: FakeCloud, fabric: Fabric,
                                      backend: SimulatedArrayBackend) -> None:
    _raw(fabric, "dr-op1-0123456789ab", GiB + 512)
    volume = fake.as_cloud().volume
    vid = volume.manage_volume({"source-name": "dr-op1-0123456789ab"}, "replicated")
    assert volume.get_volume(vid).size_gb == 2
    assert backend.volumes() == {f"volume-{vid}-cinder": GiB + 512}


@pytest.mark.parametrize("state", ["missing", "destroyed", "connected"])
def test_manage_refuses_what_cinder_refuses(fake: FakeCloud, fabric: Fabric,
                                            backend: SimulatedArrayBackend,
                                            monkeypatch: Any, state: str) -> None:
    if state != "missing":
        _raw(fabric, "dr-x", GiB)
    if state == "destroyed":
        backend.eradicate = False
        backend.delete("dr-x")
    if state == "connected":
        from protector.storage.simulator.state import views
        real = views.volume
        monkeypatch.setattr(views, "volume",
                            lambda a, v: {**real(a, v), "connection_count": 1})
    with pytest.raises(cloud_exc.ResourceInError, match="Unable to find volume 'dr-x'"):
        fake.as_cloud().volume.manage_volume({"source-name": "dr-x"}, "replicated")


def test_unmanage_keeps_the_array_volume(fake: FakeCloud, fabric: Fabric,
                                         backend: SimulatedArrayBackend) -> None:
    _raw(fabric, "dr-y", GiB)
    volume = fake.as_cloud().volume
    vid = volume.manage_volume({"source-name": "dr-y"}, "replicated")
    volume.unmanage_volume(vid)
    assert backend.volumes() == {f"volume-{vid}-cinder-unmanaged": GiB}
    again = volume.manage_volume({"source-name": f"volume-{vid}-cinder-unmanaged"},
                                 "replicated")
    assert backend.volumes() == {f"volume-{again}-cinder": GiB}


def test_array_down(fake: FakeCloud, fabric: Fabric, backend: SimulatedArrayBackend) -> None:
    volume = fake.as_cloud().volume
    vid = volume.wait_available(volume.create_volume(1)).id
    fabric.set_unreachable("array-a", "refuse")
    with pytest.raises(cloud_exc.ResourceInError, match="array-a is unreachable"):
        volume.wait_available(volume.create_volume(1))
    with pytest.raises(cloud_exc.ResourceInError, match="Manage existing volume failed: "
                                                        "look up x: array array-a is unreachable"):
        volume.manage_volume({"source-name": "x"}, "replicated")
    with pytest.raises(cloud_exc.CloudRequestFailed, match="back end"):
        seed_server(fake, "web")
    volume.delete_volume(vid)
    assert volume.get_volume(vid).status == "error_deleting"
    fabric.set_unreachable("array-a", None)
    volume.delete_volume(vid)  # a retry goes through once the array is back
    assert backend.volumes(destroyed=None) == {}


def test_backend_volumes_is_the_memory_backends(fake: FakeCloud) -> None:
    with pytest.raises(TypeError, match="SimulatedArrayBackend\\(array-a\\)"):
        fake.backend_volumes["x"] = 1
