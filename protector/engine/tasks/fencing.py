"""The stale copy on the site a PG no longer runs on: its servers (fenced:
whatever still uses the old volumes is deleted, so two copies never run at
once), the old volumes, their Cinder group and array membership."""

from typing import Any

from oslo_log import log
from taskflow import task

from protector.cloud import exception as cloud_exc
from protector.db import models, session
from protector.engine import fanout, limits, resources
from protector.storage import exception as storage_exc

LOG = log.getLogger(__name__)


class RetireOldCopy(task.Task):
    """Delete the servers using the old volumes, take the volumes out of
    the old Cinder group and array container, delete them and the group,
    then forget them. Everything is found from the records, so rerunning
    after an interruption finishes the job."""

    default_provides = "retired"

    def execute(self, operation_id: str, context: dict) -> dict[str, list[str]]:
        view = resources.load(operation_id, context)
        running = view.pg.current_primary_site_id
        stale = [cg for cg in view.pg.consistency_groups if cg.site_id != running]
        retired: dict[str, list[str]] = {"servers": [], "volumes": []}
        for cg in stale:
            servers, volumes = self._retire(view, cg)
            retired["servers"] += servers
            retired["volumes"] += volumes
        return retired

    def _retire(self, view: resources.OperationView, cg: models.ConsistencyGroup
                ) -> tuple[list[str], list[str]]:
        """One stale consistency group: its servers fenced, its volumes gone."""
        site = view.sites[cg.site_id]
        cloud = view.cloud(site)

        def found(volume_id: str) -> Any:
            try:
                return cloud.volume.get_volume(volume_id)
            except cloud_exc.CloudNotFound:
                return None

        def delete_volume(vol: Any) -> None:
            cloud.volume.wait_status(vol.id, ["available", "error"])
            cloud.volume.delete_volume(vol.id)

        volumes = [v for v in fanout.each(found, [row.volume_id for row in cg.volumes])
                   if v is not None]
        servers = sorted({a.server_id for v in volumes for a in v.attachments if a.server_id})
        fanout.each(lambda sid: cloud.compute.delete_server(sid, wait=False), servers)
        fanout.each(lambda sid: cloud.compute.delete_server(sid, wait=True), servers)
        self._drop_protection(view, cg)
        fanout.each(delete_volume, volumes, slot=(limits.VOLUME_CALLS, site.name))
        with session.writer(view.context) as s:
            s.delete(s.get(models.ConsistencyGroup, cg.id))
        LOG.info("Protection group %s: retired %d servers and %d volumes on %s",
                 view.pg.id, len(servers), len(volumes), site.name)
        return servers, [vol.id for vol in volumes]

    @staticmethod
    def _drop_protection(view: resources.OperationView, cg: models.ConsistencyGroup
                         ) -> None:
        old_direction = view.storage().reversed()
        try:
            old_direction.remove_volumes(resources.refs(cg.volumes))
        finally:
            old_direction.close()
        if cg.cinder_group_id:
            groups = view.cinder_groups(view.sites[cg.site_id])
            try:
                groups.remove_volumes(cg.cinder_group_id, [v.volume_id for v in cg.volumes])
                groups.delete_group(cg.cinder_group_id)
            except (cloud_exc.CloudNotFound, storage_exc.ConsistencyGroupNotFound):
                pass  # gone already

    def revert(self, *args: Any, **kwargs: Any) -> None:
        """Nothing to put back: the copy was stale; rerunning finishes it."""
