"""Middleware that turns an authenticated request into a RequestContext.

keystone: keystonemiddleware (from api-paste.ini) validated the token and
set X-Identity-Status and friends; a request it let through unconfirmed is
refused here. A project's first request creates its Keystone trust.
noauth: the caller states who it is in X-User-Id, X-Project-Id and
X-Roles; for tests and the embedded demo only.
"""

from typing import Any

import webob
import webob.dec

from protector import context, exception
from protector.api import faults
from protector.clients import trusts


class KeystoneContext:
    def __init__(self, app: Any) -> None:
        self.app = app

    @webob.dec.wsgify
    def __call__(self, req: webob.Request) -> Any:
        if req.headers.get("X-Identity-Status") != "Confirmed":
            return faults.error_response(
                401, "Authentication required: send a valid Keystone token in "
                     "X-Auth-Token.", headers={"WWW-Authenticate": "Keystone"})
        ctx = context.RequestContext.from_environ(req.environ)
        req.environ["protector.context"] = ctx
        try:
            trusts.ensure_trust(ctx, req.environ.get("keystone.token_auth"))
        except exception.ProtectorException as exc:
            return faults.error_response(exc.code, exc.msg,
                                         request_id=req.environ.get("openstack.request_id"))
        return req.get_response(self.app)


class NoAuthContext:
    """Identity from X-User-Id / X-Project-Id / X-Roles, or from a token of
    the form ``<user>:<project>[:<role>,<role>]`` (keystoneauth's admin_token
    plugin sends one, so the unmodified openstack CLI works against it).
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    @webob.dec.wsgify
    def __call__(self, req: webob.Request) -> Any:
        user_id = req.headers.get("X-User-Id")
        project_id = req.headers.get("X-Project-Id")
        roles_header = req.headers.get("X-Roles", "member")
        token = req.headers.get("X-Auth-Token", "")
        if not (user_id and project_id) and token.count(":") in (1, 2):
            user_id, project_id, *rest = token.split(":")
            roles_header = rest[0] if rest else roles_header
        if not user_id or not project_id:
            return faults.error_response(
                401, "noauth mode: send X-User-Id and X-Project-Id (and X-Roles), or "
                     "X-Auth-Token: <user>:<project>[:<roles>].")
        roles = [r.strip() for r in roles_header.split(",") if r.strip()]
        req.environ["protector.context"] = context.RequestContext(
            user_id=user_id, project_id=project_id, roles=roles,
            request_id=req.environ.get("openstack.request_id"))
        return req.get_response(self.app)
