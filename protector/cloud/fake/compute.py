"""The fake Nova: boot-from-volume servers on simulated compute hosts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from protector.cloud import common, compute
from protector.cloud import exception as exc
from protector.cloud.fake import network as fnet
from protector.cloud.fake.cloud import NO_VALID_HOST, FakeCloud, Record, api, new_id
from protector.cloud.fake.volume import finish

# Nova's task_state while a power change runs (the fake's pending status -> it).
TASK_STATES = {"SHUTOFF": "powering-off", "ACTIVE": "powering-on"}


def _device(taken: set[str]) -> str:
    for letter in "abcdefghijklmnopqrstuvwxyz":
        if f"/dev/vd{letter}" not in taken:
            return f"/dev/vd{letter}"
    raise ValueError("no free device name")


class FakeCompute(compute.ComputeAPI):
    def __init__(self, cloud: FakeCloud) -> None:
        self.cloud = cloud
        self.site = cloud.site
        self.options = cloud.options

    # -- helpers (lock held) ---------------------------------------------------------------
    def _rec(self, server_id: str) -> Record:
        rec = self.cloud.servers.get(server_id)
        if rec is None:
            raise exc.CloudNotFound(resource="Server", id=server_id, site=self.site)
        return rec

    def _bad(self, operation: str, reason: str) -> exc.CloudRequestFailed:
        return exc.CloudRequestFailed(service="Nova", site=self.site, operation=operation,
                                      reason=f"HTTP 400: {reason}")

    def _flavor(self, name_or_id: str) -> compute.Flavor | None:
        flavors = self.cloud.flavors
        return flavors.get(name_or_id) or next(
            (f for f in flavors.values() if f.name == name_or_id), None)

    def _view(self, rec: Record) -> compute.Server:
        return compute.Server(id=rec.id, name=rec.name, status=rec.status,
                              metadata=dict(rec.metadata), fault=rec.fault,
                              availability_zone="nova", host=rec.data["host"],
                              task_state=TASK_STATES.get(rec.data.get("task")))

    # -- reading ---------------------------------------------------------------------------
    @api("compute")
    def get_server(self, server_id: str) -> compute.Server:
        return self._view(self._rec(server_id))

    @api("compute")
    def find_servers(self, metadata: Mapping[str, str]) -> list[compute.Server]:
        return [self._view(s) for s in self.cloud.servers.values()
                if common.matches(s.metadata, metadata)]

    @api("compute")
    def capture_server(self, server_id: str) -> compute.ServerSpec:
        c = self.cloud
        rec = self._rec(server_id)
        ports = []
        for pid in rec.data["ports"]:
            p = c.ports[pid]
            net = c.networks.get(p.data["network_id"])
            ports.append(compute.PortSpec(
                port_id=pid, network_id=p.data["network_id"],
                network_name=net.name if net else None,
                fixed_ips=fnet.port_view(p).fixed_ips, mac_address=p.data["mac"],
                security_groups=tuple(c.security_groups.get(g, g) for g in p.data["sgs"])))
        volumes = []
        for vid, device in rec.data["volumes"]:
            v = c.volumes[vid]
            volumes.append(compute.VolumeSpec(
                volume_id=vid, device=device, size_gb=v.data["size"],
                volume_type=v.data["type"], bootable=v.data["bootable"],
                boot_index=0 if vid == rec.data["boot_volume_id"] else None))
        boot = next((v for v in volumes if v.boot_index == 0), None)
        groups = {g for p in ports for g in p.security_groups} | set(rec.data["sgs"])
        flavor = c.flavors[rec.data["flavor_id"]]
        return compute.ServerSpec(
            id=rec.id, name=rec.name, flavor=flavor, ports=tuple(ports),
            key_name=rec.data["key_name"], security_groups=tuple(sorted(groups)),
            boot_volume=boot, data_volumes=tuple(v for v in volumes if v is not boot),
            availability_zone="nova", metadata=dict(rec.metadata), image_id=None,
            status=rec.status)

    # -- building --------------------------------------------------------------------------
    @api("compute")
    def boot_server(self, name: str, flavor: str, boot_volume_id: str,
                    nics: Sequence[compute.NIC], *, key_name: str | None = None,
                    security_groups: Sequence[str] = (),
                    metadata: Mapping[str, str] | None = None,
                    availability_zone: str | None = None) -> str:
        c = self.cloud
        found = self._flavor(flavor)
        if found is None:
            raise exc.CloudNotFound(resource="Flavor", id=flavor, site=self.site)
        if c.max_servers is not None and len(c.servers) >= c.max_servers:
            raise exc.QuotaExceeded(
                site=self.site, resource="instances",
                reason=f"Quota exceeded for instances: Requested 1, but already used "
                       f"{len(c.servers)} of {c.max_servers} instances")
        vol = c.volumes.get(boot_volume_id)
        if vol is None or vol.status != "available":
            raise self._bad("create server", f"Block Device Mapping is Invalid: volume "
                            f"{boot_volume_id} is {vol.status if vol else 'missing'}, "
                            "not available")
        if key_name is not None and key_name not in c.keypairs:
            raise self._bad("create server", "Invalid key_name provided.")
        sg_ids = []
        for g in security_groups or ("default",):
            gid = g if g in c.security_groups else next(
                (i for i, n in c.security_groups.items() if n == g), None)
            if gid is None:
                raise self._bad("create server", f"Unable to find security_group with name "
                                                 f"or id '{g}'")
            sg_ids.append(gid)
        if availability_zone not in (None, "nova"):
            raise self._bad("create server", "The requested availability zone is not "
                                             "available")
        for nic in nics:
            if nic.port_id is not None:
                port = c.ports.get(nic.port_id)
                if port is None:
                    raise self._bad("create server", f"Port id {nic.port_id} could not be "
                                                     "found.")
                if port.data["device_id"]:
                    raise exc.CloudConflict(resource="Port", id=nic.port_id, site=self.site,
                                            reason="Port is still in use.")
            elif nic.network_id not in c.networks:
                raise self._bad("create server", f"Network {nic.network_id} could not be "
                                                 "found.")
        sid = new_id()
        ports = []
        for nic in nics:  # validated above; Nova makes the missing ports itself
            if nic.port_id is not None:
                port = c.ports[nic.port_id]
            else:
                port = fnet.allocate_port(c, nic.network_id or "", fixed_ip=nic.fixed_ip,
                                          sgs=sg_ids, device_owner="compute:nova")
                port.data["nova_made"] = True
            port.data["device_id"] = sid
            port.data["device_owner"] = "compute:nova"
            ports.append(port.id)
        host, delay = c.schedule_build()
        rec = Record(sid, name, "BUILD", dict(metadata or {}), data={
            "flavor_id": found.id, "key_name": key_name, "sgs": list(security_groups),
            "host": host, "ports": ports, "volumes": [(boot_volume_id, "/dev/vda")],
            "boot_volume_id": boot_volume_id})
        c.servers[sid] = rec
        vol.status = "attaching"
        vol.data["attachments"] = [(sid, "/dev/vda")]
        fault = NO_VALID_HOST if host is None else (
            c.build_faults.popleft() if c.build_faults else None)
        c.at(delay, lambda: self._built(sid, fault))
        return sid

    def _built(self, server_id: str, fault: str | None) -> None:
        c = self.cloud
        rec = c.servers.get(server_id)
        if rec is None or rec.status != "BUILD":
            return
        if fault is None:
            rec.status = "ACTIVE"
            for pid in rec.data["ports"]:
                c.ports[pid].status = "ACTIVE"
            for vid, _ in rec.data["volumes"]:
                finish(c, vid, "in-use")
            return
        rec.status, rec.fault, rec.data["host"] = "ERROR", fault, None
        self._release(rec)

    def _release(self, rec: Record) -> None:
        """Detach volumes, free ports: what Nova does on delete or failed build."""
        c = self.cloud
        for vid, _ in rec.data["volumes"]:
            v = c.volumes.get(vid)
            if v is not None:
                v.status, v.data["attachments"] = "available", []
        for pid in rec.data["ports"]:
            p = c.ports.get(pid)
            if p is None:
                continue
            if p.data["nova_made"]:
                del c.ports[pid]
            else:
                p.data["device_id"], p.data["device_owner"], p.status = "", "", "DOWN"
        rec.data["volumes"], rec.data["ports"] = [], []

    def _wait(self, server_id: str, wanted: str, timeout: float | None) -> compute.Server:
        return common.wait_for(
            lambda: self.get_server(server_id), lambda s: s.status, (wanted,), ("ERROR",),
            options=self.options, timeout=timeout, resource="Server", resource_id=server_id,
            site=self.site, fault_of=lambda s: s.fault)

    def wait_active(self, server_id: str, timeout: float | None = None) -> compute.Server:
        return self._wait(server_id, "ACTIVE", timeout)

    # -- power -----------------------------------------------------------------------------
    def _power(self, server_id: str, from_status: str, to_status: str, verb: str) -> None:
        c = self.cloud
        with c.lock:
            c.settle()
            rec = self._rec(server_id)
            if rec.status == to_status or rec.data.get("task") == to_status:
                return
            if rec.status != from_status:
                raise exc.CloudConflict(resource="Server", id=server_id, site=self.site,
                                        reason=f"Cannot '{verb}' instance while it is in "
                                               f"status {rec.status}")
            rec.data["task"] = to_status

            def done() -> None:
                if server_id in c.servers and rec.data.get("task") == to_status:
                    rec.status, rec.data["task"] = to_status, None

            c.at(c.power_time, done)

    @api("compute", locked=False)
    def stop_server(self, server_id: str, *, wait: bool = True,
                    timeout: float | None = None) -> None:
        self._power(server_id, "ACTIVE", "SHUTOFF", "stop")
        if wait:
            self._wait(server_id, "SHUTOFF", timeout)

    @api("compute", locked=False)
    def start_server(self, server_id: str, *, wait: bool = True,
                     timeout: float | None = None) -> None:
        self._power(server_id, "SHUTOFF", "ACTIVE", "start")
        if wait:
            self._wait(server_id, "ACTIVE", timeout)

    @api("compute")
    def attach_volume(self, server_id: str, volume_id: str,
                      device: str | None = None) -> None:
        c = self.cloud
        rec = self._rec(server_id)
        if rec.status not in ("ACTIVE", "SHUTOFF"):
            raise exc.CloudConflict(resource="Server", id=server_id, site=self.site,
                                    reason=f"Cannot 'attach_volume' instance while it is in "
                                           f"status {rec.status}")
        vol = c.volumes.get(volume_id)
        if vol is None or vol.status != "available":
            raise self._bad("attach volume", f"Invalid volume: volume {volume_id} is "
                            f"{vol.status if vol else 'missing'}, not available")
        taken = {d for _, d in rec.data["volumes"]}
        if device in taken:
            raise self._bad("attach volume", f"The supplied device path ({device}) is in use.")
        device = device or _device(taken)
        rec.data["volumes"].append((volume_id, device))
        vol.status, vol.data["attachments"] = "attaching", [(server_id, device)]
        c.at(c.attach_time, lambda: finish(c, volume_id, "in-use"))

    @api("compute", locked=False)
    def delete_server(self, server_id: str, *, wait: bool = False,
                      timeout: float | None = None) -> None:
        c = self.cloud
        with c.lock:
            c.settle()
            rec = c.servers.pop(server_id, None)
            if rec is not None:
                self._release(rec)

    # -- flavors and key pairs -------------------------------------------------------------
    @api("compute")
    def list_flavors(self) -> list[compute.Flavor]:
        return list(self.cloud.flavors.values())

    @api("compute")
    def find_flavor(self, name_or_id: str) -> compute.Flavor | None:
        return self._flavor(name_or_id)

    @api("compute")
    def find_keypair(self, name: str) -> str | None:
        return name if name in self.cloud.keypairs else None


def seed_server(cloud: FakeCloud, name: str, *, flavor: str = "m1.tiny",
                network: str = "private", volume_sizes: Sequence[int] = (1,),
                volume_type: str = "replicated", key_name: str | None = None,
                metadata: Mapping[str, str] | None = None) -> str:
    """An ACTIVE server booted from a volume, with data volumes, made at once
    (no simulated time): the source side of a test. The volumes are created
    on the cloud's back end like any Cinder volume (``volume-<id>-cinder``).

    :raises CloudRequestFailed: the back end could not create a volume.
    """
    fake = FakeCompute(cloud)
    vol = cloud.as_cloud().volume
    net = next(n for n in cloud.networks.values() if n.name == network or n.id == network)
    if key_name:
        cloud.add_keypair(key_name)
    with cloud.lock:
        ids = []
        for i, size in enumerate(volume_sizes):
            v = vol._new(f"{name}-vol{i}", size, volume_type, None)  # type: ignore[attr-defined]
            fault = vol._provision(v)  # type: ignore[attr-defined]
            if fault:
                for made in [v.id, *ids]:  # nothing half-seeded stays behind
                    vol._drop(cloud.volumes[made])  # type: ignore[attr-defined]
                raise exc.CloudRequestFailed(service="Cinder", site=cloud.site,
                                             operation="create volume", reason=fault)
            v.status, v.data["bootable"] = "available", i == 0
            ids.append(v.id)
        sid = fake.boot_server.__wrapped__(  # type: ignore[attr-defined]
            fake, name, flavor, ids[0], [compute.NIC(network_id=net.id)], key_name=key_name,
            metadata=metadata)
        rec = cloud.servers[sid]
        rec.status = "ACTIVE"
        for vid in ids[1:]:
            rec.data["volumes"].append((vid, _device({d for _, d in rec.data["volumes"]})))
        for vid, dev in rec.data["volumes"]:
            v = cloud.volumes[vid]
            v.status, v.data["attachments"] = "in-use", [(sid, dev)]
        for pid in rec.data["ports"]:
            cloud.ports[pid].status = "ACTIVE"
    return sid
