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
from protector.clients import peer as peer_client
from protector.db import operations as op_db
from protector.db import protection_groups as pg_db
from protector.engine import rpcapi
from protector.policies import operations as rules
from protector.sync import service
from protector.sync import sites as sync_sites

_CAST_FAILED = "Operation %s recorded; the engine will pick it up (cast failed: %s)"


def _sites(pg: Any) -> tuple[str, str]:
    """(source, target): every action goes from where the PG runs now to the
    other site (test cleanup cleans that other site), but failing over again
    after a partial failover, which moves the members left on the other site
    to where the PG runs now."""
    other = (pg.secondary_site_id if pg.current_primary_site_id == pg.primary_site_id
             else pg.primary_site_id)
    if pg.status == states.FAILED_OVER_PARTIAL:
        return other, pg.current_primary_site_id
    return pg.current_primary_site_id, other


def _check(req: dispatch.Request, pg: Any, op_type: str, params: dict) -> None:
    """What the state machine cannot see: where an action may be issued and
    what it needs beforehand. Refused here, nothing has changed."""
    if op_type == states.OP_TEST_FAILOVER and not params.get("auto_network") \
            and not params.get("network_mapping") and not pg.network_mapping:
        raise exception.Invalid(reason="test failover needs --auto-network, a "
                                       "--network-mapping, or network mappings on the "
                                       "protection group")
    if op_type == states.OP_FAILOVER and params.get("recovery_point") \
            and not _unplanned(op_type, params):
        raise exception.Invalid(reason="recovery_point applies to an unplanned failover "
                                       "only (a planned one replicates now and uses that "
                                       "point); add failover_type unplanned")
    here = sync_sites.local_site(req.context)
    if _unplanned(op_type, params) and here.id == _sites(pg)[0]:
        raise exception.Conflict(
            reason=f"an unplanned failover is issued to the DR site, not to {here.name} "
                   f"where {pg.name} runs now; for a move while both sites are up use a "
                   "planned failover")
    if op_type == states.OP_FAILBACK and not _replicating_back(
            pg_db.get_full(req.context, None, pg.id)):
        raise exception.Conflict(
            reason=f"replication of {pg.name} has not been reversed yet; run "
                   "'openstack protector protection-group reprotect' first")


def _unplanned(op_type: str, params: dict) -> bool:
    return op_type == states.OP_FAILOVER and params.get("failover_type") == "unplanned"


def _replicating_back(pg: Any) -> bool:
    """Reprotect left the PG's copy where it runs now under replication and
    no stale copy on the other site."""
    here = pg.current_primary_site_id
    return all(cg.site_id == here for cg in pg.consistency_groups) and any(
        cg.status == "available" and cg.volumes for cg in pg.consistency_groups)


@validation.body(schema.action)
def action(req: dispatch.Request, project_id: str, pg_id: str, body: dict) -> Any:
    pg = pg_api.lookup(req, project_id, pg_id, rules.ACTION)
    ((op_type, params),) = body.items()
    running = states.pg_transition(pg.name, pg.status, op_type)
    sync_sites.peer_of(req.context, pg)  # this site must be one of the PG's two
    _check(req, pg, op_type, params)

    def begin() -> Any:
        if not pg_db.transition(req.context, pg.id, pg.status, running):
            raise exception.Conflict(reason=f"protection group {pg.name} changed state "
                                            "meanwhile; another operation started first")
    if _unplanned(op_type, params):
        # The one change allowed with the peer down or stale (it usually is).
        try:
            service.modify(req.context, pg, begin)
        except (peer_client.PeerUnreachable, exception.Conflict):
            service.modify_without_peer(req.context, pg, begin)
    else:
        service.modify(req.context, pg, begin)
    source, target = _sites(pg)
    op = op_db.create(req.context, {
        "project_id": pg.project_id, "protection_group_id": pg.id,
        "operation_type": op_type, "status": states.OP_PENDING, "parameters": params,
        "failover_type": (params.get("failover_type", "planned")
                          if op_type == states.OP_FAILOVER else None),
        "source_site_id": source, "target_site_id": target})
    try:
        rpcapi.EngineAPI().run_operation(req.context, op.id)
    except Exception as exc:  # noqa: BLE001 - the sweeper starts pending operations
        dispatch.LOG.warning(_CAST_FAILED, op.id, exc)
    return dispatch.json_response({"operation": view.show(op)}, status=202)
