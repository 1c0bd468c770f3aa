"""The openstacksdk twin against the lab's real 2026.1 services.

What only real services can show: Cinder hiding ``volume_backend_name``
from tenants, the policy 403s of the spec's troubleshooting section, Nova's
own view of a booted server. The operations both twins share are in
``tests/unit/cloud/test_contract.py``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest

from protector.cloud import exception as exc
from protector.cloud import sdk
from protector.cloud.base import Cloud
from protector.cloud.common import OPERATION_KEY, operation_tag
from protector.cloud.compute import NIC
from protector.tests.integration import arrays, cloud_lab

pytestmark = pytest.mark.integration
TYPE = "replicated-async"


@pytest.fixture
def admin() -> Cloud:
    return cloud_lab.lab_cloud("site-a")


@pytest.fixture
def demo(admin: Cloud) -> Cloud:
    """The demo project's member, reading hidden back end names through ``admin``."""
    cloud_lab.require("site-a-demo")
    region = cloud_lab.cloud_region("site-a-demo")
    return sdk.build_cloud(region.get_session(), site="site-a", region_name=region.region_name,
                           interface=region.interface or "public", options=admin.volume.options,
                           admin_volume=lambda: admin.volume)


@pytest.fixture
def cleanups() -> Iterator[list[Callable[[], None]]]:
    undo: list[Callable[[], None]] = []
    yield undo
    for step in reversed(undo):
        try:
            step()
        except exc.CloudError:
            pass


def _name() -> str:
    return f"protector-it-{uuid.uuid4().hex[:8]}"


def test_find_image(demo: Cloud) -> None:
    assert demo.image.find_image("cirros")
    with pytest.raises(exc.ImageNotFound) as err:
        demo.image.require_image("no-such-image-" + uuid.uuid4().hex[:6])
    assert str(err.value).endswith("not found on target site")


def test_tenant_does_not_see_backend_names(admin: Cloud, demo: Cloud) -> None:
    tenant = demo.volume.find_volume_type(TYPE)
    assert tenant is not None and tenant.replication_enabled
    assert tenant.backend_name is None  # Cinder's default policy hides it
    assert demo.volume.backend_of(tenant) == admin.volume.find_volume_type(TYPE).backend_name


def test_manage_unmanage_with_host_discovery(admin: Cloud,
                                            cleanups: list[Callable[[], None]]) -> None:
    vol = admin.volume
    host = vol.manage_host(TYPE)
    backend = vol.find_volume_type(TYPE).backend_name
    assert host.endswith("@" + backend)
    source = arrays.unmanaged_volume("site-a", _name(), 3)
    vid = vol.manage_volume({"source-name": source}, TYPE, name=_name(),
                            bootable=True, metadata={OPERATION_KEY: "it"})
    cleanups.append(lambda: vol.delete_volume(vid))
    got = vol.get_volume(vid)
    assert (got.status, got.size_gb, got.bootable) == ("available", 3, True)
    assert got.host and got.host.startswith(host)
    vol.unmanage_volume(vid)
    vol.wait_deleted(vid)
    arrays.remove_unmanaged("site-a", f"volume-{vid}-cinder")


def test_tenant_manage_needs_the_spec_policy(admin: Cloud, demo: Cloud,
                                             cleanups: list[Callable[[], None]]) -> None:
    """Without the spec's Cinder policy changes the tenant gets the spec's 403;
    with them, discovery and manage work as the tenant."""
    try:
        host = demo.volume.manage_host(TYPE)
    except exc.PolicyForbidden as err:
        assert str(err).startswith(
            "Policy doesn't allow volume_extension:services:index to be performed")
        host = None
    source = arrays.unmanaged_volume("site-a", _name(), 1)
    try:
        vid = demo.volume.manage_volume({"source-name": source}, TYPE,
                                        host=host or admin.volume.manage_host(TYPE))
    except exc.PolicyForbidden as err:
        arrays.drop_volume("site-a", source)
        text = str(err)
        assert text.startswith(
            "Policy doesn't allow volume_extension:volume_manage to be performed")
        assert "/etc/cinder/policy.yaml" in text
        return
    cleanups.append(lambda: demo.volume.delete_volume(vid))
    assert demo.volume.get_volume(vid).status == "available"


def test_isolated_network(demo: Cloud, cleanups: list[Callable[[], None]]) -> None:
    tag = operation_tag(uuid.uuid4().hex[:8])
    ids = demo.network.create_isolated_network(_name(), "192.168.91.0/24", tags=[tag])
    cleanups.append(lambda: demo.network.delete_isolated_network(ids))
    net = demo.network.find_network(ids.network_id)
    assert net is not None and tag in net.tags and ids.subnet_id in net.subnet_ids
    assert demo.network.find_isolated_networks(tag) == [ids]
    demo.network.delete_isolated_network(ids)
    assert demo.network.find_network(ids.network_id) is None


def test_capture_real_server(demo: Cloud, cleanups: list[Callable[[], None]]) -> None:
    c = demo
    name = _name()
    ids = c.network.create_isolated_network(name, "192.168.92.0/24", with_router=False)
    cleanups.append(lambda: c.network.delete_isolated_network(ids))
    group = c.network.find_security_group("default")
    assert group is not None
    port = c.network.create_port(ids.network_id, fixed_ip="192.168.92.15",
                                 security_groups=[group.id])
    volumes = []
    for size in (1, 2):
        vid = c.volume.create_volume(size, name=f"{name}-{size}", volume_type=TYPE)
        cleanups.append(lambda v=vid: c.volume.delete_volume(v))
        c.volume.wait_available(vid)
        volumes.append(vid)
    c.volume.set_bootable(volumes[0])
    sid = c.compute.boot_server(name, "m1.tiny", volumes[0], [NIC(port_id=port.id)],
                                metadata={OPERATION_KEY: name})
    cleanups.append(lambda: c.compute.delete_server(sid, wait=True))
    c.compute.wait_active(sid)
    c.compute.attach_volume(sid, volumes[1])
    c.volume.wait_status(volumes[1], ["in-use"])

    spec = c.compute.capture_server(sid)
    assert (spec.name, spec.flavor.name, spec.flavor.vcpus) == (name, "m1.tiny", 1)
    assert spec.flavor.id  # looked up by name: 2.47+ embeds the flavor without it
    assert spec.image_id is None and spec.boot_volume is not None
    assert spec.boot_volume.volume_id == volumes[0] and spec.boot_volume.boot_index == 0
    assert [(v.volume_id, v.size_gb, v.volume_type) for v in spec.data_volumes] == [
        (volumes[1], 2, TYPE)]
    assert spec.data_volumes[0].device and spec.data_volumes[0].device.startswith("/dev/")
    (p,) = spec.ports
    assert (p.port_id, p.network_name, p.mac_address) == (port.id, name, port.mac_address)
    assert [ip.ip_address for ip in p.fixed_ips] == ["192.168.92.15"]
    assert p.security_groups == ("default",)
    assert spec.metadata == {OPERATION_KEY: name} and spec.availability_zone
    assert c.compute.find_servers({OPERATION_KEY: name})[0].id == sid


def test_mock_storage_volumes(demo: Cloud, cleanups: list[Callable[[], None]]) -> None:
    """The mock driver's factory: an empty volume marked bootable (the lab's
    Cinder cannot copy images)."""
    factory = demo.target_volumes(volume_from_image=False)
    image = factory.find_image("cirros")
    vid = factory.create_volume_from_image(image, 1, _name(), TYPE)
    cleanups.append(lambda: factory.delete_volume(vid))
    vol = demo.volume.get_volume(vid)
    assert vol.bootable and vol.volume_type == TYPE


def test_not_found(demo: Cloud) -> None:
    missing = str(uuid.uuid4())
    with pytest.raises(exc.CloudNotFound):
        demo.volume.get_volume(missing)
    with pytest.raises(exc.CloudNotFound):
        demo.compute.get_server(missing)
    assert demo.compute.find_flavor("m1.huge") is None
    assert demo.network.find_network(missing) is None
    demo.compute.delete_server(missing)
    demo.network.delete_port(missing)
