"""Putting a new member under protection: capture its server, check its
volumes can be replicated, add them to the array container and the PG's
Cinder group, record them."""

from typing import Any

from oslo_db import exception as db_exc
from oslo_log import log
from sqlalchemy import select, update
from taskflow import task

from protector import exception, states
from protector.cloud import exception as cloud_exc
from protector.cloud.compute import ServerSpec
from protector.db import members as member_db
from protector.db import models, session
from protector.db import operations as op_db
from protector.engine import resources
from protector.storage import base as storage_base
from protector.storage import exception as storage_exc
from protector.storage import factory as storage_factory

LOG = log.getLogger(__name__)


def array_volume_name(volume_id: str) -> str:
    """The Cinder Pure driver names array volumes ``volume-<id>-cinder``;
    mock storage keys volumes by their Cinder id."""
    if storage_factory.driver_name() == "mock":
        return volume_id
    return f"volume-{volume_id}-cinder"


class CaptureServer(task.Task):
    """Read the server's full spec on the site it runs on."""

    def __init__(self, member_id: str, name: str) -> None:
        super().__init__(name=name, provides=f"spec-{member_id}")
        self.member_id = member_id

    def execute(self, operation_id: str, context: dict) -> dict[str, Any]:
        view = resources.load(operation_id, context)
        member = view.member(self.member_id)
        spec = view.cloud(view.source).compute.capture_server(member.instance_id)
        if spec.boot_volume is None:
            raise exception.Invalid(reason=f"server {spec.name} boots from an image; only "
                                           "servers that boot from a volume can be protected")
        member_db.update(view.context, view.pg.id, member.id,
                         {"spec": spec.to_dict(), "instance_name": spec.name})
        return spec.to_dict()


class CheckVolumeTypes(task.Task):
    """Every volume has a replicated type that also exists on the peer site."""

    def __init__(self, member_id: str, name: str) -> None:
        super().__init__(name=name, requires=("operation_id", "context", f"spec-{member_id}"))
        self.member_id = member_id

    def execute(self, operation_id: str, context: dict, **kwargs: Any) -> None:
        spec = ServerSpec.from_dict(kwargs[f"spec-{self.member_id}"])
        view = resources.load(operation_id, context)
        here, there = view.cloud(view.source).volume, view.cloud(view.target).volume
        for vol in spec.volumes:
            vtype = here.find_volume_type(vol.volume_type or "")
            if vtype is None or not vtype.replication_enabled:
                raise exception.Invalid(
                    reason=f"volume {vol.volume_id} of {spec.name} has type "
                           f"{vol.volume_type}, which is not replication-enabled "
                           "(replication_enabled='<is> True'); retype it first")
            if there.find_volume_type(vtype.name) is None:
                raise exception.Invalid(
                    reason=f"volume type {vtype.name} does not exist on the secondary site "
                           f"{view.target.name}; create it there with the same name")


class ProtectVolumes(task.Task):
    """Add the volumes to the array container and the PG's Cinder group."""

    def __init__(self, member_id: str, name: str) -> None:
        super().__init__(name=name, requires=("operation_id", "context", f"spec-{member_id}"))
        self.member_id = member_id

    def execute(self, operation_id: str, context: dict, **kwargs: Any) -> None:
        spec = ServerSpec.from_dict(kwargs[f"spec-{self.member_id}"])
        view = resources.load(operation_id, context)
        source = view.cloud(view.source)
        refs = []
        rows = []
        for vol in spec.volumes:
            details = source.volume.get_volume(vol.volume_id)
            # Cinder's image metadata, else an operator's tag for volumes
            # written by hand (mock storage rebuilds from this image).
            image = details.image_name or details.metadata.get("image_name")
            refs.append(storage_base.VolumeRef(
                name=array_volume_name(vol.volume_id), size_gb=vol.size_gb,
                image_name=image, bootable=vol.boot_index == 0,
                volume_type=vol.volume_type))
            rows.append({"member_id": self.member_id, "volume_id": vol.volume_id,
                         "array_volume_name": array_volume_name(vol.volume_id),
                         "bootable": vol.boot_index == 0, "device_name": vol.device,
                         "size_gb": vol.size_gb, "volume_type": vol.volume_type,
                         "image_name": image})
        driver = view.storage()
        try:
            driver.add_volumes(refs)
        finally:
            driver.close()
        groups = (storage_factory.get_consistency_group_api(site=view.source.name)
                  or source.consistency_groups())
        cg = _consistency_group(view, None)
        groups.add_volumes(cg.cinder_group_id, [v.volume_id for v in spec.volumes])
        with session.writer(view.context) as s:
            known = {v.volume_id for v in s.get(models.ConsistencyGroup, cg.id).volumes}
            for row in rows:
                if row["volume_id"] not in known:
                    s.add(models.CGVolume(consistency_group_id=cg.id, **row))

    def revert(self, operation_id: str, context: dict, *args: Any, **kwargs: Any) -> None:
        view = resources.load(operation_id, context)
        refs = view.volume_refs(self.member_id)
        if refs:
            driver = view.storage()
            try:
                driver.remove_volumes(refs)
            finally:
                driver.close()
        with session.writer(view.context) as s:
            for vol in s.query(models.CGVolume).filter_by(member_id=self.member_id):
                s.delete(vol)


def _consistency_group(view: resources.OperationView, array_name: str | None
                       ) -> models.ConsistencyGroup:
    """The PG's consistency group row where it runs, made if missing. Two
    protect operations may race to make it: the loser reads the winner's
    (one row per PG and site is a unique constraint)."""
    site = view.pg.current_primary_site_id
    for _ in range(2):
        try:
            with session.writer(view.context) as s:
                cg = s.query(models.ConsistencyGroup).filter_by(
                    protection_group_id=view.pg.id, site_id=site).first()
                if cg is None:
                    cg = models.ConsistencyGroup(
                        protection_group_id=view.pg.id, site_id=site,
                        backend_group_name=array_name, status="available")
                    s.add(cg)
                    s.flush()
                return cg
        except db_exc.DBDuplicateEntry:
            continue
    raise exception.Conflict(reason=f"the consistency group of {view.pg.name} is being "
                                    "changed by another operation; try again")


def ensure_cinder_group(view: resources.OperationView, cg_id: str,
                        site: models.Site) -> str:
    """The Cinder group of consistency group ``cg_id`` on ``site``, made once.

    Found by its description first (an engine that died after making it
    did not record it); recorded only if no other operation recorded one
    meanwhile, else ours is deleted and theirs used: never two groups.
    """
    groups = view.cinder_groups(site)
    project = view.project_on(site)
    marker = f"protector consistency group {cg_id}"
    made = next((g for g in groups.list_groups(project_id=project)
                 if g.description == marker), None)
    if made is None:
        made = groups.create_group(f"protector-{view.pg.name}", view.pg.volume_type,
                                   description=marker, project_id=project)
    table = models.ConsistencyGroup
    with session.writer(view.context) as s:
        s.execute(update(table).where(table.id == cg_id, table.cinder_group_id.is_(None))
                  .values(cinder_group_id=made.id))
        recorded = s.execute(select(table.cinder_group_id).where(table.id == cg_id)
                             ).scalar_one()
    if recorded != made.id:
        LOG.info("Protection group %s: another operation made its Cinder group %s; "
                 "deleting %s", view.pg.id, recorded, made.id)
        groups.delete_group(made.id)
    return recorded


class EnsureContainers(task.Task):
    """Once per protect operation, before the members: the array container
    and the PG's Cinder group, so parallel members never race to make them."""

    def execute(self, operation_id: str, context: dict) -> None:
        view = resources.load(operation_id, context)
        driver = view.storage()
        try:
            container = driver.ensure_replication()
        finally:
            driver.close()
        cg = _consistency_group(view, container.name)
        if cg.cinder_group_id is None:
            ensure_cinder_group(view, cg.id, view.source)

    def revert(self, operation_id: str, context: dict, *args: Any, **kwargs: Any) -> None:
        """Containers nobody uses go: no volume of the PG is replicated yet
        and no other operation of the PG runs (it may be about to use them)."""
        view = resources.load(operation_id, context)
        if any(cg.volumes for cg in view.pg.consistency_groups):
            return
        others = [op for op in op_db.list_(view.context, filters={
            "protection_group_id": view.pg.id, "status": states.OP_RUNNING})
            if op.id != operation_id]
        if others:
            return
        try:
            drop_containers(view)
        except (storage_exc.StorageError, cloud_exc.CloudError) as err:
            # Kept, and recorded: the next protect reuses them, the last
            # member's removal drops them.
            LOG.warning("Protection group %s: its unused containers stay: %s",
                        view.pg.id, err)


def drop_containers(view: resources.OperationView) -> None:
    """A PG without members keeps nothing on the arrays or in Cinder: its
    replication containers (both arrays, both directions) and its empty
    Cinder groups go, then their records. Idempotent."""
    if not view.pg.consistency_groups:
        return
    driver = view.storage()
    try:
        dropped = driver.drop_replication()
    finally:
        driver.close()
    for cg in view.pg.consistency_groups:
        if cg.cinder_group_id:
            try:
                view.cinder_groups(view.sites[cg.site_id]).delete_group(cg.cinder_group_id)
            except (cloud_exc.CloudNotFound, storage_exc.ConsistencyGroupNotFound):
                pass  # gone already
        with session.writer(view.context) as s:
            row = s.get(models.ConsistencyGroup, cg.id)
            if row is not None:
                s.delete(row)
    LOG.info("Protection group %s has no members: removed %s and its Cinder groups",
             view.pg.id, ", ".join(dropped) or "no array containers")



class MarkProtected(task.Task):
    def __init__(self, member_id: str, name: str) -> None:
        super().__init__(name=name)
        self.member_id = member_id

    def execute(self, operation_id: str, context: dict) -> None:
        view = resources.load(operation_id, context)
        member_db.update(view.context, view.pg.id, self.member_id, {"status": "protected"})
