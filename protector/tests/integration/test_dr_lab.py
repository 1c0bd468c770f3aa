"""A DR drill on the two real OpenStack sites, in the spec's mock storage
mode: a PG of two servers (boot from volume, plus a data volume) goes
through test failover and cleanup, planned failover, reprotect and
failback, driven with the `openstack protector` CLI as the demo tenant.

After each operation the test reads both clouds through openstacksdk: the
servers really run on the target Nova, booted from volumes the target
Cinder holds, and nothing an operation made is left behind.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import openstack
import pytest

from protector.lab import catalog
from protector.lab import workload as lab_workload
from protector.tests.integration import cloud_lab
from protector.tests.integration.helpers import Openstack

pytestmark = pytest.mark.integration
TYPE = "replicated-async"
NETWORK_MAP = f"{catalog.NETWORK}={catalog.NETWORK}"
WAIT = ("--wait", "--timeout", "600", "-f", "json")


class Tenant:
    """The demo project on one site, as openstacksdk sees it."""

    def __init__(self, cloud: str) -> None:
        cloud_lab.require(f"{cloud}-demo")
        self.cloud = cloud
        self.conn = openstack.connection.Connection(
            config=cloud_lab.cloud_region(f"{cloud}-demo"))

    def servers(self, mark: str) -> dict[str, Any]:
        """Live servers of this run by name."""
        return {s.name: s for s in self.conn.compute.servers(details=True)
                if mark in s.name and s.status not in ("DELETED", "SOFT_DELETED")}

    def volumes(self) -> dict[str, Any]:
        return {v.id: v for v in self.conn.block_storage.volumes(details=True)
                if v.status not in ("deleting", "deleted")}

    def networks(self) -> set[str]:
        return {n.id for n in self.conn.network.networks()}

    def attached(self, server: Any) -> set[str]:
        return {a.volume_id for a in self.conn.compute.volume_attachments(server)}

    def wait_servers(self, mark: str, count: int, timeout: float = 180) -> dict[str, Any]:
        """The servers of this run once there are ``count`` (deletes are async)."""
        deadline = time.monotonic() + timeout
        while len(found := self.servers(mark)) != count:
            assert time.monotonic() < deadline, (
                f"{self.cloud}: {sorted(found)} servers, expected {count}")
            time.sleep(2)
        return found

    def purge(self, mark: str) -> None:
        """Delete what this run left here: its servers, then its volumes."""
        ours = list(self.servers(mark).values())
        for server in ours:
            self.conn.compute.delete_server(server)
        for server in ours:
            self.conn.compute.wait_for_delete(server, wait=120)
        for vol in self.volumes().values():
            if mark in (vol.name or "") or mark in str(vol.metadata):
                self.conn.block_storage.delete_volume(vol, ignore_missing=True)


@pytest.fixture(scope="module")
def tenants() -> dict[str, Tenant]:
    return {cloud: Tenant(cloud) for cloud in ("site-a", "site-b")}


@pytest.fixture(scope="module")
def mapping(openstack: Openstack, registered_sites: dict[str, Any],
            tenants: dict[str, Tenant]) -> Iterator[None]:
    """The demo tenant of site-a mapped to the demo tenant of site-b (one an
    earlier run left is used, and left)."""
    local = tenants["site-a"].conn.current_project_id
    remote = tenants["site-b"].conn.current_project_id
    existing = [m for m in openstack("site-a", "protector", "tenant", "mapping", "list",
                                     "-f", "json")
                if (m["local_tenant"], m["remote_tenant"]) == (local, remote)]
    if existing:
        yield
        return
    created = openstack("site-a", "protector", "tenant", "mapping", "create",
                        "--local-tenant", local,
                        "--remote-site", registered_sites["site-a"]["site-b"]["id"],
                        "--remote-tenant", remote,
                        "--description", "lab DR drill", "-f", "json")
    yield
    openstack("site-a", "protector", "tenant", "mapping", "delete", created["id"],
              check=False)


@pytest.fixture(scope="module")
def workload(tenants: dict[str, Tenant]) -> Iterator[tuple[str, dict[str, dict[str, str]]]]:
    """Two ACTIVE servers of the demo tenant on site-a, each booted from a
    cirros volume with a data volume attached: (mark, name -> ids)."""
    mark = f"dr{uuid.uuid4().hex[:6]}"
    try:
        made = {name: {"server": m.server, "boot": m.boot, "data": m.data}
                for name, m in lab_workload.boot_servers(
                    tenants["site-a"].conn, [f"{mark}-db", f"{mark}-web"]).items()}
        yield mark, made
    finally:
        for tenant in tenants.values():
            tenant.purge(mark)


def _health(cloud: str, pg_id: str) -> dict[str, Any]:
    """GET /v1/{project}/health (microversion 1.2) as the demo tenant."""
    sess = cloud_lab.cloud_region(f"{cloud}-demo").get_session()
    resp = sess.get(f"/health?protection_group_id={pg_id}",
                    endpoint_filter={"service_type": "protector", "interface": "public"},
                    headers={"OpenStack-API-Version": "protector 1.2"})
    (pg,) = resp.json()["health"]["protection_groups"]
    return pg


def _wait_recovery_point(pg_id: str, timeout: float = 150) -> None:
    """The first scheduled recovery point (RPO one minute), as the engine's
    replication monitor reports it."""
    deadline = time.monotonic() + timeout
    while _health("site-a", pg_id)["last_replication_at"] is None:
        assert time.monotonic() < deadline, "no recovery point was recorded"
        time.sleep(3)


def _run(tenant: Openstack, cloud: str, *args: str) -> dict[str, Any]:
    op = tenant(cloud, "protector", "protection-group", *args, *WAIT)
    assert op["status"] == "completed", op
    return op


def _on_target(tenant: Tenant, mark: str, names: list[str]) -> dict[str, Any]:
    """The servers run on ``tenant``'s Nova, each with a boot and a data
    volume from its own Cinder."""
    servers = tenant.wait_servers(mark, len(names))
    volumes = tenant.volumes()
    assert sorted(servers) == sorted(names)
    for server in servers.values():
        assert server.status == "ACTIVE", server
        attached = tenant.attached(server)
        assert len(attached) == 2 and attached <= set(volumes), (server.name, attached)
        assert any(volumes[v].is_bootable for v in attached)
    return servers


def test_drill(tenant_openstack: Openstack, mapping: None, tenants: dict[str, Tenant],
               workload: tuple[str, dict[str, dict[str, str]]]) -> None:
    cli = tenant_openstack
    mark, made = workload
    a, b = tenants["site-a"], tenants["site-b"]
    names = sorted(made)
    pg_name = f"{mark}-pg"
    pg = cli("site-a", "protector", "protection-group", "create", "--name",
                   pg_name, "--replication-type", "async", "--volume-type", TYPE,
                   "--primary-site", "site-a", "--secondary-site", "site-b", "-f", "json")
    try:
        cli("site-a", "protector", "policy", "create", pg_name,
                  "--primary-fa-url", "https://array-a.lab", "--primary-fa-token", "tok-a",
                  "--secondary-fa-url", "https://array-b.lab", "--secondary-fa-token",
                  "tok-b", "--rpo-minutes", "1")
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
        _wait_recovery_point(pg["id"])
        volumes_b, networks_b = set(b.volumes()), b.networks()

        # 1. Test failover on site-b, site-a untouched; cleanup removes it all.
        _run(cli, "site-a", "test-failover", pg_name, "--auto-network")
        _on_target(b, mark, names)
        assert {s.status for s in a.servers(mark).values()} == {"ACTIVE"}
        assert b.networks() > networks_b  # the isolated network
        _run(cli, "site-a", "test-cleanup", pg_name)
        b.wait_servers(mark, 0)
        assert set(b.volumes()) == volumes_b and b.networks() == networks_b

        # 2. Planned failover: site-a's servers stop, site-b's run.
        op = _run(cli, "site-a", "failover", pg_name, "--network-mapping",
                  NETWORK_MAP)
        assert op["failover_type"] == "planned"
        _on_target(b, mark, names)
        assert {s.status for s in a.servers(mark).values()} == {"SHUTOFF"}
        shown = cli("site-b", "protector", "protection-group", "show", pg_name,
                          "-f", "json")
        assert shown["status"] == "failed_over"

        # 3. Reprotect on site-b: site-a's old copy (servers, volumes) is retired.
        _run(cli, "site-b", "reprotect", pg_name)
        a.wait_servers(mark, 0)
        assert not {v["boot"] for v in made.values()} & set(a.volumes())

        # 4. Failback to site-a; site-b ends as it began.
        _run(cli, "site-b", "failback", pg_name, "--network-mapping", NETWORK_MAP)
        _on_target(a, mark, names)
        b.wait_servers(mark, 0)
        assert set(b.volumes()) == volumes_b
        shown = cli("site-a", "protector", "protection-group", "show", pg_name,
                          "-f", "json")
        assert shown["status"] == "active"
    finally:
        _delete_pg(cli, pg_name)


def _delete_pg(cli: Openstack, pg_name: str, timeout: float = 180) -> None:
    """Members out (their removal is an operation), then the PG, from the
    site it runs on; a failure here fails the test: nothing may stay."""
    shown = cli("site-a", "protector", "protection-group", "show", pg_name, check=False)
    if shown.returncode != 0:
        return
    members = [m["id"] for m in cli("site-a", "protector", "member", "list", pg_name,
                                    "-f", "json")]
    if members:
        cli("site-a", "protector", "member", "remove", pg_name, *members)
    deadline = time.monotonic() + timeout
    while cli("site-a", "protector", "member", "list", pg_name, "-f", "json"):
        assert time.monotonic() < deadline, "members were not removed"
        time.sleep(2)
    cli("site-a", "protector", "protection-group", "delete", pg_name)
