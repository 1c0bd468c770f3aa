"""``protector-demo --lab``: the same drill against the two-site OpenStack
lab (``protector-lab up``, docs/lab.md) instead of the fakes.

The lab's own protector-api and protector-engine serve the drill, behind
their real Keystones; the servers are real (fake-virt) Nova servers of the
lab's ``demo`` project, booted from ``cirros`` volumes of the lab's Cinder;
storage is the lab's (``protector-lab up --storage pure|mock``): Cinder's
Pure driver on two simulated FlashArrays, or the spec's mock mode. The
disaster stops site-a's protector and Keystone (nothing there can be
reached or authenticated) and, on pure storage, makes array-a refuse
connections; the restore brings them back.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import openstack
from openstack import config as os_config

from protector.demo import drill
from protector.demo.infra import Arrays
from protector.lab import catalog, config, disaster, procs, protector_site, workload
from protectorclient.v1 import client as pclient

SITES = {"site-a": config.SITES["a"], "site-b": config.SITES["b"]}


def problem() -> str | None:
    """Why the lab cannot run the drill, or None when it can."""
    for path in (config.clouds_yaml(), config.tenant_clouds_yaml()):
        if not path.exists():
            return f"no {path}"
    for site in SITES.values():
        for name in ("keystone-api", "nova-compute", "cinder-volume", "protector-api",
                     "protector-engine"):
            if procs.running(site, name) is None:
                return f"{name} of site {site.name} is not running"
    return None


def _region(path: Any, cloud: str) -> Any:
    return os_config.OpenStackConfig(config_files=[str(path)]).get_one(cloud=cloud)


def client(cloud: str, *, tenant: bool) -> pclient.Client:
    """A protector client as the lab's admin, or as the demo tenant."""
    path = config.tenant_clouds_yaml() if tenant else config.clouds_yaml()
    return pclient.Client(_region(path, cloud).get_session())


class LabSite:
    """One lab site's protector services, as the drill stops and starts them."""

    def __init__(self, name: str) -> None:
        self.name, self.site = name, SITES[name]
        self.host = self.site.ip
        self.url = self.site.url("protector")

    def running(self) -> list[int]:
        pids = (procs.running(self.site, n) for n in ("protector-api", "protector-engine"))
        return [p for p in pids if p]

    def stop(self) -> None:
        procs.stop_all(self.site, ["protector-api", "protector-engine"])

    def start(self) -> None:
        if len(self.running()) < 2:  # restore_site may have started it already
            protector_site.up(self.site)


class LabInfra:
    """What the drill asks of its infrastructure, done on the lab's clouds."""

    network = catalog.NETWORK

    def __init__(self) -> None:
        self.mark = f"demo{uuid.uuid4().hex[:4]}"
        self.conns = {name: openstack.connection.Connection(
            config=_region(config.tenant_clouds_yaml(), name)) for name in SITES}
        self.projects = {name: c.current_project_id for name, c in self.conns.items()}
        self.pgs: list[str] = []

    # -- policy ---------------------------------------------------------------------
    @property
    def arrays(self) -> Any:
        """--storage pure: the simulated FlashArrays Cinder's Pure driver
        uses; mock: the URLs only name the mock arrays' files."""
        if config.storage_mode() == "pure":
            return Arrays(urls={name: site.array_url for name, site in SITES.items()},
                          api_token=config.ARRAY_API_TOKEN,
                          ca_file=str(config.array_ca_file()))
        return Arrays(urls={"site-a": "https://array-a.lab", "site-b": "https://array-b.lab"},
                      api_token="lab-mock-token", ca_file="")

    # -- servers ----------------------------------------------------------------------
    def seed_servers(self, site: str, count: int) -> dict[str, str]:
        """``count`` ACTIVE servers, each booted from a cirros volume with a
        data volume attached: name -> id."""
        roles = ["db", "app", "web"] if count <= 3 else [f"vm-{i:03d}" for i in range(count)]
        made = workload.boot_servers(self.conns[site],
                                     [f"{self.mark}-{role}" for role in roles[:count]])
        return {name: m.server for name, m in made.items()}

    def counts(self) -> dict[str, dict[str, int]]:
        """The drill's live servers and volumes per site."""
        out = {}
        for name, conn in self.conns.items():
            servers = [s for s in conn.compute.servers() if self.mark in (s.name or "")
                       and s.status not in ("DELETED", "SOFT_DELETED")]
            volumes = [v for v in conn.block_storage.volumes(details=True)
                       if v.status not in ("deleting", "deleted")
                       and (self.mark in (v.name or "") or self._attached_to(v, servers))]
            out[name] = {"servers": len(servers), "volumes": len(volumes)}
        return out

    @staticmethod
    def _attached_to(volume: Any, servers: list[Any]) -> bool:
        ids = {s.id for s in servers}
        return any(a.get("server_id") in ids for a in volume.attachments or ())

    # -- replication ------------------------------------------------------------------
    def replicate(self, site: str, timeout: float = 180) -> None:
        """Wait for the array's next scheduled recovery point (mock storage:
        one per RPO), as the engine's replication monitor reports it."""
        owner = client(site, tenant=True)
        since = time.time()
        deadline = time.monotonic() + timeout
        while True:
            health = owner.request("GET", "/health")  # microversion 1.2
            points = [p.get("last_replication_at") for p in
                      health["health"]["protection_groups"]]
            if points and all(p and _epoch(p) >= since for p in points):
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"no new recovery point on {site} within {timeout:.0f} s")
            time.sleep(3)

    # -- disaster ---------------------------------------------------------------------
    def stop_site(self, site: str) -> None:
        """protector and Keystone stop: nothing of the site can be reached or
        authenticated; with --storage pure its array stops answering too."""
        disaster.strike(SITES[site])

    def restore_site(self, site: str) -> None:
        disaster.restore(SITES[site])

    def stop(self) -> None:
        """Delete the drill's servers and volumes on both sites."""
        for conn in self.conns.values():
            ours = [s for s in conn.compute.servers() if self.mark in (s.name or "")]
            volumes = [v for v in conn.block_storage.volumes(details=True)
                       if self.mark in (v.name or "") or self._attached_to(v, ours)]
            for server in ours:
                conn.compute.delete_server(server, ignore_missing=True)
            for server in ours:
                conn.compute.wait_for_delete(server, wait=300)
            for vol in volumes:
                conn.block_storage.wait_for_status(vol, "available", failures=["error"],
                                                   wait=120)
                conn.block_storage.delete_volume(vol, ignore_missing=True)


def _epoch(value: str) -> float:
    return drill.parse_time(value).timestamp()
