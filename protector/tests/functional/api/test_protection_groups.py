"""Protection groups: CRUD, microversioned fields, state rules."""

from protector.db import protection_groups as pg_db
from protector.tests.functional.api import helpers


def test_pg_crud(api):
    admin, owner = api["admin"], api["owner"]
    site_a, site_b = helpers.make_sites(admin)
    base = f"/v1/{owner.project}/protection-groups"
    pg = helpers.make_pg(owner, network_mapping={"net-a": "net-b"})
    assert pg["project_id"] == owner.project
    assert pg["primary_site_id"] == site_a["id"]
    assert pg["secondary_site_id"] == site_b["id"]
    assert pg["current_primary_site_id"] == site_a["id"]
    assert pg["status"] == "active"
    assert pg["metadata_version"] == 1
    assert pg["network_mapping"] == {"net-a": "net-b"}

    assert owner.get(f"{base}/pg1").json["protection_group"]["id"] == pg["id"]
    assert [p["name"] for p in owner.get(base).json["protection_groups"]] == ["pg1"]

    changed = owner.put(f"{base}/pg1", {"description": "db tier",
                                        "flavor_mapping": {"m1.small": "m2.small"}}).json
    assert changed["protection_group"]["description"] == "db tier"
    assert changed["protection_group"]["metadata_version"] == 2

    owner.delete(f"{base}/pg1", status=204)
    owner.get(f"{base}/pg1", status=404)


def test_mappings_hidden_before_1_1(api):
    helpers.make_sites(api["admin"])
    owner = api["owner"]
    owner.headers["OpenStack-API-Version"] = "protector 1.0"
    pg = helpers.make_pg(owner)
    assert "network_mapping" not in pg
    resp = owner.post(f"/v1/{owner.project}/protection-groups",
                      helpers.pg_body("pg2", network_mapping={"a": "b"}), status=400)
    assert "network_mapping" in resp.json["error"]["message"]


def test_replication_type_is_immutable(api):
    helpers.make_sites(api["admin"])
    owner = api["owner"]
    helpers.make_pg(owner)
    resp = owner.put(f"/v1/{owner.project}/protection-groups/pg1",
                     {"replication_type": "sync"}, status=400)
    assert "cannot change after a protection group is created" in \
        resp.json["error"]["message"]


def test_same_site_twice_and_unknown_site(api):
    helpers.make_sites(api["admin"])
    owner = api["owner"]
    base = f"/v1/{owner.project}/protection-groups"
    resp = owner.post(base, helpers.pg_body(secondary_site="site-a"), status=400)
    assert "two different sites" in resp.json["error"]["message"]
    resp = owner.post(base, helpers.pg_body(secondary_site="site-q"), status=404)
    assert "site-q" in resp.json["error"]["message"]


def test_duplicate_name_per_project(api):
    helpers.make_sites(api["admin"])
    owner = api["owner"]
    helpers.make_pg(owner)
    owner.post(f"/v1/{owner.project}/protection-groups", helpers.pg_body(), status=409)
    # Another project may use the same name.
    other = api["other"]
    helpers.make_pg(other)


def test_transient_state_blocks_changes(api, conf):
    helpers.make_sites(api["admin"])
    owner = api["owner"]
    pg = helpers.make_pg(owner)
    ctx = _ctx()
    pg_db.update(ctx, None, pg["id"], {"status": "failing_over"}, bump_version=False)
    base = f"/v1/{owner.project}/protection-groups/pg1"
    resp = owner.put(base, {"description": "x"}, status=409)
    assert "failing_over" in resp.json["error"]["message"]
    resp = owner.delete(base, status=409)
    assert "'delete' is not allowed" in resp.json["error"]["message"]
    owner.post(f"{base}/members", {"instance_id": "8d3c0f0e-6a43-4e8f-9f7e-3b1b7a1d2c40"},
               status=409)


def test_admin_sees_all_projects(api):
    helpers.make_sites(api["admin"])
    helpers.make_pg(api["owner"])
    helpers.make_pg(api["other"], "pg-other")
    admin = api["admin"]
    names = [p["name"] for p in admin.get(
        f"/v1/{admin.project}/protection-groups?all_projects=true").json["protection_groups"]]
    assert sorted(names) == ["pg-other", "pg1"]
    owner = api["owner"]
    owner.get(f"/v1/{owner.project}/protection-groups?all_projects=true", status=403)


def _ctx():
    from protector import context
    return context.get_admin_context()
