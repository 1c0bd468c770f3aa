"""A DR drill on the two real OpenStack sites (Cinder's Pure driver on the
simulated FlashArrays with --storage pure, else the spec's mock storage
mode), once for an async PG and once for a sync one: a PG of two servers
(boot from volume, plus a data volume) goes through test failover and
cleanup, planned failover, reprotect and failback, driven with the
`openstack protector` CLI as the demo tenant.

After each operation the test reads both clouds through openstacksdk: the
servers really run on the target Nova, booted from volumes the target
Cinder holds, and nothing an operation made is left behind.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from protector.lab import catalog, config, disaster
from protector.tests.integration import arrays as lab_arrays_check
from protector.tests.integration import drill
from protector.tests.integration.drill import Tenant
from protector.tests.integration.helpers import Openstack

pytestmark = pytest.mark.integration
TYPE = "replicated-async"
NETWORK_MAP = f"{catalog.NETWORK}={catalog.NETWORK}"


def _run(tenant: Openstack, cloud: str, *args: str, label: str = "") -> dict[str, Any]:
    op = drill.act(tenant, cloud, *args)
    assert op["status"] == "completed", op
    drill.record_rto(op, label)
    return op


def _accounted(pg_id: str | None = None) -> None:
    """--storage pure: both arrays hold exactly what both Cinders know."""
    if config.storage_mode() == "pure":
        gone = (f"protector-{pg_id.replace('-', '')}",) if pg_id else ()
        lab_arrays_check.assert_accounted(gone_pgroups=gone)


def _home(cli: Openstack, tenants: dict[str, Tenant],
          workload: tuple[str, dict[str, dict[str, str]]], rtype: str,
          volumes_b: set[str], retype: set[str] = frozenset()) -> None:
    """From failed over on site-b: reprotect retires site-a's copy (servers
    and volumes), failback brings the servers home; site-b ends empty.
    ``retype``: site-b's volumes the failover managed unreplicated, which
    reprotect gives the PG's type (Cinder's driver moves them into the pod)."""
    mark, made = workload
    a, b = tenants["site-a"], tenants["site-b"]
    pg_name = f"{mark}-pg"
    op = _run(cli, "site-b", "reprotect", pg_name, label=rtype)
    assert set((op["result"] or {}).get("retyped_volumes") or ()) == retype, op
    if retype:
        now = b.volumes()
        assert {now[v].volume_type for v in retype} == {f"replicated-{rtype}"}
        pod = lab_arrays_check.pod_volumes("b")
        assert {f"cinder-pod::volume-{v}-cinder" for v in retype} <= pod, pod
    a.wait_servers(mark, 0)
    assert not {v["boot"] for v in made.values()} & set(a.volumes())
    _accounted()
    _run(cli, "site-b", "failback", pg_name, "--network-mapping", NETWORK_MAP, label=rtype)
    _on_target(a, mark, sorted(made))
    b.wait_servers(mark, 0)
    assert set(b.volumes()) == volumes_b
    assert drill.show_pg(cli, "site-a", pg_name)["status"] == "active"


def _disaster(cli: Openstack, tenants: dict[str, Tenant],
              workload: tuple[str, dict[str, dict[str, str]]], rtype: str,
              pg: dict[str, Any], volumes_b: set[str]) -> None:
    """5. site-a's protector, Keystone (and array) stop; unplanned failover
    on site-b from the newest point that reached it. 6. site-a returns with
    its old servers still running; sync-force makes it agree with site-b,
    then reprotect (a sync PG's volumes retyped first) and failback as after
    the planned failover."""
    mark, made = workload
    a, b = tenants["site-a"], tenants["site-b"]
    pg_name = pg["name"]
    if rtype == "async":
        drill.wait_recovery_point(pg["id"], since=time.time())
    disaster.strike(config.SITES["a"])
    failover = ("failover", pg_name, "--unplanned", "--network-mapping", NETWORK_MAP)
    op = _run(cli, "site-b", *failover, label=rtype)
    assert op["failover_type"] == "unplanned"
    servers = _on_target(b, mark, sorted(made), accounted=False)  # site-a cannot be read
    assert drill.show_pg(cli, "site-b", pg_name)["status"] == "failed_over"
    retype: set[str] = set()
    if rtype == "sync":  # (the sync drill runs on --storage pure only)
        # Cinder's Pure driver stretches each replicated-sync volume it
        # manages to the pod's other array, and array-a is lost: the copies
        # are managed as the lab's unreplicated type, outside the pod.
        point = op["result"]["recovery_point"]
        assert point["volume_type"] == catalog.UNREPLICATED, point
        now = b.volumes()
        retype = {v for server in servers.values() for v in b.attached(server)}
        assert {now[v].volume_type for v in retype} == {catalog.UNREPLICATED}
        assert not {f"cinder-pod::volume-{v}-cinder" for v in retype} & \
            lab_arrays_check.pod_volumes("b")
    disaster.restore(config.SITES["a"])
    assert {s.status for s in a.servers(mark).values()} == {"ACTIVE"}
    forced = cli("site-b", "protector", "protection-group", "sync-force", pg_name,
                 "-f", "json")
    assert forced["status"] == "IN_SYNC", forced
    assert forced["local_version"] == forced["peer_version"], forced
    _home(cli, tenants, workload, rtype, volumes_b, retype)


def _on_target(tenant: Tenant, mark: str, names: list[str],
               accounted: bool = True) -> dict[str, Any]:
    """The servers run on ``tenant``'s Nova, each with a boot and a data
    volume from its own Cinder (its Pure back end with --storage pure)."""
    servers = tenant.wait_servers(mark, len(names))
    volumes = tenant.volumes()
    assert sorted(servers) == sorted(names)
    for server in servers.values():
        assert server.status == "ACTIVE", server
        attached = tenant.attached(server)
        assert len(attached) == 2 and attached <= set(volumes), (server.name, attached)
        assert any(volumes[v].is_bootable for v in attached)
        if config.storage_mode() == "pure":
            backends = lab_arrays_check.server_backends(tenant.cloud, attached)
            assert backends == {f"cinder-{tenant.cloud[-1]}@pure"}, (server.name, backends)
    if accounted:
        _accounted()
    return servers


@pytest.mark.parametrize(("workload", "rtype"), [(TYPE, "async"), ("replicated-sync", "sync")],
                         indirect=["workload"], ids=["async", "sync"])
def test_drill(tenant_openstack: Openstack, mapping: None, tenants: dict[str, Tenant],
               workload: tuple[str, dict[str, dict[str, str]]], rtype: str) -> None:
    """Async: a Pure protection group replicating on its schedule; sync: the
    group inside the stretched pod (both with --storage pure)."""
    if rtype == "sync" and config.storage_mode() != "pure":
        pytest.skip("the sync drill needs pods: --storage pure (mock storage has none)")
    cli = tenant_openstack
    mark, made = workload
    a, b = tenants["site-a"], tenants["site-b"]
    names = sorted(made)
    pg_name = f"{mark}-pg"
    pg = drill.create_pg(cli, pg_name, rtype)
    try:
        drill.protect(cli, pg_name, made)
        if rtype == "async":  # a pod replicates continuously: no schedule to wait for
            drill.wait_recovery_point(pg["id"])
        volumes_b, networks_b = set(b.volumes()), b.networks()

        # 1. Test failover on site-b, site-a untouched; cleanup removes it all.
        _run(cli, "site-a", "test-failover", pg_name, "--auto-network", label=rtype)
        _on_target(b, mark, names)
        assert {s.status for s in a.servers(mark).values()} == {"ACTIVE"}
        assert b.networks() > networks_b  # the isolated network
        _run(cli, "site-a", "test-cleanup", pg_name, label=rtype)
        b.wait_servers(mark, 0)
        assert set(b.volumes()) == volumes_b and b.networks() == networks_b
        _accounted()

        # 2. Planned failover: site-a's servers stop, site-b's run.
        op = _run(cli, "site-a", "failover", pg_name, "--network-mapping",
                  NETWORK_MAP, label=rtype)
        assert op["failover_type"] == "planned"
        _on_target(b, mark, names)
        assert {s.status for s in a.servers(mark).values()} == {"SHUTOFF"}
        assert drill.show_pg(cli, "site-b", pg_name)["status"] == "failed_over"

        # 3, 4. Reprotect on site-b (site-a's old copy retired), fail back.
        _home(cli, tenants, workload, rtype, volumes_b)

        # 5, 6. Disaster on site-a, unplanned failover on site-b, site-a back.
        _disaster(cli, tenants, workload, rtype, pg, volumes_b)
    finally:
        if disaster.struck(config.SITES["a"]):
            disaster.restore(config.SITES["a"])
        drill.delete_pg(cli, pg_name)
    # The PG's protection groups are gone from both arrays with it.
    _accounted(pg["id"])
