"""Nova, as the engine sees it: capture a server's spec, rebuild it elsewhere.

Servers are rebuilt from volumes (boot from volume), never from images, so
the spec records the boot volume and data volumes with their device names.
Every method may raise :mod:`protector.cloud.exception` errors.
"""

from __future__ import annotations

import abc
import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Flavor:
    id: str | None
    name: str
    vcpus: int
    ram_mb: int
    disk_gb: int
    extra_specs: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FixedIP:
    ip_address: str
    subnet_id: str | None = None


@dataclass(frozen=True)
class PortSpec:
    """One of a server's ports, as captured on the source site."""

    port_id: str
    network_id: str
    network_name: str | None
    fixed_ips: tuple[FixedIP, ...]
    mac_address: str | None
    security_groups: tuple[str, ...] = ()  # names, so they can be looked up elsewhere


@dataclass(frozen=True)
class VolumeSpec:
    """A volume attached to a server; ``boot_index`` 0 for the boot volume."""

    volume_id: str
    device: str | None
    size_gb: int
    volume_type: str | None = None
    bootable: bool = False
    boot_index: int | None = None


@dataclass(frozen=True)
class ServerSpec:
    """Everything needed to rebuild a server on the other site.

    ``to_dict``/``from_dict`` round-trip through JSON (the member's captured
    spec in the database).
    """

    id: str
    name: str
    flavor: Flavor
    ports: tuple[PortSpec, ...] = ()
    key_name: str | None = None
    security_groups: tuple[str, ...] = ()
    boot_volume: VolumeSpec | None = None
    data_volumes: tuple[VolumeSpec, ...] = ()
    availability_zone: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    image_id: str | None = None  # set when the server boots from an image, not a volume
    status: str | None = None

    @property
    def volumes(self) -> tuple[VolumeSpec, ...]:
        return ((self.boot_volume,) if self.boot_volume else ()) + self.data_volumes

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ServerSpec:
        d = dict(data)
        d["flavor"] = Flavor(**d["flavor"])
        d["ports"] = tuple(
            PortSpec(**{**p, "fixed_ips": tuple(FixedIP(**ip) for ip in p["fixed_ips"]),
                        "security_groups": tuple(p.get("security_groups", ()))})
            for p in d.get("ports", ()))
        d["security_groups"] = tuple(d.get("security_groups", ()))
        d["boot_volume"] = VolumeSpec(**d["boot_volume"]) if d.get("boot_volume") else None
        d["data_volumes"] = tuple(VolumeSpec(**v) for v in d.get("data_volumes", ()))
        return cls(**d)


@dataclass(frozen=True)
class Server:
    """A server's current state."""

    id: str
    name: str
    status: str  # Nova's: BUILD, ACTIVE, SHUTOFF, ERROR, DELETED ...
    metadata: dict[str, str] = field(default_factory=dict)
    fault: str | None = None
    availability_zone: str | None = None
    host: str | None = None  # visible to admins only
    task_state: str | None = None  # Nova's, e.g. powering-off while a stop runs


@dataclass(frozen=True)
class NIC:
    """How a rebuilt server joins a network: an existing port, or a network
    (with an optional fixed IP) on which Nova creates the port."""

    port_id: str | None = None
    network_id: str | None = None
    fixed_ip: str | None = None

    def __post_init__(self) -> None:
        if (self.port_id is None) == (self.network_id is None):
            raise ValueError("a NIC names either a port or a network")


class ComputeAPI(abc.ABC):
    """Nova servers, flavors and key pairs of one project on one site."""

    site: str = ""

    @abc.abstractmethod
    def capture_server(self, server_id: str) -> ServerSpec:
        """Read everything needed to rebuild ``server_id`` elsewhere.

        :raises CloudNotFound: no such server.
        """

    @abc.abstractmethod
    def get_server(self, server_id: str) -> Server:
        """:raises CloudNotFound: no such server."""

    @abc.abstractmethod
    def find_servers(self, metadata: Mapping[str, str]) -> list[Server]:
        """Servers whose metadata holds every key/value of ``metadata``.

        How a revert finds what an interrupted step created (its
        ``protector_operation`` key).
        """

    @abc.abstractmethod
    def boot_server(self, name: str, flavor: str, boot_volume_id: str,
                    nics: Sequence[NIC], *, key_name: str | None = None,
                    security_groups: Sequence[str] = (),
                    metadata: Mapping[str, str] | None = None,
                    availability_zone: str | None = None) -> str:
        """Create a server that boots from an existing volume; does not wait.

        The volume is kept when the server is deleted. Security groups apply
        to the ports Nova creates; a pre-made port keeps its own.

        :param flavor: flavor id or name.
        :returns: the server id (status BUILD).
        :raises CloudNotFound: the flavor, volume or a network is missing.
        :raises QuotaExceeded: the project's instance or core quota is used up.
        """

    @abc.abstractmethod
    def wait_active(self, server_id: str, timeout: float | None = None) -> Server:
        """Wait until the server is ACTIVE.

        :raises ResourceInError: it went to ERROR (the fault says why).
        :raises CloudTimeout: it did not get there in time.
        """

    @abc.abstractmethod
    def stop_server(self, server_id: str, *, wait: bool = True,
                    timeout: float | None = None) -> None:
        """Shut the server off; a server already SHUTOFF, or being shut off,
        is left alone (Nova refuses a second stop with 409)."""

    @abc.abstractmethod
    def start_server(self, server_id: str, *, wait: bool = True,
                     timeout: float | None = None) -> None:
        """Power the server on; a server already ACTIVE, or being powered
        on, is left alone."""

    @abc.abstractmethod
    def attach_volume(self, server_id: str, volume_id: str,
                      device: str | None = None) -> None:
        """Attach a volume; Nova picks the device if ``device`` is None.

        Returns once Nova accepted it; wait on the volume for ``in-use``.
        """

    @abc.abstractmethod
    def delete_server(self, server_id: str, *, wait: bool = False,
                      timeout: float | None = None) -> None:
        """Delete a server; one that is already gone is not an error."""

    @abc.abstractmethod
    def list_flavors(self) -> list[Flavor]: ...

    @abc.abstractmethod
    def find_flavor(self, name_or_id: str) -> Flavor | None: ...

    @abc.abstractmethod
    def find_keypair(self, name: str) -> str | None:
        """:returns: the key pair's name if the user has it, else None."""
