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

from protector.lab import catalog, config
from protector.tests.integration import arrays as lab_arrays_check
from protector.tests.integration import drill
from protector.tests.integration.drill import Tenant
from protector.tests.integration.helpers import Openstack

pytestmark = pytest.mark.integration
TYPE = "replicated-async"
NETWORK_MAP = f"{catalog.NETWORK}={catalog.NETWORK}"
WAIT = ("--wait", "--timeout", "600", "-f", "json")


def _run(tenant: Openstack, cloud: str, *args: str, label: str = "") -> dict[str, Any]:
    op = tenant(cloud, "protector", "protection-group", *args, *WAIT)
    assert op["status"] == "completed", op
    drill.record_rto(op, label)
    return op


def _accounted(pg_id: str | None = None) -> None:
    """--storage pure: both arrays hold exactly what both Cinders know."""
    if config.storage_mode() == "pure":
        gone = (f"protector-{pg_id.replace('-', '')}",) if pg_id else ()
        lab_arrays_check.assert_accounted(gone_pgroups=gone)


def _on_target(tenant: Tenant, mark: str, names: list[str]) -> dict[str, Any]:
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
    _accounted()
    return servers


@pytest.mark.parametrize(("workload", "rtype"), [(TYPE, "async"), ("replicated-sync", "sync")],
                         indirect=["workload"], ids=["async", "sync"])
def test_drill(tenant_openstack: Openstack, mapping: None, tenants: dict[str, Tenant],
               workload: tuple[str, dict[str, dict[str, str]]], rtype: str) -> None:
    """Async: a Pure protection group replicating on its schedule; sync: the
    group inside the stretched pod (both with --storage pure)."""
    if rtype == "sync" and config.storage_mode() != "pure":
        pytest.skip("the sync drill runs on --storage pure (issue #16)")
    cli = tenant_openstack
    vtype = f"replicated-{rtype}"
    mark, made = workload
    a, b = tenants["site-a"], tenants["site-b"]
    names = sorted(made)
    pg_name = f"{mark}-pg"
    pg = cli("site-a", "protector", "protection-group", "create", "--name",
                   pg_name, "--replication-type", rtype, "--volume-type", vtype,
                   "--primary-site", "site-a", "--secondary-site", "site-b", "-f", "json")
    try:
        cli("site-a", "protector", "policy", "create", pg_name, *drill.policy_args(),
            "--rpo-minutes", "1")
        for order, name in enumerate(names, 1):
            cli("site-a", "protector", "member", "add", pg_name,
                      made[name]["server"], "--boot-order", str(order))
        deadline = time.monotonic() + 180
        while True:
            members = cli("site-a", "protector", "member", "list", pg_name, "-f", "json")
            statuses = {m["status"] for m in members}
            assert "error" not in statuses, members
            if statuses == {"protected"}:
                break
            assert time.monotonic() < deadline, f"members were not protected: {members}"
            time.sleep(2)
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
        shown = cli("site-b", "protector", "protection-group", "show", pg_name,
                          "-f", "json")
        assert shown["status"] == "failed_over"

        # 3. Reprotect on site-b: site-a's old copy (servers, volumes) is retired.
        _run(cli, "site-b", "reprotect", pg_name, label=rtype)
        a.wait_servers(mark, 0)
        assert not {v["boot"] for v in made.values()} & set(a.volumes())
        _accounted()

        # 4. Failback to site-a; site-b ends as it began.
        _run(cli, "site-b", "failback", pg_name, "--network-mapping", NETWORK_MAP, label=rtype)
        _on_target(a, mark, names)
        b.wait_servers(mark, 0)
        assert set(b.volumes()) == volumes_b
        shown = cli("site-a", "protector", "protection-group", "show", pg_name,
                          "-f", "json")
        assert shown["status"] == "active"
    finally:
        drill.delete_pg(cli, pg_name)
    # The PG's protection groups are gone from both arrays with it.
    _accounted(pg["id"])
