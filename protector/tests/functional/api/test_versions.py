"""The version document and microversion negotiation."""

import json


def test_root_is_the_spec_example_2(sqlite_api):
    resp = sqlite_api["anonymous"].app.get("/", status=200)
    assert resp.content_type == "application/json"
    # Exactly the document of the spec's Example 2, printed the same way.
    assert resp.text == """{
  "versions": [
    {
      "id": "v1",
      "status": "CURRENT",
      "min_version": "1.0",
      "max_version": "1.2"
    }
  ]
}
"""
    assert json.loads(resp.text)["versions"][0]["max_version"] == "1.2"


def test_unknown_root_path_is_json_404(sqlite_api):
    resp = sqlite_api["anonymous"].app.get("/nope", status=404)
    assert "under /v1" in resp.json["error"]["message"]


def test_openapi_document_lists_every_route(sqlite_api):
    doc = sqlite_api["anonymous"].app.get("/openapi.json", status=200).json
    assert doc["openapi"].startswith("3.")
    assert "/v1/{project_id}/protection-groups" in doc["paths"]
    create = doc["paths"]["/v1/{project_id}/protection-groups"]["post"]
    schema = create["requestBody"]["content"]["application/json"]["schema"]
    assert "network_mapping" in schema["properties"]  # the newest microversion's


def test_absent_header_means_base_version(sqlite_api):
    client = sqlite_api["owner"]
    client.headers.pop("OpenStack-API-Version")
    resp = client.get(f"/v1/{client.project}/protection-groups", status=200)
    assert resp.headers["OpenStack-API-Version"] == "protector 1.0"


def test_latest_and_explicit_versions_are_echoed(sqlite_api):
    client = sqlite_api["owner"]
    for asked, answered in (("latest", "1.2"), ("1.1", "1.1"), ("1.0", "1.0")):
        resp = client.get(f"/v1/{client.project}/protection-groups", status=200,
                          headers={"OpenStack-API-Version": f"protector {asked}"})
        assert resp.headers["OpenStack-API-Version"] == f"protector {answered}"


def test_unsupported_version_is_406_with_range(sqlite_api):
    client = sqlite_api["owner"]
    resp = client.get(f"/v1/{client.project}/protection-groups", status=406,
                      headers={"OpenStack-API-Version": "protector 1.3"})
    message = resp.json["error"]["message"]
    assert "1.3" in message and "1.0" in message and "1.2" in message


def test_malformed_version_header_is_400(sqlite_api):
    client = sqlite_api["owner"]
    resp = client.get(f"/v1/{client.project}/protection-groups", status=400,
                      headers={"OpenStack-API-Version": "protector one"})
    assert "protector <major>.<minor>" in resp.json["error"]["message"]


def test_other_services_versions_are_ignored(sqlite_api):
    client = sqlite_api["owner"]
    resp = client.get(f"/v1/{client.project}/protection-groups", status=200,
                      headers={"OpenStack-API-Version": "compute 2.90, protector 1.1"})
    assert resp.headers["OpenStack-API-Version"] == "protector 1.1"


def test_health_needs_1_2(sqlite_api):
    client = sqlite_api["owner"]
    client.get(f"/v1/{client.project}/health", status=404,
               headers={"OpenStack-API-Version": "protector 1.1"})
    client.get(f"/v1/{client.project}/health", status=200)
