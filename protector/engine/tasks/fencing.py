"""The stale copy on the site a PG no longer runs on: its servers (fenced:
whatever still uses the old volumes is deleted, so two copies never run at
once), the old volumes, their Cinder group and array membership."""

from typing import Any

from oslo_log import log
from taskflow import task

from protector.cloud import exception as cloud_exc
from protector.db import models, session
from protector.engine import limits, resources
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
            site = view.sites[cg.site_id]
            cloud = view.cloud(site)
            volumes = []
            for row in cg.volumes:
                try:
                    volumes.append(cloud.volume.get_volume(row.volume_id))
                except cloud_exc.CloudNotFound:
                    continue
            servers = sorted({a.server_id for v in volumes for a in v.attachments
                              if a.server_id})
            for server_id in servers:
                cloud.compute.delete_server(server_id, wait=False)
            for server_id in servers:
                cloud.compute.delete_server(server_id, wait=True)
            retired["servers"] += servers
            self._drop_protection(view, cg)
            for vol in volumes:
                with limits.slot(limits.VOLUME_CALLS, site.name):
                    cloud.volume.wait_status(vol.id, ["available", "error"])
                    cloud.volume.delete_volume(vol.id)
                retired["volumes"].append(vol.id)
            with session.writer(view.context) as s:
                s.delete(s.get(models.ConsistencyGroup, cg.id))
            LOG.info("Protection group %s: retired %d servers and %d volumes on %s",
                     view.pg.id, len(servers), len(volumes), site.name)
        return retired

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
