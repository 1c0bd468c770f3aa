"""WSGI front end of one simulated array.

Speaks what py-pure-client expects:

* ``GET /api/api_version`` -> ``{"version": [...]}`` (no auth);
* ``POST /api/<ver>/login`` with header ``api-token`` -> 200 and header
  ``x-auth-token``; ``POST /api/<ver>/logout``;
* every other call needs ``x-auth-token`` (401 otherwise, which makes the
  SDK log in again once);
* success: ``{"items": [...], "continuation_token", "total_item_count",
  "more_items_remaining"}``; failure: HTTP 400 ``{"errors": [{"context",
  "message"}]}``.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Iterable
from typing import Any

import webob

from protector.storage.simulator.errors import SimError
from protector.storage.simulator.http.query import Query, apply_filter, apply_sort, paginate
from protector.storage.simulator.http.routes import LIST_BODY, RESOURCES, ROUTES, operation_name
from protector.storage.simulator.state.array import Array
from protector.storage.simulator.state.fabric import Fabric

API_PREFIX = "/api/"
LOG = logging.getLogger(__name__)


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> webob.Response:
    resp = webob.Response(status=status, content_type="application/json", charset="utf-8")
    resp.text = json.dumps(body)
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp


def _errors(status: int, message: str, context: str | None = None) -> webob.Response:
    err = {"message": message}
    if context is not None:
        err["context"] = context
    return _json(status, {"errors": [err]})


class ArrayApp:
    """A WSGI application serving one array of a :class:`Fabric`."""

    def __init__(self, fabric: Fabric, array_name: str) -> None:
        self.fabric = fabric
        self.array_name = array_name

    @property
    def array(self) -> Array:
        return self.fabric.arrays[self.array_name]

    def __call__(self, environ: dict, start_response: Any) -> Iterable[bytes]:
        req = webob.Request(environ)
        try:
            resp = self.handle(req)
        except SimError as err:
            resp = _errors(err.status, err.message, err.context)
        except Exception as exc:  # a simulator bug: say so in the SDK's error shape
            LOG.exception("simulator error on %s %s", req.method, req.path_qs)
            resp = _errors(500, f"Simulator internal error: {exc!r}")
        request_id = req.headers.get("X-Request-ID")
        if request_id:
            resp.headers["X-Request-ID"] = request_id
        if resp.status_code >= 400:
            # What a client was refused, for whoever reads the simulator's log
            # (a contract test looks for calls the simulator does not serve).
            LOG.info("%s: %s %s -> %s %s", self.array_name, req.method, req.path_qs,
                     resp.status_code, resp.text[:300])
        return resp(environ, start_response)

    def handle(self, req: webob.Request) -> webob.Response:
        faults = self.fabric.fault(self.array_name)
        if faults.latency > 0:
            # Outside the fabric lock, so parallel calls overlap their latency.
            time.sleep(faults.latency)
        if faults.unreachable is not None:
            # Retry-After: 0 keeps the SDK's automatic 503 retries short.
            return _json(
                503,
                {"errors": [{"message": "Service unavailable."}]},
                {"Retry-After": "0"},
            )
        path = req.path_info
        if path == "/api/api_version" and req.method == "GET":
            return _json(200, {"version": self.array.rest_versions})
        if not path.startswith(API_PREFIX):
            return _errors(404, "Not found.")
        version, _, resource = path[len(API_PREFIX):].partition("/")
        if version not in self.array.rest_versions:
            return _errors(404, f"REST API version {version} is not supported.")
        if resource == "login" and req.method == "POST":
            return self._login(req)
        if resource == "logout" and req.method == "POST":
            self.array.sessions.discard(req.headers.get("x-auth-token", ""))
            return _json(200, {})
        if req.headers.get("x-auth-token") not in self.array.sessions:
            return _errors(401, "Authentication failed: missing or invalid x-auth-token.")
        handler = ROUTES.get((req.method, resource))
        if handler is None:
            status = 405 if resource in RESOURCES else 404
            return _errors(status, f"{req.method} {resource} is not supported by the simulator.")
        operation = operation_name(req.method, resource)
        injected = self.fabric.take_injected_error(self.array_name, operation)
        if injected is not None:
            return _errors(injected.status, injected.message, self.array_name)
        resp = self._dispatch(req, handler)
        if resp.status_code < 400:
            self.fabric.served(self.array_name, operation)
        return resp

    def _login(self, req: webob.Request) -> webob.Response:
        if req.headers.get("api-token") != self.array.api_token:
            return _errors(401, "Invalid API token.")
        token = secrets.token_hex(16)
        with self.fabric.lock:
            self.array.sessions.add(token)
        return _json(200, {"items": [{"username": "pureuser"}]}, {"x-auth-token": token})

    def _dispatch(self, req: webob.Request, handler: Any) -> webob.Response:
        query = Query(req.environ.get("QUERY_STRING", ""))
        body: dict[str, Any] = {}
        if req.body:
            try:
                body = json.loads(req.body)
            except ValueError:
                return _errors(400, "The request body is not valid JSON.")
            if isinstance(body, list):
                body = {LIST_BODY: body}
            if not isinstance(body, dict):
                return _errors(400, "The request body must be a JSON object or list.")
        if "ids" in query or any(k.endswith("_ids") for k in query.keys()):
            return _errors(400, "The simulator addresses objects by name only.")
        with self.fabric.lock:
            self.fabric.sync()
            items = handler(self.array, query, body)
        if req.method == "GET":
            items = apply_filter(items, query.str("filter"))
            items = apply_sort(items, query.list("sort"))
            return _json(200, paginate(items, query))
        return _json(200, {"items": items})
