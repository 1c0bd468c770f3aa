"""The Python API client in-process against the served API: microversion
negotiation, errors, paging; and that it stays independent of the server."""

import ast
import pathlib
from typing import Any

import pytest
from keystoneauth1 import session, token_endpoint

from protector.api import microversions
from protector.conf import CONF
from protectorclient import api_versions
from protectorclient.exceptions import ProtectorClientError
from protectorclient.tests import server
from protectorclient.tests.conftest import ADMIN_TOKEN
from protectorclient.v1 import client as client_mod

PACKAGE = pathlib.Path(client_mod.__file__).resolve().parents[1]
SERVER_ID = "11111111-2222-3333-4444-555555555555"


def make_client(srv: server.ProtectorServer, api_version: str | None = None,
                endpoint: str | None = None) -> client_mod.Client:
    auth = token_endpoint.Token(endpoint or srv.endpoint(), ADMIN_TOKEN)
    return client_mod.Client(session.Session(auth=auth), api_version=api_version)


@pytest.fixture(scope="module")
def sites(api: Any) -> None:
    api.sites.create(name="site-a", site_type="primary", auth_url="http://a-ctl:5000/v3")
    api.sites.create(name="site-b", site_type="secondary", auth_url="http://b-ctl:5000/v3")
    api.tenant_mappings.create(local_tenant=server.ADMIN_PROJECT, remote_site="site-b",
                               remote_tenant=server.OWNER_PROJECT)


def test_client_never_imports_the_server() -> None:
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.relative_to(PACKAGE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert name.split(".")[0] != "protector", f"{path} imports {name}"


@pytest.mark.parametrize("endpoint, root", [
    ("http://h:8788/v1/abc", "http://h:8788/"),
    ("http://h:8788/v1/abc/", "http://h:8788/"),
    ("https://h/protector/v1/abc", "https://h/protector/"),
    ("http://h:8788/", "http://h:8788/"),
])
def test_version_root(endpoint: str, root: str) -> None:
    assert client_mod.version_root(endpoint) == root


def test_negotiates_the_newest_common_version(api_server: Any, monkeypatch: Any,
                                              sites: None) -> None:
    assert make_client(api_server).api_version == api_versions.MAX_VERSION
    # An older server (max 1.0): negotiated down, and 1.1 features refused
    # before a request is sent.
    monkeypatch.setattr(microversions, "MAX_VERSION", microversions.V1_0_BASE)
    old = make_client(api_server)
    assert old.api_version == api_versions.V1_0
    pg = old.protection_groups.create(name="pg-old", replication_type="async",
                                      volume_type="t", primary_site="site-a",
                                      secondary_site="site-b")
    assert "network_mapping" not in pg
    with pytest.raises(ProtectorClientError, match="needs protector API version 1.1"):
        old.members.add("pg-old", SERVER_ID, boot_order=2)
    # An explicit version is sent as is; the server has the last word.
    with pytest.raises(ProtectorClientError) as err:
        make_client(api_server, api_version="1.2").sites.list()
    assert err.value.code == 406


def test_version_checks() -> None:
    with pytest.raises(ProtectorClientError, match="not supported by this client"):
        client_mod.Client(session.Session(), api_version="2.0")
    with pytest.raises(ProtectorClientError, match="Invalid protector API version"):
        api_versions.parse("latest")
    with pytest.raises(ProtectorClientError, match="no version in common"):
        api_versions.negotiate(api_versions.APIVersion(2, 0), api_versions.APIVersion(2, 3))
    assert api_versions.negotiate(api_versions.V1_0, api_versions.APIVersion(1, 9)) == \
        api_versions.MAX_VERSION


def test_api_errors_carry_the_message(api: Any, sites: None) -> None:
    with pytest.raises(ProtectorClientError) as err:
        api.sites.get("no such site")
    assert err.value.code == 404
    assert err.value.message == "Site no such site could not be found."
    assert err.value.request_id.startswith("req-")
    assert str(err.value).startswith("Site no such site could not be found. (HTTP 404)")


def test_names_with_a_slash(api: Any, sites: None) -> None:
    """WSGI decodes %2F in the path, so such names go through the list."""
    site = api.sites.create(name="dc/east", site_type="secondary",
                            auth_url="http://e-ctl:5000/v3")
    assert api.sites.get("dc/east")["id"] == site["id"]
    assert api.sites.update("dc/east", description="x")["description"] == "x"
    with pytest.raises(ProtectorClientError, match="No site named 'dc/west'"):
        api.sites.get("dc/west")
    api.sites.delete("dc/east")


def test_unreachable_endpoint(api_server: Any) -> None:
    dead = make_client(api_server, endpoint="http://127.0.0.1:9/v1/x")
    with pytest.raises(ProtectorClientError, match="Cannot reach the protector API at "
                                                   "http://127.0.0.1:9/v1/x") as err:
        dead.sites.list()
    assert err.value.code is None


def test_lists_follow_next_links(api: Any, sites: None) -> None:
    CONF.set_override("max_limit", 2, group="api")
    try:
        for i in range(3):
            api.protection_groups.create(name=f"paged-{i}", replication_type="async",
                                         volume_type="t", primary_site="site-a",
                                         secondary_site="site-b")
        names = [pg["name"] for pg in api.protection_groups.list()]
        assert {"paged-0", "paged-1", "paged-2"} <= set(names)
        assert len(names) == len(set(names)) >= 3
        first = api.protection_groups.list(limit=1)
        assert len(first) == 1
        rest = api.protection_groups.list(marker=first[0]["id"])
        assert first[0]["id"] not in {pg["id"] for pg in rest}
    finally:
        CONF.clear_override("max_limit", group="api")


def test_resources_round_trip(api: Any, sites: None) -> None:
    pg = api.protection_groups.create(
        name="rt", replication_type="sync", volume_type="t", primary_site="site-a",
        secondary_site="site-b", network_mapping={"a": "b"})
    assert api.protection_groups.update("rt", flavor_mapping={"f1": "f2"})[
        "flavor_mapping"] == {"f1": "f2"}
    member = api.members.add(pg["id"], SERVER_ID, boot_order=3)
    assert api.members.get("rt", SERVER_ID)["id"] == member["id"]
    policy = api.policies.create("rt", primary_fa_url="https://a.example.org",
                                 primary_fa_api_token="t1",
                                 secondary_fa_url="https://b.example.org",
                                 secondary_fa_api_token="t2", rpo_minutes=10)
    assert policy["primary_fa_api_token"] == "******"
    mapping = api.tenant_mappings.create(local_tenant=server.OTHER_PROJECT,
                                         remote_site="site-b", remote_tenant="r" * 32)
    assert api.tenant_mappings.list(local_tenant=server.OTHER_PROJECT)[0]["id"] == \
        mapping["id"]
    # Adding the member started the operation that protects it.
    (protect,) = api.operations.list(protection_group_id=pg["id"])
    assert protect["operation_type"] == "protect" and protect["status"] == "pending"
    api.policies.delete("rt")
    api.members.remove("rt", member["id"])
    api.tenant_mappings.delete(mapping["id"])
    api.protection_groups.delete("rt")
    with pytest.raises(ProtectorClientError):
        api.protection_groups.get(pg["id"])


def test_site_names_for_tenants(api: Any, sites: None) -> None:
    names = api.sites.names()
    assert sorted(s["name"] for s in names) == ["site-a", "site-b"]
    assert all(set(s) == {"id", "name", "local"} for s in names)


def test_health_of_the_project(api: Any, sites: None) -> None:
    health = api.health.get()
    assert health["components"] == {"api": "ok", "database": "ok"}
    assert isinstance(health["protection_groups"], list)


def test_health_follows_its_next_links(api: Any, sites: None) -> None:
    CONF.set_override("default_limit", 2, group="api")
    try:
        made = {api.protection_groups.create(
            name=f"health-{i}", replication_type="async", volume_type="t",
            primary_site="site-a", secondary_site="site-b")["id"] for i in range(3)}
        ids = [pg["protection_group_id"] for pg in api.health.get()["protection_groups"]]
        assert made <= set(ids) and len(ids) == len(set(ids))
    finally:
        CONF.clear_override("default_limit", group="api")
