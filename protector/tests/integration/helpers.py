"""Shared by the integration tests and their conftest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from protector.lab import config

SITES = list(config.SITES.values())
# Spec (install guide, Example 4): both sites are registered on each site.
SITE_RECORDS = {
    "site-a": ("primary", "Primary datacenter"),
    "site-b": ("secondary", "Secondary datacenter"),
}
# openstack(cloud, *args): see the `openstack` fixture.
Openstack = Callable[..., Any]


def register_sites(openstack: Openstack, cloud: str) -> dict[str, Any]:
    """Register site-a and site-b on ``cloud``'s protector as the install guide's
    Example 4 does; a record an earlier run left is kept (tenant mappings or
    PGs of an interrupted run may still refer to it)."""
    existing = {s["name"] for s in openstack(cloud, "protector", "site", "list", "-f", "json")}
    created = {}
    for site in SITES:
        site_type, description = SITE_RECORDS[site.cloud]
        if site.cloud in existing:
            created[site.cloud] = openstack(cloud, "protector", "site", "show", site.cloud,
                                            "-f", "json")
            continue
        created[site.cloud] = openstack(
            cloud, "protector", "site", "create", "--name", site.cloud, "--description",
            description, "--site-type", site_type, "--auth-url", site.keystone_url,
            "--region-name", config.REGION, "-f", "json")
    return created
