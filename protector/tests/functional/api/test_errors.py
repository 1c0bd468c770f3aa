"""Bad input: each gets a JSON 4xx that says what to fix."""

import pytest

from protector.tests.functional.api import helpers


def test_unknown_fields_and_wrong_types(sqlite_api):
    admin = sqlite_api["admin"]
    resp = admin.post(f"/v1/{admin.project}/sites",
                      dict(helpers.SITE_A, colour="red", region_name=5), status=400)
    message = resp.json["error"]["message"]
    assert "'colour'" in message and "not allowed" in message
    assert "'region_name'" in message


def test_missing_and_empty_body(sqlite_api):
    admin = sqlite_api["admin"]
    resp = admin.app.post(f"/v1/{admin.project}/sites", headers=admin.headers, status=400)
    assert "needs a JSON body" in resp.json["error"]["message"]
    resp = admin.post(f"/v1/{admin.project}/sites", [], status=400)
    assert "is not of type 'object'" in resp.json["error"]["message"]


def test_bad_json_and_content_type(sqlite_api):
    admin = sqlite_api["admin"]
    resp = admin.app.post(f"/v1/{admin.project}/sites", "{not json",
                          headers={**admin.headers, "Content-Type": "application/json"},
                          status=400)
    assert "not valid JSON" in resp.json["error"]["message"]
    resp = admin.app.post(f"/v1/{admin.project}/sites", "name=x",
                          headers={**admin.headers, "Content-Type": "text/plain"},
                          status=400)
    assert "application/json" in resp.json["error"]["message"]


def test_oversize_body_is_413(sqlite_api):
    admin = sqlite_api["admin"]
    body = dict(helpers.SITE_A, description="x" * (17 * 1024 * 1024))
    resp = admin.post(f"/v1/{admin.project}/sites", body, status=413)
    assert resp.json["error"]["code"] == 413
    # A big PG document (hundreds of members) is well under the limit: this
    # one is refused by validation, not by size.
    body = dict(helpers.SITE_A, description="x" * 2_000_000)
    resp = admin.post(f"/v1/{admin.project}/sites", body, status=400)
    assert "description" in resp.json["error"]["message"]


def test_unknown_path_and_method(sqlite_api):
    admin = sqlite_api["admin"]
    resp = admin.get(f"/v1/{admin.project}/volumes", status=404)
    assert "not a protector resource" in resp.json["error"]["message"]
    resp = admin.app.patch(f"/v1/{admin.project}/sites", headers=admin.headers, status=405)
    assert resp.headers["Allow"] == "GET, POST"
    assert "allowed: GET, POST" in resp.json["error"]["message"]


@pytest.mark.parametrize("query", ["limit=0", "limit=abc", "limit=1&limit=2",
                                   "status=sleeping"])
def test_bad_query_strings(sqlite_api, query):
    owner = sqlite_api["owner"]
    resp = owner.get(f"/v1/{owner.project}/protection-groups?{query}", status=400)
    assert resp.json["error"]["message"]


def test_query_on_a_resource_without_filters(sqlite_api):
    helpers.make_sites(sqlite_api["admin"])
    owner = sqlite_api["owner"]
    helpers.make_pg(owner)
    resp = owner.get(f"/v1/{owner.project}/protection-groups/pg1?x=1", status=400)
    assert "no query parameters" in resp.json["error"]["message"]


def test_limit_is_capped(sqlite_api, conf):
    conf.set_override("max_limit", 2, group="api")
    try:
        admin = sqlite_api["admin"]
        for i in range(3):
            admin.post(f"/v1/{admin.project}/sites", dict(helpers.SITE_A, name=f"s{i}"),
                       status=201)
        resp = admin.get(f"/v1/{admin.project}/sites?limit=50").json
        assert len(resp["sites"]) == 2 and "sites_links" in resp
    finally:
        conf.clear_override("max_limit", group="api")


def test_a_list_without_limit_is_a_default_page(sqlite_api, conf):
    conf.set_override("default_limit", 2, group="api")
    try:
        admin = sqlite_api["admin"]
        for i in range(3):
            admin.post(f"/v1/{admin.project}/sites", dict(helpers.SITE_A, name=f"s{i}"),
                       status=201)
        first = admin.get(f"/v1/{admin.project}/sites").json
        assert [s["name"] for s in first["sites"]] == ["s0", "s1"]
        rest = admin.get(first["sites_links"][0]["href"].split("localhost", 1)[1]).json
        assert [s["name"] for s in rest["sites"]] == ["s2"] and "sites_links" not in rest
        assert len(admin.get(f"/v1/{admin.project}/sites?limit=3").json["sites"]) == 3
    finally:
        conf.clear_override("default_limit", group="api")


def test_every_error_carries_the_request_id(sqlite_api):
    owner = sqlite_api["owner"]
    resp = owner.get(f"/v1/{owner.project}/protection-groups/nope", status=404)
    assert resp.json["error"]["request_id"] == resp.headers["x-openstack-request-id"]
