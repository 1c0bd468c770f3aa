"""A member's volumes on the target: copies of the recovery point, managed
into Cinder in the PG's project there."""

from typing import Any

from taskflow import task

from protector.engine import resources


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
        try:
            copies = driver.materialise(recovery_point["name"],
                                        view.volume_refs(self.member_id),
                                        resources.tag(operation_id, self.member_id))
        finally:
            driver.close()
        return [{"source": c.source, "name": c.name, "cinder_volume_id": c.cinder_volume_id}
                for c in copies]

    def revert(self, operation_id: str, context: dict, *args: Any, **kwargs: Any) -> None:
        view = resources.load(operation_id, context)
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
        made: dict[str, str] = {}
        for copy in copies:
            source = protected[copy["source"]]
            if copy["cinder_volume_id"]:
                volume_id = copy["cinder_volume_id"]
            else:
                volume_id = volume.manage_volume(
                    {"source-name": copy["name"]}, source.volume_type or view.pg.volume_type,
                    name=f"{member.instance_name or member.instance_id}-"
                         f"{(source.device_name or 'disk').rsplit('/', 1)[-1]}",
                    bootable=source.bootable,
                    metadata={resources.OPERATION_KEY: operation_id,
                              resources.MEMBER_KEY: self.member_id})
            made[source.volume_id] = volume_id
        return made

    def revert(self, operation_id: str, context: dict, *args: Any, **kwargs: Any) -> None:
        delete_volumes(operation_id, context, self.member_id)


def delete_volumes(operation_id: str, context: dict, member_id: str | None = None) -> None:
    """Delete the Cinder volumes an operation made (found by metadata)."""
    view = resources.load(operation_id, context)
    volume = view.cloud(view.target).volume
    wanted = {resources.OPERATION_KEY: operation_id}
    if member_id:
        wanted[resources.MEMBER_KEY] = member_id
    for found in volume.find_volumes(wanted):
        volume.delete_volume(found.id)
