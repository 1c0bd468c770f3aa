"""An OpenAPI 3.1 document generated from the routes and the handlers'
declared schemas (the newest microversion's), served at /openapi.json."""

import functools
import re
from typing import Any

from protector import version
from protector.api import microversions, routes

_STATUS = {"POST": "201", "DELETE": "204"}
# Endpoints that answer 200 to POST: actions, not creations.
_POST_200 = ("/validate",)


def _parameters(path: str) -> list[dict[str, Any]]:
    return [{"name": name, "in": "path", "required": True,
             "schema": {"type": "string", "minLength": 1, "maxLength": 255,
                        "pattern": "^[^/]+$"}}
            for name in re.findall(r"{(\w+)}", path)]


def _query(handler: Any) -> list[dict[str, Any]]:
    schema = getattr(handler, "query_schema", None)
    if not schema:
        return []
    return [{"name": name, "in": "query", "required": False, "schema": prop}
            for name, prop in schema["properties"].items()]


def _operation(path: str, method: str, handler: Any) -> dict[str, Any]:
    status = "200" if path.endswith(_POST_200) else _STATUS.get(method, "200")
    op: dict[str, Any] = {
        "operationId": f"{handler.__module__.rsplit('.', 1)[-1]}.{handler.__name__}",
        "summary": (handler.__doc__ or "").strip().split("\n")[0],
        "parameters": _parameters(path) + _query(handler),
        "responses": {status: {"description": "Success"},
                      "400": {"description": "Bad input"},
                      "401": {"description": "No valid token"},
                      "403": {"description": "Policy forbids it"},
                      "404": {"description": "Not found"},
                      "409": {"description": "Conflicts with the resource's state"}},
    }
    schemas = getattr(handler, "body_schemas", None)
    if schemas:
        newest = max(schemas, key=lambda item: item[0])[1]
        op["requestBody"] = {"required": True,
                             "content": {"application/json": {"schema": newest}}}
    min_version = getattr(handler, "min_version", None)
    if min_version:
        op["x-openstack-min-microversion"] = str(min_version)
    return op


@functools.lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for path, methods in routes.ROUTES.items():
        paths["/v1" + path] = {method.lower(): _operation(path, method, handler)
                               for method, handler in methods.items()}
    return {
        "openapi": "3.1.0",
        "info": {"title": "protector", "version": version.__version__,
                 "description": "Disaster recovery for OpenStack. Send "
                                f"'{microversions.HEADER}: protector "
                                f"{microversions.MAX_VERSION}' for the newest "
                                "behaviour."},
        "paths": paths,
    }
