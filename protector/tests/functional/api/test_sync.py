"""Cross-site sync with the peer site in memory (the real HTTP path between
two protector-api processes is in functional/sync/)."""

import hypothesis
import sqlalchemy
from hypothesis import strategies as st

from protector import context
from protector.db import models, session
from protector.db import trusts as trusts_db
from protector.tests import fixtures
from protector.tests.functional.api import helpers

SERVER = "8d3c0f0e-6a43-4e8f-9f7e-3b1b7a1d2c40"
REMOTE_OWNER = "r" + fixtures.OWNER_PROJECT[1:]


def _setup(api):
    helpers.make_sites(api["admin"])
    owner = api["owner"]
    pg = helpers.make_pg(owner)
    return owner, pg, f"/v1/{owner.project}/protection-groups/pg1"


def _peer_doc(peers, pg_id):
    project, doc = peers["site-b"].documents[pg_id]
    return project, doc


def test_create_and_changes_reach_the_peer(api, peers):
    owner, pg, base = _setup(api)
    assert pg["sync_status"] == "IN_SYNC" and pg["last_sync_at"]
    project, doc = _peer_doc(peers, pg["id"])
    assert project == REMOTE_OWNER  # the tenant mapping's remote project
    assert doc["metadata_version"] == 1
    assert doc["protection_group"]["primary_site"] == "site-a"

    owner.put(base, {"description": "db tier"}, status=200)
    owner.post(base + "/members", {"instance_id": SERVER, "boot_order": 2}, status=201)
    owner.post(base + "/policy", helpers.POLICY, status=201)
    local = owner.get(base).json["protection_group"]
    _, doc = _peer_doc(peers, pg["id"])
    assert local["metadata_version"] == doc["metadata_version"] == 4
    assert doc["protection_group"]["description"] == "db tier"
    assert [m["instance_id"] for m in doc["members"]] == [SERVER]
    # The peer gets the tokens (it must drive the arrays after a failover).
    assert doc["policy"]["primary_fa_api_token"] == helpers.POLICY["primary_fa_api_token"]

    owner.delete(base + f"/members/{SERVER}", status=204)
    assert _peer_doc(peers, pg["id"])[1]["members"] == []
    owner.delete(base, status=204)
    assert pg["id"] not in peers["site-b"].documents


def test_unreachable_peer_blocks_changes_and_changes_nothing(api, peers):
    owner, pg, base = _setup(api)
    peers["site-b"].reachable = False
    for call in (lambda: owner.put(base, {"description": "x"}),
                 lambda: owner.post(base + "/members", {"instance_id": SERVER}),
                 lambda: owner.post(base + "/policy", helpers.POLICY),
                 lambda: owner.delete(base)):
        resp = call()
        assert resp.status_int == 503, resp.text
        message = resp.json["error"]["message"]
        assert "site-b is unreachable" in message and "sync-force" in message
    after = owner.get(base).json["protection_group"]
    assert after["metadata_version"] == 1 and after["description"] == "web tier"
    assert owner.get(base + "/members").json["members"] == []
    resp = owner.post(f"/v1/{owner.project}/protection-groups", helpers.pg_body("pg2"))
    assert resp.status_int == 503
    owner.get(f"/v1/{owner.project}/protection-groups/pg2", status=404)


def test_failed_push_marks_out_of_sync_until_sync_force(api, peers):
    owner, pg, base = _setup(api)
    peers["site-b"].refuse_writes = True
    resp = owner.put(base, {"description": "changed"}, status=503)
    assert "OUT_OF_SYNC" in resp.json["error"]["message"]
    local = owner.get(base).json["protection_group"]
    assert local["sync_status"] == "OUT_OF_SYNC" and local["metadata_version"] == 2

    resp = owner.put(base, {"description": "again"}, status=409)
    assert "sync-force pg1" in resp.json["error"]["message"]

    status = owner.get(base + "/sync-status").json["sync_status"]
    assert (status["local_version"], status["peer_version"], status["status"]) == \
        (2, 1, "OUT_OF_SYNC")

    peers["site-b"].refuse_writes = False
    forced = owner.post(base + "/sync-force", status=200).json["sync_status"]
    assert forced["status"] == "IN_SYNC"
    assert forced["local_version"] == forced["peer_version"] == 3
    assert _peer_doc(peers, pg["id"])[1]["protection_group"]["description"] == "changed"
    owner.put(base, {"description": "works again"}, status=200)


def test_sync_status_states(api, peers):
    owner, pg, base = _setup(api)
    status = owner.get(base + "/sync-status").json["sync_status"]
    assert status["status"] == "IN_SYNC" and status["peer_site"] == "site-b"
    peers["site-b"].reachable = False
    status = owner.get(base + "/sync-status").json["sync_status"]
    assert status["status"] == "UNREACHABLE" and status["peer_version"] is None
    assert "unreachable" in status["error"]


def test_sync_force_from_the_peer(api, peers):
    owner, pg, base = _setup(api)
    _, doc = _peer_doc(peers, pg["id"])
    doc["protection_group"]["description"] = "edited on site-b"
    doc["metadata_version"] = 7
    peers["site-b"].documents[pg["id"]] = (REMOTE_OWNER, doc)
    forced = owner.post(base + "/sync-force", {"source": "site-b"}).json["sync_status"]
    assert forced["local_version"] == forced["peer_version"] == 8
    assert owner.get(base).json["protection_group"]["description"] == "edited on site-b"
    resp = owner.post(base + "/sync-force", {"source": "site-z"}, status=400)
    assert "site-a or site-b" in resp.json["error"]["message"]


def test_pg_needs_a_tenant_mapping_and_this_site(api, peers):
    admin = api["admin"]
    helpers.make_sites(admin, mappings=False)
    owner = api["owner"]
    resp = owner.post(f"/v1/{owner.project}/protection-groups", helpers.pg_body(),
                      status=409)
    assert "tenant mapping create" in resp.json["error"]["message"]
    admin.post(f"/v1/{admin.project}/sites", dict(helpers.SITE_B, name="site-c"),
               status=201)
    resp = owner.post(f"/v1/{owner.project}/protection-groups",
                      helpers.pg_body(primary_site="site-b", secondary_site="site-c"),
                      status=400)
    assert "this site (site-a)" in resp.json["error"]["message"]


def test_tenant_mapping_is_mirrored_on_the_peer(api, peers):
    admin = api["admin"]
    helpers.make_sites(admin, mappings=False)
    base = f"/v1/{admin.project}/tenant-mappings"
    body = {"local_tenant": "1" * 32, "remote_site": "site-b", "remote_tenant": "2" * 32,
            "description": "myproject tenant mapping"}
    created = admin.post(base, body, status=201).json["tenant_mapping"]
    assert peers["site-b"].mirrors[created["id"]] == {
        "local_tenant": "2" * 32, "remote_site": "site-a", "remote_tenant": "1" * 32,
        "description": "myproject tenant mapping", "deleted": False}
    admin.put(f"{base}/{created['id']}", {"description": "renamed"}, status=200)
    assert peers["site-b"].mirrors[created["id"]]["description"] == "renamed"

    peers["site-b"].reachable = False
    resp = admin.post(base, dict(body, local_tenant="3" * 32), status=503)
    assert "site-b is unreachable" in resp.json["error"]["message"]
    assert admin.get(f"{base}?local_tenant={'3' * 32}").json["tenant_mappings"] == []
    admin.delete(f"{base}/{created['id']}", status=503)

    peers["site-b"].reachable = True
    peers["site-b"].refuse_writes = True
    admin.post(base, dict(body, local_tenant="3" * 32), status=500)
    assert admin.get(f"{base}?local_tenant={'3' * 32}").json["tenant_mappings"] == []
    peers["site-b"].refuse_writes = False
    admin.delete(f"{base}/{created['id']}", status=204)
    assert created["id"] not in peers["site-b"].mirrors
    resp = admin.post(base, dict(body, remote_site="site-a"), status=400)
    assert "other site" in resp.json["error"]["message"]


def test_import_rules_on_the_receiving_side(api, peers):
    """What this site does when the peer pushes to it (newer/equal/older)."""
    owner, pg, base = _setup(api)
    admin = api["admin"]
    doc = admin.get(base + "/metadata", status=200).json
    path = f"/v1/{owner.project}/protection-groups/{pg['id']}/metadata"
    assert admin.put(path, doc).json["result"] == "unchanged"
    doc["metadata_version"] = 5
    doc["protection_group"]["description"] = "from the peer"
    assert admin.put(path, doc).json["result"] == "applied"
    assert owner.get(base).json["protection_group"]["description"] == "from the peer"
    doc["metadata_version"] = 4
    resp = admin.put(path, doc, status=409)
    assert "refusing older version 4" in resp.json["error"]["message"]
    doc["protection_group"]["primary_site"] = "site-x"
    doc["metadata_version"] = 6
    resp = admin.put(path, doc, status=409)
    assert "site site-x is not registered" in resp.json["error"]["message"]
    owner.put(path, doc, status=403)  # only administrators (the peer) write
    resp = admin.put(path, {"format": 1, "id": pg["id"], "metadata_version": 9,
                            "deleted": True}, status=200)
    assert resp.json["result"] == "deleted"
    owner.get(base, status=404)


def test_new_pg_from_the_peer_is_created_here(api, peers):
    owner, pg, base = _setup(api)
    admin = api["admin"]
    doc = admin.get(base + "/metadata").json
    doc.update(id="7c5d1a2b-3e4f-4a5b-8c6d-7e8f9a0b1c2d", metadata_version=1)
    doc["protection_group"]["name"] = "pg-from-b"
    path = f"/v1/{owner.project}/protection-groups/{doc['id']}/metadata"
    assert admin.put(path, doc).json["result"] == "applied"
    made = owner.get(f"/v1/{owner.project}/protection-groups/pg-from-b").json
    assert made["protection_group"]["id"] == doc["id"]
    assert made["protection_group"]["sync_status"] == "IN_SYNC"


_STEPS = st.lists(st.sampled_from(["change", "add", "remove", "down", "up", "refuse",
                                   "accept", "force"]), min_size=1, max_size=12)


@hypothesis.given(steps=_STEPS)
@hypothesis.example(steps=["refuse", "change"])
@hypothesis.example(steps=["refuse", "force"])
@hypothesis.example(steps=["down", "add", "up", "force", "remove"])
@hypothesis.settings(max_examples=40, deadline=None, database=None,
                     suppress_health_check=list(hypothesis.HealthCheck))
def test_any_interleaving_ends_in_sync_or_visibly_out_of_sync(conf, peers, steps):
    """Whatever happens, the two copies never differ silently."""
    import webtest

    from protector.api import deploy
    from protector.db import migration
    from protector.tests.conftest import Client

    engine = session.get_engine()  # a fresh database per example
    models.Base.metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text("DROP TABLE IF EXISTS alembic_version"))
    session.reset()
    migration.upgrade()
    peers.sites.clear()
    app = webtest.TestApp(deploy.load_app(fixtures.PASTE_INI))
    api = {who: Client(app, who) for who in fixtures.IDENTITIES}
    owner, pg, base = _setup(api)
    servers = iter(f"8d3c0f0e-6a43-4e8f-9f7e-{i:012d}" for i in range(100))
    added: list[str] = []
    site_b = peers["site-b"]
    for step in steps:
        if step == "change":
            owner.put(base, {"description": f"d{len(added)}"})
        elif step == "add":
            server = next(servers)
            if owner.post(base + "/members", {"instance_id": server}).status_int == 201:
                added.append(server)
        elif step == "remove" and added:
            if owner.delete(base + f"/members/{added[-1]}").status_int == 204:
                added.pop()
        elif step in ("down", "up"):
            site_b.reachable = step == "up"
        elif step in ("refuse", "accept"):
            site_b.refuse_writes = step == "refuse"
        elif step == "force":
            owner.post(base + "/sync-force")
    local = owner.get(base).json["protection_group"]
    _, remote = site_b.documents[pg["id"]]
    same = remote["metadata_version"] == local["metadata_version"]
    if local["sync_status"] == "IN_SYNC":
        assert same, (steps, local, remote["metadata_version"])
        ours = api["admin"].get(base + "/metadata").json
        assert ours["members"] == remote["members"]
        assert ours["protection_group"] == remote["protection_group"]
    else:
        assert local["sync_status"] == "OUT_OF_SYNC"
    site_b.reachable, site_b.refuse_writes = True, False
    status = owner.get(base + "/sync-status").json["sync_status"]
    assert status["status"] == ("IN_SYNC" if local["sync_status"] == "IN_SYNC" and same
                                else "OUT_OF_SYNC")


def test_unplanned_change_while_peer_is_down_then_reconciled(api, peers):
    """The unplanned-failover exception: the surviving site changes alone,
    the divergence shows in sync-status, and sync-force run on either side
    keeps the newer copy."""
    from protector import context
    from protector.db import protection_groups as pg_db
    from protector.sync import service

    helpers.make_sites(api["admin"])
    owner = api["owner"]
    # The PG runs on site-b; this site (site-a) is its DR site.
    pg = helpers.make_pg(owner, primary_site="site-b", secondary_site="site-a")
    base = f"/v1/{owner.project}/protection-groups/pg1"
    peers["site-b"].reachable = False  # site-b is lost
    ctx = context.get_admin_context()
    row = pg_db.get(ctx, None, pg["id"])
    service.modify_without_peer(ctx, row, lambda: pg_db.update(
        ctx, None, pg["id"], {"current_primary_site_id": row.secondary_site_id,
                              "status": "failed_over"}))
    after = owner.get(base).json["protection_group"]
    assert after["sync_status"] == "OUT_OF_SYNC" and after["metadata_version"] == 2
    assert owner.get(base + "/sync-status").json["sync_status"]["status"] == "UNREACHABLE"

    peers["site-b"].reachable = True
    status = owner.get(base + "/sync-status").json["sync_status"]
    assert (status["status"], status["local_version"], status["peer_version"]) == \
        ("OUT_OF_SYNC", 2, 1)
    forced = owner.post(base + "/sync-force").json["sync_status"]
    assert forced["status"] == "IN_SYNC" and forced["peer_version"] == 3
    _, doc = _peer_doc(peers, pg["id"])
    assert doc["protection_group"]["current_primary_site"] == "site-a"
    assert doc["protection_group"]["status"] == "failed_over"


def test_sync_force_on_the_stale_side_keeps_the_newer_copy(api, peers):
    owner, pg, base = _setup(api)
    _, doc = _peer_doc(peers, pg["id"])
    # The peer failed over alone while this site was down: newer, runs on site-b.
    doc["metadata_version"] = 2
    doc["protection_group"]["current_primary_site"] = "site-b"
    doc["protection_group"]["status"] = "failed_over"
    peers["site-b"].documents[pg["id"]] = (REMOTE_OWNER, doc)
    forced = owner.post(base + "/sync-force").json["sync_status"]
    assert forced["local_version"] == forced["peer_version"] == 3
    local = owner.get(base).json["protection_group"]
    assert local["status"] == "failed_over"
    assert local["current_primary_site_id"] == local["secondary_site_id"]


def test_peer_reads_a_projects_trust(api, peers):
    """GET /v1/{project}/trust: what the peer's engine redeems here; admin
    (the peer's service user) only, 404 naming the fix when there is none."""
    admin, owner = api["admin"], api["owner"]
    resp = admin.get(f"/v1/{owner.project}/trust", status=404)
    assert "run any 'openstack protector' command" in resp.json["error"]["message"]
    owner.get(f"/v1/{owner.project}/trust", status=403)
    trusts_db.create(context.get_admin_context(), {
        "project_id": owner.project, "trustor_user_id": "u1",
        "trustee_user_id": "protector", "trust_id": "t-123", "roles": ["member"]})
    trust = admin.get(f"/v1/{owner.project}/trust").json["trust"]
    assert trust == {"project_id": owner.project, "trust_id": "t-123",
                     "trustee_user_id": "protector", "roles": ["member"]}
