"""POST /v1/{project_id}/protection-groups/{pg}/action: start a DR operation.

The request is checked against the state machine, the PG moves to the
operation's running state (atomically: one operation per PG), the change
is synced to the peer, an operation row is created and only its id is
cast to an engine. The answer (202) carries the operation to poll.
"""

from typing import Any

from protector import exception, states
from protector.api import dispatch, validation
from protector.api.v1 import protection_groups as pg_api
from protector.api.v1.schemas import actions as schema
from protector.api.v1.views import operations as view
from protector.db import operations as op_db
from protector.db import protection_groups as pg_db
from protector.engine import rpcapi
from protector.policies import operations as rules
from protector.sync import service
from protector.sync import sites as sync_sites

_CAST_FAILED = "Operation %s recorded; the engine will pick it up (cast failed: %s)"


def _sites(pg: Any) -> tuple[str, str]:
    """(source, target): every action goes from where the PG runs now to the
    other site (test cleanup cleans that other site)."""
    other = (pg.secondary_site_id if pg.current_primary_site_id == pg.primary_site_id
             else pg.primary_site_id)
    return pg.current_primary_site_id, other


@validation.body(schema.action)
def action(req: dispatch.Request, project_id: str, pg_id: str, body: dict) -> Any:
    pg = pg_api.lookup(req, project_id, pg_id, rules.ACTION)
    ((op_type, params),) = body.items()
    running = states.pg_transition(pg.name, pg.status, op_type)
    if op_type == states.OP_TEST_FAILOVER and not params.get("auto_network") \
            and not params.get("network_mapping") and not pg.network_mapping:
        raise exception.Invalid(reason="test failover needs --auto-network, a "
                                       "--network-mapping, or network mappings on the "
                                       "protection group")
    sync_sites.peer_of(req.context, pg)  # this site must be one of the PG's two

    def begin() -> Any:
        if not pg_db.transition(req.context, pg.id, pg.status, running):
            raise exception.Conflict(reason=f"protection group {pg.name} changed state "
                                            "meanwhile; another operation started first")
    service.modify(req.context, pg, begin)
    source, target = _sites(pg)
    op = op_db.create(req.context, {
        "project_id": pg.project_id, "protection_group_id": pg.id,
        "operation_type": op_type, "status": states.OP_PENDING, "parameters": params,
        "source_site_id": source, "target_site_id": target})
    try:
        rpcapi.EngineAPI().run_operation(req.context, op.id)
    except Exception as exc:  # noqa: BLE001 - the sweeper starts pending operations
        dispatch.LOG.warning(_CAST_FAILED, op.id, exc)
    return dispatch.json_response({"operation": view.show(op)}, status=202)
