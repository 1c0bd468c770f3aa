"""Members of a protection group."""

from protector import context
from protector.db import operations as op_db
from protector.engine import leases
from protector.tests.functional.api import helpers

SERVER_1 = "8d3c0f0e-6a43-4e8f-9f7e-3b1b7a1d2c40"
SERVER_2 = "0b5d2a6e-1f7c-4f43-8e0a-5c2b9d3e4f61"


def test_member_crud_and_version_bumps(api):
    helpers.make_sites(api["admin"])
    owner = api["owner"]
    helpers.make_pg(owner)
    base = f"/v1/{owner.project}/protection-groups/pg1/members"
    m1 = owner.post(base, {"instance_id": SERVER_1, "instance_name": "web-1",
                           "boot_order": 2}, status=201).json["member"]
    assert m1["status"] == "adding"
    assert m1["boot_order"] == 2
    owner.post(base, {"instance_id": SERVER_2}, status=201)
    members = owner.get(base).json["members"]
    assert [m["instance_id"] for m in members] == [SERVER_1, SERVER_2]

    assert owner.get(f"{base}/{SERVER_1}").json["member"]["id"] == m1["id"]
    assert owner.put(f"{base}/{m1['id']}", {"boot_order": 5}).json["member"]["boot_order"] == 5

    pg = owner.get(f"/v1/{owner.project}/protection-groups/pg1").json["protection_group"]
    assert pg["metadata_version"] == 4  # create + 2 members + boot order

    # No engine runs here: the member's protect operation is still pending,
    # so removing the member cancels it.
    owner.delete(f"{base}/{m1['id']}", status=204)
    owner.get(f"{base}/{m1['id']}", status=404)
    ops = owner.get(f"/v1/{owner.project}/operations").json["operations"]
    protect = [o for o in ops if o["parameters"].get("member_id") == m1["id"]]
    assert [o["status"] for o in protect] == ["failed"]


def test_member_being_protected_cannot_be_removed(api):
    """Once an engine has claimed the protect operation it may be making
    array containers and volumes: only its own end (or revert) accounts
    for them, so the member stays until then."""
    helpers.make_sites(api["admin"])
    owner = api["owner"]
    helpers.make_pg(owner)
    base = f"/v1/{owner.project}/protection-groups/pg1/members"
    member = owner.post(base, {"instance_id": SERVER_1}, status=201).json["member"]
    ctx = context.get_admin_context()
    [op] = op_db.active_for_member(ctx, member["protection_group_id"], member["id"],
                                   "protect")
    assert leases.claim(ctx, op.id, "engine-1")
    resp = owner.delete(f"{base}/{member['id']}", status=409)
    assert op.id in resp.json["error"]["message"]
    assert "being protected" in resp.json["error"]["message"]
    assert owner.get(f"{base}/{member['id']}").json["member"]["status"] == "adding"
    assert op_db.get(ctx, None, op.id).status == "pending"
    # The engine cannot claim an operation the API cancelled, either.
    other = owner.post(base, {"instance_id": SERVER_2}, status=201).json["member"]
    [pending] = op_db.active_for_member(ctx, other["protection_group_id"], other["id"],
                                        "protect")
    owner.delete(f"{base}/{other['id']}", status=204)
    assert not leases.claim(ctx, pending.id, "engine-1")


def test_member_validation(api):
    helpers.make_sites(api["admin"])
    owner = api["owner"]
    helpers.make_pg(owner)
    base = f"/v1/{owner.project}/protection-groups/pg1/members"
    resp = owner.post(base, {"instance_id": "not-a-uuid"}, status=400)
    assert "'instance_id'" in resp.json["error"]["message"]
    owner.post(base, {"instance_id": SERVER_1}, status=201)
    resp = owner.post(base, {"instance_id": SERVER_1}, status=409)
    assert SERVER_1 in resp.json["error"]["message"]
    # boot_order arrived in 1.1; changing a member needs 1.1 too.
    resp = owner.put(f"{base}/{SERVER_1}", {"boot_order": 3}, status=404,
                     headers={"OpenStack-API-Version": "protector 1.0"})
    assert "1.1" in resp.json["error"]["message"]
    owner.post(f"/v1/{owner.project}/protection-groups/nope/members",
               {"instance_id": SERVER_2}, status=404)
