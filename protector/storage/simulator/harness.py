"""Run a fabric of simulated arrays behind real HTTPS ports.

In a test::

    with SimulatedFabric(["array-a", "array-b"]) as sim:
        a = sim.client("array-a")          # a real pypureclient.flasharray client
        a.post_volumes(names=["v1"], volume=flasharray.VolumePost(provisioned=1024**3))
        sim.advance(60)                    # play out 60 s of replication
        sim.make_unreachable("array-a")    # connection refused from now on
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterable
from typing import Any

from protector.storage.simulator.clock import Clock, ManualClock
from protector.storage.simulator.http.app import ArrayApp
from protector.storage.simulator.http.server import ArrayServer
from protector.storage.simulator.state.array import Array
from protector.storage.simulator.state.fabric import Fabric
from protector.storage.simulator.tls import TlsMaterial, make_tls

DEFAULT_API_TOKEN = "sim-api-token"


class SimulatedFabric:
    """Arrays sharing one :class:`Fabric`, each served on its own loopback port.

    ``listen`` maps array names to ``(host, port)``; arrays not in it listen
    on ``host`` and a free port. Remaining keyword arguments go to
    :class:`Fabric` (``transfer_seconds``, ``eradication_delay_sec``,
    ``stretch_seconds``, ``retention_when_source_down``,
    ``targets_allowed_by_default``).
    """

    def __init__(
        self,
        arrays: Iterable[str] = ("array-a", "array-b"),
        *,
        api_token: str = DEFAULT_API_TOKEN,
        clock: Clock | None = None,
        host: str = "127.0.0.1",
        listen: dict[str, tuple[str, int]] | None = None,
        connect: bool = True,
        connection_type: str = "sync-replication",
        cert_dir: str | None = None,
        **fabric_options: Any,
    ) -> None:
        self.api_token = api_token
        self.clock = clock if clock is not None else ManualClock()
        self.fabric = Fabric(clock=self.clock, **fabric_options)
        names = list(arrays)
        for name in names:
            self.fabric.add_array(name, api_token=api_token)
        if connect:
            for a, b in itertools.combinations(names, 2):
                self.fabric.connect(a, b, connection_type)
        listen = listen or {}
        self._listen = {n: listen.get(n, (host, 0)) for n in names}
        self._cert_dir = cert_dir
        self._own_cert_dir = cert_dir is None
        self.tls: TlsMaterial | None = None
        self.servers: dict[str, ArrayServer] = {}

    # -- life cycle -----------------------------------------------------------
    def start(self) -> SimulatedFabric:
        hosts = [h for h, _ in self._listen.values()]
        self.tls = make_tls(hosts, self._cert_dir)
        context = self.tls.server_context()
        for name, (host, port) in self._listen.items():
            server = ArrayServer(ArrayApp(self.fabric, name), host, port, context)
            server.start()
            self.servers[name] = server
            self.fabric.addresses[name] = server.address
        return self

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()
        if self.tls is not None and self._own_cert_dir:
            shutil.rmtree(self.tls.directory, ignore_errors=True)

    def __enter__(self) -> SimulatedFabric:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- clients --------------------------------------------------------------
    @property
    def ca_file(self) -> str:
        assert self.tls is not None, "start() the fabric first"
        return self.tls.ca_file

    def target(self, name: str) -> str:
        """What to pass as ``flasharray.Client(target=...)``: ``host:port``."""
        return self.servers[name].address

    def client(self, name: str, *, api_token: str | None = None, **kwargs: Any) -> Any:
        """A real ``pypureclient.flasharray`` client for ``name``, verifying TLS.

        The SDK's ``ssl_cert`` argument is not used by its transport, so the
        CA goes in through ``Configuration(ssl_ca_cert=...)``.
        """
        from pypureclient import flasharray
        from pypureclient.configuration import Configuration

        kwargs.setdefault("verify_ssl", True)
        kwargs.setdefault("configuration", Configuration(ssl_ca_cert=self.ca_file))
        return flasharray.Client(
            target=self.target(name), api_token=api_token or self.api_token, **kwargs
        )

    # -- state, time and faults ---------------------------------------------
    def array(self, name: str) -> Array:
        return self.fabric.arrays[name]

    def advance(self, seconds: float) -> None:
        self.fabric.advance(seconds)

    def make_unreachable(self, name: str, mode: str = "refuse") -> None:
        """``refuse``: close the port; ``503``: answer every call with 503."""
        self.fabric.set_unreachable(name, mode)
        if mode == "refuse":
            self.servers[name].stop()

    def make_reachable(self, name: str) -> None:
        self.fabric.set_unreachable(name, None)
        self.servers[name].start()  # same port as before

    def set_transfer_rate(self, name: str, bytes_per_sec: int | None) -> None:
        self.fabric.set_transfer_rate(name, bytes_per_sec)

    def set_latency(self, name: str, seconds: float) -> None:
        """Add ``seconds`` of real time to every API call to ``name``."""
        self.fabric.set_latency(name, seconds)

    def set_link(self, a: str, b: str, up: bool) -> None:
        self.fabric.set_link(a, b, up)

    def inject_error(self, name: str, operation: str, message: str, **kwargs: Any) -> None:
        self.fabric.inject_error(name, operation, message, **kwargs)
