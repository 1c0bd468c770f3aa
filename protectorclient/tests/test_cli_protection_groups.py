"""protection-group, member, policy and operation commands through the CLI."""

import json
from typing import Any

import pytest

from protectorclient.exceptions import ProtectorClientError
from protectorclient.tests import server
from protectorclient.tests.conftest import CLI, assert_one_line_error, table

SERVER_1 = "11111111-2222-3333-4444-555555555555"
SERVER_2 = "11111111-2222-3333-4444-666666666666"
PG_FIELDS = {"id", "name", "description", "project_id", "replication_type", "volume_type",
             "primary_site_id", "secondary_site_id", "current_primary_site_id", "status",
             "metadata_version", "sync_status", "last_sync_at", "last_replication_at",
             "created_at", "updated_at", "network_mapping", "flavor_mapping"}


def as_json(proc: Any) -> Any:
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def pg(cli: CLI, api: Any) -> dict:
    for name, kind in (("site-a", "primary"), ("site-b", "secondary")):
        api.sites.create(name=name, site_type=kind, auth_url=f"http://{name}-ctl:5000/v3")
    # Protection groups sync to the project's twin on the peer site.
    api.tenant_mappings.create(local_tenant=server.ADMIN_PROJECT, remote_site="site-b",
                               remote_tenant=server.OWNER_PROJECT)
    out = cli.run("protector", "protection-group", "create", "--name", "web",
                  "--description", "web tier", "--replication-type", "async",
                  "--volume-type", "replicated-async", "--primary-site", "site-a",
                  "--secondary-site", "site-b", "--network-mapping", "net-a=net-b",
                  "--flavor-mapping", "m1.small=m1.large", "-f", "json")
    return as_json(out)


def test_spec_sync_status_and_sync_force(cli: CLI, pg: dict) -> None:
    """The install page's troubleshooting lines, with <pg-name> = web."""
    status = cli.run("protector", "protection-group", "sync-status", "web")
    forced = cli.run("protector", "protection-group", "sync-force", "web")
    sourced = cli.run("protector", "protection-group", "sync-force", "web", "--source",
                      "site-a", "-f", "json")
    rows = table(status.stdout)
    assert rows["status"] == "IN_SYNC" and rows["peer_site"] == "site-b"
    assert rows["local_version"] == rows["peer_version"]
    forced_rows = table(forced.stdout)
    assert forced_rows["status"] == "IN_SYNC"
    assert int(forced_rows["local_version"]) == int(rows["local_version"]) + 1
    assert as_json(sourced)["local_version"] == int(rows["local_version"]) + 2


def test_protection_group_create_show_list_set(cli: CLI, pg: dict, api: Any) -> None:
    assert set(pg) == PG_FIELDS
    assert pg["network_mapping"] == {"net-a": "net-b"}
    assert pg["flavor_mapping"] == {"m1.small": "m1.large"}
    assert pg["primary_site_id"] == api.sites.get("site-a")["id"]
    assert pg["project_id"] == server.ADMIN_PROJECT

    by_name, listed, dr_table = cli.run_many([
        ("protector", "protection-group", "show", "web", "-f", "json"),
        ("protector", "protection-group", "list", "--long", "-f", "json"),
        ("dr", "protection-group", "show", pg["id"])])
    assert as_json(by_name)["id"] == pg["id"]
    assert [p["name"] for p in as_json(listed)] == ["web"]
    assert {"id", "name", "status", "sync_status", "primary_site_id"} <= set(as_json(listed)[0])
    assert table(dr_table.stdout)["network_mapping"] == "net-a='net-b'"

    # --network-mapping on set merges into the current mapping.
    changed = as_json(cli.run("protector", "protection-group", "set", "web", "--description",
                              "front", "--network-mapping", "net-c=net-d", "-f", "json"))
    assert changed["description"] == "front"
    assert changed["network_mapping"] == {"net-a": "net-b", "net-c": "net-d"}


def test_members(cli: CLI, pg: dict, api: Any) -> None:
    added = as_json(cli.run("dr", "member", "add", "web", SERVER_1, "--boot-order",
                            "2", "-f", "json"))
    assert added["instance_id"] == SERVER_1
    assert added["boot_order"] == 2
    assert added["protection_group_id"] == pg["id"]
    api.members.add(pg["id"], SERVER_2, instance_name="db1")

    listed, shown = cli.run_many([
        ("protector", "member", "list", "web", "-f", "json"),
        ("protector", "member", "show", "web", SERVER_2, "-f", "json")])
    assert {(m["instance_id"], m["boot_order"]) for m in as_json(listed)} == {
        (SERVER_1, 2), (SERVER_2, 1)}
    assert set(as_json(listed)[0]) == {"id", "instance_id", "instance_name", "status",
                                       "boot_order"}
    assert as_json(shown)["instance_name"] == "db1"

    moved = cli.run("protector", "member", "set", "web", SERVER_1, "--boot-order", "5",
                    "-f", "value", "-c", "boot_order")
    assert moved.stdout.strip() == "5"
    # By server id and by member id.
    cli.run("protector", "member", "remove", "web", SERVER_1, as_json(shown)["id"])
    assert api.members.list("web") == []


def test_policy(cli: CLI, pg: dict, api: Any) -> None:
    created = as_json(cli.run(
        "protector", "policy", "create", "web", "--primary-fa-url", "https://fa-a.example.org",
        "--primary-fa-token", "secret-a", "--secondary-fa-url", "https://fa-b.example.org",
        "--secondary-fa-token", "secret-b", "--rpo-minutes", "15", "--retention-days", "3",
        "-f", "json"))
    assert created["rpo_minutes"] == 15
    assert created["retention_days"] == 3
    assert created["retention_per_day"] == 3  # the API default
    shown, changed = cli.run_many([
        ("dr", "policy", "show", "web"),
        ("protector", "policy", "set", "web", "--rpo-minutes", "5", "--primary-fa-token",
         "secret-c", "-f", "json")])
    rows = table(shown.stdout)
    assert rows["primary_fa_api_token"] == rows["secondary_fa_api_token"] == "******"
    assert "secret" not in shown.stdout
    assert as_json(changed)["rpo_minutes"] == 5
    cli.run("protector", "policy", "delete", "web")
    with pytest.raises(ProtectorClientError, match="has no replication policy"):
        api.policies.get("web")


def test_operations(cli: CLI, pg: dict) -> None:
    from protector import context
    from protector.db import operations as ops_db

    ctx = context.RequestContext(user_id="admin-user", project_id=server.ADMIN_PROJECT,
                                 roles=["admin"])
    op = ops_db.create(ctx, {"project_id": server.ADMIN_PROJECT,
                             "protection_group_id": pg["id"], "operation_type": "failover",
                             "failover_type": "planned", "status": "running", "progress": 40,
                             "steps_completed": ["snapshot"],
                             "parameters": {"force": False}})
    listed, by_pg, shown = cli.run_many([
        ("protector", "operation", "list", "-f", "json"),
        ("dr", "operation", "list", "--protection-group", "web", "--status", "running",
         "--long", "-f", "json"),
        ("protector", "operation", "show", op.id, "-f", "json")])
    # Adding members started "protect" operations too.
    failovers = [o for o in as_json(listed) if o["operation_type"] == "failover"]
    assert [o["id"] for o in failovers] == [op.id]
    assert as_json(by_pg)[0]["failover_type"] == "planned"
    detail = as_json(shown)
    assert detail["progress"] == 40
    assert detail["steps_completed"] == ["snapshot"]
    assert detail["parameters"] == {"force": False}


def test_protection_group_delete(cli: CLI, pg: dict, api: Any) -> None:
    api.protection_groups.create(name="db", replication_type="sync",
                                 volume_type="replicated-sync", primary_site="site-a",
                                 secondary_site="site-b")
    cli.run("dr", "protection-group", "delete", "db")
    assert [p["name"] for p in api.protection_groups.list()] == ["web"]


def test_create_calls_the_other_site_first(cli: CLI, pg: dict, api: Any, tmp_path) -> None:
    """--secondary-site names a clouds.yaml cloud: its protector must answer
    (and so gets the user's first request there) before anything is made."""
    broken = tmp_path / "clouds.yaml"
    text = open(cli.env["OS_CLIENT_CONFIG_FILE"]).read()
    start = text.index("  site-b:")
    end = text.index("  site-pw:")
    broken.write_text(text[:start] + text[start:end].replace(
        cli.server.endpoint(server.OWNER_PROJECT), "http://127.0.0.1:9/v1/x") + text[end:])
    proc = cli.run("protector", "protection-group", "create", "--name", "db",
                   "--replication-type", "async", "--volume-type", "replicated-async",
                   "--primary-site", "site-a", "--secondary-site", "site-b", ok=False,
                   env={"OS_CLIENT_CONFIG_FILE": str(broken)})
    line = assert_one_line_error(proc, "site site-b (cloud site-b in clouds.yaml)",
                                 "nothing was changed")
    assert "127.0.0.1:9" in line
    assert [p["name"] for p in api.protection_groups.list()] == ["web"]
