"""The ``openstack protector`` / ``openstack dr`` lines of the Prerequisites
page, run as printed (placeholders and shell variables filled in)."""

import json
from typing import Any

import pytest

from protectorclient.tests import server
from protectorclient.tests.conftest import CLI, split_tables, table

VALIDATE_SITES = """
openstack protector site validate site-a
openstack protector site validate site-b

openstack protector site list-volume-types site-a
openstack protector site list-volume-types site-b
"""

# "Configure tenant mapping", <placeholders> replaced by shell variables.
CONFIGURE_MAPPING = """
openstack dr tenant mapping create \\
    --local-tenant $LOCAL_ID \\
    --remote-site $REMOTE_SITE_ID \\
    --remote-tenant $REMOTE_ID \\
    --description "Tenant mapping"
"""

# Example 3 from "# Create the mapping" on; the project ids come from the
# environment (the page gets them from `openstack project show`).
EXAMPLE_3 = """
REMOTE_SITE=$(openstack protector site show site-b -f value -c id)

# Create the mapping (run from site A)
openstack dr tenant mapping create \\
    --local-tenant $LOCAL_PROJECT \\
    --remote-site $REMOTE_SITE \\
    --remote-tenant $REMOTE_PROJECT \\
    --description "myproject tenant mapping"
"""


@pytest.fixture(scope="module")
def sites(api: Any) -> dict[str, dict]:
    """site-a and site-b, registered through the Python API client."""
    return {name: api.sites.create(name=name, site_type=kind, region_name="RegionOne",
                                   auth_url=f"http://{name}-controller:5000/v3")
            for name, kind in (("site-a", "primary"), ("site-b", "secondary"))}


def test_validate_sites(cli: CLI, sites: dict) -> None:
    out = cli.shell(VALIDATE_SITES, OS_CLOUD="site-a").stdout
    lines = out.splitlines()
    validated = [table(t) for t in split_tables(out)[:2]]
    assert [(v["name"], v["status"]) for v in validated] == [("site-a", "active"),
                                                             ("site-b", "active")]
    for v in validated:
        assert set(v) == {"name", "status", "keystone_reachable", "nova_reachable",
                          "cinder_reachable", "neutron_reachable"}
        assert {v[k] for k in v if k.endswith("_reachable")} == {"True"}
    # Both sites list the same replicated type (the page's condition to go on).
    cells = [[c.strip() for c in ln.strip("|").split("|")] for ln in lines
             if ln.startswith("|")]
    listed = [row for row in cells if len(row) == 4]
    assert listed == [["id", "name", "replication_type", "volume_backend_name"],
                      [server.VOLUME_TYPE["id"], "replicated-async", "async", "rbd-1"]] * 2


def test_configure_tenant_mapping(cli: CLI, sites: dict) -> None:
    out = cli.shell(CONFIGURE_MAPPING, OS_CLOUD="site-a", LOCAL_ID="11" * 16,
                    REMOTE_SITE_ID=sites["site-b"]["id"], REMOTE_ID="22" * 16).stdout
    assert table(out) == {"id": table(out)["id"], "local_tenant": "11" * 16,
                          "remote_site": sites["site-b"]["id"], "remote_tenant": "22" * 16,
                          "description": "Tenant mapping"}


def test_example_3(cli: CLI, sites: dict, api: Any) -> None:
    out = cli.shell(EXAMPLE_3, OS_CLOUD="site-a", LOCAL_PROJECT=server.ADMIN_PROJECT,
                    REMOTE_PROJECT=server.OWNER_PROJECT).stdout
    # The Expected output: these rows, in this order.
    rows = [ln.split("|")[1].strip() for ln in out.splitlines() if ln.startswith("|")]
    assert rows == ["Field", "id", "local_tenant", "remote_site", "remote_tenant",
                    "description"]
    shown = table(out)
    assert shown["remote_site"] == sites["site-b"]["id"]
    assert shown["description"] == "myproject tenant mapping"
    assert api.tenant_mappings.get(shown["id"])["local_tenant"] == server.ADMIN_PROJECT


def test_tenant_mapping_verbs(cli: CLI, sites: dict, api: Any) -> None:
    """list, show, set and delete, under both prefixes."""
    mapping = api.tenant_mappings.create(local_tenant="33" * 16, remote_site="site-b",
                                         remote_tenant="44" * 16)
    listed, shown = cli.run_many([
        ("protector", "tenant", "mapping", "list", "--remote-site", "site-b", "-f", "json"),
        ("dr", "tenant", "mapping", "show", mapping["id"], "-f", "json")])
    assert mapping["id"] in {m["id"] for m in json.loads(listed.stdout)}
    assert json.loads(shown.stdout) == {
        "id": mapping["id"], "local_tenant": "33" * 16, "remote_site": sites["site-b"]["id"],
        "remote_tenant": "44" * 16, "description": None}
    changed = cli.run("dr", "tenant", "mapping", "set", mapping["id"], "--description",
                      "moved", "-f", "value", "-c", "description")
    assert changed.stdout.strip() == "moved"
    cli.run("protector", "tenant", "mapping", "delete", mapping["id"])
    assert mapping["id"] not in {m["id"] for m in api.tenant_mappings.list()}
