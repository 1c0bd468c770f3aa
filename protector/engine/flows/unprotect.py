"""Unprotect: take a member's volumes out of replication, then drop it."""

from typing import Any

from taskflow import task
from taskflow.patterns import linear_flow

from protector import states
from protector.db import members as member_db
from protector.db import models, session
from protector.engine import pg_status, resources
from protector.engine.tasks import protection


class RemoveProtection(task.Task):
    """Out of the array container and the Cinder group; then the records go
    (with the last member, the containers too). Idempotent: rerun after an
    interruption, it finishes the job."""

    def execute(self, operation_id: str, context: dict) -> None:
        view = resources.load(operation_id, context)
        member_id = view.op.parameters["member_id"]
        refs = view.volume_refs(member_id)
        if refs:
            driver = view.storage()
            try:
                driver.remove_volumes(refs)
            finally:
                driver.close()
        volumes = view.cg_volumes(member_id)
        groups = view.cinder_groups(view.source)
        for cg in view.pg.consistency_groups:
            mine = [v.volume_id for v in volumes if v.consistency_group_id == cg.id]
            if mine and cg.cinder_group_id:
                groups.remove_volumes(cg.cinder_group_id, mine)
        with session.writer(view.context) as s:
            for vol in s.query(models.CGVolume).filter_by(member_id=member_id):
                s.delete(vol)
        if not [m for m in view.pg.members if m.id != member_id]:
            # The last member: its containers go first, so a failure leaves
            # the member (in error) for `member remove` to finish the job.
            protection.drop_containers(view)
        member_db.delete(view.context, view.pg.id, member_id)
        if not member_db.list_(view.context, view.pg.id, filters={}, limit=1):
            # Two last members removed at once each saw the other above.
            protection.drop_containers(resources.load(operation_id, context))

    def revert(self, *args: Any, **kwargs: Any) -> None:
        """Nothing to put back: the member stays, marked error, to retry."""


def get_flow(operation_id: str) -> linear_flow.Flow:
    """Build the unprotect flow of ``operation_id``:

    1. remove the member's volumes from the array container and from the
       PG's Cinder group, forget them, and delete the member; with the last
       member, the PG's containers on both arrays and its Cinder groups go too.
    """
    return linear_flow.Flow(f"unprotect-{operation_id}").add(
        RemoveProtection(name="remove protection"))


def settle(context: Any, op: Any, outcome: str) -> None:
    view = resources.load(op.id)
    member_id = op.parameters["member_id"]
    if outcome != states.DONE and any(m.id == member_id for m in view.pg.members):
        member_db.update(context, view.pg.id, member_id, {"status": "error"})
    pg_status.change(context, view.pg.id, {})
