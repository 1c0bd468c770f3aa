"""A protector API on 127.0.0.1 for the client tests, plus a fake Keystone.

The API is the real one (api-paste.ini, noauth, SQLite), served by wsgiref
in a background thread. Under ``/identity`` the same server answers as a
minimal Keystone v3 (version document and password token with a catalog),
so clouds.yaml entries with password auth, as the spec writes them, find
the protector endpoint through the catalog.

Only the tests import the server package; protectorclient itself never does.
"""

import json
import os
import socketserver
import threading
import uuid
from collections.abc import Iterator
from typing import Any
from urllib import parse
from wsgiref import simple_server

from protector import config, policy
from protector.api import deploy
from protector.clients import site_checks
from protector.clients.peer_fake import FakePeers
from protector.conf import CONF
from protector.db import migration, session

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PASTE_INI = os.path.join(REPO, "etc", "protector", "api-paste.ini")
ADMIN_PROJECT = "a0000000000000000000000000000000"
OWNER_PROJECT = "b0000000000000000000000000000000"
OTHER_PROJECT = "c0000000000000000000000000000000"
# The replicated volume type the fake sites report.
VOLUME_TYPE = {"id": "7d3c2a51-6a0e-4f51-9c3e-0d1f2a3b4c5d", "name": "replicated-async",
               "replication_type": "async", "volume_backend_name": "rbd-1"}

LOCAL_SITE = "site-a"



class _Server(socketserver.ThreadingMixIn, simple_server.WSGIServer):
    daemon_threads = True


class _QuietHandler(simple_server.WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        pass


def _is_local(site: Any) -> bool:
    return parse.urlsplit(site.auth_url).hostname in ("127.0.0.1", "localhost")


def fake_site_checks() -> dict[str, Any]:
    """Replacements for the site checks: sites on 127.0.0.1 are checked for
    real (a closed port there is unreachable at once); the spec's hosts
    (site-a-controller, 10.0.1.10, ...) answer as healthy sites would."""
    real_validate = site_checks.validate
    real_types = site_checks.replicated_volume_types

    def validate(site: Any) -> dict[str, Any]:
        if _is_local(site):
            return real_validate(site)
        return {"keystone_reachable": True, "nova_reachable": True,
                "cinder_reachable": True, "neutron_reachable": True}

    def volume_types(site: Any) -> list[dict[str, Any]]:
        if _is_local(site):
            return real_types(site)
        return [dict(VOLUME_TYPE)]

    return {"validate": validate, "replicated_volume_types": volume_types}


def fake_peer() -> dict[str, Any]:
    """Replacement for protector.clients.peer.get_client: the peer site's
    protector in memory, keeping and confirming what it is sent (these tests
    run one site; syncing two is the server's own tests' business)."""
    return {"get_client": FakePeers().get_client}


class FakeKeystone:
    """POST /identity/v3/auth/tokens: a token of the form the noauth API
    accepts (``<user>:<project>:<roles>``) and a catalog whose protector
    endpoint is ``<base>/v1/<project>``, as Keystone expands
    ``/v1/%(tenant_id)s``."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.rstrip("/") == "/identity/v3" and environ["REQUEST_METHOD"] == "GET":
            return self._json(start_response, 200, {"version": {
                "id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
                "links": [{"rel": "self", "href": f"{self.base_url}/identity/v3/"}],
                "media-types": [{"base": "application/json",
                                 "type": "application/vnd.openstack.identity-v3+json"}]}})
        if path == "/identity/v3/auth/tokens" and environ["REQUEST_METHOD"] == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = json.loads(environ["wsgi.input"].read(length) or b"{}")
            scope = body.get("auth", {}).get("scope", {}).get("project", {})
            project = ADMIN_PROJECT if scope.get("name") == "admin" else OWNER_PROJECT
            token = f"admin-user:{project}:admin,member"
            return self._json(start_response, 201, self._token(project),
                              [("X-Subject-Token", token)])
        return self._json(start_response, 404, {"error": {"code": 404,
                                                          "message": "fake keystone"}})

    def _token(self, project: str) -> dict[str, Any]:
        domain = {"id": "default", "name": "Default"}
        endpoints = [{"id": uuid.uuid4().hex, "interface": interface, "region": "RegionOne",
                      "region_id": "RegionOne", "url": f"{self.base_url}/v1/{project}"}
                     for interface in ("public", "internal", "admin")]
        return {"token": {
            "methods": ["password"], "expires_at": "2099-01-01T00:00:00.000000Z",
            "issued_at": "2026-01-01T00:00:00.000000Z",
            "user": {"id": "admin-user", "name": "admin", "domain": domain},
            "project": {"id": project, "name": "admin", "domain": domain},
            "roles": [{"id": "r-admin", "name": "admin"}, {"id": "r-member",
                                                          "name": "member"}],
            "catalog": [{"id": "svc-protector", "type": "protector", "name": "protector",
                         "endpoints": endpoints}]}}

    @staticmethod
    def _json(start_response: Any, status: int, body: Any,
              headers: list[tuple[str, str]] | None = None) -> list[bytes]:
        data = json.dumps(body).encode()
        reason = {200: "OK", 201: "Created", 404: "Not Found"}[status]
        start_response(f"{status} {reason}", [("Content-Type", "application/json"),
                                              ("Content-Length", str(len(data))),
                                              *(headers or [])])
        return [data]


class ProtectorServer:
    """The running server: ``url`` is ``http://127.0.0.1:<port>``."""

    def __init__(self, tmp_path: str) -> None:
        self.tmp_path = tmp_path
        self._httpd: Any = None
        self._thread: threading.Thread | None = None
        self.url = ""

    def endpoint(self, project: str = ADMIN_PROJECT) -> str:
        return f"{self.url}/v1/{project}"

    def start(self) -> "ProtectorServer":
        if not config.is_parsed():
            config.parse_args([], default_config_files=[])
        CONF.set_override("state_path", self.tmp_path)
        CONF.set_override("connection", f"sqlite:///{self.tmp_path}/protector.sqlite",
                          group="database")
        CONF.set_override("auth_strategy", "noauth", group="api")
        CONF.set_override("policy_file", os.path.join(self.tmp_path, "policy.yaml"),
                          group="oslo_policy")
        # This site is the one registered as site-a (the spec's names).
        CONF.set_override("site_name", LOCAL_SITE)
        session.reset()
        policy.reset()
        migration.upgrade()
        api = deploy.load_app(PASTE_INI)
        self._httpd = simple_server.make_server("127.0.0.1", 0, self._dispatch(api),
                                                server_class=_Server,
                                                handler_class=_QuietHandler)
        self.url = f"http://127.0.0.1:{self._httpd.server_port}"
        self._keystone = FakeKeystone(self.url)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def _dispatch(self, api: Any) -> Any:
        def app(environ: dict[str, Any], start_response: Any) -> Any:
            if environ.get("PATH_INFO", "").startswith("/identity"):
                return self._keystone(environ, start_response)
            return api(environ, start_response)
        return app

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        session.reset()
        policy.reset()
        for name, group in (("state_path", None), ("site_name", None),
                            ("connection", "database"),
                            ("auth_strategy", "api"), ("policy_file", "oslo_policy")):
            CONF.clear_override(name, group=group)


def serve(tmp_path: str) -> Iterator[ProtectorServer]:
    server = ProtectorServer(tmp_path).start()
    try:
        yield server
    finally:
        server.stop()
