"""Health (1.2): readiness and its blockers, lag against RPO."""

import datetime

from oslo_utils import timeutils

from protector import context
from protector.db import members as member_db
from protector.db import protection_groups as pg_db
from protector.tests.functional.api import helpers


def test_new_pg_lists_every_blocker(api):
    helpers.make_sites(api["admin"])
    owner = api["owner"]
    helpers.make_pg(owner)
    health = owner.get(f"/v1/{owner.project}/health").json["health"]
    assert health["components"] == {"api": "ok", "database": "ok"}
    (pg,) = health["protection_groups"]
    assert pg["failover_ready"] is False
    assert pg["blockers"] == ["no members", "no replication policy",
                              "no replicated recovery point yet"]
    assert pg["replication_lag_seconds"] is None and pg["rpo_compliant"] is None


def test_ready_pg_and_rpo_compliance(api):
    helpers.make_sites(api["admin"])
    owner = api["owner"]
    pg = helpers.make_pg(owner)
    base = f"/v1/{owner.project}/protection-groups/pg1"
    member = owner.post(base + "/members",
                        {"instance_id": "8d3c0f0e-6a43-4e8f-9f7e-3b1b7a1d2c40"},
                        status=201).json["member"]
    owner.post(base + "/policy", helpers.POLICY, status=201)  # RPO 15 minutes
    ctx = context.get_admin_context()
    member_db.update(ctx, pg["id"], member["id"], {"status": "protected"})
    ten_minutes_ago = timeutils.utcnow() - datetime.timedelta(minutes=10)
    pg_db.update(ctx, None, pg["id"], {"sync_status": "IN_SYNC",
                                       "last_replication_at": ten_minutes_ago})
    (health,) = owner.get(f"/v1/{owner.project}/health?protection_group_id={pg['id']}"
                          ).json["health"]["protection_groups"]
    assert health["failover_ready"] is True and health["blockers"] == []
    assert 590 < health["replication_lag_seconds"] < 700
    assert health["rpo_compliant"] is True

    # A member still being added blocks, by its server's name (else its id).
    owner.post(base + "/members", {"instance_id": "8d3c0f0e-6a43-4e8f-9f7e-3b1b7a1d2c41"},
               status=201)
    (health,) = owner.get(f"/v1/{owner.project}/health").json["health"]["protection_groups"]
    assert health["blockers"] == ["members not protected: "
                                  "8d3c0f0e-6a43-4e8f-9f7e-3b1b7a1d2c41"]
    member_db.update(ctx, pg["id"], "8d3c0f0e-6a43-4e8f-9f7e-3b1b7a1d2c41",
                     {"status": "protected"})

    pg_db.update(ctx, None, pg["id"], {
        "last_replication_at": timeutils.utcnow() - datetime.timedelta(minutes=20)})
    (health,) = owner.get(f"/v1/{owner.project}/health").json["health"][
        "protection_groups"]
    assert health["rpo_compliant"] is False


def test_health_is_paged_as_every_list(api):
    """limit and marker as on every list; the next link's marker is the last
    PG's id, and following the links reaches every PG once."""
    helpers.make_sites(api["admin"])
    owner = api["owner"]
    made = [helpers.make_pg(owner, f"pg{i}")["id"] for i in range(5)]
    seen: list[str] = []
    path = f"/v1/{owner.project}/health?limit=2"
    while path:
        health = owner.get(path, status=200).json["health"]
        seen += [pg["protection_group_id"] for pg in health["protection_groups"]]
        links = health.get("protection_groups_links")
        path = links[0]["href"].split("localhost", 1)[-1] if links else None
        assert len(seen) <= 6, "the links must end"
    assert seen == made
    assert owner.get(f"/v1/{owner.project}/health?limit=0", status=400)
    unknown = owner.get(f"/v1/{owner.project}/health?marker=nope", status=400)
    assert "marker nope" in unknown.json["error"]["message"]
