"""/v1/{project_id}/operations: DR operations, read-only (the PG action
starts them)."""

from typing import Any

from protector import exception, policy
from protector.api import dispatch, validation
from protector.api.v1 import common
from protector.api.v1.schemas import operations as schema
from protector.api.v1.views import operations as view
from protector.db import operations as db
from protector.policies import operations as rules


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
