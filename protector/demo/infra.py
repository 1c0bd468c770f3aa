"""What the demo stands in for: two OpenStack clouds and two FlashArrays.

The clouds are :class:`~protector.cloud.fake.cloud.FakeCloud` objects with
the latencies of a small real cloud, held in this process and served to the
sites' protector processes (:mod:`protector.cloud.fake.service`). The arrays
are the FlashArray REST simulator on loopback HTTPS, on the wall clock, so
their replication schedule runs while the drill does; each cloud's Cinder
back end is its site's array, as with the Cinder Pure driver.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any

from protector.cloud.fake import service
from protector.cloud.fake.cloud import FakeCloud
from protector.cloud.fake.compute import seed_server
from protector.storage.simulator.cinder import SimulatedArrayBackend
from protector.storage.simulator.clock import SystemClock
from protector.storage.simulator.harness import SimulatedFabric

SITES = ("site-a", "site-b")
ARRAYS = {"site-a": "array-a", "site-b": "array-b"}
VOLUME_TYPE = "replicated-async"
BACKEND = "pure"

# A small real cloud, sped up: seconds each call or transition takes.
LATENCY = {
    "build_time": 3.0, "power_time": 0.8, "attach_time": 0.4, "volume_create_time": 0.5,
    "image_copy_time": 1.0, "manage_time": 0.6, "group_time": 0.3, "poll_interval": 0.1,
    "default_latency": 0.03,
}


@dataclass
class Arrays:
    """The two simulated arrays as the replication policy names them."""

    urls: dict[str, str]
    api_token: str
    ca_file: str


class Infrastructure:
    """The fake clouds, the simulated arrays and the holder serving the clouds."""

    network = "private"  # the tenant network of every fake cloud

    def __init__(self, workdir: str, *, scale: float = 1.0, vms_hint: int = 3) -> None:
        self.workdir = workdir
        knobs = {k: v * scale for k, v in LATENCY.items()}
        hosts = max(1, -(-vms_hint // 10))  # Nova's 10 concurrent builds per host
        self.fabric = SimulatedFabric(list(ARRAYS.values()), clock=SystemClock(),
                                      transfer_seconds=2.0 * scale,
                                      eradication_delay_sec=0.0)
        # Each site's Cinder keeps its volumes on the site's array.
        self.clouds = {name: FakeCloud(name, compute_hosts=hosts, backend=SimulatedArrayBackend(
            self.fabric.fabric, ARRAYS[name]), **knobs) for name in SITES}
        self.registry: service.CloudRegistry | None = None
        self._server: Any = None
        self.address: tuple[str, int] | None = None
        self.authkey_file = os.path.join(workdir, "fake-clouds.key")

    def start(self) -> None:
        self.fabric.start()
        for cloud in self.clouds.values():
            cloud.add_volume_type(VOLUME_TYPE, {"replication_enabled": "<is> True",
                                                "replication_type": "<in> async",
                                                "volume_backend_name": BACKEND})
            cloud.add_service(f"cinder@{BACKEND}")
        key = service.write_authkey(self.authkey_file)
        self.registry, self._server, self.address = service.serve(
            self.clouds, ("127.0.0.1", 0), key)

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop_event.set()
        self.fabric.stop()

    @property
    def arrays(self) -> Arrays:
        return Arrays(urls={site: f"https://{self.fabric.target(array)}"
                            for site, array in ARRAYS.items()},
                      api_token=self.fabric.api_token, ca_file=self.fabric.ca_file)

    def seed_servers(self, site: str, count: int) -> dict[str, str]:
        """``count`` running servers (boot + data volume) on ``site``: name -> id."""
        width = len(str(count))
        names = ["db", "app", "web"] if count <= 3 else [
            f"vm-{i:0{width}d}" for i in range(1, count + 1)]
        return {name: seed_server(self.clouds[site], name, volume_sizes=(1, 2),
                                  volume_type=VOLUME_TYPE) for name in names[:count]}

    def replicate(self, site: str) -> None:
        """What the array's schedule does every RPO, now: snapshot the
        site's protection groups, send them, wait for the transfer."""
        array = self.fabric.array(ARRAYS[site])
        with self.fabric.fabric.lock:
            self.fabric.fabric.sync()
            names = [pg["name"] for pg in array.get_protection_groups(names=None,
                                                                       destroyed=False)
                     if ":" not in pg["name"]]  # "array-b:pg" is a replica
            if names:
                array.post_protection_group_snapshots(source_names=names, replicate_now=True,
                                                      apply_retention=True)
        time.sleep(self.fabric.fabric.transfer_seconds + 0.2)
        self.fabric.fabric.sync()

    def stop_site(self, site: str) -> None:
        """The site's cloud and array stop answering (a disaster)."""
        assert self.registry is not None
        self.registry.down(site)
        self.fabric.make_unreachable(ARRAYS[site])

    def restore_site(self, site: str) -> None:
        assert self.registry is not None
        self.registry.down(site, False)
        self.fabric.make_reachable(ARRAYS[site])

    def counts(self) -> dict[str, dict[str, int]]:
        assert self.registry is not None
        return {site: self.registry.count(site) for site in SITES}
