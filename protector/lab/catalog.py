"""What a site holds once its services run, as the spec asks of a DR site:
service users and the catalog (protector's three endpoints included), the
replicated volume types, the `cirros` image, flavors and a tenant network."""

from __future__ import annotations

import struct
import time
from pathlib import Path
from typing import Any

import openstack

from protector.lab import config, keystone
from protector.lab.config import Site
from protector.lab.procs import LabError

UNREPLICATED = "unreplicated"

VOLUME_TYPES = {
    "replicated-async": ("Volumes with asynchronous replication", "async"),
    "replicated-sync": ("Volumes with synchronous replication", "sync"),
    # On the same back end, not replicated: protector's
    # [storage] unreplicated_volume_type (a sync PG's failover with the
    # pod's other array lost).
    UNREPLICATED: ("Volumes without replication", None),
}
FLAVORS = {"m1.tiny": (1, 512, 1), "m1.small": (1, 2048, 20)}  # vcpus, MiB, GiB
IMAGE = "cirros"
NETWORK, SUBNET, CIDR = "demo-net", "demo-subnet", "10.20.0.0/24"


def identity(site: Site) -> None:
    """Service users (admin and service in project `service`) and the catalog."""
    ident = keystone.Identity(site)
    service_project = ident.project("service", "Service users")
    admin, service_role = ident.role("admin"), ident.role("service")
    for service in ("placement", "glance", "cinder", "neutron", "nova"):
        user = ident.user(service, config.service_password(service), service_project)
        ident.grant(service_project, user, admin)
        ident.grant(service_project, user, service_role)
    for service, (stype, description, path) in config.CATALOG.items():
        name = "cinderv3" if service == "cinder" else service
        service_id = ident.service(name, stype, description)
        ident.endpoints(service_id, site.url(service) + path)


def connect(site: Site, who: str = "admin") -> openstack.connection.Connection:
    creds = keystone.credentials(site)[who]
    return openstack.connect(auth=creds.auth_kwargs(site.keystone_url),
                             region_name=config.REGION, identity_api_version="3")


def cinder_backend(conn: openstack.connection.Connection, timeout: float = 120.0) -> str:
    """The backend of the running cinder-volume: the part of its host after '@'
    (what `openstack volume service list` shows, as the spec's Example 1)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for svc in conn.block_storage.services(binary="cinder-volume"):
            if svc.state == "up" and svc.status == "enabled" and "@" in svc.host:
                return svc.host.split("@", 1)[1].split("#", 1)[0]
        time.sleep(2)
    raise LabError(f"no cinder-volume service is up after {timeout:.0f}s")


def volume_types(conn: openstack.connection.Connection, backend: str) -> None:
    for name, (description, mode) in VOLUME_TYPES.items():
        specs = {"volume_backend_name": backend}
        if mode:
            specs |= {"replication_enabled": "<is> True", "replication_type": f"<in> {mode}"}
        vtype = conn.block_storage.find_type(name)
        if vtype is None:
            vtype = conn.block_storage.create_type(name=name, description=description,
                                                   extra_specs=specs)
        elif (vtype.extra_specs or {}) != specs:
            conn.block_storage.update_type_extra_specs(vtype, **specs)


def tiny_qcow2(path: Path, virtual_size: int = 64 * 1024 * 1024) -> Path:
    """A valid, empty qcow2 (version 2, 64 KiB clusters): header, refcount table,
    one refcount block and an all-zero L1 table; nothing is downloaded."""
    cluster = 1 << 16
    header = struct.pack(
        ">IIQIIQIIQQIIQ", 0x514649FB, 2, 0, 0, 16, virtual_size, 0,
        1,  # one L1 entry maps 512 MiB
        3 * cluster,  # L1 table
        1 * cluster, 1,  # refcount table, one cluster of it
        0, 0)
    image = bytearray(4 * cluster)
    image[:len(header)] = header
    struct.pack_into(">Q", image, cluster, 2 * cluster)  # refcount table -> block
    for index in range(4):  # clusters 0..3 are in use once each
        struct.pack_into(">H", image, 2 * cluster + 2 * index, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(image))
    return path


# Cinder generic groups with consistent snapshots, which protector keeps a
# PG's volumes in on each site (Cinder's Pure driver makes them pgroups).
GROUP_TYPE = "protector-consistent"


def group_type(conn: openstack.connection.Connection) -> None:
    specs = {"consistent_group_snapshot_enabled": "<is> True"}
    if conn.block_storage.find_group_type(GROUP_TYPE) is None:
        conn.block_storage.create_group_type(name=GROUP_TYPE, group_specs=specs,
                                             description="protector's consistency groups")


def image(conn: openstack.connection.Connection) -> None:
    if any(img.status == "active" for img in conn.image.images(name=IMAGE)):
        return
    for stale in conn.image.images(name=IMAGE):  # a failed upload of an earlier run
        conn.image.delete_image(stale)
    path = tiny_qcow2(config.lab_dir() / "images" / "cirros.qcow2")
    conn.image.create_image(name=IMAGE, filename=str(path), disk_format="qcow2",
                            container_format="bare", visibility="public",
                            allow_duplicates=True)


def flavors(conn: openstack.connection.Connection) -> None:
    for name, (vcpus, ram, disk) in FLAVORS.items():
        if conn.compute.find_flavor(name) is None:
            conn.compute.create_flavor(name=name, vcpus=vcpus, ram=ram, disk=disk)


def network(conn: openstack.connection.Connection, project_id: str) -> None:
    net = conn.network.find_network(NETWORK, project_id=project_id)
    if net is None:
        net = conn.network.create_network(name=NETWORK, project_id=project_id)
    if conn.network.find_subnet(SUBNET, network_id=net.id) is None:
        conn.network.create_subnet(name=SUBNET, network_id=net.id, project_id=project_id,
                                   ip_version=4, cidr=CIDR)


def resources(site: Site) -> dict[str, Any]:
    conn = connect(site)
    try:
        backend = cinder_backend(conn)
        volume_types(conn, backend)
        if config.storage_mode() == "pure":
            group_type(conn)
        image(conn)
        flavors(conn)
        demo = conn.identity.find_project(config.DEMO_PROJECT, domain_id="default")
        network(conn, demo.id)
    finally:
        conn.close()
    return {"cinder_backend": backend}
