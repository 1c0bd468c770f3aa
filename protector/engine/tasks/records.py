"""Write what an operation made onto the records: the test's resources on
its operation row (what test cleanup removes), a failover's new servers and
volumes on the protection group."""

from typing import Any

from taskflow import task

from protector import exception
from protector.db import models, session
from protector.db import operations as op_db
from protector.engine import fanout, leftovers, pg_status, resources
from protector.engine.flows.rebuild import labels as rebuild_labels
from protector.engine.tasks import checks, protection
from protector.engine.tasks import servers as server_tasks
from protector.engine.tasks import volumes as volume_tasks

# A consistency group whose volumes are known but not replicated yet.
UNPROTECTED = "unprotected"


class NothingToProtect(exception.Conflict):
    message = ("protection group %(pg)s has no volumes recorded where it runs now; "
               "fail it over first")


def _booted(groups: int) -> tuple[str, ...]:
    """What the boot groups' tasks provide (``flows/rebuild.py``)."""
    return tuple(f"servers-{index}" for index in range(1, groups + 1))


def _servers(kwargs: dict[str, Any], groups: int) -> dict[str, str]:
    return {m: sid for name in _booted(groups) for m, sid in kwargs[name].items()}


class RecordTestResources(task.Task):
    def __init__(self, groups: int) -> None:
        super().__init__(name="record test resources", requires=(
            "operation_id", "context", "recovery_point", "test_network", "volumes",
            *_booted(groups)))
        self.groups = groups

    def execute(self, operation_id: str, context: dict, recovery_point: dict,
                test_network: dict | None, volumes: dict[str, dict[str, str]],
                **kwargs: Any) -> None:
        view = resources.load(operation_id, context)
        servers = _servers(kwargs, self.groups)
        op_db.update(view.context, operation_id, {"result": {
            "recovery_point": recovery_point,
            "test_network": test_network,
            "members": {m: {"server_id": sid, "volume_ids": sorted(volumes[m].values())}
                        for m, sid in servers.items()}}})


class SwitchPrimary(task.Task):
    """The point of no return: the members become the servers and volumes
    just built on the target, the target becomes the site the PG runs on,
    and the operation is marked committed, all in one transaction; then the
    new document goes to the peer (or, with the peer down, waits for
    sync-force). Steps before this one no longer revert once it is done.

    Members a partial (unplanned) failover left out: what was made for
    them on the target is removed first, and they are marked left behind
    (on the site the PG left, where the next failover moves them from).
    Nobody up at all fails the step, so the whole operation reverts."""

    def __init__(self, groups: int, moving: list[str]) -> None:
        super().__init__(name="switch primary site", requires=(
            "operation_id", "context", "recovery_point", "volumes", *_booted(groups)))
        self.groups = groups
        self.moving = moving  # the members this operation moves

    def execute(self, operation_id: str, context: dict, recovery_point: dict,
                volumes: dict[str, dict[str, str]], **kwargs: Any) -> None:
        view = resources.load(operation_id, context)
        if view.committed:
            return
        servers = _servers(kwargs, self.groups)
        left = [m for m in self.moving if m not in servers]
        if not servers:
            raise exception.Conflict(reason="no server came up on "
                                            f"{view.target.name}; see the failed steps")
        if left:
            _remove_made_for(view, operation_id, context, left)
        compute = view.cloud(view.target).compute
        specs = dict(zip(servers, fanout.each(
            lambda sid: compute.capture_server(sid).to_dict(), servers.values()), strict=True))
        source, target = view.source.id, view.target.id
        reasons = _left_reasons(view, left)

        def apply() -> None:
            with session.writer(view.context) as s:
                pg = s.get(models.ProtectionGroup, view.pg.id)
                cgs = {cg.site_id: cg for cg in pg.consistency_groups}
                new = cgs.get(target)
                if new is None:
                    new = models.ConsistencyGroup(protection_group_id=pg.id, site_id=target)
                    pg.consistency_groups.append(new)
                new.status, new.cinder_group_id, new.backend_group_name = \
                    UNPROTECTED, None, None
                if pg.current_primary_site_id == target:
                    # Moving those an earlier failover left behind: the
                    # members it moved keep their rows here.
                    for row in [r for r in new.volumes if r.member_id in servers]:
                        new.volumes.remove(row)
                else:
                    new.volumes.clear()
                for row in cgs[source].volumes:
                    if row.member_id not in servers:
                        continue
                    made = volumes[row.member_id][row.volume_id]
                    row.peer_volume_id = made
                    new.volumes.append(models.CGVolume(
                        member_id=row.member_id, volume_id=made,
                        array_volume_name=protection.array_volume_name(made),
                        peer_volume_id=row.volume_id, bootable=row.bootable,
                        device_name=row.device_name, size_gb=row.size_gb,
                        volume_type=row.volume_type, image_name=row.image_name))
                for member in pg.members:
                    if member.id in servers:
                        member.instance_id = servers[member.id]
                        member.spec = specs[member.id]
                        member.status = checks.PROTECTED
                    elif member.id in left:
                        member.status = resources.LEFT_BEHIND
                pg.current_primary_site_id = target
                pg.metadata_version += 1
                op = s.get(models.Operation, operation_id)
                op.result = {**(op.result or {}), "committed": True,
                             "recovery_point": recovery_point,
                             "members": {m: {"server_id": servers[m],
                                             "volume_ids": sorted(volumes[m].values())}
                                         for m in servers},
                             "left_behind": reasons}
        pg_status.apply(view.context, view.pg.id, apply)

    def revert(self, *args: Any, **kwargs: Any) -> None:
        """Nothing: the switch is one transaction, so a failed switch left
        nothing to undo, and a done one is never undone."""


def _remove_made_for(view: resources.OperationView, operation_id: str, context: dict,
                     member_ids: list[str]) -> None:
    """Delete what the operation made on the target for members it leaves
    behind: servers, then Cinder volumes, then array copies (what does not
    answer is left to the leftovers sweep: the others switch over anyway)."""
    def each_member(remove: Any) -> Any:  # as the sweep removes them, if it must
        return lambda: leftovers.per_member(remove)(operation_id, context, member_ids)

    leftovers.remove(operation_id, context, leftovers.SERVERS,
                     each_member(server_tasks.delete_servers), detail=member_ids)
    leftovers.remove(operation_id, context, leftovers.VOLUMES,
                     each_member(volume_tasks.delete_volumes), detail=member_ids)
    tags = [resources.tag(operation_id, member_id) for member_id in member_ids]
    leftovers.remove(operation_id, context, leftovers.COPIES,
                     lambda: volume_tasks.remove_copies(operation_id, context, tags),
                     detail=tags)


def _left_reasons(view: resources.OperationView, member_ids: list[str]) -> dict[str, str]:
    """Member id -> its name and why it was left behind (its failed steps)."""
    labels = rebuild_labels(view.moving())
    failed = view.op.steps_failed or []
    reasons = {}
    for member_id in member_ids:
        label = labels[member_id]
        steps = {step.format(label)
                 for step in (volume_tasks.COPY, volume_tasks.MANAGE, server_tasks.BOOT)}
        errors = [f["error"] for f in failed if f["step"] in steps]
        reasons[member_id] = f"{label}: {errors[-1] if errors else 'not brought up'}"
    return reasons
