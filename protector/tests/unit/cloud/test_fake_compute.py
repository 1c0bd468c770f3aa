"""The fake Nova: transitions, capacity, faults, capture."""

import threading
from typing import Any

import pytest

from protector.cloud import exception as exc
from protector.cloud.base import Cloud
from protector.cloud.compute import NIC, ServerSpec
from protector.cloud.fake import FakeClock, FakeCloud, seed_server
from protector.cloud.fake.cloud import NO_VALID_HOST


def boot_volume(cloud: Cloud, size: int = 1) -> str:
    vid = cloud.volume.create_volume(size, volume_type="replicated")
    cloud.volume.wait_available(vid)
    return vid


def private(cloud: Cloud) -> list[NIC]:
    net = cloud.network.find_network("private")
    assert net is not None
    return [NIC(network_id=net.id)]


def test_build_goes_active_after_build_time(fake: FakeCloud, cloud: Cloud,
                                           clock: FakeClock) -> None:
    vid = boot_volume(cloud)
    start = clock.monotonic()
    sid = cloud.compute.boot_server("vm", "m1.tiny", vid, private(cloud))
    assert cloud.compute.get_server(sid).status == "BUILD"
    assert cloud.volume.get_volume(vid).status == "attaching"
    server = cloud.compute.wait_active(sid)
    assert server.status == "ACTIVE" and server.host == "compute-1"
    assert clock.monotonic() - start >= fake.build_time
    vol = cloud.volume.get_volume(vid)
    assert vol.status == "in-use" and vol.attachments[0].server_id == sid


def test_builds_queue_behind_max_concurrent_builds(make_cloud: Any, clock: FakeClock) -> None:
    fake = make_cloud(build_time=10.0, max_concurrent_builds=10, compute_hosts=2)
    cloud = fake.as_cloud()
    vids = [boot_volume(cloud) for _ in range(25)]
    start = clock.monotonic()
    sids = [cloud.compute.boot_server(f"vm{i}", "m1.tiny", v, private(cloud))
            for i, v in enumerate(vids)]
    clock.advance(10.0)
    active = [s for s in sids if cloud.compute.get_server(s).status == "ACTIVE"]
    assert len(active) == 20  # two hosts, ten slots each
    clock.advance(10.0)
    assert all(cloud.compute.get_server(s).status == "ACTIVE" for s in sids)
    hosts = {cloud.compute.get_server(s).host for s in sids}
    assert hosts == {"compute-1", "compute-2"}
    assert clock.monotonic() - start >= 20.0


def test_max_servers_is_a_quota(make_cloud: Any) -> None:
    fake = make_cloud(max_servers=1)
    cloud = fake.as_cloud()
    cloud.compute.boot_server("a", "m1.tiny", boot_volume(cloud), private(cloud))
    with pytest.raises(exc.QuotaExceeded, match="Quota exceeded for instances"):
        cloud.compute.boot_server("b", "m1.tiny", boot_volume(cloud), private(cloud))


def test_full_hosts_give_no_valid_host(make_cloud: Any) -> None:
    fake = make_cloud(max_servers_per_host=1)
    cloud = fake.as_cloud()
    cloud.compute.boot_server("a", "m1.tiny", boot_volume(cloud), private(cloud))
    vid = boot_volume(cloud)
    sid = cloud.compute.boot_server("b", "m1.tiny", vid, private(cloud))
    with pytest.raises(exc.ResourceInError, match="No valid host") as err:
        cloud.compute.wait_active(sid)
    assert err.value.kwargs["status"] == "ERROR"
    server = cloud.compute.get_server(sid)
    assert server.fault == NO_VALID_HOST
    assert cloud.volume.get_volume(vid).status == "available"  # released for a retry


def test_injected_build_error(fake: FakeCloud, cloud: Cloud) -> None:
    fake.fail_builds(1, fault="Build of instance aborted: disk full")
    first = cloud.compute.boot_server("a", "m1.tiny", boot_volume(cloud), private(cloud))
    second = cloud.compute.boot_server("b", "m1.tiny", boot_volume(cloud), private(cloud))
    with pytest.raises(exc.ResourceInError, match="disk full"):
        cloud.compute.wait_active(first)
    assert cloud.compute.wait_active(second).status == "ACTIVE"
    # Nova frees the ports it made for a failed build
    assert not [p for p in fake.ports.values() if p.data["device_id"] == first]


def test_boot_checks_inputs(fake: FakeCloud, cloud: Cloud) -> None:
    vid = boot_volume(cloud)
    with pytest.raises(exc.CloudNotFound, match="Flavor m1.huge"):
        cloud.compute.boot_server("a", "m1.huge", vid, private(cloud))
    with pytest.raises(exc.CloudRequestFailed, match="key_name"):
        cloud.compute.boot_server("a", "m1.tiny", vid, private(cloud), key_name="nope")
    with pytest.raises(exc.CloudRequestFailed, match="security_group"):
        cloud.compute.boot_server("a", "m1.tiny", vid, private(cloud),
                                  security_groups=["web"])
    net = cloud.network.find_network("private")
    assert net is not None
    port = cloud.network.create_port(net.id)
    cloud.compute.boot_server("a", "m1.tiny", vid, [NIC(port_id=port.id)])
    with pytest.raises(exc.CloudConflict, match="in use"):
        cloud.compute.boot_server("b", "m1.tiny", boot_volume(cloud), [NIC(port_id=port.id)])
    with pytest.raises(exc.CloudRequestFailed, match="Block Device Mapping"):
        cloud.compute.boot_server("c", "m1.tiny", vid, private(cloud))  # volume in use
    with pytest.raises(ValueError):
        NIC()


def test_capture_round_trips(fake: FakeCloud, cloud: Cloud) -> None:
    sid = seed_server(fake, "web", volume_sizes=(1, 2, 3), key_name="ops",
                      metadata={"role": "web"})
    spec = cloud.compute.capture_server(sid)
    assert spec.flavor.name == "m1.tiny" and spec.flavor.ram_mb == 512
    assert spec.key_name == "ops" and spec.metadata == {"role": "web"}
    assert spec.boot_volume is not None and spec.boot_volume.device == "/dev/vda"
    assert spec.boot_volume.bootable and spec.boot_volume.boot_index == 0
    assert [v.device for v in spec.data_volumes] == ["/dev/vdb", "/dev/vdc"]
    assert [v.size_gb for v in spec.volumes] == [1, 2, 3]
    (port,) = spec.ports
    assert port.network_name == "private" and port.fixed_ips[0].ip_address.startswith("10.0.0.")
    assert port.mac_address and port.security_groups == ("default",)
    assert spec.security_groups == ("default",)
    assert ServerSpec.from_dict(spec.to_dict()) == spec


def test_stop_start_attach_delete(fake: FakeCloud, cloud: Cloud) -> None:
    sid = seed_server(fake, "db")
    cloud.compute.stop_server(sid)
    assert cloud.compute.get_server(sid).status == "SHUTOFF"
    cloud.compute.stop_server(sid)  # already off: fine
    cloud.compute.start_server(sid)
    assert cloud.compute.get_server(sid).status == "ACTIVE"
    vid = boot_volume(cloud, 5)
    cloud.compute.attach_volume(sid, vid)
    assert cloud.volume.get_volume(vid).status == "attaching"
    vol = cloud.volume.wait_status(vid, ["in-use"])
    assert vol.attachments[0].device == "/dev/vdb"
    cloud.compute.delete_server(sid)
    cloud.compute.delete_server(sid)  # gone: fine
    assert cloud.volume.get_volume(vid).status == "available"
    with pytest.raises(exc.CloudNotFound):
        cloud.compute.get_server(sid)


def test_stop_while_building_conflicts(cloud: Cloud) -> None:
    sid = cloud.compute.boot_server("a", "m1.tiny", boot_volume(cloud), private(cloud))
    with pytest.raises(exc.CloudConflict, match="BUILD"):
        cloud.compute.stop_server(sid)


def test_wait_times_out(make_cloud: Any) -> None:
    cloud = make_cloud(build_time=100.0).as_cloud()
    sid = cloud.compute.boot_server("a", "m1.tiny", boot_volume(cloud), private(cloud))
    with pytest.raises(exc.CloudTimeout, match="did not reach ACTIVE within 5"):
        cloud.compute.wait_active(sid, timeout=5)


def test_find_servers_by_operation_tag(fake: FakeCloud, cloud: Cloud) -> None:
    seed_server(fake, "other")
    made = [cloud.compute.boot_server(f"vm{i}", "m1.tiny", boot_volume(cloud), private(cloud),
                                      metadata={"protector_operation": "op-1"})
            for i in range(3)]
    found = cloud.compute.find_servers({"protector_operation": "op-1"})
    assert sorted(s.id for s in found) == sorted(made)
    assert cloud.compute.find_servers({"protector_operation": "op-2"}) == []


def test_flavors_and_keypairs(fake: FakeCloud, cloud: Cloud) -> None:
    assert {f.name for f in cloud.compute.list_flavors()} >= {"m1.tiny", "m1.small"}
    small = cloud.compute.find_flavor("m1.small")
    assert small is not None and cloud.compute.find_flavor(small.id) == small
    assert cloud.compute.find_flavor("m1.huge") is None
    fake.add_keypair("ops")
    assert cloud.compute.find_keypair("ops") == "ops"
    assert cloud.compute.find_keypair("dev") is None


def test_latency_and_concurrency_are_observable() -> None:
    slept: list[float] = []
    clock = FakeClock()

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.sleep(seconds)

    fake = FakeCloud(clock=clock.monotonic, sleep=sleep, default_latency=0.01,
                     latency={"compute.boot_server": 0.5, "find_flavor": 0.2})
    cloud = fake.as_cloud()
    slept.clear()
    cloud.compute.find_flavor("m1.tiny")
    cloud.compute.list_flavors()
    assert slept == [0.2, 0.01]
    assert fake.calls["compute.find_flavor"] == 1


def test_calls_overlap_outside_the_lock() -> None:
    gate = threading.Barrier(4, timeout=5)
    fake = FakeCloud(sleep=lambda _: gate.wait(), default_latency=1.0)
    cloud = fake.as_cloud()
    threads = [threading.Thread(target=cloud.compute.list_flavors) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert fake.peak_in_flight["compute.list_flavors"] == 4


def test_concurrent_boots_are_consistent(make_cloud: Any) -> None:
    fake = make_cloud(compute_hosts=3, default_latency=0.01)
    cloud = fake.as_cloud()
    vids = [boot_volume(cloud) for _ in range(30)]
    nics = private(cloud)
    sids: list[str] = []
    lock = threading.Lock()

    def boot(i: int) -> None:
        sid = cloud.compute.boot_server(f"vm{i}", "m1.tiny", vids[i], nics)
        cloud.compute.wait_active(sid)
        with lock:
            sids.append(sid)

    threads = [threading.Thread(target=boot, args=(i,)) for i in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(sids) == 30
    ips = {p.data["fixed_ips"][0][0] for p in fake.ports.values()}
    assert len(ips) == 30  # no address handed out twice
    assert all(cloud.volume.get_volume(v).status == "in-use" for v in vids)
