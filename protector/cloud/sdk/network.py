"""Neutron through openstacksdk."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from openstack import connection
from openstack import exceptions as os_exc

from protector.cloud import common, network
from protector.cloud import exception as exc
from protector.cloud.compute import FixedIP
from protector.cloud.sdk.errors import translate

LOG = logging.getLogger(__name__)
NEUTRON = "Neutron"


def _port(p: Any) -> network.Port:
    return network.Port(
        id=p.id, network_id=p.network_id,
        fixed_ips=tuple(FixedIP(ip["ip_address"], ip.get("subnet_id"))
                        for ip in p.fixed_ips or ()),
        mac_address=p.mac_address, security_group_ids=tuple(p.security_group_ids or ()),
        device_id=p.device_id or "", device_owner=p.device_owner or "",
        status=p.status or "", name=p.name or "", tags=tuple(p.tags or ()))


class SdkNetwork(network.NetworkAPI):
    def __init__(self, conn: connection.Connection, site: str,
                 options: common.CloudOptions) -> None:
        self.conn = conn
        self.site = site
        self.options = options

    def _t(self, operation: str, resource_id: str = "", resource: str = "Network") -> Any:
        return translate(site=self.site, service=NEUTRON, operation=operation,
                         resource=resource, resource_id=resource_id)

    @property
    def _net(self) -> Any:
        return self.conn.network

    def _create(self, create: Callable[..., Any], tags: Sequence[str], **attrs: Any) -> Any:
        """Create with tags in the POST body, so a crash cannot leave an untagged
        resource where Neutron supports it; set them afterwards where it drops
        or refuses them (seen for ports)."""
        if not tags:
            return create(**attrs)
        try:
            made = create(tags=list(tags), **attrs)
        except os_exc.BadRequestException as err:
            if "tags" not in str(err).lower():
                raise
            made = create(**attrs)
        if not set(tags) <= set(made.tags or ()):
            self._net.set_tags(made, sorted(set(made.tags or ()) | set(tags)))
            made.tags = sorted(set(made.tags or ()) | set(tags))
        return made

    def find_network(self, name_or_id: str) -> network.Network | None:
        with self._t("find network", name_or_id):
            try:
                n = self._net.find_network(name_or_id, ignore_missing=True)
            except os_exc.DuplicateResource as err:
                raise exc.CloudConflict(resource="Network", id=name_or_id, site=self.site,
                                        reason="several networks have that name; use "
                                               "the network id") from err
        if n is None:
            return None
        return network.Network(id=n.id, name=n.name, subnet_ids=tuple(n.subnet_ids or ()),
                               status=n.status or "", shared=bool(n.is_shared),
                               tags=tuple(n.tags or ()))

    def create_isolated_network(self, name: str, cidr: str, *, tags: Sequence[str] = (),
                                with_router: bool = True) -> network.IsolatedNetwork:
        made = network.IsolatedNetwork(network_id="")
        try:
            with self._t("create network", name):
                net = self._create(self._net.create_network, tags, name=name)
                made = network.IsolatedNetwork(network_id=net.id)
                sub = self._create(self._net.create_subnet, tags, network_id=net.id,
                                   name=name, cidr=cidr, ip_version=4, enable_dhcp=False)
                made = network.IsolatedNetwork(network_id=net.id, subnet_id=sub.id)
                if with_router:
                    router = self._create(self._net.create_router, tags, name=name)
                    made = network.IsolatedNetwork(net.id, sub.id, router.id)
                    self._net.add_interface_to_router(router, subnet_id=sub.id)
        except Exception:
            if made.network_id:
                try:
                    self.delete_isolated_network(made)
                except exc.CloudError as err:
                    LOG.error("Site %s: could not remove partial network %s: %s",
                              self.site, made, err)
            raise
        return made

    def delete_isolated_network(self, ids: network.IsolatedNetwork) -> None:
        net = self._net
        with self._t("delete network", ids.network_id):
            if ids.router_id:
                router = net.find_router(ids.router_id, ignore_missing=True)
                if router is not None:
                    if ids.subnet_id:
                        try:
                            net.remove_interface_from_router(router, subnet_id=ids.subnet_id)
                        except os_exc.NotFoundException:
                            pass
                    net.delete_router(router, ignore_missing=True)
            # Ports Nova or protector left behind block the network's deletion.
            for p in net.ports(network_id=ids.network_id):
                if not (p.device_owner or "").startswith("network:"):
                    net.delete_port(p, ignore_missing=True)
            if ids.subnet_id:
                net.delete_subnet(ids.subnet_id, ignore_missing=True)
            net.delete_network(ids.network_id, ignore_missing=True)

    def find_isolated_networks(self, tag: str) -> list[network.IsolatedNetwork]:
        net = self._net
        with self._t("list networks"):
            routers = {}
            for r in net.routers(tags=tag):
                for p in net.ports(device_id=r.id):
                    for ip in p.fixed_ips or ():
                        routers[ip.get("subnet_id")] = r.id
            found = []
            for n in net.networks(tags=tag):
                subnets = list(n.subnet_ids or ())
                sub = subnets[0] if subnets else None
                found.append(network.IsolatedNetwork(n.id, sub, routers.get(sub)))
        return found

    def create_port(self, network_id: str, *, fixed_ip: str | None = None,
                    mac_address: str | None = None, security_groups: Sequence[str] = (),
                    name: str = "", tags: Sequence[str] = ()) -> network.Port:
        attrs: dict[str, Any] = {"network_id": network_id, "name": name}
        if fixed_ip:
            attrs["fixed_ips"] = [{"ip_address": fixed_ip}]
        if mac_address:
            attrs["mac_address"] = mac_address
        if security_groups:
            attrs["security_group_ids"] = list(security_groups)
        with self._t("create port", fixed_ip or mac_address or name, resource="Port"):
            return _port(self._create(self._net.create_port, tags, **attrs))

    def delete_port(self, port_id: str) -> None:
        with self._t("delete port", port_id, resource="Port"):
            self._net.delete_port(port_id, ignore_missing=True)

    def find_ports(self, tag: str) -> list[network.Port]:
        with self._t("list ports", resource="Port"):
            return [_port(p) for p in self._net.ports(tags=tag)]

    def find_security_group(self, name_or_id: str) -> network.SecurityGroup | None:
        with self._t("find security group", name_or_id, resource="Security group"):
            try:
                # Scoped to the project: an admin sees every project's "default".
                g = self._net.find_security_group(name_or_id, ignore_missing=True,
                                                  project_id=self.conn.current_project_id)
            except os_exc.DuplicateResource as err:
                raise exc.CloudConflict(resource="Security group", id=name_or_id,
                                        site=self.site, reason="several security groups "
                                        "have that name in the project") from err
        return network.SecurityGroup(g.id, g.name) if g is not None else None
