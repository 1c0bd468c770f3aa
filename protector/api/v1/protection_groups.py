"""/v1/{project_id}/protection-groups: VMs that fail over together."""

from typing import Any

from protector import exception, policy, states
from protector.api import dispatch, microversions, validation
from protector.api.v1 import common
from protector.api.v1.schemas import protection_groups as schema
from protector.api.v1.views import protection_groups as view
from protector.db import members as members_db
from protector.db import models
from protector.db import protection_groups as db
from protector.db import sites as sites_db
from protector.policies import protection_groups as rules
from protector.sync import service

V1_1 = microversions.V1_1_MAPPINGS_BOOT_ORDER


def lookup(req: dispatch.Request, project_id: str, pg_ref: str, action: str
           ) -> models.ProtectionGroup:
    """The PG named in the URL, after checking ``action`` on its project.

    Administrators reach any project's PG; others only PGs of the project
    in the path, which the policy then checks against their token.
    """
    policy.authorize(req.context, action, {"project_id": project_id})
    scope = None if req.context.is_admin else project_id
    pg = db.get(req.context, scope, pg_ref)
    policy.authorize(req.context, action, {"project_id": pg.project_id})
    return pg


@validation.query(schema.list_query)
def index(req: dispatch.Request, project_id: str, query: dict) -> Any:
    policy.authorize(req.context, rules.INDEX, {"project_id": project_id})
    paging = common.page(query)
    filters = {"name": query.get("name"), "status": query.get("status"),
               "project_id": project_id}
    if query.get("all_projects"):
        if not req.context.is_admin:
            raise exception.Forbidden(action="all_projects")
        filters["project_id"] = None
    found = db.list_(req.context, filters=filters, **paging)
    return dispatch.json_response(common.collection(
        req, "protection_groups", [view.show(pg, req.api_version) for pg in found],
        paging["limit"]))


@validation.body(schema.create)
@validation.body(schema.create_v1_1, min_version=V1_1)
def create(req: dispatch.Request, project_id: str, body: dict) -> Any:
    policy.authorize(req.context, rules.CREATE, {"project_id": project_id})
    primary = sites_db.get(req.context, body["primary_site"])
    secondary = sites_db.get(req.context, body["secondary_site"])
    if primary.id == secondary.id:
        raise exception.Invalid(reason="primary_site and secondary_site must be two "
                                       "different sites")
    pg = service.create_pg(req.context, {
        "project_id": project_id,
        "name": body["name"],
        "description": body.get("description"),
        "replication_type": body["replication_type"],
        "volume_type": body["volume_type"],
        "primary_site_id": primary.id,
        "secondary_site_id": secondary.id,
        "current_primary_site_id": primary.id,
        "status": states.ACTIVE,
        "network_mapping": body.get("network_mapping", {}),
        "flavor_mapping": body.get("flavor_mapping", {}),
    })
    return dispatch.json_response({"protection_group": view.show(pg, req.api_version)},
                                  status=201)


def show(req: dispatch.Request, project_id: str, pg_id: str) -> Any:
    pg = lookup(req, project_id, pg_id, rules.SHOW)
    return dispatch.json_response({"protection_group": view.show(pg, req.api_version)})


@validation.body(schema.update)
@validation.body(schema.update_v1_1, min_version=V1_1)
def update(req: dispatch.Request, project_id: str, pg_id: str, body: dict) -> Any:
    pg = lookup(req, project_id, pg_id, rules.UPDATE)
    fixed = sorted(set(body) & set(schema.IMMUTABLE))
    if fixed:
        raise exception.Invalid(reason=f"{', '.join(fixed)} cannot change after a "
                                       "protection group is created; create a new "
                                       "protection group instead")
    if pg.status not in states.PG_EDITABLE:
        raise exception.InvalidState(resource="Protection group", id=pg.name,
                                     state=pg.status,
                                     reason="it can change only when active or in error")
    pg = service.modify(req.context, pg,
                        lambda: db.update(req.context, pg.project_id, pg.id, body))
    return dispatch.json_response({"protection_group": view.show(pg, req.api_version)})


def delete(req: dispatch.Request, project_id: str, pg_id: str) -> Any:
    pg = lookup(req, project_id, pg_id, rules.DELETE)
    states.pg_transition(pg.name, pg.status, states.DELETE)
    if members_db.list_(req.context, pg.id, filters={}, limit=1):
        raise exception.Conflict(reason=f"protection group {pg.name} has members; remove "
                                        "them first (openstack protector member remove)")
    service.delete_pg(req.context, pg)
    return dispatch.json_response(None, status=204)
