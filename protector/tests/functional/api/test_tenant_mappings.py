"""Tenant mappings: the fields of the spec's Example 3."""

from protector.tests.functional.api import helpers

LOCAL = "1f2e3d4c5b6a79881f2e3d4c5b6a7988"
REMOTE = "9a8b7c6d5e4f32109a8b7c6d5e4f3210"


def test_tenant_mapping_crud(api):
    admin = api["admin"]
    _, site_b = helpers.make_sites(admin)
    base = f"/v1/{admin.project}/tenant-mappings"
    body = {"local_tenant": LOCAL, "remote_site": site_b["id"], "remote_tenant": REMOTE,
            "description": "myproject tenant mapping"}
    created = admin.post(base, body, status=201).json["tenant_mapping"]
    assert {k: created[k] for k in ("local_tenant", "remote_site", "remote_tenant",
                                    "description")} == {
        "local_tenant": LOCAL, "remote_site": site_b["id"], "remote_tenant": REMOTE,
        "description": "myproject tenant mapping"}
    assert created["id"]

    assert admin.get(f"{base}/{created['id']}").json["tenant_mapping"] == created
    listed = admin.get(f"{base}?local_tenant={LOCAL}").json["tenant_mappings"]
    assert [m["id"] for m in listed] == [created["id"]]
    by_site = admin.get(f"{base}?remote_site=site-b").json["tenant_mappings"]
    assert created["id"] in [m["id"] for m in by_site]
    assert admin.get(f"{base}?local_tenant={REMOTE}").json["tenant_mappings"] == []

    changed = admin.put(f"{base}/{created['id']}", {"description": "renamed"}).json
    assert changed["tenant_mapping"]["description"] == "renamed"
    admin.delete(f"{base}/{created['id']}", status=204)
    admin.get(f"{base}/{created['id']}", status=404)


def test_remote_site_by_name_and_unknown_site(api):
    admin = api["admin"]
    helpers.make_sites(admin)
    base = f"/v1/{admin.project}/tenant-mappings"
    body = {"local_tenant": LOCAL, "remote_site": "site-b", "remote_tenant": REMOTE}
    admin.post(base, body, status=201)
    resp = admin.post(base, body, status=409)
    assert "already exists" in resp.json["error"]["message"]
    resp = admin.post(base, dict(body, remote_site="site-z"), status=404)
    assert "site-z" in resp.json["error"]["message"]
