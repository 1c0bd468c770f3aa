"""Delta documents: only what changed travels, applied onto its base only,
and the sender falls back to the whole document when the peer is elsewhere."""

import copy
import json

import pytest

from protector import context, exception
from protector.db import peer_documents as peer_db
from protector.sync import delta, document
from protector.tests.functional.api import helpers

SERVER = "8d3c0f0e-6a43-4e8f-9f7e-3b1b7a1d2c4{}"


def _doc(members: int = 3) -> dict:
    """A whole document: members with specs, a policy, two groups of volumes."""
    doc = {"format": 1, "id": "pg", "metadata_version": 5, "deleted": False,
           "protection_group": {"name": "pg1", "status": "active"},
           "members": [{"id": f"m{i}", "status": "protected", "spec": {"flavor": "small",
                                                                      "ports": [i]}}
                       for i in range(members)],
           "policy": {"rpo_minutes": 15, "primary_fa_api_token": "t"},
           "consistency_groups": [
               {"id": cg, "site": site, "status": "available",
                "volumes": [{"id": f"{cg}-v{i}", "member_id": f"m{i}"}
                            for i in range(members)]}
               for cg, site in (("cg-a", "site-a"), ("cg-b", "site-b"))]}
    return doc


def _by_id(items: list[dict]) -> dict:
    return {item["id"]: item for item in items}


def _same(a: dict, b: dict) -> bool:
    """Equal as the receiver merges them: members and volumes by id."""
    def norm(doc: dict) -> dict:
        return {**doc, "members": _by_id(doc["members"]), "consistency_groups": {
            cg["id"]: {**cg, "volumes": _by_id(cg["volumes"])}
            for cg in doc["consistency_groups"]}}
    return norm(a) == norm(b)


def test_a_delta_carries_only_what_changed_and_patches_back_to_the_whole():
    base = _doc()
    new = copy.deepcopy(base)
    new["metadata_version"] = 6
    new["protection_group"]["status"] = "failing_over"
    new["members"][1]["spec"]["flavor"] = "large"          # changed
    del new["members"][2]                                   # removed
    new["members"].append({"id": "m9", "status": "adding", "spec": {}})  # added
    new["consistency_groups"][0]["volumes"].pop()           # a volume went
    new["consistency_groups"][1]["status"] = "deleting"     # a group changed
    new["consistency_groups"].append({"id": "cg-c", "site": "site-b", "status": "creating",
                                      "volumes": []})

    d = delta.make(new, 5, delta.digests(base))
    assert d["base_version"] == 5 and d["metadata_version"] == 6
    assert [m["id"] for m in d["members"]] == ["m1", "m9"]
    assert d["removed_members"] == ["m2"]
    assert "policy" not in d  # unchanged: absent, not null
    groups = _by_id(d["consistency_groups"])
    assert set(groups) == {"cg-a", "cg-b", "cg-c"}
    assert groups["cg-a"]["volumes"] == [] and groups["cg-a"]["removed_volumes"] == ["cg-a-v2"]
    assert groups["cg-b"]["volumes"] == [] and groups["cg-b"]["status"] == "deleting"
    assert d["removed_consistency_groups"] == []
    assert _same(delta.patch(base, d), new)


def test_a_status_change_of_a_large_pg_is_a_small_delta():
    base = _doc(members=200)
    new = {**copy.deepcopy(base), "metadata_version": 6}
    new["protection_group"]["status"] = "failing_over"
    d = delta.make(new, 5, delta.digests(base))
    assert (d["members"], d["consistency_groups"], d["removed_members"]) == ([], [], [])
    assert len(json.dumps(d)) < len(json.dumps(new)) / 50
    assert _same(delta.patch(base, d), new)


def test_policy_removed_and_groups_gone_travel_too():
    base = _doc()
    new = {**copy.deepcopy(base), "metadata_version": 6, "policy": None,
           "consistency_groups": []}
    d = delta.make(new, 5, delta.digests(base))
    assert d["policy"] is None and d["members"] == []
    assert d["removed_consistency_groups"] == ["cg-a", "cg-b"]
    assert _same(delta.patch(base, d), new)


def _made(api) -> tuple[dict, str]:
    helpers.make_sites(api["admin"])
    pg = helpers.make_pg(api["owner"])
    api["owner"].post(f"/v1/{api['owner'].project}/protection-groups/pg1/members",
                      {"instance_id": SERVER.format(0)}, status=201)
    return pg, pg["project_id"]


def test_the_peer_receives_deltas_and_holds_the_whole_document(api, peers):
    pg, project = _made(api)
    site_b = peers["site-b"]
    owner = api["owner"]
    base = f"/v1/{owner.project}/protection-groups/pg1"
    owner.put(base, {"description": "db tier"}, status=200)
    owner.post(base + "/members", {"instance_id": SERVER.format(1)}, status=201)
    sent = site_b.received
    assert "base_version" not in sent[0]  # the first push: nothing held yet
    later = sent[1:]
    assert later and all("base_version" in d for d in later), [sorted(d) for d in sent]
    assert all(len(d["members"]) <= 1 for d in later)  # never both members again
    held = site_b.documents[pg["id"]][1]
    assert _same(held, document.build(context.get_admin_context(), pg["id"]))


def test_a_peer_at_another_version_gets_the_whole_document(api, peers):
    pg, project = _made(api)
    site_b = peers["site-b"]
    ctx = context.get_admin_context()
    # The peer's copy went back a version (its database restored from a
    # backup): what this site thinks it holds is stale, so the delta is
    # refused, then the whole document goes.
    site_b.documents[pg["id"]][1]["metadata_version"] -= 1
    before = len(site_b.received)
    api["owner"].put(f"/v1/{api['owner'].project}/protection-groups/pg1",
                     {"description": "x"}, status=200)
    tried = site_b.received[before:]
    assert ["base_version" in d for d in tried] == [True, False]
    assert site_b.documents[pg["id"]][1]["protection_group"]["description"] == "x"
    assert peer_db.get(ctx, pg["id"]).metadata_version == \
        document.build(ctx, pg["id"])["metadata_version"]


def test_a_delta_applies_onto_its_base_version_only(api):
    pg, project = _made(api)
    ctx = context.get_admin_context()
    doc = document.build(ctx, pg["id"])
    version = doc["metadata_version"]
    changed = copy.deepcopy(doc)
    changed["metadata_version"] = version + 2
    changed["protection_group"]["description"] = "from the peer"
    wrong = delta.make(changed, version - 1, delta.digests(doc))
    with pytest.raises(exception.Conflict, match="not the base version"):
        document.apply(ctx, project, wrong)
    right = delta.make(changed, version, delta.digests(doc))
    assert document.apply(ctx, project, right) == "applied"
    assert document.apply(ctx, project, right) == "unchanged"  # a repeat
    after = document.build(ctx, pg["id"])
    assert after["protection_group"]["description"] == "from the peer"
    assert after["metadata_version"] == version + 2 and _same(after, changed)
    # What the sender holds is recorded: this site's next push is a delta.
    assert peer_db.get(ctx, pg["id"]).metadata_version == version + 2


def test_a_delta_onto_no_copy_is_refused(api):
    pg, project = _made(api)
    ctx = context.get_admin_context()
    doc = document.build(ctx, pg["id"])
    stray = {**delta.make(doc, 1, delta.digests(doc)), "id": SERVER.format(9),
             "metadata_version": doc["metadata_version"] + 1}
    with pytest.raises(exception.Conflict, match="no copy"):
        document.apply(ctx, project, stray)
