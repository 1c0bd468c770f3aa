"""Faults on the real data path (--storage pure): Cinder's Pure driver on
the simulated FlashArrays, one async PG of two servers.

1. array-b stops answering after its first copy of a planned failover: the
   failover rolls back (site-a's servers run again), the copy array-b made
   is recorded as left and the engine's sweep removes it once array-b is back.
2. site-b's Cinder refuses ``manage`` (its policy.yaml without the spec's
   change): the spec's 403 message, and nothing left on site-b or array-b.
3. The replication link is down longer than the RPO: test failover still
   runs, from the last complete point, and says which point and how old.

After each, both clouds and both arrays are accounted for (tests/integration/arrays).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from protector.lab import arrays as lab_arrays
from protector.lab import catalog, config, openstack
from protector.tests.integration import arrays, drill
from protector.tests.integration.drill import Tenant
from protector.tests.integration.helpers import Openstack

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def pg(tenant_openstack: Openstack, mapping: None,
       workload: tuple[str, dict[str, dict[str, str]]]) -> Iterator[dict[str, Any]]:
    """The protected PG with a first recovery point on array-b; deleted after,
    its protection groups gone from both arrays."""
    if config.storage_mode() != "pure":
        pytest.skip("faults of the real data path need --storage pure")
    mark, made = workload
    name = f"{mark}-pg"
    created = drill.create_pg(tenant_openstack, name, "async")
    try:
        drill.protect(tenant_openstack, name, made)
        drill.wait_recovery_point(created["id"])
        yield {**created, "mark": mark}
    finally:
        for array in ("array-a", "array-b"):
            lab_arrays.fault(array=array, clear=True)
        lab_arrays.fault(link=["array-a", "array-b"], up=True)
        drill.delete_pg(tenant_openstack, name)
    arrays.assert_accounted(gone_pgroups=(f"protector-{created['id'].replace('-', '')}",))


def _home_untouched(cli: Openstack, pg: dict[str, Any], tenants: dict[str, Tenant]) -> None:
    """The PG runs on site-a as before, its servers ACTIVE, none on site-b."""
    shown = drill.show_pg(cli, "site-a", pg["name"])
    assert shown["status"] == "active", shown
    servers = tenants["site-a"].servers(pg["mark"])
    assert len(servers) == 2 and {s.status for s in servers.values()} == {"ACTIVE"}, servers
    tenants["site-b"].wait_servers(pg["mark"], 0)


def test_target_array_down_mid_copy(tenant_openstack: Openstack, pg: dict[str, Any],
                                    tenants: dict[str, Tenant]) -> None:
    cli = tenant_openstack
    lab_arrays.fault(array="array-b", down_after={"operation": "post_volumes", "calls": 1})
    try:
        op = drill.act_failing(cli, "site-a", "failover", pg["name"], "--network-mapping",
                               f"{catalog.NETWORK}={catalog.NETWORK}")
    finally:
        lab_arrays.fault(array="array-b", clear=True)
    assert op["status"] == "rolled_back", op
    assert any(f["step"].startswith("copy volumes of") for f in op["steps_failed"]), op
    assert "left on the target until it answers" in op["error_message"], op
    assert "array copies" in op["result"]["leftovers"], op
    _home_untouched(cli, pg, tenants)
    # array-b answers again: the engine's sweep (every 5 s in the lab) removes the copy.
    deadline = time.monotonic() + 120
    while "leftovers" in (drill.show_operation(cli, "site-a", op["id"])["result"] or {}):
        assert time.monotonic() < deadline, "the leftover copy was not swept"
        time.sleep(3)
    arrays.assert_accounted()


def test_manage_refused_by_cinder_policy(tenant_openstack: Openstack, pg: dict[str, Any],
                                         tenants: dict[str, Tenant]) -> None:
    cli = tenant_openstack
    volumes_b = set(tenants["site-b"].volumes())
    policy = config.SITES["b"].svc_dir("cinder") / "policy.yaml"
    # site-b's Cinder as shipped: volume_manage for admins only (oslo.policy
    # rereads the file when it changes).
    policy.write_text(openstack.CINDER_POLICY.replace(
        '"volume_extension:volume_manage": "rule:admin_or_owner"',
        '"volume_extension:volume_manage": "rule:admin_api"'))
    try:
        op = drill.act_failing(cli, "site-a", "test-failover", pg["name"], "--auto-network")
    finally:
        policy.write_text(openstack.CINDER_POLICY)
    assert op["status"] == "rolled_back", op
    assert "Policy doesn't allow volume_extension:volume_manage to be performed" \
        in op["error_message"], op
    assert "/etc/cinder/policy.yaml" in op["error_message"], op
    assert not (op["result"] or {}).get("leftovers"), op
    _home_untouched(cli, pg, tenants)
    assert set(tenants["site-b"].volumes()) == volumes_b
    arrays.assert_accounted()


def test_stale_point_beyond_the_rpo(tenant_openstack: Openstack, pg: dict[str, Any],
                                    tenants: dict[str, Tenant]) -> None:
    cli = tenant_openstack
    lab_arrays.fault(link=["array-a", "array-b"], up=False)
    try:
        # RPO one minute: wait until the newest point on array-b is older. The
        # monitor reads the arrays every 10 s (the lab's interval), so a point
        # that landed just before the cut shows within 15 s: out of the RPO
        # twice, 15 s apart, means the array's newest point is.
        deadline = time.monotonic() + 180
        while True:
            if drill.health("site-a", pg["id"])["rpo_compliant"] is False:
                time.sleep(15)
                if drill.health("site-a", pg["id"])["rpo_compliant"] is False:
                    break
            assert time.monotonic() < deadline, "the PG stayed within its RPO, link down"
            time.sleep(5)
        op = drill.act(cli, "site-a", "test-failover", pg["name"], "--auto-network")
        assert op["status"] == "completed", op
        point = op["result"]["recovery_point"]
        assert point["age_seconds"] > 60, point
        assert point["warning"].startswith(f"recovery point {point['name']} is "), point
        assert "old, beyond the RPO of 1 min" in point["warning"], point
        tenants["site-b"].wait_servers(pg["mark"], 2)
        done = drill.act(cli, "site-a", "test-cleanup", pg["name"])
        assert done["status"] == "completed", done
    finally:
        lab_arrays.fault(link=["array-a", "array-b"], up=True)
    _home_untouched(cli, pg, tenants)
    arrays.assert_accounted()

