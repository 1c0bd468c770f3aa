"""Failover and failback: the PG's servers rebuilt on the other site from
replicated volumes, and the PG switched over to run there."""

from typing import Any

from taskflow.patterns import linear_flow

from protector import states
from protector.db import operations as op_db
from protector.engine import pg_status, resources
from protector.engine.flows import rebuild
from protector.engine.tasks import checks, fencing, records, replication, servers


def get_flow(operation_id: str) -> linear_flow.Flow:
    """Build the failover (or failback) flow of ``operation_id``.

    1. Check members are protected and flavors, networks and the volume
       type resolve on the target site.
    2. Planned: stop the servers on the source (revert: start them again)
       and replicate now, waiting until the target array holds it all.
       Unplanned: pick the recovery point asked for, else the newest
       complete one; the source is not touched at all.
    3. For every member at once: copy its volumes from that point on the
       target array (revert: remove the copies), then manage them into
       Cinder in the PG's project there (revert: delete them).
    4. Boot the servers one boot-order group after the other, the members
       of a group in parallel; attach data volumes. (revert: delete them)
       Unplanned: a member that fails in 3 or 4 is left behind and the
       others go on (the source is gone: rolling them back saves nothing).
    5. Switch the PG over: members become the new servers and volumes, the
       target the site it runs on; synced to the peer (or, peer down,
       left for sync-force). Members left behind: what was made for them
       is removed and they are marked so; the PG ends failed_over_partial
       and the next failover moves just them. Past this step nothing
       reverts.
    6. Failback only: reprotect at home (replicate back to the DR site and
       retire the DR copy), so the PG ends active and protected.
    """
    view = resources.load(operation_id)
    moving = [m.id for m in view.moving()]
    if "member_ids" not in view.params:
        # A resumed flow must be the same flow: the members it moves are
        # the ones it was first built for, whatever the switch changed.
        op_db.update(view.context, operation_id,
                     {"parameters": {**view.params, "member_ids": moving}})
    planned = view.op.operation_type == states.OP_FAILBACK or \
        view.params.get("failover_type", "planned") == "planned"
    flow = linear_flow.Flow(f"{view.op.operation_type}-{operation_id}")
    flow.add(checks.CheckTarget(name="check target site"))
    if planned:
        flow.add(servers.StopSourceServers(name="stop servers on source"),
                 replication.ReplicateNow(name="replicate now"))
    else:
        flow.add(checks.PickRecoveryPoint(name="pick recovery point"))
    groups = rebuild.add_rebuild(flow, view.boot_groups(), test_network=False,
                                 partial=not planned)
    flow.add(records.SwitchPrimary(groups, moving))
    if view.op.operation_type == states.OP_FAILBACK:
        flow.add(replication.ReverseReplication(name="replicate back to DR site"),
                 fencing.RetireOldCopy(name="retire copy on DR site"))
    return flow


def settle(context: Any, op: Any, outcome: str) -> None:
    """Once switched, the PG runs on the target whatever failed afterwards
    (a failback whose reprotect failed ends active: run reprotect), partly
    when members were left behind. Failing those over again, the PG stays
    partly failed over unless it moved them all."""
    view = resources.load(op.id)
    if view.committed:
        event = states.PARTIAL if view.op.result.get("left_behind") else states.DONE
    elif view.resuming_partial:
        event = states.PARTIAL
    else:
        event = outcome
    pg_status.settle(context, op, event)
