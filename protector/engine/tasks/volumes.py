"""A member's volumes on the target: copies of the recovery point, managed
into Cinder in the PG's project there."""

from typing import Any

from taskflow import task

from protector.engine import fanout, limits, resources
from protector.storage import exception as storage_exc


def _names(view: resources.OperationView, member_id: str) -> dict[str, Any]:
    return {v.array_volume_name or v.volume_id: v for v in view.cg_volumes(member_id)}


class MaterialiseVolumes(task.Task):
    """Copy the member's volumes from the recovery point on the target array."""

    def __init__(self, member_id: str, name: str) -> None:
        super().__init__(name=name, provides=f"copies-{member_id}")
        self.member_id = member_id

    def execute(self, operation_id: str, context: dict, recovery_point: dict
                ) -> list[dict[str, Any]]:
        view = resources.load(operation_id, context)
        driver = view.storage(view.cloud(view.target))
        tag = resources.tag(operation_id, self.member_id)
        refs = view.volume_refs(self.member_id)
        try:
            try:
                copies = driver.materialise(recovery_point["name"], refs, tag)
            except storage_exc.StorageObjectExists:
                # Copies of an engine that died in this step; nothing has
                # used them yet (managing them is the next step).
                driver.cleanup(tag)
                copies = driver.materialise(recovery_point["name"], refs, tag)
        finally:
            driver.close()
        return [{"source": c.source, "name": c.name, "cinder_volume_id": c.cinder_volume_id}
                for c in copies]

    def revert(self, operation_id: str, context: dict, *args: Any, **kwargs: Any) -> None:
        view = resources.load(operation_id, context)
        if view.committed:
            return
        driver = view.storage(view.cloud(view.target))
        try:
            driver.cleanup(resources.tag(operation_id, self.member_id))
        finally:
            driver.close()


class ManageVolumes(task.Task):
    """Hand the copies to Cinder (manage); mock storage made Cinder volumes
    already. Every volume carries the operation's id in its metadata."""

    def __init__(self, member_id: str, name: str) -> None:
        super().__init__(name=name, provides=f"volumes-{member_id}",
                         requires=("operation_id", "context", f"copies-{member_id}"))
        self.member_id = member_id

    def execute(self, operation_id: str, context: dict, **kwargs: Any) -> dict[str, str]:
        copies = kwargs[f"copies-{self.member_id}"]
        view = resources.load(operation_id, context)
        volume = view.cloud(view.target).volume
        protected = _names(view, self.member_id)
        member = view.member(self.member_id)
        # Managed before an engine died mid-step: found by name, not managed twice.
        earlier = {v.name: v.id for v in volume.find_volumes(
            {resources.OPERATION_KEY: operation_id, resources.MEMBER_KEY: self.member_id})}

        def manage(copy: dict[str, Any]) -> str:
            source = protected[copy["source"]]
            disk = (source.device_name or "disk").rsplit("/", 1)[-1]
            name = f"{member.instance_name or member.instance_id}-{disk}"
            if copy["cinder_volume_id"]:
                return copy["cinder_volume_id"]
            if name in earlier:
                return earlier[name]
            with limits.slot(limits.VOLUME_CALLS, view.target.name):
                return volume.manage_volume(
                    {"source-name": copy["name"]}, source.volume_type or view.pg.volume_type,
                    name=name, bootable=source.bootable,
                    metadata={resources.OPERATION_KEY: operation_id,
                              resources.MEMBER_KEY: self.member_id})

        # The member's volumes at once (each holds a volume-call slot).
        made = fanout.each(manage, copies)
        return {protected[c["source"]].volume_id: m
                for c, m in zip(copies, made, strict=True)}

    def revert(self, operation_id: str, context: dict, *args: Any, **kwargs: Any) -> None:
        if not resources.committed(operation_id, context):
            delete_volumes(operation_id, context, self.member_id)


def delete_volumes(operation_id: str, context: dict, member_id: str | None = None) -> None:
    """Delete the Cinder volumes an operation made (found by metadata)."""
    view = resources.load(operation_id, context)
    volume = view.cloud(view.target).volume
    wanted = {resources.OPERATION_KEY: operation_id}
    if member_id:
        wanted[resources.MEMBER_KEY] = member_id
    fanout.each(volume.delete_volume, [found.id for found in volume.find_volumes(wanted)],
                slot=(limits.VOLUME_CALLS, view.target.name))
