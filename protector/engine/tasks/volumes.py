"""The members' volumes on the target: copies of the recovery point,
managed into Cinder in the PG's project there."""

from typing import Any

from taskflow import task

from protector.engine import fanout, leftovers, limits, progress, resources
from protector.storage import exception as storage_exc

COPY, MANAGE = "copy volumes of {}", "manage volumes of {}"


class CopyVolumes(task.Task):
    """Every member at once: copy its volumes from the recovery point on the
    target array, then hand the copies to Cinder (manage; mock storage made
    Cinder volumes already). Each member's copy and manage are member steps;
    an engine taking over resumes each member after its last one done.
    Every volume carries the operation's and the member's id in its
    metadata, which is how a revert finds them."""

    def __init__(self, labels: dict[str, str], *, partial: bool = False) -> None:
        super().__init__(name="copy and manage volumes", provides="volumes")
        self.labels = labels  # member id -> its name in step names
        # Partial: a member that fails is left out (its step records why);
        # the others go on. Its leftovers are removed before the switch.
        self.partial = partial
        self.member_steps = {step.format(label): member_id
                             for member_id, label in labels.items()
                             for step in (COPY, MANAGE)}

    def execute(self, operation_id: str, context: dict, recovery_point: dict
                ) -> dict[str, dict[str, str]]:
        view = resources.load(operation_id, context)
        done = progress.checkpoints(view.context, operation_id)
        # One driver for all (it keeps an array client per thread).
        driver = view.storage(view.cloud(view.target))

        def member(member_id: str) -> dict[str, str]:
            copy, manage = (step.format(self.labels[member_id]) for step in (COPY, MANAGE))
            if (manage, member_id) in done:
                return done[(manage, member_id)]
            copies = progress.once(operation_id, done, copy, member_id, lambda: _materialise(
                driver, resources.tag(operation_id, member_id), view.volume_refs(member_id),
                recovery_point["name"]))
            return progress.once(operation_id, done, manage, member_id,
                                 lambda: _manage(view, operation_id, member_id, copies,
                                                 recovery_point.get("volume_type")))

        members = list(self.labels)
        try:
            return fanout.members(member, members, partial=self.partial)
        finally:
            driver.close()

    def revert(self, operation_id: str, context: dict, *args: Any, **kwargs: Any) -> None:
        """Delete the Cinder volumes the operation made, then what is left
        of its copies on the array (what does not answer is left to the
        engine's leftovers sweep; the rollback goes on)."""
        view = resources.load(operation_id, context)
        if view.committed:
            return
        leftovers.remove(operation_id, context, leftovers.VOLUMES,
                         lambda: delete_volumes(operation_id, context))
        tags = [resources.tag(operation_id, member_id) for member_id in self.labels]
        leftovers.remove(operation_id, context, leftovers.COPIES,
                         lambda: remove_copies(operation_id, context, tags), detail=tags)


def remove_copies(operation_id: str, context: dict, tags: list[str]) -> None:
    """Remove the operation's copies (by tag) from its target array."""
    driver = resources.copies_storage(resources.load(operation_id, context))
    try:
        fanout.each(driver.cleanup, tags)
    finally:
        driver.close()


def _materialise(driver: Any, tag: str, refs: list[Any], point: str) -> list[dict[str, Any]]:
    try:
        copies = driver.materialise(point, refs, tag)
    except storage_exc.StorageObjectExists:
        # Copies of an engine that died before recording them; nothing has
        # used them yet (managing them comes after the record).
        driver.cleanup(tag)
        copies = driver.materialise(point, refs, tag)
    return [{"source": c.source, "name": c.name, "cinder_volume_id": c.cinder_volume_id}
            for c in copies]


def _manage(view: resources.OperationView, operation_id: str, member_id: str,
            copies: list[dict[str, Any]], manage_as: str | None = None) -> dict[str, str]:
    """The member's copies managed at once (each holding a volume-call
    slot), with their own type or ``manage_as`` (the pod's peer is lost):
    its protected volume ids -> the new Cinder volume ids."""
    volume = view.cloud(view.target).volume
    protected = {v.array_volume_name or v.volume_id: v for v in view.cg_volumes(member_id)}
    member = view.member(member_id)
    # Managed before an engine died mid-step: found by name, not managed twice.
    earlier = {} if all(c["cinder_volume_id"] for c in copies) else {
        v.name: v.id for v in volume.find_volumes(
            {resources.OPERATION_KEY: operation_id, resources.MEMBER_KEY: member_id})}

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
                {"source-name": copy["name"]},
                manage_as or source.volume_type or view.pg.volume_type,
                name=name, bootable=source.bootable,
                metadata={resources.OPERATION_KEY: operation_id,
                          resources.MEMBER_KEY: member_id})

    made = fanout.each(manage, copies)
    return {protected[c["source"]].volume_id: m for c, m in zip(copies, made, strict=True)}


def delete_volumes(operation_id: str, context: dict, member_id: str | None = None) -> None:
    """Delete the Cinder volumes an operation made (found by metadata) and
    wait until Cinder has: the array copies they hold go with them."""
    view = resources.load(operation_id, context)
    volume = view.cloud(view.target).volume
    wanted = {resources.OPERATION_KEY: operation_id}
    if member_id:
        wanted[resources.MEMBER_KEY] = member_id
    ids = [found.id for found in volume.find_volumes(wanted)]
    fanout.each(volume.delete_volume, ids, slot=(limits.VOLUME_CALLS, view.target.name))
    # Polls only: no Cinder call slot held while a back end deletes.
    fanout.each(volume.wait_deleted, ids)
