"""/v1/{project_id}/operations: DR operations, read-only (the PG action
starts them), and each one's HTML report."""

from typing import Any

import webob

from protector import exception, policy
from protector.api import dispatch, validation
from protector.api.v1 import common
from protector.api.v1.schemas import operations as schema
from protector.api.v1.views import operations as view
from protector.db import operations as db
from protector.db import protection_groups as pg_db
from protector.db import sites as site_db
from protector.policies import operations as rules
from protector.reports import operation as operation_report


@validation.query(schema.list_query)
def index(req: dispatch.Request, project_id: str, query: dict) -> Any:
    policy.authorize(req.context, rules.INDEX, {"project_id": project_id})
    paging = common.page(query)
    filters = {k: query.get(k) for k in ("protection_group_id", "operation_type", "status")}
    filters["project_id"] = project_id
    if query.get("all_projects"):
        if not req.context.is_admin:
            raise exception.Forbidden(action="all_projects")
        filters["project_id"] = None
    found = db.list_(req.context, filters=filters, **paging)
    return dispatch.json_response(common.collection(
        req, "operations", [view.show(op) for op in found], paging["limit"]))


def show(req: dispatch.Request, project_id: str, operation_id: str) -> Any:
    policy.authorize(req.context, rules.SHOW, {"project_id": project_id})
    scope = None if req.context.is_admin else project_id
    op = db.get(req.context, scope, operation_id)
    policy.authorize(req.context, rules.SHOW, {"project_id": op.project_id})
    return dispatch.json_response({"operation": view.show(op)})


def _report(req: dispatch.Request, project_id: str, operation_id: str) -> dict[str, Any]:
    """What the report and the steps show: the operation, its timeline and
    its members by name."""
    policy.authorize(req.context, rules.SHOW, {"project_id": project_id})
    scope = None if req.context.is_admin else project_id
    op = db.get(req.context, scope, operation_id)
    policy.authorize(req.context, rules.SHOW, {"project_id": op.project_id})
    pg = None
    if op.protection_group_id:
        try:
            pg = pg_db.get_full(req.context, None, op.protection_group_id)
        except exception.NotFound:
            pass  # deleted since: the report names members by id
    sites = {s.id: s.name for s in site_db.list_(req.context, filters={})}
    return view.report(op, db.steps(req.context, op.id), pg, sites)


def steps(req: dispatch.Request, project_id: str, operation_id: str) -> Any:
    """The report's data as JSON: every attempt of every step, per member
    by name, while the operation runs (the dashboard's live view)."""
    data = _report(req, project_id, operation_id)
    return dispatch.json_response({key: data[key] for key in (
        "operation", "source_site", "target_site", "recovery_point", "members",
        "timeline")})


def report(req: dispatch.Request, project_id: str, operation_id: str) -> Any:
    """A self-contained HTML page: the operation's steps per VM on a time
    line, its RTO, the recovery point it used and that point's age."""
    page = operation_report.render(_report(req, project_id, operation_id))
    resp = webob.Response(status=200, charset="utf-8", content_type="text/html")
    resp.text = page
    return resp
