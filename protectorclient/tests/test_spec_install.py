"""The ``openstack protector`` lines of the Service Installation page, run as
printed: "Register sites" and its validation, and Example 4.

The spec's site hosts do not resolve here; the API's site checks answer for
them as a healthy site would (see server.fake_site_checks)."""

import json

from protectorclient.tests.conftest import CLI, split_tables, table

REGISTER_SITES = """
# Register the primary site
openstack --os-cloud site-a protector site create \\
  --name site-a \\
  --description "Primary datacenter" \\
  --site-type primary \\
  --auth-url http://site-a-controller:5000/v3 \\
  --region-name RegionOne

# Register the secondary site
openstack --os-cloud site-a protector site create \\
  --name site-b \\
  --description "Secondary datacenter" \\
  --site-type secondary \\
  --auth-url http://site-b-controller:5000/v3 \\
  --region-name RegionOne
"""

EXAMPLE_4 = """
# Register Site A
openstack --os-cloud site-a protector site create \\
  --name site-a \\
  --description "Primary datacenter - Boston" \\
  --site-type primary \\
  --auth-url http://10.0.1.10:5000/v3 \\
  --region-name RegionOne

# Register Site B
openstack --os-cloud site-a protector site create \\
  --name site-b \\
  --description "Secondary datacenter - Seattle" \\
  --site-type secondary \\
  --auth-url http://10.0.2.10:5000/v3 \\
  --region-name RegionOne

# Validate both sites
openstack --os-cloud site-a protector site validate site-a
openstack --os-cloud site-a protector site validate site-b
"""


def expected_validate_table(name: str) -> str:
    """Example 4's expected output, for site ``name``."""
    width = max(len("Value"), len(name), len("active"))
    rows = [("name", name), ("status", "active"), ("keystone_reachable", "True"),
            ("nova_reachable", "True"), ("cinder_reachable", "True"),
            ("neutron_reachable", "True")]
    line = "+" + "-" * 20 + "+" + "-" * (width + 2) + "+"
    out = [line, f"| {'Field':<18} | {'Value':<{width}} |", line]
    out += [f"| {k:<18} | {v:<{width}} |" for k, v in rows]
    out.append(line)
    return "\n".join(out)


def test_register_sites(cli: CLI) -> None:
    out = cli.shell(REGISTER_SITES).stdout
    created = [table(t) for t in split_tables(out)]
    assert [s["name"] for s in created] == ["site-a", "site-b"]
    assert created[0]["description"] == "Primary datacenter"
    assert created[0]["site_type"] == "primary"
    assert created[0]["auth_url"] == "http://site-a-controller:5000/v3"
    assert created[0]["region_name"] == "RegionOne"
    assert created[1]["site_type"] == "secondary"
    assert created[1]["status"] == "active"


def test_example_4(cli: CLI) -> None:
    """Example 4, which ends with the validate lines of "Register sites"."""
    # It registers site-a and site-b again (other URLs): delete both first.
    cli.run("protector", "site", "delete", "site-a", "site-b")

    tables = split_tables(cli.shell(EXAMPLE_4).stdout)
    assert len(tables) == 4
    assert table(tables[0])["description"] == "Primary datacenter - Boston"
    assert table(tables[1])["auth_url"] == "http://10.0.2.10:5000/v3"
    assert tables[2:] == [expected_validate_table("site-a"), expected_validate_table("site-b")]


def test_validate_json_and_long(cli: CLI) -> None:
    # -f json: the same fields, typed; --long adds the replicated volume types.
    plain, long = cli.run_many([
        ("protector", "site", "validate", "site-a", "-f", "json"),
        ("dr", "site", "validate", "site-b", "--long", "-f", "json")])
    assert json.loads(plain.stdout) == {
        "name": "site-a", "status": "active", "keystone_reachable": True,
        "nova_reachable": True, "cinder_reachable": True, "neutron_reachable": True}
    assert json.loads(long.stdout)["replicated_volume_types"] == ["replicated-async"]
