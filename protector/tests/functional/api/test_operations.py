"""Operations are read-only in the API: list with filters, show, scoping."""

from protector import context
from protector.db import operations as op_db
from protector.tests import fixtures
from protector.tests.functional.api import helpers


def _op(pg_id, project, **values):
    return op_db.create(context.get_admin_context(), {
        "project_id": project, "protection_group_id": pg_id,
        "operation_type": "failover", "failover_type": "planned", "status": "running",
        "progress": 40, "current_step": "boot servers",
        "steps_completed": ["stop servers", "replicate now"], **values})


def test_list_filter_and_show(api):
    helpers.make_sites(api["admin"])
    owner = api["owner"]
    pg = helpers.make_pg(owner)
    running = _op(pg["id"], owner.project)
    _op(pg["id"], owner.project, operation_type="test_failover", status="completed",
        progress=100)
    base = f"/v1/{owner.project}/operations"
    assert len(owner.get(base).json["operations"]) == 2
    found = owner.get(f"{base}?status=running").json["operations"]
    assert [o["id"] for o in found] == [running.id]
    found = owner.get(f"{base}?operation_type=test_failover").json["operations"]
    assert found[0]["progress"] == 100
    found = owner.get(f"{base}?protection_group_id={pg['id']}").json["operations"]
    assert len(found) == 2

    shown = owner.get(f"{base}/{running.id}").json["operation"]
    assert shown["steps_completed"] == ["stop servers", "replicate now"]
    assert shown["current_step"] == "boot servers"
    assert shown["failover_type"] == "planned"


def test_operations_are_scoped_to_their_project(api):
    helpers.make_sites(api["admin"])
    owner, other = api["owner"], api["other"]
    pg = helpers.make_pg(owner)
    op = _op(pg["id"], owner.project)
    other.get(f"/v1/{other.project}/operations/{op.id}", status=404)
    assert other.get(f"/v1/{other.project}/operations").json["operations"] == []
    admin = api["admin"]
    assert admin.get(f"/v1/{admin.project}/operations/{op.id}").json["operation"]["id"] \
        == op.id
    listed = admin.get(f"/v1/{admin.project}/operations?all_projects=true").json
    assert [o["id"] for o in listed["operations"]] == [op.id]
    assert fixtures.OWNER_PROJECT == listed["operations"][0]["project_id"]


def test_operations_are_read_only(api):
    owner = api["owner"]
    resp = owner.post(f"/v1/{owner.project}/operations", {"operation_type": "failover"},
                      status=405)
    assert resp.headers["Allow"] == "GET"
