"""One contract, two twins: the fake and (with the lab up) openstacksdk.

Every test runs against :class:`~protector.cloud.fake.FakeCloud` on a
simulated clock, and against the lab's site-a admin through openstacksdk
(marker ``integration``; skipped with the reason when the lab is down). Only what both do alike
is asserted here; fake-only behaviour is in ``tests/unit/cloud``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from protector.cloud import exception as exc
from protector.cloud.base import Cloud
from protector.cloud.common import OPERATION_KEY, operation_tag
from protector.cloud.compute import NIC
from protector.cloud.fake import FakeClock, FakeCloud
from protector.lab import config
from protector.tests.integration import arrays, cloud_lab


@dataclass
class Twin:
    cloud: Cloud
    replicated_type: str
    backend_volume: Callable[[int], str]  # size GiB -> manageable array volume name
    # Removes what unmanage left on the back end (the Pure driver's
    # "volume-<id>-cinder-unmanaged"), given the volume id.
    drop_unmanaged: Callable[[str], None] = lambda _vid: None
    cleanups: list[Callable[[], None]] = field(default_factory=list)
    plain_type: str = "unreplicated"  # same back end, no replication


def _fake_twin() -> Twin:
    clock = FakeClock()
    fake = FakeCloud("fake-site", clock=clock.monotonic, sleep=clock.sleep)
    fake.add_volume_type("unreplicated", {"volume_backend_name": "fake"})

    def backend_volume(size: int) -> str:
        name = f"dr-ct-{uuid.uuid4().hex[:12]}"
        fake.backend_volumes[name] = size
        return name

    return Twin(fake.as_cloud(), "replicated", backend_volume)


def _sdk_twin() -> Twin:
    cloud = cloud_lab.lab_cloud("site-a")
    cloud_lab.ensure_group_type(cloud)
    # The array (pure) or the mock lab driver's "name@<GiB>" (mock).
    return Twin(cloud, "replicated-async",
                lambda size: arrays.unmanaged_volume("site-a", f"dr-ct-{uuid.uuid4().hex[:12]}",
                                                     size),
                drop_unmanaged=lambda vid: arrays.remove_unmanaged("site-a",
                                                                   f"volume-{vid}-cinder"))


@pytest.fixture(params=["fake", pytest.param("sdk", marks=pytest.mark.integration)])
def twin(request: pytest.FixtureRequest) -> Iterator[Twin]:
    t = _fake_twin() if request.param == "fake" else _sdk_twin()
    yield t
    for undo in reversed(t.cleanups):
        try:
            undo()
        except Exception:  # best effort: the test's own assertions matter
            pass


def _tag() -> str:
    return f"ct-{uuid.uuid4().hex[:8]}"


def _volume(t: Twin, size: int = 1, volume_type: str | None = None, **kw: object) -> str:
    vid = t.cloud.volume.create_volume(size, name=f"protector-ct-{uuid.uuid4().hex[:6]}",
                                       volume_type=volume_type or t.replicated_type,
                                       **kw)  # type: ignore
    t.cleanups.append(lambda: t.cloud.volume.delete_volume(vid))
    t.cloud.volume.wait_available(vid)
    return vid


def test_images(twin: Twin) -> None:
    assert twin.cloud.image.find_image(f"no-such-image-{uuid.uuid4().hex}") is None
    cirros = twin.cloud.image.find_image("cirros")
    assert cirros is not None
    assert twin.cloud.image.find_image(cirros) == cirros
    with pytest.raises(exc.ImageNotFound, match="Image 'nope-.*' not found on target site"):
        twin.cloud.image.require_image(f"nope-{uuid.uuid4().hex[:6]}")


def test_types_and_services(twin: Twin) -> None:
    types = {t.name: t for t in twin.cloud.volume.volume_types()}
    rep = types[twin.replicated_type]
    assert rep.replication_enabled and rep.backend_name
    assert twin.cloud.volume.find_volume_type(rep.id) == rep
    host = twin.cloud.volume.manage_host(twin.replicated_type)
    assert host.split("@", 1)[1] == rep.backend_name


def test_volume_lifecycle(twin: Twin) -> None:
    vol = twin.cloud.volume
    tag = _tag()
    vid = _volume(twin, 1, metadata={OPERATION_KEY: tag})
    got = vol.get_volume(vid)
    assert (got.status, got.size_gb, got.volume_type, got.bootable) == (
        "available", 1, twin.replicated_type, False)
    vol.set_bootable(vid, True)
    assert vol.get_volume(vid).bootable
    assert [v.id for v in vol.find_volumes({OPERATION_KEY: tag})] == [vid]
    vol.delete_volume(vid)
    vol.delete_volume(vid)  # already gone (or going): not an error
    with pytest.raises(exc.CloudNotFound):
        vol.get_volume(str(uuid.uuid4()))


def test_retype_in_place(twin: Twin) -> None:
    """What reprotect does to volumes a failover managed unreplicated."""
    vol = twin.cloud.volume
    vid = _volume(twin, 1, volume_type=twin.plain_type)
    vol.retype_volume(vid, twin.replicated_type)
    got = vol.wait_retyped(vid, twin.replicated_type)
    assert (got.status, got.volume_type) == ("available", twin.replicated_type)
    with pytest.raises(exc.CloudRequestFailed, match="(?i)retype"):
        vol.retype_volume(vid, twin.replicated_type)  # to the type it has
    with pytest.raises(exc.CloudNotFound):
        vol.retype_volume(vid, f"no-such-type-{uuid.uuid4().hex[:6]}")


def test_volume_from_image_names_it(twin: Twin) -> None:
    """Cinder's volume_image_metadata: what mock storage rebuilds a copy from."""
    if twin.replicated_type == "replicated-async" and config.storage_mode() == "pure":
        pytest.skip("Cinder's Pure driver copies images over an iSCSI attach, which the "
                    "lab has no data plane for (--storage pure)")
    cirros = twin.cloud.image.find_image("cirros")
    vid = _volume(twin, 1, image_id=cirros)
    got = twin.cloud.volume.get_volume(vid)
    assert (got.image_name, got.bootable) == ("cirros", True)
    blank = _volume(twin, 1)
    assert twin.cloud.volume.get_volume(blank).image_name is None


def test_manage_unmanage(twin: Twin) -> None:
    vol = twin.cloud.volume
    tag = _tag()
    vid = vol.manage_volume({"source-name": twin.backend_volume(2)}, twin.replicated_type,
                            name=f"protector-ct-{tag}", bootable=True,
                            metadata={OPERATION_KEY: tag})
    twin.cleanups.append(lambda: vol.delete_volume(vid))
    got = vol.get_volume(vid)
    assert (got.status, got.size_gb, got.bootable) == ("available", 2, True)
    assert got.metadata[OPERATION_KEY] == tag
    vol.unmanage_volume(vid)
    twin.cleanups.append(lambda: twin.drop_unmanaged(vid))

    def gone() -> str:
        try:
            return vol.get_volume(vid).status
        except exc.CloudNotFound:
            return "gone"

    from protector.cloud.common import wait_for
    wait_for(gone, lambda s: s, ("gone",), ("error",), options=vol.options, timeout=60,
             resource="Volume", resource_id=vid, site=vol.site)


def test_groups(twin: Twin) -> None:
    cgs = twin.cloud.consistency_groups()
    cg = cgs.create_group(f"protector-ct-{_tag()}", twin.replicated_type)
    twin.cleanups.append(lambda: cgs.delete_group(cg.id, delete_volumes=False))
    vid = _volume(twin)
    assert cgs.add_volumes(cg.id, [vid]).volume_ids == (vid,)
    assert cgs.remove_volumes(cg.id, [vid]).volume_ids == ()
    cgs.delete_group(cg.id)


def test_isolated_network_and_ports(twin: Twin) -> None:
    net = twin.cloud.network
    tag = operation_tag(_tag())
    ids = net.create_isolated_network(f"protector-ct-{tag[-8:]}", "192.168.77.0/24", tags=[tag])
    twin.cleanups.append(lambda: net.delete_isolated_network(ids))
    assert ids.subnet_id and ids.router_id
    assert net.find_isolated_networks(tag) == [ids]
    default = net.find_security_group("default")
    assert default is not None
    port = net.create_port(ids.network_id, fixed_ip="192.168.77.10",
                           security_groups=[default.id], tags=[tag])
    assert port.fixed_ips[0].ip_address == "192.168.77.10"
    assert [p.id for p in net.find_ports(tag)] == [port.id]
    with pytest.raises(exc.CloudConflict):
        net.create_port(ids.network_id, fixed_ip="192.168.77.10")
    net.delete_port(port.id)
    net.delete_port(port.id)
    net.delete_isolated_network(ids)
    assert net.find_isolated_networks(tag) == []
    assert net.find_network(ids.network_id) is None


def test_boot_capture_and_clean_up(twin: Twin) -> None:
    c = twin.cloud
    tag = _tag()
    ids = c.network.create_isolated_network(f"protector-ct-{tag}", "192.168.78.0/24",
                                            tags=[operation_tag(tag)], with_router=False)
    twin.cleanups.append(lambda: c.network.delete_isolated_network(ids))
    port = c.network.create_port(ids.network_id, fixed_ip="192.168.78.20",
                                 tags=[operation_tag(tag)])
    boot = _volume(twin, 1)
    c.volume.set_bootable(boot, True)
    data = _volume(twin, 1)
    flavor = c.compute.find_flavor("m1.tiny")
    assert flavor is not None
    sid = c.compute.boot_server(f"protector-ct-{tag}", flavor.id or flavor.name, boot,
                                [NIC(port_id=port.id)], metadata={OPERATION_KEY: tag})
    twin.cleanups.insert(0, lambda: c.compute.delete_server(sid, wait=True))
    assert c.compute.wait_active(sid).status == "ACTIVE"
    c.compute.attach_volume(sid, data)
    c.volume.wait_status(data, ["in-use"])
    spec = c.compute.capture_server(sid)
    assert spec.flavor.name == "m1.tiny" and spec.flavor.ram_mb == flavor.ram_mb
    assert spec.boot_volume is not None and spec.boot_volume.volume_id == boot
    assert [v.volume_id for v in spec.data_volumes] == [data]
    assert spec.data_volumes[0].device and spec.data_volumes[0].size_gb == 1
    (p,) = spec.ports
    assert p.port_id == port.id and p.fixed_ips[0].ip_address == "192.168.78.20"
    assert p.mac_address == port.mac_address and p.network_id == ids.network_id
    assert spec.metadata[OPERATION_KEY] == tag
    assert [s.id for s in c.compute.find_servers({OPERATION_KEY: tag})] == [sid]
    # The engine stops every server, then waits on each: a second stop while
    # Nova is still powering off must wait, not fail with Nova's 409.
    c.compute.stop_server(sid, wait=False)
    c.compute.stop_server(sid)
    assert c.compute.get_server(sid).status == "SHUTOFF"
    c.compute.start_server(sid, wait=False)
    c.compute.start_server(sid)
    assert c.compute.get_server(sid).status == "ACTIVE"
    c.compute.delete_server(sid, wait=True)
    c.volume.wait_available(boot)
    assert c.compute.find_servers({OPERATION_KEY: tag}) == []
