"""Nova through openstacksdk."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from openstack import connection

from protector.cloud import common, compute
from protector.cloud import exception as exc
from protector.cloud.sdk.errors import translate

LOG = logging.getLogger(__name__)
NOVA = "Nova"


def _flavor(f: Any) -> compute.Flavor:
    return compute.Flavor(id=f.id, name=f.original_name or f.name or "", vcpus=f.vcpus or 0,
                          ram_mb=f.ram or 0, disk_gb=f.disk or 0,
                          extra_specs=dict(f.extra_specs or {}))


def _fault(server: Any) -> str | None:
    fault = server.fault or {}
    return fault.get("message") if isinstance(fault, dict) else str(fault)


class SdkCompute(compute.ComputeAPI):
    def __init__(self, conn: connection.Connection, site: str,
                 options: common.CloudOptions) -> None:
        self.conn = conn
        self.site = site
        self.options = options

    def _t(self, operation: str, server_id: str = "", **kw: Any) -> Any:
        return translate(site=self.site, service=NOVA, operation=operation,
                         resource=kw.pop("resource", "Server"), resource_id=server_id, **kw)

    def _server(self, s: Any) -> compute.Server:
        return compute.Server(id=s.id, name=s.name, status=s.status or "",
                              metadata=dict(s.metadata or {}), fault=_fault(s),
                              availability_zone=s.availability_zone, host=s.compute_host,
                              task_state=s.task_state)

    # -- reading ---------------------------------------------------------------------------
    def get_server(self, server_id: str) -> compute.Server:
        with self._t("show server", server_id):
            return self._server(self.conn.compute.get_server(server_id))

    def find_servers(self, metadata: Mapping[str, str]) -> list[compute.Server]:
        # Nova cannot filter by metadata; a project's list is small enough.
        with self._t("list servers"):
            # A just-deleted server can still be listed as DELETED: it is gone.
            return [self._server(s) for s in self.conn.compute.servers(details=True)
                    if common.matches(s.metadata, metadata)
                    and (s.status or "").upper() != "DELETED"]

    def capture_server(self, server_id: str) -> compute.ServerSpec:
        with self._t("show server", server_id):
            s = self.conn.compute.get_server(server_id)
        flavor = _flavor(s.flavor)
        if flavor.id is None:  # microversion >= 2.47 embeds the flavor without its id
            found = self.find_flavor(flavor.name)
            if found is not None:
                flavor = compute.Flavor(id=found.id, name=flavor.name, vcpus=flavor.vcpus,
                                        ram_mb=flavor.ram_mb, disk_gb=flavor.disk_gb,
                                        extra_specs=flavor.extra_specs)
        # Nova answers "image": "" for a server booted from a volume.
        image_id = getattr(s.image, "id", None) if s.image else None
        volumes = self._volumes(s)
        boot = None
        if image_id is None and volumes:
            root = s.root_device_name  # admin only; else the lowest device name boots
            boot = next((v for v in volumes if root and v.device == root),
                        sorted(volumes, key=lambda v: v.device or "~")[0])
            boot = dataclasses.replace(boot, boot_index=0)
        data = tuple(v for v in volumes if boot is None or v.volume_id != boot.volume_id)
        return compute.ServerSpec(
            id=s.id, name=s.name, flavor=flavor, ports=self._ports(s.id), key_name=s.key_name,
            security_groups=tuple(sorted({g["name"] for g in s.security_groups or ()})),
            boot_volume=boot, data_volumes=data, availability_zone=s.availability_zone,
            metadata=dict(s.metadata or {}), image_id=image_id, status=s.status)

    def _volumes(self, s: Any) -> list[compute.VolumeSpec]:
        out = []
        with self._t("list volume attachments", s.id):
            attachments = list(self.conn.compute.volume_attachments(s.id))
        for att in attachments:
            with self._t("show volume", att.volume_id, resource="Volume"):
                vol = self.conn.block_storage.get_volume(att.volume_id)
            out.append(compute.VolumeSpec(
                volume_id=att.volume_id, device=att.device, size_gb=vol.size or 0,
                volume_type=vol.volume_type, bootable=bool(vol.is_bootable)))
        return sorted(out, key=lambda v: v.device or "~")

    def _ports(self, server_id: str) -> tuple[compute.PortSpec, ...]:
        net = self.conn.network
        with translate(site=self.site, service="Neutron", operation="list ports"):
            ports = list(net.ports(device_id=server_id))
            names: dict[str, str | None] = {}
            groups: dict[str, str] = {}
            specs = []
            for p in ports:
                if p.network_id not in names:
                    n = net.find_network(p.network_id, ignore_missing=True)
                    names[p.network_id] = n.name if n else None
                for gid in p.security_group_ids or ():
                    if gid not in groups:
                        g = net.find_security_group(gid, ignore_missing=True)
                        groups[gid] = g.name if g else gid
                specs.append(compute.PortSpec(
                    port_id=p.id, network_id=p.network_id, network_name=names[p.network_id],
                    fixed_ips=tuple(compute.FixedIP(ip["ip_address"], ip.get("subnet_id"))
                                    for ip in p.fixed_ips or ()),
                    mac_address=p.mac_address,
                    security_groups=tuple(groups[g] for g in p.security_group_ids or ())))
        return tuple(sorted(specs, key=lambda p: p.port_id))

    # -- changing --------------------------------------------------------------------------
    def boot_server(self, name: str, flavor: str, boot_volume_id: str,
                    nics: Sequence[compute.NIC], *, key_name: str | None = None,
                    security_groups: Sequence[str] = (),
                    metadata: Mapping[str, str] | None = None,
                    availability_zone: str | None = None) -> str:
        found = self.find_flavor(flavor)
        if found is None or found.id is None:
            raise exc.CloudNotFound(resource="Flavor", id=flavor, site=self.site)
        networks = []
        for nic in nics:
            if nic.port_id:
                networks.append({"port": nic.port_id})
            else:
                entry = {"uuid": nic.network_id}
                if nic.fixed_ip:
                    entry["fixed_ip"] = nic.fixed_ip
                networks.append(entry)
        attrs: dict[str, Any] = {
            "name": name, "flavor_id": found.id, "networks": networks or "none",
            "block_device_mapping_v2": [{
                "boot_index": 0, "uuid": boot_volume_id, "source_type": "volume",
                "destination_type": "volume", "delete_on_termination": False}],
            "metadata": dict(metadata or {}),
        }
        if key_name:
            attrs["key_name"] = key_name
        if security_groups:
            attrs["security_groups"] = [{"name": g} for g in security_groups]
        if availability_zone:
            attrs["availability_zone"] = availability_zone
        with self._t("create server", name):
            return self.conn.compute.create_server(**attrs).id

    def _wait(self, server_id: str, wanted: str, timeout: float | None) -> compute.Server:
        return common.wait_for(
            lambda: self.get_server(server_id), lambda s: s.status, (wanted,), ("ERROR",),
            options=self.options, timeout=timeout, resource="Server", resource_id=server_id,
            site=self.site, fault_of=lambda s: s.fault)

    def wait_active(self, server_id: str, timeout: float | None = None) -> compute.Server:
        return self._wait(server_id, "ACTIVE", timeout)

    def stop_server(self, server_id: str, *, wait: bool = True,
                    timeout: float | None = None) -> None:
        now = self.get_server(server_id)
        if now.status != "SHUTOFF" and now.task_state != "powering-off":
            with self._t("stop server", server_id):
                self.conn.compute.stop_server(server_id)
        if wait:
            self._wait(server_id, "SHUTOFF", timeout)

    def start_server(self, server_id: str, *, wait: bool = True,
                     timeout: float | None = None) -> None:
        now = self.get_server(server_id)
        if now.status != "ACTIVE" and now.task_state != "powering-on":
            with self._t("start server", server_id):
                self.conn.compute.start_server(server_id)
        if wait:
            self._wait(server_id, "ACTIVE", timeout)

    def attach_volume(self, server_id: str, volume_id: str,
                      device: str | None = None) -> None:
        attrs = {"device": device} if device else {}
        with self._t("attach volume", server_id):
            self.conn.compute.create_volume_attachment(server_id, volume_id, **attrs)

    def delete_server(self, server_id: str, *, wait: bool = False,
                      timeout: float | None = None) -> None:
        with self._t("delete server", server_id):
            self.conn.compute.delete_server(server_id, ignore_missing=True)
        if not wait:
            return

        def read() -> str:
            try:
                return self.get_server(server_id).status
            except exc.CloudNotFound:
                return "DELETED"

        common.wait_for(read, lambda s: s, ("DELETED", "SOFT_DELETED"), ("ERROR",),
                        options=self.options, timeout=timeout, resource="Server",
                        resource_id=server_id, site=self.site)

    # -- flavors and key pairs -------------------------------------------------------------
    def list_flavors(self) -> list[compute.Flavor]:
        with self._t("list flavors", resource="Flavor"):
            return [_flavor(f) for f in self.conn.compute.flavors(details=True)]

    def find_flavor(self, name_or_id: str) -> compute.Flavor | None:
        with self._t("find flavor", name_or_id, resource="Flavor"):
            f = self.conn.compute.find_flavor(name_or_id, ignore_missing=True)
        return _flavor(f) if f is not None else None

    def find_keypair(self, name: str) -> str | None:
        with self._t("find key pair", name, resource="Key pair"):
            k = self.conn.compute.find_keypair(name, ignore_missing=True)
        return k.name if k is not None else None
