"""The v1 WSGI application: match a route, check the microversion, call
the handler, and turn every error into a JSON 4xx (a 5xx is a bug).
"""

import json
from collections.abc import Callable
from typing import Any

import routes
import webob
import webob.dec
from oslo_log import log
from webob import exc as webob_exc

from protector import exception
from protector.api import faults, microversions, validation

LOG = log.getLogger(__name__)


class Request(webob.Request):
    """A webob request that knows its context and microversion."""

    @property
    def context(self) -> Any:
        return self.environ["protector.context"]

    @property
    def api_version(self) -> microversions.APIVersion:
        return self.environ["protector.api_version"]

    def json_payload(self) -> Any:
        if not self.body:
            raise exception.Invalid(reason="this request needs a JSON body")
        if self.content_type not in ("application/json", ""):
            raise exception.Invalid(reason=f"Content-Type must be application/json, "
                                           f"not {self.content_type}")
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise exception.Invalid(reason=f"the body is not valid JSON: {exc}") from exc


def json_response(body: Any, status: int = 200, headers: dict | None = None
                  ) -> webob.Response:
    if body is None:
        resp = webob.Response(status=status if status != 200 else 204)
        resp.content_type = None
    else:
        resp = webob.Response(status=status, json_body=body)
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp


class Router:
    """Dispatches on the declarations of ``api/routes.py``."""

    def __init__(self, declarations: dict[str, dict[str, Callable]]) -> None:
        self.mapper = routes.Mapper()
        self.handlers: dict[str, dict[str, Callable]] = {}
        for path, methods in declarations.items():
            self.mapper.connect(path, path, route_key=path)
            self.handlers[path] = methods

    @webob.dec.wsgify(RequestClass=Request)
    def __call__(self, req: Request) -> webob.Response:
        request_id = req.environ.get("openstack.request_id")
        # Errors before negotiation (a bad header) answer at the base version.
        version = microversions.MIN_VERSION
        try:
            version = microversions.from_header(req.headers.get(microversions.HEADER))
            req.environ["protector.api_version"] = version
            resp = self._dispatch(req)
        except exception.ProtectorException as exc:
            if exc.code >= 500:
                LOG.error("Request %s %s failed: %s", req.method, req.path, exc.msg)
            resp = faults.error_response(exc.code, exc.msg, request_id=request_id)
        except webob_exc.HTTPException as exc:
            resp = faults.from_webob(exc, request_id)
        except Exception:
            LOG.exception("Unexpected error in %s %s", req.method, req.path)
            resp = faults.error_response(500, "An unexpected error occurred; the "
                                              "request id is in the service log.",
                                         request_id=request_id)
        resp.headers[microversions.HEADER] = f"{microversions.SERVICE_TYPE} {version}"
        resp.headers["Vary"] = microversions.HEADER
        return resp

    def _dispatch(self, req: Request) -> webob.Response:
        match = self.mapper.match(req.path_info)
        if match is None:
            raise exception.NotFound(f"{req.path_info} is not a protector resource.")
        methods = self.handlers[match.pop("route_key")]
        match.pop("action", None)
        match.pop("controller", None)
        handler = methods.get(req.method)
        if handler is None:
            allowed = ", ".join(sorted(methods))
            return faults.error_response(405, f"{req.method} is not allowed on this "
                                              f"resource; allowed: {allowed}.",
                                         headers={"Allow": allowed})
        min_version = getattr(handler, "min_version", None)
        if min_version is not None and req.api_version < min_version:
            raise exception.NotFound(f"{req.path_info} needs microversion "
                                     f"{min_version} or later.")
        if hasattr(handler, "query_schema"):
            match["query"] = validation.parse_query(handler.query_schema, req.GET)
        elif req.GET:
            raise exception.Invalid(reason="this resource takes no query parameters")
        if hasattr(handler, "body_schemas"):
            optional = not getattr(handler, "body_required", True)
            match["body"] = {} if optional and not req.body else req.json_payload()
            schema = validation.body_schema_for(handler, req.api_version)
            if schema is not None:
                validation.check(schema, match["body"])
        return handler(req, **match)


def min_version(version: microversions.APIVersion) -> Callable:
    """Mark a handler as introduced in ``version`` (older requests get 404)."""
    def decorator(func: Callable) -> Callable:
        func.min_version = version  # type: ignore[attr-defined]
        return func
    return decorator
