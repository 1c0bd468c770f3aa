"""Neutron, as the engine sees it: networks to plug rebuilt servers into.

Resources protector creates carry Neutron tags (``protector_operation=<id>``,
see :func:`protector.cloud.common.operation_tag`), so a revert finds them
after a crash.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass, field

from protector.cloud.compute import FixedIP


@dataclass(frozen=True)
class Network:
    id: str
    name: str
    subnet_ids: tuple[str, ...] = ()
    status: str = "ACTIVE"
    shared: bool = False
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class IsolatedNetwork:
    """What :meth:`NetworkAPI.create_isolated_network` made (router optional)."""

    network_id: str
    subnet_id: str | None = None
    router_id: str | None = None


@dataclass(frozen=True)
class Port:
    id: str
    network_id: str
    fixed_ips: tuple[FixedIP, ...] = ()
    mac_address: str | None = None
    security_group_ids: tuple[str, ...] = ()
    device_id: str = ""
    device_owner: str = ""
    status: str = "DOWN"
    name: str = ""
    tags: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class SecurityGroup:
    id: str
    name: str


class NetworkAPI(abc.ABC):
    """Neutron networks, ports and security groups of one project on one site."""

    site: str = ""

    @abc.abstractmethod
    def find_network(self, name_or_id: str) -> Network | None:
        """:raises CloudConflict: several networks have that name."""

    @abc.abstractmethod
    def create_isolated_network(self, name: str, cidr: str, *, tags: Sequence[str] = (),
                                with_router: bool = True) -> IsolatedNetwork:
        """A network, one subnet of ``cidr`` and (optionally) a router with an
        interface on it and no external gateway: reachable only inside.

        Everything is created with ``tags``. If a step fails, what was made
        is removed before the error is raised.
        """

    @abc.abstractmethod
    def delete_isolated_network(self, ids: IsolatedNetwork) -> None:
        """Remove the router, any ports left on the network, the subnet and
        the network; parts already gone are skipped."""

    @abc.abstractmethod
    def find_isolated_networks(self, tag: str) -> list[IsolatedNetwork]:
        """Networks (with their subnet and router) carrying ``tag``."""

    @abc.abstractmethod
    def create_port(self, network_id: str, *, fixed_ip: str | None = None,
                    mac_address: str | None = None, security_groups: Sequence[str] = (),
                    name: str = "", tags: Sequence[str] = ()) -> Port:
        """Create a port.

        :param security_groups: security group ids.
        :raises CloudConflict: the fixed IP or MAC address is taken on that network.
        """

    @abc.abstractmethod
    def delete_port(self, port_id: str) -> None:
        """Delete a port; one that is already gone is not an error."""

    @abc.abstractmethod
    def find_ports(self, tag: str) -> list[Port]: ...

    @abc.abstractmethod
    def find_security_group(self, name_or_id: str) -> SecurityGroup | None: ...
