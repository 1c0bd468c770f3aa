"""pytest fixtures: configuration, databases (SQLite and MariaDB), the API."""

import logging
import os
from collections.abc import Iterator
from typing import Any

import pytest
import webtest

from protector import config, policy
from protector.api import deploy
from protector.clients import peer as peer_client
from protector.clients.peer_fake import FakePeers
from protector.conf import CONF
from protector.db import migration, session
from protector.engine import rpcapi
from protector.tests import fixtures


@pytest.fixture
def peers(monkeypatch: Any) -> FakePeers:
    """The peer site's protector, in memory (this process is site-a)."""
    fake = FakePeers()
    monkeypatch.setattr(peer_client, "get_client", fake.get_client)
    return fake


@pytest.fixture
def conf(tmp_path: Any) -> Iterator[Any]:
    """CONF parsed from no files, with per-test state, DB and noauth."""
    if not config.is_parsed():
        config.parse_args([], default_config_files=[])
    CONF.set_override("state_path", str(tmp_path))
    CONF.set_override("connection", f"sqlite:///{tmp_path}/protector.sqlite",
                      group="database")
    CONF.set_override("auth_strategy", "noauth", group="api")
    CONF.set_override("policy_file", str(tmp_path / "policy.yaml"), group="oslo_policy")
    CONF.set_override("site_name", "site-a")
    session.reset()
    policy.reset()
    yield CONF
    session.reset()
    policy.reset()
    CONF.clear_override("state_path")
    CONF.clear_override("site_name")
    CONF.clear_override("connection", group="database")
    CONF.clear_override("auth_strategy", group="api")
    CONF.clear_override("policy_file", group="oslo_policy")


@pytest.fixture(params=["sqlite", pytest.param("mysql", marks=pytest.mark.mysql)])
def database(request: Any, conf: Any) -> Iterator[str]:
    """A migrated database: SQLite file, or a fresh MariaDB database."""
    if request.param == "sqlite":
        migration.upgrade()
        yield conf.database.connection
        return
    with fixtures.mysql_database() as url:
        conf.set_override("connection", url, group="database")
        session.reset()
        migration.upgrade()
        yield url
        session.reset()


@pytest.fixture
def sqlite_db(conf: Any) -> str:
    migration.upgrade()
    return conf.database.connection


class Client:
    """webtest with one identity and a default microversion."""

    def __init__(self, app: webtest.TestApp, who: str, version: str | None = "1.2"):
        self.app = app
        self.headers = dict(fixtures.IDENTITIES[who])
        if version:
            self.headers["OpenStack-API-Version"] = f"protector {version}"
        self.project = self.headers.get("X-Project-Id", fixtures.OWNER_PROJECT)

    def _call(self, method: str, path: str, body: Any = None, status: Any = "*",
              headers: dict | None = None) -> webtest.TestResponse:
        all_headers = {**self.headers, **(headers or {})}
        kwargs: dict[str, Any] = {"headers": all_headers, "status": status,
                                  "expect_errors": True}
        if body is not None:
            return getattr(self.app, method + "_json")(path, body, **kwargs)
        return getattr(self.app, method)(path, **kwargs)

    def get(self, path: str, **kw: Any) -> webtest.TestResponse:
        return self._call("get", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> webtest.TestResponse:
        return self._call("post", path, body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> webtest.TestResponse:
        return self._call("put", path, body, **kw)

    def delete(self, path: str, **kw: Any) -> webtest.TestResponse:
        return self._call("delete", path, **kw)


@pytest.fixture
def casts(monkeypatch: Any) -> list[str]:
    """Operation ids the API cast to an engine (recorded, not sent)."""
    sent: list[str] = []
    monkeypatch.setattr(rpcapi.EngineAPI, "__init__", lambda self: None)
    monkeypatch.setattr(rpcapi.EngineAPI, "run_operation",
                        lambda self, ctxt, operation_id: sent.append(operation_id))
    return sent


@pytest.fixture
def wsgi_app(conf: Any, peers: FakePeers, casts: list[str]) -> Any:
    return deploy.load_app(os.path.abspath(fixtures.PASTE_INI))


@pytest.fixture
def api(database: str, wsgi_app: Any) -> Any:
    """Clients for each identity against the app on the test database."""
    app = webtest.TestApp(wsgi_app)
    return {who: Client(app, who) for who in fixtures.IDENTITIES}


@pytest.fixture
def sqlite_api(sqlite_db: str, wsgi_app: Any) -> Any:
    app = webtest.TestApp(wsgi_app)
    return {who: Client(app, who) for who in fixtures.IDENTITIES}


def pytest_unconfigure(config: Any) -> None:
    """py-pure-client logs every client out at interpreter exit (atexit),
    after pytest closed the streams and the simulated arrays are gone: each
    retry's warning then fails to write and logging prints a traceback for
    it, thousands of lines after the test summary. Those writes can only
    fail now; let logging drop them."""
    logging.raiseExceptions = False
