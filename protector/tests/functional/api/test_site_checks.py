"""site validate and list-volume-types through a site's Keystone catalog."""

import socket

import pytest

from protector.tests import fake_openstack
from protector.tests.functional.api import helpers

REPLICATED = {"id": "t1", "name": "replicated-async", "is_public": True,
              "extra_specs": {"replication_enabled": "<is> True",
                              "replication_type": "<in> async",
                              "volume_backend_name": "rbd-1"}}
PLAIN = {"id": "t2", "name": "standard", "is_public": True,
         "extra_specs": {"volume_backend_name": "rbd-1"}}


@pytest.fixture
def fake_site():
    site = fake_openstack.FakeSite()
    site.volume_types = [REPLICATED, PLAIN]
    with fake_openstack.serve(site):
        yield site


def _register(admin, site, **extra):
    body = dict(helpers.SITE_A, auth_url=f"{site.url}/identity/v3",
                service_username="protector", service_password=site.password,
                service_project_name="service", **extra)
    admin.post(f"/v1/{admin.project}/sites", body, status=201)


def test_validate_every_service_reachable(sqlite_api, fake_site):
    admin = sqlite_api["admin"]
    _register(admin, fake_site)
    result = admin.post(f"/v1/{admin.project}/sites/site-a/validate",
                        status=200).json["validation"]
    assert {k: result[k] for k in ("name", "status", "keystone_reachable",
                                   "nova_reachable", "cinder_reachable",
                                   "neutron_reachable")} == {
        "name": "site-a", "status": "active", "keystone_reachable": True,
        "nova_reachable": True, "cinder_reachable": True, "neutron_reachable": True}
    assert result["replicated_volume_types"] == ["replicated-async"]
    site = admin.get(f"/v1/{admin.project}/sites/site-a").json["site"]
    assert site["last_validated_at"] is not None


def test_validate_reports_a_down_and_a_missing_service(sqlite_api, fake_site):
    admin = sqlite_api["admin"]
    _register(admin, fake_site)
    fake_site.down.add("compute")
    fake_site.missing.add("network")
    result = admin.post(f"/v1/{admin.project}/sites/site-a/validate").json["validation"]
    assert result["keystone_reachable"] is True
    assert result["cinder_reachable"] is True
    assert result["nova_reachable"] is False
    assert result["neutron_reachable"] is False
    assert result["status"] == "error"
    assert admin.get(f"/v1/{admin.project}/sites/site-a").json["site"]["status"] == "error"


def test_validate_wrong_password_and_dead_keystone(sqlite_api, fake_site):
    admin = sqlite_api["admin"]
    _register(admin, fake_site)
    admin.put(f"/v1/{admin.project}/sites/site-a", {"service_password": "wrong"},
              status=200)
    result = admin.post(f"/v1/{admin.project}/sites/site-a/validate").json["validation"]
    assert result["keystone_reachable"] is False
    assert result["status"] == "unreachable"
    assert "Keystone" in result["error"]

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    admin.post(f"/v1/{admin.project}/sites",
               dict(helpers.SITE_B, auth_url=f"http://127.0.0.1:{dead}/v3",
                    service_username="protector", service_password="x"), status=201)
    result = admin.post(f"/v1/{admin.project}/sites/site-b/validate").json["validation"]
    assert result == {**result, "keystone_reachable": False, "nova_reachable": False,
                      "status": "unreachable"}


def test_list_volume_types_filters_replicated(sqlite_api, fake_site):
    admin = sqlite_api["admin"]
    _register(admin, fake_site)
    types = admin.get(f"/v1/{admin.project}/sites/site-a/volume-types",
                      status=200).json["volume_types"]
    assert types == [{"id": "t1", "name": "replicated-async", "replication_type": "async",
                      "volume_backend_name": "rbd-1"}]


def test_list_volume_types_when_cinder_is_down_is_503(sqlite_api, fake_site):
    admin = sqlite_api["admin"]
    _register(admin, fake_site)
    fake_site.down.add("volumev3")
    resp = admin.get(f"/v1/{admin.project}/sites/site-a/volume-types", status=503)
    assert "site validate site-a" in resp.json["error"]["message"]
