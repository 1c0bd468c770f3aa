"""Failures: one line on stderr, a non-zero exit, never a traceback. Also
the other ways in: password auth through a catalog, and a member token."""

import json
import socket
from typing import Any

import pytest

from protectorclient.tests import server
from protectorclient.tests.conftest import CLI, assert_one_line_error, table


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def setup(api: Any) -> dict:
    api.sites.create(name="site-a", site_type="primary", auth_url="http://site-a-ctl:5000/v3")
    api.sites.create(name="site-b", site_type="secondary",
                     auth_url="http://site-b-ctl:5000/v3")
    # A site whose Keystone is a closed local port: validated for real.
    api.sites.create(name="dead", site_type="secondary",
                     auth_url=f"http://127.0.0.1:{closed_port()}/v3")
    api.tenant_mappings.create(local_tenant=server.ADMIN_PROJECT, remote_site="site-b",
                               remote_tenant=server.OWNER_PROJECT)
    pg = api.protection_groups.create(name="web", replication_type="async",
                                      volume_type="replicated-async",
                                      primary_site="site-a", secondary_site="site-b")
    return {"pg": pg}


def test_errors_are_one_line(cli: CLI, setup: dict) -> None:
    port = closed_port()
    member_token = f"owner-user:{server.OWNER_PROJECT}:member"
    cases = [
        (("protector", "site", "show", "nope"), ("Site nope could not be found", "HTTP 404",
                                                  "Request-ID: req-")),
        (("dr", "protection-group", "show", "nope"), ("nope", "HTTP 404")),
        (("--os-endpoint", f"http://127.0.0.1:{port}/v1/x", "protector", "site", "list"),
         (f"Cannot reach the protector API at http://127.0.0.1:{port}/v1/x",
          "Connection refused")),
        (("protector", "site", "create", "--name", "site-a", "--site-type", "primary",
          "--auth-url", "http://x:5000/v3"), ("site-a already exists", "HTTP 409")),
        (("protector", "member", "add", "web", "not-a-uuid"), ("instance_id", "HTTP 400")),
        (("--os-protector-api-version", "1.9", "protector", "site", "list"),
         ("version 1.9 is not supported by this client",)),
        (("--os-protector-api-version", "1.0", "protector", "member", "add", "web",
          "11111111-2222-3333-4444-555555555555", "--boot-order", "3"),
         ("boot_order needs protector API version 1.1",)),
        (("protector", "site", "set", "site-a"), ("Nothing to change",)),
        (("--os-token", member_token, "protector", "site", "list"), ("HTTP 403",)),
    ]
    results = cli.run_many([argv for argv, _ in cases], ok=False)
    for (_, fragments), proc in zip(cases, results, strict=True):
        assert_one_line_error(proc, *fragments)


def test_validate_unreachable_site(cli: CLI, setup: dict) -> None:
    """A real check against a closed port: the command succeeds and says why."""
    rows = table(cli.run("protector", "site", "validate", "dead").stdout)
    assert rows["status"] == "unreachable"
    assert rows["keystone_reachable"] == "False"
    assert "Keystone at http://127.0.0.1:" in rows["error"]


def test_password_auth_uses_the_catalog(cli: CLI, setup: dict) -> None:
    """clouds.yaml as the spec writes it (password, region RegionOne): the
    endpoint is the catalog's /v1/<project>."""
    out = cli.run("protector", "protection-group", "show", "web", "-f", "json",
                  cloud="site-pw")
    assert json.loads(out.stdout)["id"] == setup["pg"]["id"]
