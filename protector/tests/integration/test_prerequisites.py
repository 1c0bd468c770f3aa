"""The Prerequisites and Service Installation pages, run as written (with the
lab's addresses) against two real OpenStack sites."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

import pytest

from protector.lab import config
from protector.tests.integration import arrays
from protector.tests.integration.helpers import SITES, Openstack, register_sites

CLOUDS = [site.cloud for site in SITES]
VOLUME_TYPES = {"replicated-async": "async", "replicated-sync": "sync"}


def _backend(openstack: Openstack, cloud: str) -> str:
    """Example 1: the part after '@' of the cinder-volume host that is up."""
    rows = openstack(cloud, "volume", "service", "list", "-f", "json")
    hosts = [r["Host"] for r in rows if r["Binary"] == "cinder-volume" and r["State"] == "up"
             and r["Status"] == "enabled"]
    assert hosts, f"no cinder-volume is up on {cloud}: {rows}"
    assert all("@" in h for h in hosts), hosts
    return hosts[0].split("@", 1)[1]


def _wait_volume(openstack: Openstack, cloud: str, volume: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        shown = openstack(cloud, "volume", "show", volume, "-f", "json")
        if shown["status"] not in ("creating", "managing"):
            return shown
        assert time.monotonic() < deadline, f"{volume} still {shown['status']}"
        time.sleep(1)


def _wait_gone(openstack: Openstack, cloud: str, volume: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while any(v["ID"] == volume for v in openstack(cloud, "volume", "list", "-f", "json")):
        assert time.monotonic() < deadline, f"{volume} still listed after {timeout:.0f}s"
        time.sleep(1)


@pytest.mark.parametrize("cloud", CLOUDS)
def test_volume_types_match_the_running_backend(openstack: Openstack, cloud: str) -> None:
    backend = _backend(openstack, cloud)
    for name, mode in VOLUME_TYPES.items():
        props = openstack(cloud, "volume", "type", "show", name, "-f", "json")["properties"]
        assert props == {"replication_enabled": "<is> True",
                         "replication_type": f"<in> {mode}",
                         "volume_backend_name": backend}, props


@pytest.mark.parametrize("cloud", CLOUDS)
def test_protector_endpoints_in_the_catalog(openstack: Openstack, cloud: str) -> None:
    site = config.SITES[cloud.removeprefix("site-")]
    rows = openstack(cloud, "endpoint", "list", "--service", "protector", "-f", "json")
    assert sorted(r["Interface"] for r in rows) == ["admin", "internal", "public"]
    assert {r["URL"] for r in rows} == {f"http://{site.ip}:8788/v1/%(tenant_id)s"}
    with urllib.request.urlopen(f"http://{site.ip}:8788/", timeout=10) as resp:
        versions = json.load(resp)["versions"]
    assert versions[0]["id"] == "v1" and versions[0]["status"] == "CURRENT"


@pytest.mark.parametrize("cloud", CLOUDS)
def test_service_user_and_trust_roles(openstack: Openstack, cloud: str) -> None:
    roles = {r["Name"] for r in openstack(cloud, "role", "list", "-f", "json")}
    assert {"member", "_member_", "admin", "reader", "service"} <= roles
    rows = openstack(cloud, "role", "assignment", "list", "--user", "protector", "--project",
                     "service", "--names", "-f", "json")
    assert "admin" in {r["Role"] for r in rows}


def test_cirros_image_on_both_sites(openstack: Openstack) -> None:
    """Example 2 (mock storage mode needs the same image name on both sites)."""
    for cloud in CLOUDS:
        images = openstack(cloud, "image", "list", "--name", "cirros", "-f", "json")
        assert [i["Status"] for i in images] == ["active"], images


@pytest.mark.parametrize("cloud", CLOUDS)
def test_member_manages_and_unmanages_a_volume(openstack: Openstack, cloud: str) -> None:
    """The Cinder policy changes: a project member (what a trust delegates) may
    manage and unmanage volumes: one made on the site's array (pure), or the
    mock back end's `name@N`, sized N GiB."""
    demo = f"{cloud}-demo"
    host = f"cinder-{cloud.removeprefix('site-')}@{_backend(openstack, cloud)}"
    name = f"lab-managed-{int(time.time())}"
    source = arrays.unmanaged_volume(cloud, name, 2)
    created = openstack(demo, "volume", "create", "--remote-source",
                        f"source-name={source}", "--host", f"{host}#{host.split('@')[1]}",
                        "--type", "replicated-async", "--non-bootable", name, "-f", "json")
    try:
        shown = _wait_volume(openstack, demo, created["id"])
        assert (shown["status"], shown["size"]) == ("available", 2), shown
    finally:
        openstack(demo, "volume", "delete", "--remote", created["id"])
    _wait_gone(openstack, demo, created["id"])
    arrays.remove_unmanaged(cloud, f"volume-{created['id']}-cinder")


@pytest.mark.xfail(strict=True, reason=(
    "cinder 28: services:index = admin_or_owner passes the policy, but the DB "
    "layer (service_get_all) still requires an admin context (AdminRequired); "
    "host discovery needs the service user, not a member's trust"))
@pytest.mark.parametrize("cloud", CLOUDS[:1])
def test_member_lists_volume_services(openstack: Openstack, cloud: str) -> None:
    openstack(f"{cloud}-demo", "volume", "service", "list", "-f", "json")


@pytest.mark.parametrize("cloud", CLOUDS)
def test_replicated_volume_is_created(openstack: Openstack, cloud: str) -> None:
    """Troubleshooting, 'No valid backend was found': the types route to the backend."""
    demo = f"{cloud}-demo"
    volume = openstack(demo, "volume", "create", "--size", "1", "--type", "replicated-async",
                       f"lab-rep-{int(time.time())}", "-f", "json")
    try:
        assert _wait_volume(openstack, demo, volume["id"])["status"] == "available"
    finally:
        openstack(demo, "volume", "delete", volume["id"])


@pytest.mark.parametrize("cloud", CLOUDS)
def test_register_validate_and_list_volume_types(openstack: Openstack, cloud: str) -> None:
    """Install guide Example 4 on each site, then the Prerequisites page's
    validation: every service reachable, both replicated types found."""
    created = register_sites(openstack, cloud)
    assert {name: s["status"] for name, s in created.items()} == {
        "site-a": "active", "site-b": "active"}
    for site in CLOUDS:
        result: dict[str, Any] = openstack(cloud, "protector", "site", "validate", site,
                                           "-f", "json")
        assert result["name"] == site
        assert result["status"] == "active", result
        for field in ("keystone_reachable", "nova_reachable", "cinder_reachable",
                      "neutron_reachable"):
            assert result[field] is True, (field, result)
        types = openstack(cloud, "protector", "site", "list-volume-types", site, "-f", "json")
        assert {t["name"]: t["replication_type"] for t in types} == VOLUME_TYPES, types
