"""What the lab's DR drills share (the CLI drill and the dashboard's browser
drill): the demo tenant on each site as openstacksdk sees it, the tenant
mapping, two servers to protect, recovery points and the PG's removal."""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openstack
import pytest

from protector.lab import config
from protector.lab import workload as lab_workload
from protector.tests.integration import cloud_lab
from protector.tests.integration.helpers import Openstack


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
def workload(request: pytest.FixtureRequest, tenants: dict[str, Tenant]
             ) -> Iterator[tuple[str, dict[str, dict[str, str]]]]:
    """Two ACTIVE servers of the demo tenant on site-a, each booted from a
    cirros volume with a data volume attached: (mark, name -> ids). Their
    volume type is ``replicated-async`` unless parametrized (indirect)."""
    volume_type = getattr(request, "param", lab_workload.VOLUME_TYPE)
    mark = f"dr{uuid.uuid4().hex[:6]}"
    try:
        made = {name: {"server": m.server, "boot": m.boot, "data": m.data}
                for name, m in lab_workload.boot_servers(
                    tenants["site-a"].conn, [f"{mark}-db", f"{mark}-web"],
                    volume_type=volume_type).items()}
        yield mark, made
    finally:
        for tenant in tenants.values():
            tenant.purge(mark)


def record_rto(op: dict[str, Any], label: str = "") -> float:
    """An operation's RTO (started to completed), appended to
    $PROTECTOR_ARTIFACTS_DIR/lab-rto.txt for tools/ci-lab.sh to print."""
    started, done = (datetime.fromisoformat(op[k]) for k in ("started_at", "completed_at"))
    seconds = (done - started).total_seconds()
    out = os.environ.get("PROTECTOR_ARTIFACTS_DIR")
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        with open(Path(out) / "lab-rto.txt", "a") as f:
            kind = op.get("failover_type") or ""
            f.write(f"{config.storage_mode():5} {label:6} "
                    f"{op.get('operation_type', '?') + (' ' + kind if kind else ''):22} "
                    f"RTO {seconds:6.1f} s  ({len(op.get('steps_completed') or [])} steps)\n")
    return seconds


def array_policy() -> dict[str, str]:
    """A replication policy's array URLs and tokens for the lab's storage mode:
    the simulated FlashArrays (--storage pure), else names mock storage keys
    its SQLite arrays by."""
    if config.storage_mode() == "pure":
        a, b = config.SITES["a"], config.SITES["b"]
        return {"primary_fa_url": a.array_url, "primary_fa_token": config.ARRAY_API_TOKEN,
                "secondary_fa_url": b.array_url, "secondary_fa_token": config.ARRAY_API_TOKEN}
    return {"primary_fa_url": "https://array-a.lab", "primary_fa_token": "tok-a-secret",
            "secondary_fa_url": "https://array-b.lab", "secondary_fa_token": "tok-b-secret"}


def policy_args() -> list[str]:
    """``openstack protector policy create`` options for :func:`array_policy`."""
    return [arg for key, value in array_policy().items()
            for arg in (f"--{key.replace('_', '-')}", value)]


def health(cloud: str, pg_id: str) -> dict[str, Any]:
    """GET /v1/{project}/health (microversion 1.2) as the demo tenant."""
    sess = cloud_lab.cloud_region(f"{cloud}-demo").get_session()
    resp = sess.get(f"/health?protection_group_id={pg_id}",
                    endpoint_filter={"service_type": "protector", "interface": "public"},
                    headers={"OpenStack-API-Version": "protector 1.2"})
    (pg,) = resp.json()["health"]["protection_groups"]
    return pg


def wait_recovery_point(pg_id: str, since: float | None = None, timeout: float = 150) -> None:
    """A scheduled recovery point (RPO one minute; replicated at ``since``
    (epoch seconds) or later, if given), as site-a's replication monitor
    reports it."""
    deadline = time.monotonic() + timeout
    while True:
        at = health("site-a", pg_id)["last_replication_at"]
        if at is not None and (since is None or _epoch(at) >= since):
            return
        assert time.monotonic() < deadline, f"no recovery point was recorded (last: {at})"
        time.sleep(3)


def _epoch(iso: str) -> float:
    """The API's timestamps are UTC, with or without the offset."""
    at = datetime.fromisoformat(iso)
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()


WAIT = ("--wait", "--timeout", "600")


def act(cli: Openstack, cloud: str, *args: str) -> dict[str, Any]:
    """``openstack protector protection-group <args> --wait``: the operation
    it started, completed (the CLI exits non-zero otherwise)."""
    return cli(cloud, "protector", "protection-group", *args, *WAIT, "-f", "json")


def act_failing(cli: Openstack, cloud: str, *args: str) -> dict[str, Any]:
    """:func:`act` for an operation that must not complete (the CLI exits
    non-zero): the operation, as ``operation show``."""
    proc = cli(cloud, "protector", "protection-group", *args, *WAIT, check=False)
    assert proc.returncode != 0, proc.stdout
    found = re.search(r"Operation ([0-9a-f-]{36}) ", proc.stderr)
    assert found, f"no operation in: {proc.stderr}"
    return show_operation(cli, cloud, found.group(1))


def show_operation(cli: Openstack, cloud: str, op_id: str) -> dict[str, Any]:
    return cli(cloud, "protector", "operation", "show", op_id, "-f", "json")


def show_pg(cli: Openstack, cloud: str, pg_name: str) -> dict[str, Any]:
    return cli(cloud, "protector", "protection-group", "show", pg_name, "-f", "json")


def create_pg(cli: Openstack, pg_name: str, rtype: str) -> dict[str, Any]:
    """A PG of the ``replicated-<rtype>`` type from site-a to site-b."""
    return cli("site-a", "protector", "protection-group", "create", "--name", pg_name,
               "--replication-type", rtype, "--volume-type", f"replicated-{rtype}",
               "--primary-site", "site-a", "--secondary-site", "site-b", "-f", "json")


def protect(cli: Openstack, pg_name: str, made: dict[str, dict[str, str]],
            timeout: float = 180) -> None:
    """The policy (the lab's arrays, RPO one minute), then the servers in name
    order (boot order 1, 2...); wait until every member is protected."""
    cli("site-a", "protector", "policy", "create", pg_name, *policy_args(),
        "--rpo-minutes", "1")
    for order, name in enumerate(sorted(made), 1):
        cli("site-a", "protector", "member", "add", pg_name, made[name]["server"],
            "--boot-order", str(order))
    deadline = time.monotonic() + timeout
    while True:
        members = cli("site-a", "protector", "member", "list", pg_name, "-f", "json")
        statuses = {m["status"] for m in members}
        assert "error" not in statuses, members
        if statuses == {"protected"}:
            return
        assert time.monotonic() < deadline, f"members were not protected: {members}"
        time.sleep(2)


def delete_pg(cli: Openstack, pg_name: str, timeout: float = 180) -> None:
    """Members out (their removal is an operation), then the PG, from the
    site it runs on; a failure here fails the test: nothing may stay."""
    shown = cli("site-a", "protector", "protection-group", "show", pg_name, check=False)
    if shown.returncode != 0:
        return
    pg = cli("site-a", "protector", "protection-group", "show", pg_name, "-f", "json")
    if pg["status"] == "test_failed_over":  # a drill that stopped half-way
        cli("site-a", "protector", "protection-group", "test-cleanup", pg_name, "--wait",
            "--timeout", "600")
    members = [m["id"] for m in cli("site-a", "protector", "member", "list", pg_name,
                                    "-f", "json")]
    if members:
        cli("site-a", "protector", "member", "remove", pg_name, *members)
    deadline = time.monotonic() + timeout
    while cli("site-a", "protector", "member", "list", pg_name, "-f", "json"):
        assert time.monotonic() < deadline, "members were not removed"
        time.sleep(2)
    cli("site-a", "protector", "protection-group", "delete", pg_name)
