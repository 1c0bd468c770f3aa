"""The array side of a move: a final replication before a planned one, and
replication turned around afterwards (reprotect)."""

from typing import Any

from oslo_log import log
from taskflow import task

from protector.cloud.volume import RETYPING
from protector.db import models, session
from protector.db import operations as op_db
from protector.engine import fanout, limits, resources
from protector.engine.tasks import protection, records

LOG = log.getLogger(__name__)
AVAILABLE = "available"


class ReplicateNow(task.Task):
    """Snapshot the (stopped) servers' volumes and wait until the target
    array holds all of it: the recovery point of a planned move."""

    default_provides = "recovery_point"

    def execute(self, operation_id: str, context: dict) -> dict[str, Any]:
        view = resources.load(operation_id, context)
        driver = view.storage(view.cloud(view.target))
        try:
            point = driver.replicate_now()
        finally:
            driver.close()
        return {"name": point.name, "created": point.created.isoformat()}


def _running_cg(view: resources.OperationView) -> models.ConsistencyGroup:
    cg = view.site_cg(view.pg.current_primary_site_id)
    if cg is None or not cg.volumes:
        raise records.NothingToProtect(pg=view.pg.name)
    return cg


class RestoreVolumeTypes(task.Task):
    """Volumes a failover managed with ``[storage] unreplicated_volume_type``
    (the pod's other array was lost) retyped in place to the type they were
    protected with, now that the array is back: Cinder's Pure driver moves
    each into the stretched pod, where replication back takes them in.

    No revert: the type restored is the volume's own, the one the PG needs
    on any later attempt; a retry retypes only those still of another type.
    """

    def execute(self, operation_id: str, context: dict) -> None:
        view = resources.load(operation_id, context)
        cg = _running_cg(view)
        running = view.sites[cg.site_id]
        volume = view.cloud(running).volume

        def restore(row: models.CGVolume) -> str | None:
            wanted = row.volume_type or view.pg.volume_type
            found = volume.get_volume(row.volume_id)
            if found.volume_type == wanted:
                return None
            if found.status != RETYPING:  # a resumed step: Cinder is on it
                with limits.slot(limits.VOLUME_CALLS, running.name):
                    volume.retype_volume(row.volume_id, wanted)
            volume.wait_retyped(row.volume_id, wanted)
            return row.volume_id

        retyped = [v for v in fanout.each(restore, list(cg.volumes)) if v]
        if retyped:
            LOG.info("Protection group %s: %d volume(s) retyped to their protected type",
                     view.pg.id, len(retyped))
            op_db.update(view.context, operation_id,
                         {"result": {**(view.op.result or {}), "retyped_volumes": retyped}})


class ReverseReplication(task.Task):
    """Replicate the volumes of the site the PG runs on to the other site:
    the array container in the new direction (the old direction's schedule
    stopped where that array answers) and the PG's Cinder group there."""

    def execute(self, operation_id: str, context: dict) -> None:
        view = resources.load(operation_id, context)
        cg = _running_cg(view)
        old_direction = view.storage().reversed()
        try:
            container = old_direction.reverse_replication(resources.refs(cg.volumes))
        finally:
            old_direction.close()
        running = view.sites[view.pg.current_primary_site_id]
        groups = view.cinder_groups(running)
        group_id = cg.cinder_group_id or protection.ensure_cinder_group(view, cg.id, running)
        have = set(groups.get_group(group_id).volume_ids)
        missing = [v.volume_id for v in cg.volumes if v.volume_id not in have]
        if missing:
            groups.add_volumes(group_id, missing)
        _set_cg(view, cg.id, {"backend_group_name": container.name, "status": AVAILABLE})

    def revert(self, operation_id: str, context: dict, *args: Any, **kwargs: Any) -> None:
        """Stop replicating back: the volumes leave the new container and
        the Cinder group; the group stays known, empty, for the next try."""
        view = resources.load(operation_id, context)
        cg = view.site_cg(view.pg.current_primary_site_id)
        if cg is None or not cg.volumes:
            return
        driver = view.storage()
        try:
            driver.remove_volumes(resources.refs(cg.volumes))
        finally:
            driver.close()
        if cg.cinder_group_id:
            groups = view.cinder_groups(view.sites[cg.site_id])
            groups.remove_volumes(cg.cinder_group_id, [v.volume_id for v in cg.volumes])
        _set_cg(view, cg.id, {"status": records.UNPROTECTED})


def _set_cg(view: resources.OperationView, cg_id: str, values: dict[str, Any]) -> None:
    """Local only: the operation's settle step bumps the version and syncs."""
    with session.writer(view.context) as s:
        cg = s.get(models.ConsistencyGroup, cg_id)
        for key, value in values.items():
            setattr(cg, key, value)
