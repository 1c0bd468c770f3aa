"""/v1/{project_id}/tenant-mappings: a project and its twin on the other site.

Admin only, like sites.
"""

from typing import Any

from protector import policy
from protector.api import dispatch, validation
from protector.api.v1 import common
from protector.api.v1.schemas import tenant_mappings as schema
from protector.api.v1.views import tenant_mappings as view
from protector.db import sites as sites_db
from protector.db import tenant_mappings as db
from protector.policies import tenant_mappings as rules
from protector.sync import service


@validation.query(schema.list_query)
def index(req: dispatch.Request, project_id: str, query: dict) -> Any:
    policy.authorize(req.context, rules.INDEX, {"project_id": project_id})
    paging = common.page(query)
    filters = {"local_tenant": query.get("local_tenant")}
    if query.get("remote_site"):
        filters["remote_site_id"] = sites_db.get(req.context, query["remote_site"]).id
    found = db.list_(req.context, filters=filters, **paging)
    return dispatch.json_response(common.collection(
        req, "tenant_mappings", [view.show(m) for m in found], paging["limit"]))


@validation.body(schema.create)
def create(req: dispatch.Request, project_id: str, body: dict) -> Any:
    policy.authorize(req.context, rules.CREATE, {"project_id": project_id})
    values = dict(body)
    values["remote_site_id"] = sites_db.get(req.context, values.pop("remote_site")).id
    mapping = service.save_mapping(req.context, values)
    return dispatch.json_response({"tenant_mapping": view.show(mapping)}, status=201)


def show(req: dispatch.Request, project_id: str, mapping_id: str) -> Any:
    policy.authorize(req.context, rules.SHOW, {"project_id": project_id})
    return dispatch.json_response(
        {"tenant_mapping": view.show(db.get(req.context, mapping_id))})


@validation.body(schema.update)
def update(req: dispatch.Request, project_id: str, mapping_id: str, body: dict) -> Any:
    policy.authorize(req.context, rules.UPDATE, {"project_id": project_id})
    mapping = service.save_mapping(req.context, body, mapping_id)
    return dispatch.json_response({"tenant_mapping": view.show(mapping)})


def delete(req: dispatch.Request, project_id: str, mapping_id: str) -> Any:
    policy.authorize(req.context, rules.DELETE, {"project_id": project_id})
    service.delete_mapping(req.context, mapping_id)
    return dispatch.json_response(None, status=204)
