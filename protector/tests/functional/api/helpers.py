"""Builders for API test data."""

from typing import Any

from protector.tests import fixtures

SITE_A = {"name": "site-a", "description": "Primary datacenter", "site_type": "primary",
          "auth_url": "http://127.0.0.1:5000/v3", "region_name": "RegionOne"}
SITE_B = {"name": "site-b", "description": "Secondary datacenter",
          "site_type": "secondary", "auth_url": "http://127.0.0.2:5000/v3",
          "region_name": "RegionOne"}
POLICY = {"primary_fa_url": "https://fa-a.example.org",
          "primary_fa_api_token": "token-a-7f3e9c",
          "secondary_fa_url": "https://fa-b.example.org",
          "secondary_fa_api_token": "token-b-1d2c4b", "rpo_minutes": 15}


def make_sites(admin: Any, mappings: bool = True) -> tuple[dict, dict]:
    """site-a (this site) and site-b, and the test projects mapped to site-b."""
    a = admin.post(f"/v1/{admin.project}/sites", SITE_A, status=201).json["site"]
    b = admin.post(f"/v1/{admin.project}/sites", SITE_B, status=201).json["site"]
    if mappings:
        for project in (fixtures.ADMIN_PROJECT, fixtures.OWNER_PROJECT,
                        fixtures.OTHER_PROJECT):
            admin.post(f"/v1/{admin.project}/tenant-mappings",
                       {"local_tenant": project, "remote_site": "site-b",
                        "remote_tenant": "r" + project[1:]}, status=201)
    return a, b


def pg_body(name: str = "pg1", **extra: Any) -> dict[str, Any]:
    body = {"name": name, "description": "web tier", "replication_type": "async",
            "volume_type": "replicated-async", "primary_site": "site-a",
            "secondary_site": "site-b"}
    body.update(extra)
    return body


def make_pg(client: Any, name: str = "pg1", **extra: Any) -> dict[str, Any]:
    return client.post(f"/v1/{client.project}/protection-groups", pg_body(name, **extra),
                       status=201).json["protection_group"]
