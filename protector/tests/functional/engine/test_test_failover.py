"""Protect, test failover and test cleanup end to end: the real engine
flows against two fake clouds and the mock storage driver."""

from protector import context
from protector.engine import resources
from protector.tests.functional.api import helpers
from protector.tests.functional.engine.conftest import op as _op
from protector.tests.functional.engine.conftest import run_all as _run_all


def test_protect_captures_servers_and_volumes(protected, clouds):
    owner, base, servers = protected
    members = {m["instance_id"]: m for m in owner.get(base + "/members").json["members"]}
    spec = members[servers["db"]]["spec"]
    assert spec["name"] == "db" and spec["flavor"]["name"] == "m1.tiny"
    assert spec["boot_volume"]["size_gb"] == 1
    assert [v["size_gb"] for v in spec["data_volumes"]] == [2]
    doc = owner.app.get(base + "/metadata",
                        headers=helpers.fixtures.IDENTITIES["admin"]).json
    assert len(doc["consistency_groups"][0]["volumes"]) == 4


def test_test_failover_then_cleanup(protected, clouds, casts):
    owner, base, servers = protected
    site_a, site_b = clouds["site-a"], clouds["site-b"]
    before_a = (set(site_a.servers), set(site_a.volumes))
    resp = owner.post(base + "/action", {"test_failover": {"auto_network": True}},
                      status=202)
    op_id = resp.json["operation"]["id"]
    _run_all(casts)
    op = _op(owner, op_id)
    assert op["status"] == "completed", op
    assert op["progress"] == 100 and op["steps_failed"] == []
    assert "boot db" in op["steps_completed"] and "boot web" in op["steps_completed"]
    # db (boot order 1) was up before web (boot order 2) was booted.
    assert op["steps_completed"].index("boot db") < op["steps_completed"].index("boot web")
    test_servers = [s for s in site_b.servers.values() if s.status == "ACTIVE"]
    assert sorted(s.name for s in test_servers) == ["db", "web"]
    assert len(op["result"]["members"]) == 2
    for server in test_servers:
        assert len(server.data["volumes"]) == 2  # boot + data volume attached
    assert op["result"]["test_network"]["network_id"] in site_b.networks
    # The running site is untouched.
    assert (set(site_a.servers), set(site_a.volumes)) == before_a
    assert all(site_a.servers[s].status == "ACTIVE" for s in servers.values())
    pg = owner.get(base).json["protection_group"]
    assert pg["status"] == "test_failed_over"
    _check_report(owner, op)

    resp = owner.post(base + "/action", {"test_cleanup": {}}, status=202)
    cleanup_id = resp.json["operation"]["id"]
    _run_all(casts)
    assert _op(owner, cleanup_id)["status"] == "completed"
    assert [s for s in site_b.servers.values() if s.status != "DELETED"] == []
    assert [v for v in site_b.volumes.values() if v.status != "deleted"] == []
    assert op["result"]["test_network"]["network_id"] not in site_b.networks
    assert owner.get(base).json["protection_group"]["status"] == "active"


def test_failed_boot_rolls_back_everything(protected, clouds, casts):
    owner, base, _ = protected
    site_b = clouds["site-b"]
    site_b.fail_builds(times=10)
    resp = owner.post(base + "/action", {"test_failover": {"auto_network": True}},
                      status=202)
    _run_all(casts)
    op = _op(owner, resp.json["operation"]["id"])
    assert op["status"] == "rolled_back", op
    assert op["steps_failed"] and "boot" in op["steps_failed"][0]["step"]
    assert [s for s in site_b.servers.values() if s.status != "DELETED"] == []
    assert [v for v in site_b.volumes.values() if v.status != "deleted"] == []
    assert [n for n in site_b.networks.values() if n.name.startswith("protector-test")] == []
    assert owner.get(base).json["protection_group"]["status"] == "active"


def test_missing_network_mapping_fails_before_anything_is_touched(protected, clouds, casts):
    owner, base, _ = protected
    site_b = clouds["site-b"]
    owner.put(base, {"network_mapping": {"private": "absent-net"}}, status=200)
    resp = owner.post(base + "/action", {"test_failover": {}}, status=202)
    _run_all(casts)
    op = _op(owner, resp.json["operation"]["id"])
    assert op["status"] == "rolled_back"
    assert "mapped network absent-net is missing on site-b" in op["error_message"]
    assert site_b.calls["create_volume"] == 0 and site_b.calls["boot_server"] == 0


def test_member_removal_unprotects_and_pg_delete_waits_for_it(protected, clouds, casts):
    owner, base, servers = protected
    resp = owner.delete(base, status=409)
    assert "remove them first" in resp.json["error"]["message"]
    members = {m["instance_id"]: m for m in owner.get(base + "/members").json["members"]}
    db_member = members[servers["db"]]
    view_before = resources.load(_last_op(owner), context.get_admin_context().to_dict())
    driver = view_before.storage()
    protected_names = set(driver.list_volumes())
    driver.close()
    assert len(protected_names) == 4

    resp = owner.delete(base + f"/members/{db_member['id']}", status=202)
    assert resp.json["member"]["status"] == "removing"
    owner.delete(base + f"/members/{db_member['id']}", status=409)
    (op_id,) = casts
    _run_all(casts)
    assert _op(owner, op_id)["status"] == "completed"
    owner.get(base + f"/members/{db_member['id']}", status=404)
    driver = view_before.storage()
    left = set(driver.list_volumes())
    driver.close()
    assert len(left) == 2 and left < protected_names
    doc = owner.app.get(base + "/metadata",
                        headers=helpers.fixtures.IDENTITIES["admin"]).json
    assert len(doc["members"]) == 1
    assert len(doc["consistency_groups"][0]["volumes"]) == 2


def _last_op(owner):
    ops = owner.get(f"/v1/{owner.project}/operations").json["operations"]
    return ops[-1]["id"]


def _check_report(owner, op):
    """The operation's HTML report draws a bar for every step that ran,
    with the boot of db (boot order 1) ending before web's began."""
    import re
    page = owner.get(f"/v1/{owner.project}/operations/{op['id']}/report")
    assert page.content_type == "text/html"
    html = page.text
    bars = re.findall(r'<rect class="bar[^"]*"[^>]*data-step="([^"]+)"', html)
    assert sorted(set(bars)) == sorted(op["steps_completed"])
    assert op["result"]["recovery_point"]["name"] in html
    assert 'id="rto"' in html
    from protector.tests import fixtures
    other = owner.get(f"/v1/{owner.project}/operations/{op['id']}/report",
                      headers=fixtures.IDENTITIES["other"])
    assert other.status_int == 403 and "error" in other.json


def test_dashboard_views_of_an_operation(protected, clouds, casts):
    """What the dashboard reads besides the CRUD: site names for tenants,
    the recovery points it offers, and an operation's steps per member."""
    owner, base, _servers = protected
    names = owner.get(f"/v1/{owner.project}/site-names").json["sites"]
    assert {s["name"]: s["local"] for s in names} == {"site-a": True, "site-b": False}
    assert set(names[0]) == {"id", "name", "local"}  # no URL, no credential

    points = owner.get(base + "/recovery-points").json
    assert points["site"] == "site-b" and points["rpo_minutes"] == 15
    complete = [p for p in points["recovery_points"] if p["complete"]]
    assert complete, points
    created = [p["created_at"] for p in points["recovery_points"]]
    assert created == sorted(created, reverse=True)
    assert all(p["age_seconds"] >= 0 for p in complete)
    chosen = complete[-1]["name"]  # the oldest, not what the engine would pick

    resp = owner.post(base + "/action", {"test_failover": {
        "auto_network": True, "recovery_point": chosen}}, status=202)
    op_id = resp.json["operation"]["id"]
    _run_all(casts)
    steps = owner.get(f"/v1/{owner.project}/operations/{op_id}/steps").json
    assert steps["operation"]["status"] == "completed"
    assert steps["recovery_point"]["name"] == chosen
    assert (steps["source_site"], steps["target_site"]) == ("site-a", "site-b")
    assert sorted(m["name"] for m in steps["members"]) == ["db", "web"]
    per_member = {(t["member"], t["step"]) for t in steps["timeline"] if t["member"]}
    assert per_member == {(name, f"{step} {name}") for name in ("db", "web")
                          for step in ("copy volumes of", "manage volumes of", "boot")}
    assert all(t["outcome"] == "success" for t in steps["timeline"])
    from protector.tests import fixtures
    owner.get(f"/v1/{owner.project}/operations/{op_id}/steps",
              headers=fixtures.IDENTITIES["other"], status=403)
    owner.get(base + "/recovery-points", headers=fixtures.IDENTITIES["other"], status=403)
