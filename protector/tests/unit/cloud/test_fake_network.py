"""The fake Neutron and Glance."""

import pytest

from protector.cloud import exception as exc
from protector.cloud.base import Cloud
from protector.cloud.common import operation_tag
from protector.cloud.compute import NIC
from protector.cloud.fake import FakeCloud

TAG = operation_tag("op-1")


def test_isolated_network_lifecycle(fake: FakeCloud, cloud: Cloud) -> None:
    net = cloud.network
    ids = net.create_isolated_network("dr-test", "192.168.50.0/24", tags=[TAG])
    assert ids.subnet_id and ids.router_id
    found = net.find_network("dr-test")
    assert found is not None and found.id == ids.network_id and TAG in found.tags
    assert net.find_isolated_networks(TAG) == [ids]
    port = net.create_port(ids.network_id, fixed_ip="192.168.50.10", tags=[TAG])
    vid = cloud.volume.wait_available(cloud.volume.create_volume(1)).id
    sid = cloud.compute.boot_server("vm", "m1.tiny", vid, [NIC(port_id=port.id)])
    net.delete_isolated_network(ids)
    net.delete_isolated_network(ids)  # gone: fine
    assert net.find_network("dr-test") is None and net.find_isolated_networks(TAG) == []
    assert net.find_ports(TAG) == []
    assert cloud.compute.capture_server(sid).ports == ()


def test_no_router(cloud: Cloud) -> None:
    ids = cloud.network.create_isolated_network("n", "10.9.0.0/24", with_router=False)
    assert ids.router_id is None


def test_ports(cloud: Cloud) -> None:
    net = cloud.network
    private = net.find_network("private")
    assert private is not None
    web = net.find_security_group("web")
    assert web is None
    default = net.find_security_group("default")
    assert default is not None and net.find_security_group(default.id) == default
    port = net.create_port(private.id, fixed_ip="10.0.0.50", mac_address="fa:16:3e:00:00:01",
                           security_groups=[default.id], name="p", tags=[TAG])
    assert port.fixed_ips[0].ip_address == "10.0.0.50" and port.fixed_ips[0].subnet_id
    assert port.security_group_ids == (default.id,) and port.tags == (TAG,)
    with pytest.raises(exc.CloudConflict, match="already allocated"):
        net.create_port(private.id, fixed_ip="10.0.0.50")
    with pytest.raises(exc.CloudConflict, match="MAC address"):
        net.create_port(private.id, mac_address="fa:16:3e:00:00:01")
    with pytest.raises(exc.CloudRequestFailed, match="not a valid IP"):
        net.create_port(private.id, fixed_ip="172.16.0.5")
    with pytest.raises(exc.CloudNotFound, match="Security group"):
        net.create_port(private.id, security_groups=["nope"])
    with pytest.raises(exc.CloudNotFound, match="Network"):
        net.create_port("nope")
    auto = net.create_port(private.id)
    assert auto.fixed_ips[0].ip_address == "10.0.0.2"  # .1 is the gateway
    assert auto.security_group_ids == (default.id,)
    assert [p.id for p in net.find_ports(TAG)] == [port.id]
    net.delete_port(port.id)
    net.delete_port(port.id)
    assert net.find_ports(TAG) == []


def test_duplicate_names(fake: FakeCloud, cloud: Cloud) -> None:
    fake.add_network("dup", "10.1.0.0/24")
    fake.add_network("dup", "10.2.0.0/24")
    with pytest.raises(exc.CloudConflict, match="several networks"):
        cloud.network.find_network("dup")
    fake.add_security_group("default")
    with pytest.raises(exc.CloudConflict, match="several security groups"):
        cloud.network.find_security_group("default")


def test_bad_cidr(cloud: Cloud) -> None:
    with pytest.raises(exc.CloudRequestFailed, match="invalid CIDR"):
        cloud.network.create_isolated_network("n", "10.0.0.0/33")


def test_images(fake: FakeCloud, cloud: Cloud) -> None:
    cirros = cloud.image.find_image("cirros")
    assert cirros is not None and cloud.image.find_image(cirros) == cirros
    newer = fake.add_image("cirros")
    assert cloud.image.require_image("cirros") == newer
    fake.add_image("queued", status="queued")
    assert cloud.image.find_image("queued") is None
    fake.remove_image("cirros")
    assert cloud.image.find_image("cirros") is None
    with pytest.raises(exc.ImageNotFound) as err:
        cloud.image.require_image("cirros")
    assert str(err.value) == "Image 'cirros' not found on target site"
