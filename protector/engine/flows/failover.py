"""Failover and failback: the PG's servers rebuilt on the other site from
replicated volumes, and the PG switched over to run there."""

from typing import Any

from taskflow.patterns import linear_flow

from protector import states
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
    5. Switch the PG over: members become the new servers and volumes, the
       target the site it runs on; synced to the peer (or, peer down,
       left for sync-force). Past this step nothing reverts.
    6. Failback only: reprotect at home (replicate back to the DR site and
       retire the DR copy), so the PG ends active and protected.
    """
    view = resources.load(operation_id)
    planned = view.op.operation_type == states.OP_FAILBACK or \
        view.params.get("failover_type", "planned") == "planned"
    flow = linear_flow.Flow(f"{view.op.operation_type}-{operation_id}")
    flow.add(checks.CheckTarget(name="check target site"))
    if planned:
        flow.add(servers.StopSourceServers(name="stop servers on source"),
                 replication.ReplicateNow(name="replicate now"))
    else:
        flow.add(checks.PickRecoveryPoint(name="pick recovery point"))
    groups = rebuild.add_rebuild(flow, view.boot_groups(), test_network=False)
    flow.add(records.SwitchPrimary(groups))
    if view.op.operation_type == states.OP_FAILBACK:
        flow.add(replication.ReverseReplication(name="replicate back to DR site"),
                 fencing.RetireOldCopy(name="retire copy on DR site"))
    return flow


def settle(context: Any, op: Any, outcome: str) -> None:
    """Once switched, the PG runs on the target whatever failed afterwards
    (a failback whose reprotect failed ends active: run reprotect)."""
    committed = resources.committed(op.id, None)
    pg_status.settle(context, op, states.DONE if committed else outcome)
