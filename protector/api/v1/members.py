"""/v1/{project_id}/protection-groups/{pg}/members: the servers of a PG.

A new member starts ``adding``; the engine captures the server's spec and
protects its volumes, then marks it ``protected``.
"""

from typing import Any

from protector import exception, states
from protector.api import dispatch, microversions, validation
from protector.api.v1 import common
from protector.api.v1 import protection_groups as pg_api
from protector.api.v1.schemas import members as schema
from protector.api.v1.views import members as view
from protector.db import members as db
from protector.db import operations as op_db
from protector.engine import rpcapi
from protector.policies import members as rules
from protector.sync import service
from protector.sync import sites as sync_sites

V1_1 = microversions.V1_1_MAPPINGS_BOOT_ORDER
ADDING = "adding"
REMOVING = "removing"


def _start(req: dispatch.Request, pg: Any, op_type: str, member_id: str) -> None:
    """Record a member operation and cast it (the sweeper starts it if the
    cast is lost)."""
    op = op_db.create(req.context, {
        "project_id": pg.project_id, "protection_group_id": pg.id,
        "operation_type": op_type, "status": states.OP_PENDING,
        "parameters": {"member_id": member_id},
        "source_site_id": pg.current_primary_site_id})
    try:
        rpcapi.EngineAPI().run_operation(req.context, op.id)
    except Exception as exc:  # noqa: BLE001 - the sweeper starts pending operations
        dispatch.LOG.warning("Operation %s recorded; cast failed: %s", op.id, exc)


def _stop_protecting(req: dispatch.Request, pg: Any, member: Any) -> None:
    """A member still being added: its protect operation is cancelled if no
    engine has started it; one that has may be making containers and
    volumes, which only its own revert can account for, so not now."""
    for op in op_db.active_for_member(req.context, pg.id, member.id, states.OP_PROTECT):
        if not op_db.cancel_pending(req.context, op.id,
                                    f"cancelled: member {member.id} was removed"):
            raise exception.Conflict(
                reason=f"member {member.id} is being protected by operation {op.id}; "
                       "remove it once that operation has ended "
                       "(openstack protector operation show)")


def _editable(pg: Any) -> None:
    if pg.status not in states.PG_EDITABLE:
        raise exception.InvalidState(resource="Protection group", id=pg.name,
                                     state=pg.status,
                                     reason="members can change only when it is active "
                                            "or in error")


@validation.query(schema.list_query)
def index(req: dispatch.Request, project_id: str, pg_id: str, query: dict) -> Any:
    pg = pg_api.lookup(req, project_id, pg_id, rules.INDEX)
    paging = common.page(query)
    found = db.list_(req.context, pg.id, filters={"status": query.get("status")}, **paging)
    return dispatch.json_response(common.collection(
        req, "members", [view.show(m, req.api_version) for m in found], paging["limit"]))


@validation.body(schema.create)
@validation.body(schema.create_v1_1, min_version=V1_1)
def create(req: dispatch.Request, project_id: str, pg_id: str, body: dict) -> Any:
    pg = pg_api.lookup(req, project_id, pg_id, rules.CREATE)
    _editable(pg)
    here = sync_sites.local_site(req.context)
    if here.id != pg.current_primary_site_id:
        raise exception.Conflict(reason=f"add members on the site {pg.name} runs on, not "
                                        f"here ({here.name})")
    member = service.modify(req.context, pg, lambda: db.create(req.context, {
        "protection_group_id": pg.id,
        "project_id": pg.project_id,
        "instance_id": body["instance_id"],
        "instance_name": body.get("instance_name"),
        "boot_order": body.get("boot_order", 1),
        "status": ADDING,
    }))
    # The engine captures the server and puts its volumes under replication.
    _start(req, pg, states.OP_PROTECT, member.id)
    return dispatch.json_response({"member": view.show(member, req.api_version)},
                                  status=201)


def show(req: dispatch.Request, project_id: str, pg_id: str, member_id: str) -> Any:
    pg = pg_api.lookup(req, project_id, pg_id, rules.INDEX)
    member = db.get(req.context, pg.id, member_id)
    return dispatch.json_response({"member": view.show(member, req.api_version)})


@dispatch.min_version(V1_1)
@validation.body(schema.update_v1_1, min_version=V1_1)
def update(req: dispatch.Request, project_id: str, pg_id: str, member_id: str,
           body: dict) -> Any:
    pg = pg_api.lookup(req, project_id, pg_id, rules.CREATE)
    _editable(pg)
    db.get(req.context, pg.id, member_id)  # 404 before anything is synced
    member = service.modify(req.context, pg,
                            lambda: db.update(req.context, pg.id, member_id, body))
    return dispatch.json_response({"member": view.show(member, req.api_version)})


def delete(req: dispatch.Request, project_id: str, pg_id: str, member_id: str) -> Any:
    """A member whose volumes are protected leaves through the engine (202):
    its volumes come out of the array container and the Cinder group first.
    One with nothing protected yet is removed at once (204)."""
    pg = pg_api.lookup(req, project_id, pg_id, rules.DELETE)
    _editable(pg)
    member = db.get(req.context, pg.id, member_id)
    if member.status == ADDING:
        _stop_protecting(req, pg, member)
    if not db.has_volumes(req.context, member.id):
        service.modify(req.context, pg, lambda: db.delete(req.context, pg.id, member.id))
        return dispatch.json_response(None, status=204)
    if member.status == REMOVING:
        raise exception.Conflict(reason=f"member {member_id} is being removed already")
    member = service.modify(req.context, pg, lambda: db.update(
        req.context, pg.id, member.id, {"status": REMOVING}))
    _start(req, pg, states.OP_UNPROTECT, member.id)
    return dispatch.json_response({"member": view.show(member, req.api_version)},
                                  status=202)
