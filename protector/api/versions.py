"""The version document at ``/`` (the spec's Example 2) and the OpenAPI
document at ``/openapi.json``; both answer without a token, as version
discovery does in every OpenStack API.
"""

import json
from typing import Any

import webob
import webob.dec

from protector.api import faults, microversions


def versions_document() -> dict[str, Any]:
    return {"versions": [{
        "id": "v1",
        "status": "CURRENT",
        "min_version": str(microversions.MIN_VERSION),
        "max_version": str(microversions.MAX_VERSION),
    }]}


class VersionsController:
    """WSGI app for everything outside /v1."""

    @classmethod
    def factory(cls, global_conf: dict | None = None, **local_conf: Any) -> "VersionsController":
        """paste.app_factory named by the spec's api-paste.ini."""
        return cls()

    @webob.dec.wsgify
    def __call__(self, req: webob.Request) -> webob.Response:
        if req.method not in ("GET", "HEAD"):
            return faults.error_response(405, f"{req.method} is not allowed here; use GET.",
                                         headers={"Allow": "GET, HEAD"})
        if req.path_info in ("", "/"):
            # Indented as the spec prints it, so `curl -s` shows the same text.
            return webob.Response(content_type="application/json", charset="UTF-8",
                                  text=json.dumps(versions_document(), indent=2) + "\n")
        if req.path_info == "/openapi.json":
            from protector.api import openapi
            return webob.Response(json_body=openapi.document())
        return faults.error_response(
            404, f"{req.path_info} is not a protector resource; the API is under /v1.")
