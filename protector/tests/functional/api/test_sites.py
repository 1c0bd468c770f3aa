"""Sites: CRUD, names or ids, secrets never returned."""

from protector.tests.functional.api import helpers


def test_site_crud(api):
    admin = api["admin"]
    base = f"/v1/{admin.project}/sites"
    created = admin.post(base, dict(helpers.SITE_A, service_password="pw-9"),
                         status=201).json["site"]
    assert created["name"] == "site-a"
    assert created["status"] == "active"
    assert created["service_password_set"] is True
    assert "pw-9" not in str(created)

    assert admin.get(f"{base}/site-a", status=200).json["site"]["id"] == created["id"]
    assert admin.get(f"{base}/{created['id']}", status=200).json["site"]["name"] == "site-a"

    listed = admin.get(base, status=200).json["sites"]
    assert [s["name"] for s in listed] == ["site-a"]

    updated = admin.put(f"{base}/site-a", {"description": "Boston"}, status=200).json
    assert updated["site"]["description"] == "Boston"

    admin.delete(f"{base}/site-a", status=204)
    admin.get(f"{base}/site-a", status=404)


def test_admin_path_spelling(api):
    admin = api["admin"]
    admin.post("/v1/admin/sites", helpers.SITE_A, status=201)
    assert admin.get("/v1/admin/sites/site-a", status=200).json["site"]["name"] == "site-a"


def test_duplicate_site_name_is_409(api):
    admin = api["admin"]
    admin.post(f"/v1/{admin.project}/sites", helpers.SITE_A, status=201)
    resp = admin.post(f"/v1/{admin.project}/sites", helpers.SITE_A, status=409)
    assert "site-a already exists" in resp.json["error"]["message"]


def test_site_type_and_url_are_validated(api):
    admin = api["admin"]
    resp = admin.post(f"/v1/{admin.project}/sites",
                      dict(helpers.SITE_A, site_type="tertiary"), status=400)
    assert "'site_type'" in resp.json["error"]["message"]
    resp = admin.post(f"/v1/{admin.project}/sites",
                      dict(helpers.SITE_A, auth_url="controller:5000"), status=400)
    assert "'auth_url'" in resp.json["error"]["message"]


def test_site_in_use_cannot_be_deleted(api):
    admin = api["admin"]
    helpers.make_sites(admin)
    helpers.make_pg(admin)
    resp = admin.delete(f"/v1/{admin.project}/sites/site-b", status=409)
    assert "delete them first" in resp.json["error"]["message"]


def test_list_pagination(api):
    admin = api["admin"]
    for i in range(5):
        admin.post(f"/v1/{admin.project}/sites",
                   dict(helpers.SITE_A, name=f"site-{i}"), status=201)
    first = admin.get(f"/v1/{admin.project}/sites?limit=2", status=200).json
    assert [s["name"] for s in first["sites"]] == ["site-0", "site-1"]
    next_href = first["sites_links"][0]["href"]
    assert "marker=" in next_href
    marker = first["sites"][-1]["id"]
    second = admin.get(f"/v1/{admin.project}/sites?limit=2&marker={marker}").json
    assert [s["name"] for s in second["sites"]] == ["site-2", "site-3"]
    resp = admin.get(f"/v1/{admin.project}/sites?marker=nope", status=400)
    assert "marker nope" in resp.json["error"]["message"]


def test_list_filters(api):
    admin = api["admin"]
    helpers.make_sites(admin)
    found = admin.get(f"/v1/{admin.project}/sites?site_type=secondary").json["sites"]
    assert [s["name"] for s in found] == ["site-b"]
    resp = admin.get(f"/v1/{admin.project}/sites?colour=red", status=400)
    assert "colour" in resp.json["error"]["message"]
