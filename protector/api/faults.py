"""JSON error responses. Every error the API returns has this one shape:

    {"error": {"code": 404, "title": "Not Found", "message": "...",
               "request_id": "req-..."}}
"""

from typing import Any

import webob
from webob import exc as webob_exc
from webob.util import status_reasons


def error_response(code: int, message: str, headers: dict[str, str] | None = None,
                   request_id: str | None = None) -> webob.Response:
    body: dict[str, Any] = {"code": code, "title": status_reasons.get(code, "Error"),
                            "message": message}
    if request_id:
        body["request_id"] = request_id
    resp = webob.Response(status=code, json_body={"error": body})
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp


def from_webob(exc: webob_exc.HTTPException, request_id: str | None = None
               ) -> webob.Response:
    """Turn a webob HTTP error raised by a middleware into our JSON shape."""
    message = exc.detail or exc.explanation or exc.title
    headers = {k: v for k, v in exc.headers.items() if k.lower() in ("allow",)}
    return error_response(exc.code, str(message), headers, request_id)
