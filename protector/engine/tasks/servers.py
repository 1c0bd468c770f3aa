"""The members' servers: rebuilt on the target from their managed volumes,
or stopped on the source before a planned move."""

from typing import Any

from taskflow import task

from protector import exception
from protector.cloud.compute import NIC, ServerSpec
from protector.engine import fanout, leftovers, limits, progress, resources
from protector.engine.tasks.checks import mapped

SHUTOFF = "SHUTOFF"


BOOT = "boot {}"


class BootServers(task.Task):
    """Boot one boot-order group: every member's server at once, from the
    copy of its boot volume with the mapped flavor and networks, then its
    data volumes attached on their original devices. Each member's boot is
    a member step; an engine taking over finds a server it booted by its
    metadata and does not boot it twice."""

    def __init__(self, index: int, labels: dict[str, str], *, test_network: bool = True,
                 partial: bool = False) -> None:
        # Failovers boot on mapped networks: no test network in their store.
        super().__init__(name=f"boot group {index}", provides=f"servers-{index}",
                         requires=("operation_id", "context", "volumes", "test_network"),
                         inject=None if test_network else {"test_network": None})
        self.labels = labels  # member id -> its name in step names
        self.member_steps = {BOOT.format(label): member_id
                             for member_id, label in labels.items()}
        self.partial = partial  # as CopyVolumes: a member that fails is left out

    def execute(self, operation_id: str, context: dict, volumes: dict[str, dict[str, str]],
                test_network: dict | None) -> dict[str, str]:
        view = resources.load(operation_id, context)
        done = progress.checkpoints(view.context, operation_id)

        def member(member_id: str) -> str:
            return progress.once(operation_id, done, BOOT.format(self.labels[member_id]),
                                 member_id,
                                 lambda: _boot(view, member_id, volumes[member_id], test_network))

        # A member whose volumes were left out (partial) is not booted.
        members = [m for m in self.labels if m in volumes]
        return fanout.members(member, members, partial=self.partial)

    def revert(self, operation_id: str, context: dict, *args: Any, **kwargs: Any) -> None:
        if not resources.committed(operation_id, context):
            leftovers.remove(operation_id, context, leftovers.SERVERS, lambda: leftovers.per_member(
                delete_servers)(operation_id, context, list(self.labels)))


def _boot(view: resources.OperationView, member_id: str, volumes: dict[str, str],
          test_network: dict | None) -> str:
    operation_id = view.op.id
    spec = ServerSpec.from_dict(view.member(member_id).spec)
    if spec.boot_volume is None:
        raise exception.Invalid(reason=f"{spec.name} does not boot from a volume; only "
                                       "boot-from-volume servers can be protected")
    target = view.cloud(view.target)
    flavors, networks = view.flavor_mapping(), view.network_mapping()
    nics = []
    for port in spec.ports:
        if test_network:
            nics.append(NIC(network_id=test_network["network_id"]))
            continue
        net = target.network.find_network(mapped(networks, port.network_name,
                                                 port.network_id) or "")
        if net is None:
            raise exception.Invalid(reason=f"no target network for "
                                           f"{port.network_name or port.network_id}")
        fixed = port.fixed_ips[0].ip_address if port.fixed_ips else None
        nics.append(NIC(network_id=net.id, fixed_ip=fixed))
    groups = [g for g in spec.security_groups
              if target.network.find_security_group(g) is not None]
    wanted = {resources.OPERATION_KEY: operation_id, resources.MEMBER_KEY: member_id}
    earlier = [srv for srv in target.compute.find_servers(wanted)
               if srv.status not in ("ERROR", "DELETED")]
    if earlier:  # booted before an engine died mid-step
        server_id = earlier[0].id
        target.compute.wait_active(server_id)
        _attach(target, server_id, spec, volumes)
        return server_id
    metadata = {k: v for k, v in spec.metadata.items()
                if k not in (resources.OPERATION_KEY, resources.MEMBER_KEY)}
    with limits.slot(limits.BUILDS, view.target.name):
        server_id = target.compute.boot_server(
            spec.name, mapped(flavors, spec.flavor.name, spec.flavor.id) or spec.flavor.name,
            volumes[spec.boot_volume.volume_id], nics,
            key_name=spec.key_name if spec.key_name and target.compute.find_keypair(
                spec.key_name) else None,
            security_groups=groups,
            metadata={**metadata, resources.OPERATION_KEY: operation_id,
                      resources.MEMBER_KEY: member_id},
            availability_zone=None)
        target.compute.wait_active(server_id)
    _attach(target, server_id, spec, volumes)
    return server_id


def _attach(target: Any, server_id: str, spec: ServerSpec, volumes: dict[str, str]) -> None:
    for data in spec.data_volumes:
        volume_id = volumes[data.volume_id]
        if target.volume.get_volume(volume_id).status != "in-use":
            target.compute.attach_volume(server_id, volume_id, data.device)
        target.volume.wait_status(volume_id, ["in-use"])


def delete_servers(operation_id: str, context: dict, member_id: str | None = None) -> None:
    """Delete the servers an operation booted (found by metadata) and wait,
    so their volumes are free to delete."""
    view = resources.load(operation_id, context)
    compute = view.cloud(view.target).compute
    wanted = {resources.OPERATION_KEY: operation_id}
    if member_id:
        wanted[resources.MEMBER_KEY] = member_id
    fanout.each(lambda sid: compute.delete_server(sid, wait=True),
                [server.id for server in compute.find_servers(wanted)])


class StopSourceServers(task.Task):
    """Planned moves: shut the members' servers off on the source, so the
    final replication holds everything they wrote."""

    default_provides = "stopped_servers"

    def execute(self, operation_id: str, context: dict) -> list[str]:
        view = resources.load(operation_id, context)
        compute = view.cloud(view.source).compute
        ids = [m.instance_id for m in view.moving()]
        statuses = fanout.each(lambda sid: compute.get_server(sid).status, ids)
        running = [sid for sid, status in zip(ids, statuses, strict=True) if status != SHUTOFF]
        # All stopped, then all waited for: the step takes one shutdown, not N.
        fanout.each(lambda sid: compute.stop_server(sid, wait=False), running)
        fanout.each(lambda sid: compute.stop_server(sid, wait=True), running)  # no-op once SHUTOFF
        return running

    def revert(self, operation_id: str, context: dict, *args: Any, **kwargs: Any) -> None:
        """Power back on what this step stopped (nothing if it never ran)."""
        stopped = kwargs.get("result")
        if not isinstance(stopped, list) or resources.committed(operation_id, context):
            return
        view = resources.load(operation_id, context)
        compute = view.cloud(view.source).compute
        fanout.each(lambda sid: compute.start_server(sid, wait=False), stopped)
        fanout.each(lambda sid: compute.start_server(sid, wait=True), stopped)
