"""The DR verbs through the CLI, end to end: the real API and engine flows
in this process (the engine runs each cast in a thread), two fake clouds
and mock storage behind them, ``openstack`` as a user runs it."""

import json
import os
import threading
from typing import Any

import pytest

from protector import context
from protector.clients import peer, site_checks
from protector.cloud.fake import FakeClouds, seed_server
from protector.conf import CONF
from protector.engine import persistence, resources, rpcapi, worker
from protectorclient.tests import server as server_mod
from protectorclient.tests.conftest import CLI, assert_one_line_error, table

ENGINE_THREADS: list[threading.Thread] = []


def _cast(self: Any, ctxt: Any, operation_id: str) -> None:
    thread = threading.Thread(target=worker.run, args=(operation_id,),
                              kwargs={"host": "cli-engine"}, daemon=True)
    ENGINE_THREADS.append(thread)
    thread.start()


@pytest.fixture(scope="module")
def api_server(tmp_path_factory: Any) -> Any:
    patch = pytest.MonkeyPatch()
    for name, fake in server_mod.fake_site_checks().items():
        patch.setattr(site_checks, name, fake)
    for name, fake in server_mod.fake_peer().items():
        patch.setattr(peer, name, fake)
    patch.setattr(rpcapi.EngineAPI, "__init__", lambda self: None)
    patch.setattr(rpcapi.EngineAPI, "run_operation", _cast)
    clouds = FakeClouds(build_time=0.05, power_time=0.01, attach_time=0.01,
                        volume_create_time=0.01, image_copy_time=0.01, manage_time=0.01,
                        group_time=0.01, poll_interval=0.005).install()
    try:
        for srv in server_mod.serve(str(tmp_path_factory.mktemp("protector"))):
            CONF.set_override("use_mock_storage", True)
            srv.clouds = clouds
            yield srv
    finally:
        CONF.clear_override("use_mock_storage")
        clouds.uninstall()
        persistence.reset()
        patch.undo()


def _settle() -> None:
    while ENGINE_THREADS:
        ENGINE_THREADS.pop().join(60)


@pytest.fixture(scope="module")
def pg(api_server: Any, api: Any) -> dict:
    for name, kind in (("site-a", "primary"), ("site-b", "secondary")):
        api.sites.create(name=name, site_type=kind, auth_url=f"http://{name}-ctl:5000/v3")
    api.tenant_mappings.create(local_tenant=server_mod.ADMIN_PROJECT, remote_site="site-b",
                               remote_tenant=server_mod.OWNER_PROJECT)
    group = api.protection_groups.create(
        name="web", replication_type="async", volume_type="replicated",
        primary_site="site-a", secondary_site="site-b",
        network_mapping={"private": "private"})
    api.policies.create("web", primary_fa_url="https://fa-a.example.org",
                        primary_fa_api_token="token-a", rpo_minutes=15,
                        secondary_fa_url="https://fa-b.example.org",
                        secondary_fa_api_token="token-b")
    site_a = api_server.clouds["site-a"]
    for order, name in ((1, "db"), (2, "app")):
        api.members.add("web", instance_id=seed_server(site_a, name, volume_sizes=(1, 1)),
                        boot_order=order)
        _settle()
    _replicate(api, group["id"])
    return group


def _replicate(api: Any, pg_id: str) -> None:
    """What the array schedule does every RPO."""
    op = api.operations.list(protection_group_id=pg_id)[-1]
    driver = resources.load(op["id"], context.get_admin_context().to_dict()).storage()
    try:
        driver.replicate_now()
    finally:
        driver.close()


def _json(proc: Any) -> Any:
    return json.loads(proc.stdout)


def _waited(cli: CLI, *args: str) -> dict:
    """Run a verb with --wait: exit 0, one progress line per finished step
    on stderr (not a terminal, so no bar), the final operation on stdout."""
    proc = cli.run(*args, "--wait", "-f", "json", ok=None)
    assert proc.returncode == 0, proc.stderr
    op = _json(proc)
    for step in op["steps_completed"]:
        assert f"{op['operation_type']}: {step} done" in proc.stderr
    return op


def test_drill_failover_reprotect_failback(cli: CLI, pg: dict, api: Any,
                                           api_server: Any) -> None:
    assert {m["status"] for m in api.members.list("web")} == {"protected"}
    drill = _waited(cli, "protector", "protection-group", "test-failover", "web",
                    "--auto-network")
    assert drill["status"] == "completed" and drill["progress"] == 100
    assert "boot db" in drill["steps_completed"]
    assert api.protection_groups.get("web")["status"] == "test_failed_over"
    report = os.path.join(cli.env["HOME"], "drill.html")
    shown = table(cli.run("protector", "operation", "show", drill["id"], "--report",
                          report).stdout)
    assert shown["report"] == report and shown["status"] == "completed"
    page = open(report, encoding="utf-8").read()
    assert page.startswith("<!DOCTYPE html>") and 'data-step="boot db"' in page
    bad = cli.run("protector", "operation", "show", drill["id"], "--report",
                  "/nonexistent/dir/r.html", ok=False)
    assert_one_line_error(bad, "Cannot write the report to /nonexistent/dir/r.html")
    cleanup = _waited(cli, "dr", "test-cleanup", "web")
    assert cleanup["status"] == "completed"

    moved = _waited(cli, "protector", "protection-group", "failover", "web")
    assert moved["status"] == "completed" and moved["failover_type"] == "planned"
    group = api.protection_groups.get("web")
    assert group["status"] == "failed_over"
    assert group["current_primary_site_id"] == group["secondary_site_id"]
    site_b = api_server.clouds["site-b"]
    assert sorted(s.name for s in site_b.servers.values() if s.status == "ACTIVE") == \
        ["app", "db"]

    # Failback before reprotect: refused with what to do, non-zero exit.
    refused = cli.run("dr", "failback", "web", ok=False)
    assert "reprotect" in refused.stderr
    assert _waited(cli, "dr", "reprotect", "web")["status"] == "completed"
    back = _waited(cli, "protector", "protection-group", "failback", "web")
    assert back["status"] == "completed"
    group = api.protection_groups.get("web")
    assert group["status"] == "active"
    assert group["current_primary_site_id"] == group["primary_site_id"]


def test_wait_exits_non_zero_when_the_operation_fails(cli: CLI, pg: dict, api: Any,
                                                      api_server: Any) -> None:
    _replicate(api, pg["id"])
    api_server.clouds["site-b"].fail_builds(times=10)
    try:
        proc = cli.run("protector", "protection-group", "test-failover", "web",
                       "--auto-network", "--wait", ok=False)
    finally:
        api_server.clouds["site-b"].build_faults.clear()
    assert "rolled_back" in proc.stderr and "injected failure" in proc.stderr
    assert api.protection_groups.get("web")["status"] == "active"


def test_without_wait_the_operation_is_shown_at_once(cli: CLI, pg: dict, api: Any) -> None:
    started = _json(cli.run("dr", "test-failover", "web", "--auto-network", "-f", "json"))
    assert started["status"] in ("pending", "running", "completed")
    _settle()
    _waited(cli, "dr", "test-cleanup", "web")
    bad = cli.run("dr", "failover", "web", "--recovery-point", "x", ok=False)
    assert "--unplanned" in bad.stderr


def test_wait_exits_non_zero_when_servers_were_left_behind() -> None:
    """A failover that completed partly is not a success for a script."""
    from osc_lib import exceptions

    from protectorclient.osc.v1 import action

    partly = {"id": "op1", "operation_type": "failover", "status": "completed",
              "progress": 100, "steps_completed": ["switch primary site"],
              "error_message": "1 member(s) left behind ...: db: No valid host"}

    class Operations:
        final = partly

        def wait(self, op_id: str, **kwargs: Any) -> dict:
            kwargs["on_update"](self.final)
            return self.final

    class Client:
        operations = Operations()

    with pytest.raises(exceptions.CommandError) as caught:
        action.wait(Client(), partly)
    assert "completed partly" in str(caught.value) and "db: No valid host" in str(caught.value)
    Client.operations.final = {**partly, "error_message": None}
    assert action.wait(Client(), partly)["status"] == "completed"
