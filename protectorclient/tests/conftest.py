"""Fixtures: a protector API per test module and the real ``openstack`` CLI
pointed at it through a temporary clouds.yaml."""

import os
import shlex
import subprocess
import sys
from collections.abc import Iterator, Sequence
from concurrent import futures
from typing import Any

import pytest

from protector.clients import peer, site_checks
from protectorclient.tests import server as server_mod

BIN_DIR = os.path.dirname(sys.executable)
OPENSTACK = os.path.join(BIN_DIR, "openstack")
ADMIN_TOKEN = f"admin-user:{server_mod.ADMIN_PROJECT}:admin,member"


@pytest.fixture(scope="module")
def api_server(tmp_path_factory: Any) -> Iterator[server_mod.ProtectorServer]:
    """A fresh protector API (own SQLite file) for each test module: this is
    site-a; the peer site is a fake that confirms every sync, and the spec's
    unresolvable site hosts answer as healthy sites."""
    patch = pytest.MonkeyPatch()
    for name, fake in server_mod.fake_site_checks().items():
        patch.setattr(site_checks, name, fake)
    for name, fake in server_mod.fake_peer().items():
        patch.setattr(peer, name, fake)
    try:
        yield from server_mod.serve(str(tmp_path_factory.mktemp("protector")))
    finally:
        patch.undo()


def clouds_yaml(srv: server_mod.ProtectorServer) -> str:
    """site-a / site-b: admin_token auth straight at the endpoint (the token
    is what the noauth API accepts). site-pw: the spec's password entry,
    against the fake Keystone, so the endpoint comes from the catalog."""
    entries = []
    for name, project in (("site-a", server_mod.ADMIN_PROJECT),
                          ("site-b", server_mod.OWNER_PROJECT)):
        entries.append(f"""  {name}:
    auth_type: admin_token
    auth:
      token: "admin-user:{project}:admin,member"
      endpoint: "{srv.endpoint(project)}"
""")
    entries.append(f"""  site-pw:
    auth:
      auth_url: {srv.url}/identity/v3
      project_name: admin
      username: admin
      password: password
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
""")
    return "clouds:\n" + "".join(entries)


class CLI:
    """Runs ``openstack`` (the installed executable) as a user would."""

    def __init__(self, srv: server_mod.ProtectorServer, home: str, cache: str) -> None:
        self.server = srv
        config = os.path.join(home, "clouds.yaml")
        with open(config, "w") as f:
            f.write(clouds_yaml(srv))
        env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
        env.update({"OS_CLIENT_CONFIG_FILE": config, "HOME": home,
                    "XDG_CONFIG_HOME": os.path.join(home, ".config"),
                    "XDG_CACHE_HOME": cache,
                    "PATH": BIN_DIR + os.pathsep + env.get("PATH", ""),
                    "PYTHONWARNINGS": "ignore", "COLUMNS": "200"})
        self.env = env

    def run(self, *args: str, cloud: str | None = "site-a", ok: bool | None = True,
            stdin: str | None = None, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess:
        """``openstack [--os-cloud cloud] args``; ``ok`` asserts exit 0 and an
        empty stderr, ``ok=False`` a failure, ``ok=None`` nothing."""
        argv = [OPENSTACK, *(["--os-cloud", cloud] if cloud else []), *args]
        proc = subprocess.run(argv, capture_output=True, text=True, input=stdin,
                              env={**self.env, **(env or {})}, timeout=60)
        return self._checked(proc, ok, shlex.join(argv[1:]))

    def shell(self, script: str, ok: bool | None = True, **env: str) -> subprocess.CompletedProcess:
        """A spec snippet run by bash as written (``openstack`` is on PATH)."""
        proc = subprocess.run(["bash", "-euc", script], capture_output=True, text=True,
                              env={**self.env, **env}, timeout=120)
        return self._checked(proc, ok, script)

    def run_many(self, commands: Sequence[Sequence[str]], **kwargs: Any
                 ) -> list[subprocess.CompletedProcess]:
        """Several independent read-only commands at once (each spawn costs
        about a second)."""
        with futures.ThreadPoolExecutor(max_workers=4) as pool:
            return list(pool.map(lambda argv: self.run(*argv, **kwargs), commands))

    @staticmethod
    def _checked(proc: subprocess.CompletedProcess, ok: bool | None, what: str
                 ) -> subprocess.CompletedProcess:
        if ok is None:
            return proc
        if ok:
            assert proc.returncode == 0, f"{what}: rc={proc.returncode}\n{proc.stderr}"
            assert proc.stderr.strip() == "", f"{what}: stderr:\n{proc.stderr}"
        else:
            assert proc.returncode != 0, f"{what} succeeded:\n{proc.stdout}"
        return proc


@pytest.fixture(scope="session")
def cli_cache(tmp_path_factory: Any) -> str:
    """One cache dir for every run (stevedore caches entry points there)."""
    return str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def cli(api_server: server_mod.ProtectorServer, tmp_path_factory: Any, cli_cache: str) -> CLI:
    return CLI(api_server, str(tmp_path_factory.mktemp("home")), cli_cache)


@pytest.fixture(scope="module")
def api(api_server: server_mod.ProtectorServer) -> Any:
    """The Python API client, as admin, against the module's server."""
    from keystoneauth1 import session, token_endpoint

    from protectorclient.v1 import client
    auth = token_endpoint.Token(api_server.endpoint(), ADMIN_TOKEN)
    return client.Client(session.Session(auth=auth))


def table(text: str) -> dict[str, str]:
    """Field -> value of a ShowOne table (``| field | value |`` rows)."""
    rows = {}
    for line in text.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if len(cells) == 2 and cells[0] != "Field":
                rows[cells[0]] = cells[1]
    return rows


def split_tables(text: str) -> list[str]:
    """The ShowOne tables (three border lines each) of several commands'
    output, in order."""
    tables: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if not line.startswith(("+", "|")):
            continue
        current.append(line)
        if line.startswith("+") and sum(x.startswith("+") for x in current) == 3:
            tables.append("\n".join(current))
            current = []
    return tables


def assert_one_line_error(proc: subprocess.CompletedProcess, *fragments: str) -> str:
    """A failed command: non-zero exit, one line on stderr, no traceback."""
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]
