"""The v1 WSGI application and its middleware chain, built in code.

``create_app`` is the paste.app_factory named by the spec's api-paste.ini.
Order, outermost first, and why:

1. RequestId: every response, even an error from a later layer, carries
   x-openstack-request-id.
2. HTTPProxyToWSGI: the URLs we generate (next links) use the scheme and
   host the client used behind a TLS proxy.
3. Fault guard: anything raised or answered in text below (the size limit,
   a bug) becomes a JSON error, never a traceback.
4. RequestBodySizeLimiter: oversize bodies are refused before they are read.
5. Context: who is calling (keystone headers, or noauth headers).
6. Router: microversion, validation, handlers.
"""

from typing import Any

import webob
import webob.dec
from oslo_log import log
from oslo_middleware import http_proxy_to_wsgi, request_id, sizelimit
from webob import exc as webob_exc

from protector.api import auth, dispatch, faults, routes
from protector.conf import CONF

LOG = log.getLogger(__name__)


class FaultGuard:
    def __init__(self, app: Any) -> None:
        self.app = app

    @webob.dec.wsgify
    def __call__(self, req: webob.Request) -> Any:
        rid = req.environ.get("openstack.request_id")
        try:
            resp = req.get_response(self.app)
            if resp.status_int >= 400 and resp.content_type != "application/json":
                # A middleware below answered in text (the size limiter does).
                lines = [ln.strip() for ln in resp.text.splitlines() if ln.strip()]
                return faults.error_response(resp.status_int,
                                             lines[-1] if lines else resp.status, None, rid)
            return resp
        except webob_exc.HTTPException as exc:
            return faults.from_webob(exc, rid)
        except Exception:
            LOG.exception("Unexpected error in %s %s", req.method, req.path)
            return faults.error_response(500, "An unexpected error occurred; the "
                                              "request id is in the service log.",
                                         request_id=rid)


def build_v1() -> Any:
    app: Any = dispatch.Router(routes.ROUTES)
    if CONF.api.auth_strategy == "noauth":
        app = auth.NoAuthContext(app)
    else:
        app = auth.KeystoneContext(app)
    app = sizelimit.RequestBodySizeLimiter(app, CONF)
    app = FaultGuard(app)
    app = http_proxy_to_wsgi.HTTPProxyToWSGI(app, CONF)
    return request_id.RequestId(app)


def create_app(global_conf: dict | None = None, **local_conf: Any) -> Any:
    """paste.app_factory for /v1 (``protector.api.app:create_app``)."""
    return build_v1()
