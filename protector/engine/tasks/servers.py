"""A member's server rebuilt on the target from its managed volumes."""

from typing import Any

from taskflow import task

from protector import exception
from protector.cloud.compute import NIC, ServerSpec
from protector.engine import resources
from protector.engine.tasks.checks import mapped


class BootServer(task.Task):
    """Boot from the copy of the boot volume with the mapped flavor and
    networks, then attach the data volumes on their original devices."""

    def __init__(self, member_id: str, name: str) -> None:
        super().__init__(name=name, provides=f"server-{member_id}",
                         requires=("operation_id", "context", f"volumes-{member_id}",
                                   "test_network"))
        self.member_id = member_id

    def execute(self, operation_id: str, context: dict, test_network: dict | None,
                **kwargs: Any) -> str:
        volumes = kwargs[f"volumes-{self.member_id}"]
        view = resources.load(operation_id, context)
        spec = ServerSpec.from_dict(view.member(self.member_id).spec)
        if spec.boot_volume is None:
            raise exception.Invalid(reason=f"{spec.name} does not boot from a volume; only "
                                           "boot-from-volume servers can be protected")
        target = view.cloud(view.target)
        flavors = {**view.pg.flavor_mapping, **view.params.get("flavor_mapping", {})}
        networks = {**view.pg.network_mapping, **view.params.get("network_mapping", {})}
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
        server_id = target.compute.boot_server(
            spec.name, mapped(flavors, spec.flavor.name, spec.flavor.id) or spec.flavor.name,
            volumes[spec.boot_volume.volume_id], nics,
            key_name=spec.key_name if spec.key_name and target.compute.find_keypair(
                spec.key_name) else None,
            security_groups=groups,
            metadata={**spec.metadata, resources.OPERATION_KEY: operation_id,
                      resources.MEMBER_KEY: self.member_id},
            availability_zone=None)
        target.compute.wait_active(server_id)
        for data in spec.data_volumes:
            target.compute.attach_volume(server_id, volumes[data.volume_id], data.device)
            target.volume.wait_status(volumes[data.volume_id], ["in-use"])
        return server_id

    def revert(self, operation_id: str, context: dict, *args: Any, **kwargs: Any) -> None:
        delete_servers(operation_id, context, self.member_id)


def delete_servers(operation_id: str, context: dict, member_id: str | None = None) -> None:
    """Delete the servers an operation booted (found by metadata) and wait,
    so their volumes are free to delete."""
    view = resources.load(operation_id, context)
    compute = view.cloud(view.target).compute
    wanted = {resources.OPERATION_KEY: operation_id}
    if member_id:
        wanted[resources.MEMBER_KEY] = member_id
    for server in compute.find_servers(wanted):
        compute.delete_server(server.id, wait=True)
