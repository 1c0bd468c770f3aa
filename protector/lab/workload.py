"""Servers for a DR drill on the lab: booted from a cirros volume, with a
data volume attached, as the demo tenant makes them (openstacksdk)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from protector.lab import catalog, config

VOLUME_TYPE = "replicated-async"


@dataclass
class Made:
    server: str
    boot: str
    data: str


def boot_servers(conn: Any, names: list[str], *, volume_type: str = VOLUME_TYPE,
                 timeout: float = 300) -> dict[str, Made]:
    """ACTIVE servers ``names`` on ``conn``'s cloud, created side by side:
    volumes first, then the servers, then the data volumes attached."""
    image = conn.image.find_image(catalog.IMAGE, ignore_missing=False)
    net = conn.network.find_network(catalog.NETWORK, ignore_missing=False)
    flavor = conn.compute.find_flavor("m1.tiny", ignore_missing=False)
    # Cinder's Pure driver writes an image into a volume through os-brick (an
    # iSCSI attach to the cinder-volume host), which the lab has no data plane
    # for: with --storage pure boot volumes are empty and marked bootable.
    from_image = {"image_id": image.id} if config.storage_mode() == "mock" else {}
    volumes = {name: (conn.block_storage.create_volume(size=1, name=f"{name}-boot",
                                                       volume_type=volume_type, **from_image),
                      conn.block_storage.create_volume(size=1, name=f"{name}-data",
                                                       volume_type=volume_type))
               for name in names}
    for boot, data in volumes.values():
        for vol in (boot, data):
            conn.block_storage.wait_for_status(vol, "available", failures=["error"],
                                               wait=timeout)
        if not from_image:
            conn.block_storage.set_volume_bootable_status(boot, True)
    servers = {name: conn.compute.create_server(
        name=name, flavor_id=flavor.id, networks=[{"uuid": net.id}],
        block_device_mapping_v2=[{
            "boot_index": 0, "uuid": boot.id, "source_type": "volume",
            "destination_type": "volume", "delete_on_termination": False}])
        for name, (boot, _) in volumes.items()}
    for name, server in servers.items():
        conn.compute.wait_for_server(server, wait=timeout)
        conn.compute.create_volume_attachment(server, volume_id=volumes[name][1].id)
    for _, data in volumes.values():
        conn.block_storage.wait_for_status(data, "in-use", failures=["error"], wait=timeout)
    return {name: Made(servers[name].id, boot.id, data.id)
            for name, (boot, data) in volumes.items()}
