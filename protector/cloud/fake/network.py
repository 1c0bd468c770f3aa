"""The fake Neutron: networks, subnets, routers, ports, security groups."""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Sequence

from protector.cloud import exception as exc
from protector.cloud import network
from protector.cloud.compute import FixedIP
from protector.cloud.fake.cloud import FakeCloud, Record, api, new_id


def make_network(cloud: FakeCloud, name: str, cidr: str,
                 tags: Sequence[str]) -> tuple[str, str]:
    """A network with one subnet (caller holds the lock): (network id, subnet id)."""
    try:
        ipaddress.ip_network(cidr)
    except ValueError as err:
        raise exc.CloudRequestFailed(service="Neutron", site=cloud.site,
                                     operation="create subnet",
                                     reason=f"HTTP 400: invalid CIDR {cidr}") from err
    nid, sid = new_id(), new_id()
    cloud.networks[nid] = Record(nid, name, "ACTIVE",
                                 data={"subnets": [sid], "tags": tuple(tags)})
    cloud.subnets[sid] = Record(sid, name, "ACTIVE", data={
        "network_id": nid, "cidr": cidr, "tags": tuple(tags)})
    return nid, sid


def port_view(rec: Record) -> network.Port:
    d = rec.data
    return network.Port(id=rec.id, network_id=d["network_id"],
                        fixed_ips=tuple(FixedIP(ip, sub) for ip, sub in d["fixed_ips"]),
                        mac_address=d["mac"], security_group_ids=tuple(d["sgs"]),
                        device_id=d["device_id"], device_owner=d["device_owner"],
                        status=rec.status, name=rec.name, tags=tuple(d["tags"]))


def allocate_port(cloud: FakeCloud, network_id: str, *, fixed_ip: str | None = None,
                  mac: str | None = None, sgs: Sequence[str] = (), name: str = "",
                  tags: Sequence[str] = (), device_owner: str = "") -> Record:
    """Create a port with Neutron's checks (caller holds the lock)."""
    net = cloud.networks.get(network_id)
    if net is None:
        raise exc.CloudNotFound(resource="Network", id=network_id, site=cloud.site)
    for gid in sgs:
        if gid not in cloud.security_groups:
            raise exc.CloudNotFound(resource="Security group", id=gid, site=cloud.site)
    if not sgs:  # Neutron applies the project's default group
        sgs = [g for g, n in cloud.security_groups.items() if n == "default"][:1]
    on_net = [p for p in cloud.ports.values() if p.data["network_id"] == network_id]
    taken = {ip for p in on_net for ip, _ in p.data["fixed_ips"]}
    if mac is not None and any(p.data["mac"] == mac for p in on_net):
        raise exc.CloudConflict(resource="Port", id=mac, site=cloud.site,
                                reason=f"MAC address {mac} is in use on network {network_id}")
    subnets = [cloud.subnets[s] for s in net.data["subnets"]]
    if fixed_ip is not None:
        addr = ipaddress.ip_address(fixed_ip)
        subnet = next((s for s in subnets if addr in ipaddress.ip_network(s.data["cidr"])),
                      None)
        if subnet is None:
            raise exc.CloudRequestFailed(
                service="Neutron", site=cloud.site, operation="create port",
                reason=f"HTTP 400: IP address {fixed_ip} is not a valid IP for any subnet "
                       f"of network {network_id}")
        if fixed_ip in taken:
            raise exc.CloudConflict(resource="Port", id=fixed_ip, site=cloud.site,
                                    reason=f"IP address {fixed_ip} already allocated")
        ips = [(fixed_ip, subnet.id)]
    elif subnets:
        subnet = subnets[0]
        hosts = ipaddress.ip_network(subnet.data["cidr"]).hosts()
        next(hosts, None)  # the gateway
        ip = next((str(h) for h in hosts if str(h) not in taken), None)
        if ip is None:
            raise exc.CloudConflict(resource="Subnet", id=subnet.id, site=cloud.site,
                                    reason="no more IP addresses available")
        ips = [(ip, subnet.id)]
    else:
        ips = []
    if mac is None:
        mac = "fa:16:3e:" + ":".join(f"{random.randrange(256):02x}" for _ in range(3))
    pid = new_id()
    rec = Record(pid, name, "DOWN", data={
        "network_id": network_id, "fixed_ips": ips, "mac": mac, "sgs": list(sgs),
        "device_id": "", "device_owner": device_owner, "tags": tuple(tags),
        "nova_made": False})
    cloud.ports[pid] = rec
    return rec


class FakeNetwork(network.NetworkAPI):
    def __init__(self, cloud: FakeCloud) -> None:
        self.cloud = cloud
        self.site = cloud.site

    def _view(self, rec: Record) -> network.Network:
        return network.Network(id=rec.id, name=rec.name,
                               subnet_ids=tuple(rec.data["subnets"]), status=rec.status,
                               shared=False, tags=tuple(rec.data["tags"]))

    @api("network")
    def find_network(self, name_or_id: str) -> network.Network | None:
        nets = self.cloud.networks
        if name_or_id in nets:
            return self._view(nets[name_or_id])
        found = [n for n in nets.values() if n.name == name_or_id]
        if len(found) > 1:
            raise exc.CloudConflict(resource="Network", id=name_or_id, site=self.site,
                                    reason="several networks have that name; use the "
                                           "network id")
        return self._view(found[0]) if found else None

    @api("network")
    def create_isolated_network(self, name: str, cidr: str, *, tags: Sequence[str] = (),
                                with_router: bool = True) -> network.IsolatedNetwork:
        nid, sid = make_network(self.cloud, name, cidr, tags)
        rid = None
        if with_router:
            rid = new_id()
            self.cloud.routers[rid] = Record(rid, name, "ACTIVE",
                                             data={"interfaces": [sid], "tags": tuple(tags)})
        return network.IsolatedNetwork(nid, sid, rid)

    @api("network")
    def delete_isolated_network(self, ids: network.IsolatedNetwork) -> None:
        c = self.cloud
        if ids.router_id:
            c.routers.pop(ids.router_id, None)
        for pid in [p.id for p in c.ports.values() if p.data["network_id"] == ids.network_id]:
            if c.ports[pid].data["device_id"]:
                # Neutron lets the port go; the server keeps running without it.
                self._detach_from_server(pid)
            del c.ports[pid]
        net = c.networks.pop(ids.network_id, None)
        for sid in (net.data["subnets"] if net else []) + [ids.subnet_id]:
            c.subnets.pop(sid or "", None)

    def _detach_from_server(self, port_id: str) -> None:
        server = self.cloud.servers.get(self.cloud.ports[port_id].data["device_id"])
        if server is not None and port_id in server.data["ports"]:
            server.data["ports"].remove(port_id)

    @api("network")
    def find_isolated_networks(self, tag: str) -> list[network.IsolatedNetwork]:
        c = self.cloud
        found = []
        for n in c.networks.values():
            if tag not in n.data["tags"]:
                continue
            sid = n.data["subnets"][0] if n.data["subnets"] else None
            rid = next((r.id for r in c.routers.values()
                        if tag in r.data["tags"] and sid in r.data["interfaces"]), None)
            found.append(network.IsolatedNetwork(n.id, sid, rid))
        return found

    @api("network")
    def create_port(self, network_id: str, *, fixed_ip: str | None = None,
                    mac_address: str | None = None, security_groups: Sequence[str] = (),
                    name: str = "", tags: Sequence[str] = ()) -> network.Port:
        rec = allocate_port(self.cloud, network_id, fixed_ip=fixed_ip, mac=mac_address,
                            sgs=security_groups, name=name, tags=tags)
        return port_view(rec)

    @api("network")
    def delete_port(self, port_id: str) -> None:
        if port_id in self.cloud.ports:
            if self.cloud.ports[port_id].data["device_id"]:
                self._detach_from_server(port_id)
            del self.cloud.ports[port_id]

    @api("network")
    def find_ports(self, tag: str) -> list[network.Port]:
        return [port_view(p) for p in self.cloud.ports.values() if tag in p.data["tags"]]

    @api("network")
    def find_security_group(self, name_or_id: str) -> network.SecurityGroup | None:
        groups = self.cloud.security_groups
        if name_or_id in groups:
            return network.SecurityGroup(name_or_id, groups[name_or_id])
        found = [gid for gid, name in groups.items() if name == name_or_id]
        if len(found) > 1:
            raise exc.CloudConflict(resource="Security group", id=name_or_id, site=self.site,
                                    reason="several security groups have that name in the "
                                           "project")
        return network.SecurityGroup(found[0], name_or_id) if found else None
