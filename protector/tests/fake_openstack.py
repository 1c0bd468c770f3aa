"""A small HTTP stand-in for one site's Keystone catalog and service roots.

Enough for ``site validate`` and ``list-volume-types``: password auth with
a catalog, version documents, and Cinder volume types. The real services
are exercised by the integration tier (the two-site lab); this keeps the
functional tier fast and lets a test take one service down.
"""

import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref import simple_server


class _Server(ThreadingMixIn, simple_server.WSGIServer):
    daemon_threads = True


class _QuietHandler(simple_server.WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


class FakeSite:
    def __init__(self, password: str = "protector-pw") -> None:
        self.password = password
        self.down: set[str] = set()          # service types answering 503
        self.missing: set[str] = set()       # service types absent from the catalog
        self.project_id = uuid.uuid4().hex
        self.volume_types: list[dict[str, Any]] = []
        self.url = ""
        self.tokens: dict[str, dict] = {}    # issued token id -> token body
        self.trusts: list[dict] = []

    # -- WSGI -----------------------------------------------------------
    def __call__(self, environ: dict, start_response: Any) -> list[bytes]:
        path = environ["PATH_INFO"].rstrip("/")
        method = environ["REQUEST_METHOD"]
        status, body, headers = self.route(method, path, environ)
        data = json.dumps(body).encode()
        start_response(status, [("Content-Type", "application/json"),
                                ("Content-Length", str(len(data))), *headers])
        return [data]

    def route(self, method: str, path: str, environ: dict) -> tuple[str, Any, list]:
        if path == "/identity/v3/auth/tokens" and method == "POST":
            return self.issue_token(environ)
        if path == "/identity/v3/OS-TRUST/trusts" and method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            trust = json.loads(environ["wsgi.input"].read(length))["trust"]
            trust["id"] = uuid.uuid4().hex
            self.trusts.append(trust)
            return "201 Created", {"trust": trust}, []
        if path == "/identity/v3/auth/tokens" and method == "GET":
            body = self.tokens.get(environ.get("HTTP_X_SUBJECT_TOKEN", ""))
            if body is None:
                return "404 Not Found", {"error": {"code": 404,
                                                   "message": "token not found"}}, []
            return "200 OK", body, []
        if path in ("/identity", "/identity/v3"):
            return "200 OK", {"version": {"id": "v3.14", "status": "stable", "links": [
                {"rel": "self", "href": f"{self.url}/identity/v3/"}]}}, []
        for service, prefix in (("compute", "/compute"), ("volumev3", "/volume"),
                                ("network", "/networking")):
            if path.startswith(prefix):
                if service in self.down:
                    return "503 Service Unavailable", {"error": "down"}, []
                if path.endswith("/types"):
                    return "200 OK", {"volume_types": self.volume_types}, []
                return "200 OK", {"versions": []}, []
        return "404 Not Found", {"error": path}, []

    def issue_token(self, environ: dict) -> tuple[str, Any, list]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        req = json.loads(environ["wsgi.input"].read(length))
        user = req["auth"]["identity"]["password"]["user"]
        project = req["auth"].get("scope", {}).get("project", {})
        if user["password"] != self.password:
            return "401 Unauthorized", {"error": {"code": 401,
                                                  "message": "invalid credentials"}}, []
        endpoints = {
            "identity": f"{self.url}/identity/v3",
            "compute": f"{self.url}/compute/v2.1",
            "volumev3": f"{self.url}/volume/v3/{self.project_id}",
            "network": f"{self.url}/networking",
        }
        catalog = [{"type": stype, "name": stype, "id": uuid.uuid4().hex,
                    "endpoints": [{"interface": iface, "region": "RegionOne",
                                   "region_id": "RegionOne", "url": url,
                                   "id": uuid.uuid4().hex}
                                  for iface in ("public", "internal", "admin")]}
                   for stype, url in endpoints.items() if stype not in self.missing]
        token = {"token": {
            "methods": ["password"], "expires_at": "2099-01-01T00:00:00.000000Z",
            "issued_at": "2026-01-01T00:00:00.000000Z",
            "user": {"id": f"id-{user['name']}", "name": user["name"],
                     "domain": {"id": "default", "name": "Default"}},
            "project": {"id": project.get("id") or self.project_id,
                        "name": project.get("name", "service"),
                        "domain": {"id": "default", "name": "Default"}},
            "roles": [{"id": "r1", "name": "admin"} if user["name"] != "demo"
                      else {"id": "r2", "name": "member"}],
            "catalog": catalog}}
        token_id = uuid.uuid4().hex
        self.tokens[token_id] = token
        return "201 Created", token, [("X-Subject-Token", token_id)]


@contextmanager
def serve(site: FakeSite, host: str = "127.0.0.1") -> Iterator[FakeSite]:
    server = simple_server.make_server(host, 0, site, server_class=_Server,
                                       handler_class=_QuietHandler)
    site.url = f"http://{host}:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
