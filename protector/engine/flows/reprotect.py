"""Reprotect: after a failover, protect the PG where it runs now and retire
the stale copy on the site it left, without moving the servers."""

from typing import Any

from taskflow.patterns import linear_flow

from protector import states
from protector.engine import pg_status, resources
from protector.engine.tasks import checks, fencing, replication


def get_flow(operation_id: str) -> linear_flow.Flow:
    """Build the reprotect flow of ``operation_id``.

    1. Check the site the PG left answers (its cloud and array).
    2. Retype volumes a failover managed unreplicated (the pod's other
       array was lost then) to the type they were protected with. (no
       revert: it is the type the PG needs on any attempt)
    3. Replicate the running copy back to that site: array container in
       the new direction, Cinder group where the PG runs.
       (revert: take the volumes out of both again)
    4. Fence and retire the stale copy on the site it left: delete the
       servers still using the old volumes, then the volumes, the old
       Cinder group and their array membership.
    """
    return linear_flow.Flow(f"reprotect-{operation_id}").add(
        checks.CheckStandby(name="check the other site answers"),
        replication.RestoreVolumeTypes(name="restore volume types"),
        replication.ReverseReplication(name="replicate back"),
        fencing.RetireOldCopy(name="retire stale copy"))


def settle(context: Any, op: Any, outcome: str) -> None:
    """Back to failed_over, or to active when the PG runs at home."""
    pg = resources.load(op.id).pg
    home = pg.current_primary_site_id == pg.primary_site_id
    if outcome == states.DONE:
        event = states.DONE_HOME if home else states.DONE
    else:
        event = states.FAILED_HOME if home else states.FAILED
    pg_status.settle(context, op, event)
