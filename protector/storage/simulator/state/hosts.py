"""Hosts, host-volume connections and the array's iSCSI front end.

What Cinder's Pure driver needs to attach a volume for Nova: a host object
per initiator IQN (``post_hosts``, found again with
``filter="iqns='<iqn>' and is_local"``), a connection with a LUN
(``post_connections``), and the target ports it returns to os-brick
(``get_controllers(filter="status='ready'")``, then
``get_ports(filter="name='CT0.*'")``). There is no data plane: a connection
is a record, the portal an address nothing listens on.

Connections refer to volumes by id, so renaming a volume (Cinder's manage
and unmanage) keeps them; destroying a volume disconnects it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from protector.storage.simulator.errors import SimError, already_exists, bad_request
from protector.storage.simulator.names import glob_match
from protector.storage.simulator.state.core import ArrayCore
from protector.storage.simulator.state.records import new_id

CONTROLLERS = ("CT0", "CT1")
ISCSI_PORT = 3260


@dataclass
class Host:
    name: str
    iqns: list[str] = field(default_factory=list)
    wwns: list[str] = field(default_factory=list)
    nqns: list[str] = field(default_factory=list)
    personality: str | None = None
    id: str = field(default_factory=new_id)


@dataclass
class Connection:
    host: str
    volume_id: str
    lun: int


def host_not_exist(name: str) -> SimError:
    # Cinder matches "Host does not exist" (ERR_MSG_HOST_NOT_EXIST).
    return SimError("Host does not exist.", name)


class HostOps(ArrayCore):
    # -- views ------------------------------------------------------------------
    def _host_view(self, host: Host) -> dict[str, Any]:
        count = sum(1 for c in self.connections if c.host == host.name)
        return {
            "id": host.id, "name": host.name, "iqns": list(host.iqns),
            "wwns": list(host.wwns), "nqns": list(host.nqns),
            "personality": host.personality, "is_local": True,
            "connection_count": count, "host_group": {}, "chap": {},
            "port_connectivity": {"status": "healthy", "details": ""},
            "preferred_arrays": [], "vlan": "any",
            "destroyed": False,
        }

    def _connection_view(self, conn: Connection) -> dict[str, Any] | None:
        vol = next((v for v in self.all_volumes() if v.id == conn.volume_id), None)
        if vol is None:
            return None
        host = self.hosts.get(conn.host)
        return {
            "host": {"name": conn.host, "id": host.id if host else None},
            "host_group": {},
            "volume": {"name": vol.name, "id": vol.id},
            "lun": conn.lun,
            "protocol_endpoint": {},
        }

    def connection_count(self, volume_id: str) -> int:
        return sum(1 for c in self.connections if c.volume_id == volume_id)

    def disconnect_volume(self, volume_id: str) -> None:
        self.connections = [c for c in self.connections if c.volume_id != volume_id]

    # -- hosts ------------------------------------------------------------------
    def get_hosts(self, *, names: list[str] | None) -> list[dict]:
        if names:
            missing = [n for n in names if n not in self.hosts]
            if missing:
                raise host_not_exist(missing[0])
        return [self._host_view(h) for n, h in sorted(self.hosts.items())
                if not names or n in names]

    def post_hosts(self, *, names: list[str] | None, body: dict[str, Any]) -> list[dict]:
        if not names:
            raise bad_request("names is required.", "names")
        iqns = list(body.get("iqns") or [])
        for name in names:
            if name in self.hosts:
                raise already_exists("Host", name)
            for other in self.hosts.values():
                taken = set(iqns) & set(other.iqns)
                if taken:
                    raise SimError(f"The IQN {sorted(taken)[0]} is already in use by "
                                   f"host {other.name}.", name)
        out = []
        for name in names:
            host = Host(name=name, iqns=iqns, wwns=list(body.get("wwns") or []),
                        nqns=list(body.get("nqns") or []),
                        personality=body.get("personality"))
            self.hosts[name] = host
            out.append(self._host_view(host))
        return out

    def patch_hosts(self, *, names: list[str] | None, body: dict[str, Any]) -> list[dict]:
        out = []
        for name in names or []:
            host = self.hosts.get(name)
            if host is None:
                raise host_not_exist(name)
            if "personality" in body:
                host.personality = body["personality"]
            for key in ("iqns", "wwns", "nqns"):
                if key in body:
                    setattr(host, key, list(body[key] or []))
            for key in ("add_iqns", "add_wwns", "add_nqns"):
                getattr(host, key[4:]).extend(body.get(key) or [])
            for key in ("remove_iqns", "remove_wwns", "remove_nqns"):
                setattr(host, key[7:], [i for i in getattr(host, key[7:])
                                        if i not in (body.get(key) or [])])
            out.append(self._host_view(host))
        return out

    def delete_hosts(self, *, names: list[str] | None) -> list[dict]:
        for name in names or []:
            if name not in self.hosts:
                raise host_not_exist(name)
            if any(c.host == name for c in self.connections):
                # Cinder matches "cannot be deleted due to existing connections".
                raise SimError("Host cannot be deleted due to existing connections.", name)
        for name in names or []:
            del self.hosts[name]
        return []

    # -- connections ----------------------------------------------------------------
    def get_connections(self, *, host_names: list[str] | None,
                        volume_names: list[str] | None) -> list[dict]:
        for name in host_names or []:
            if name not in self.hosts:
                raise host_not_exist(name)
        vol_ids = None
        if volume_names:
            vol_ids = {self.live_volume(n).id for n in volume_names}
        views = [self._connection_view(c) for c in self.connections
                 if (not host_names or c.host in host_names)
                 and (vol_ids is None or c.volume_id in vol_ids)]
        return [v for v in views if v is not None]

    def post_connections(self, *, host_names: list[str] | None,
                         volume_names: list[str] | None, lun: int | None = None
                         ) -> list[dict]:
        if not host_names or not volume_names:
            raise bad_request("host_names and volume_names are required.")
        out = []
        for host_name in host_names:
            if host_name not in self.hosts:
                raise host_not_exist(host_name)
            for vol_name in volume_names:
                vol = self.live_volume(vol_name)
                if any(c.host == host_name and c.volume_id == vol.id
                       for c in self.connections):
                    raise SimError("Connection already exists.", vol_name)
                used = {c.lun for c in self.connections if c.host == host_name}
                chosen = lun if lun is not None else next(
                    n for n in range(1, 16384) if n not in used)
                if chosen in used:
                    raise SimError(f"LUN {chosen} is already in use.", vol_name)
                conn = Connection(host=host_name, volume_id=vol.id, lun=chosen)
                self.connections.append(conn)
                out.append(self._connection_view(conn))
        return out

    def delete_connections(self, *, host_names: list[str] | None,
                           volume_names: list[str] | None) -> list[dict]:
        for host_name in host_names or []:
            if host_name not in self.hosts:
                raise host_not_exist(host_name)
            for vol_name in volume_names or []:
                vol = self.live_volume(vol_name)
                match = [c for c in self.connections
                         if c.host == host_name and c.volume_id == vol.id]
                if not match:
                    raise SimError("Connection does not exist.", vol_name)
                self.connections.remove(match[0])
        return []

    # -- the front end ------------------------------------------------------------
    def _iqn(self) -> str:
        digest = hashlib.sha1(self.id.encode()).hexdigest()[:16]
        return f"iqn.2010-06.com.purestorage:flasharray.{digest}"

    def get_controllers(self) -> list[dict]:
        return [{"name": ct, "mode": "primary" if ct == "CT0" else "secondary",
                 "status": "ready", "model": "FA-X70R4", "type": "array_controller",
                 "version": self.purity_version} for ct in CONTROLLERS]

    def get_ports(self, *, names: list[str] | None) -> list[dict]:
        host = self.fabric.addresses.get(self.name, "127.0.0.1:0").rpartition(":")[0]
        ports = [{"name": f"{ct}.ETH{n}", "iqn": self._iqn(),
                  "portal": f"{host.strip('[]')}:{ISCSI_PORT}", "wwn": None, "nqn": None,
                  "failover": None}
                 for ct in CONTROLLERS for n in (4, 5)]
        if names:
            ports = [p for p in ports if any(glob_match(n, p["name"]) for n in names)]
        return ports

    def get_network_interfaces(self) -> list[dict]:
        return [{"name": f"{p['name'].lower()}", "enabled": True, "interface_type": "eth",
                 "services": ["iscsi"], "eth": {"subtype": "physical",
                                                "address": p["portal"].rpartition(":")[0]}}
                for p in self.get_ports(names=None)]
