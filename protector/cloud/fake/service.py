"""Fake clouds shared by processes: one process holds the sites' in-memory
clouds, the others (each site's protector-api and protector-engine) act on
them through :class:`RemoteProvider`.

A failover needs both sites' clouds from one engine, and the demo runs each
site's services as processes of their own, as a deployment does; the clouds
must therefore outlive and be shared by those processes. The transport is
:mod:`multiprocessing.managers` on loopback with an authentication key (the
same pickled calls a ``FakeCloud`` method takes and returns); a site taken
:meth:`CloudRegistry.down` answers every call with ``CloudUnavailable``, as
an unreachable cloud does.

The holder::

    server = serve({"site-a": cloud_a, "site-b": cloud_b}, ("127.0.0.1", 0), key)

A client process (``[fake_cloud] address`` and ``authkey_file``, see
:func:`install_from_config`) builds :class:`~protector.cloud.base.Cloud`
objects whose collaborators forward every method to the holder.
"""

from __future__ import annotations

import os
import threading
from multiprocessing import managers
from typing import Any

from oslo_config import cfg
from oslo_log import log

from protector.cloud import base as cloud_base
from protector.cloud import exception as cloud_exc
from protector.cloud.fake.cloud import FakeCloud

LOG = log.getLogger(__name__)
KINDS = ("compute", "volume", "network", "image")
# What callers read off a collaborator rather than call.
DATA_ATTRIBUTES = ("options", "site")

class CloudRegistry:
    """The holder's side: the clouds by site name, and which are down."""

    def __init__(self, clouds: dict[str, FakeCloud]) -> None:
        self._clouds = clouds
        self._apis = {name: cloud.as_cloud() for name, cloud in clouds.items()}
        self._down: set[str] = set()
        self._lock = threading.Lock()

    def sites(self) -> list[str]:
        return sorted(self._clouds)

    def down(self, site: str, is_down: bool = True) -> None:
        with self._lock:
            (self._down.add if is_down else self._down.discard)(site)

    def call(self, site: str, kind: str, method: str, args: tuple, kwargs: dict) -> Any:
        if site in self._down:
            raise cloud_exc.CloudUnavailable(service="OpenStack", site=site,
                                            reason="connection refused (site stopped)")
        if kind not in KINDS or method.startswith("_"):
            raise AttributeError(f"{kind}.{method}")
        try:
            api = getattr(self._apis[site], kind)
        except KeyError:
            raise cloud_exc.CloudUnavailable(service="OpenStack", site=site,
                                            reason="no such cloud") from None
        return getattr(api, method)(*args, **kwargs)

    def attribute(self, site: str, kind: str, name: str) -> Any:
        """A collaborator's data attribute (``options``, ``site``)."""
        if kind not in KINDS or name not in DATA_ATTRIBUTES:
            raise AttributeError(f"{kind}.{name}")
        return getattr(getattr(self._apis[site], kind), name)

    def seed(self, site: str, helper: str, *args: Any, **kwargs: Any) -> Any:
        """Run a seeding helper of :mod:`protector.cloud.fake.compute` on a
        cloud (the demo's servers)."""
        from protector.cloud.fake import compute
        if not helper.startswith("seed_"):
            raise AttributeError(helper)
        return getattr(compute, helper)(self._clouds[site], *args, **kwargs)

    def count(self, site: str) -> dict[str, int]:
        """Live servers, volumes and networks: what a clean-up must leave."""
        cloud = self._clouds[site]
        with cloud.lock:
            cloud.settle()
            return {
                "servers": sum(1 for s in cloud.servers.values() if s.status != "DELETED"),
                "volumes": sum(1 for v in cloud.volumes.values() if v.status != "deleted"),
                "networks": len(cloud.networks),
            }


class _Manager(managers.BaseManager):
    pass


_Manager.register("registry")


def serve(clouds: dict[str, FakeCloud], address: tuple[str, int], authkey: bytes
          ) -> tuple[CloudRegistry, Any, tuple[str, int]]:
    """Serve ``clouds`` in a daemon thread of this process.

    :returns: the registry, the server (``stop_event.set()`` stops it) and
        the address it listens on (port 0 picks a free one).
    """
    registry = CloudRegistry(clouds)

    class Holder(managers.BaseManager):
        pass

    Holder.register("registry", callable=lambda: registry)
    server = Holder(address=address, authkey=authkey).get_server()

    def run() -> None:
        try:
            server.serve_forever()
        except SystemExit:  # how multiprocessing's server says it stopped
            pass

    thread = threading.Thread(target=run, name="fake-cloud-holder", daemon=True)
    thread.start()
    return registry, server, server.address


class _Remote:
    """One collaborator of a remote site: every method call is forwarded."""

    def __init__(self, provider: RemoteProvider, site: str, kind: str) -> None:
        self._provider, self._site, self._kind = provider, site, kind

    def __getattr__(self, method: str) -> Any:
        if method.startswith("_"):
            raise AttributeError(method)
        if method in DATA_ATTRIBUTES:
            value = self._provider.registry().attribute(self._site, self._kind, method)
            setattr(self, method, value)  # fixed for the collaborator's life
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            return self._provider.registry().call(self._site, self._kind, method, args,
                                                  kwargs)

        call.__name__ = method
        return call


class RemoteProvider:
    """A :data:`~protector.cloud.base.Provider` on a holder's clouds.

    Every thread has its own connection (a proxy is not thread-safe), so
    an engine's parallel steps stay parallel.
    """

    def __init__(self, address: tuple[str, int], authkey: bytes) -> None:
        self.address, self._authkey = address, authkey
        self._local = threading.local()

    def registry(self) -> Any:
        proxy = getattr(self._local, "registry", None)
        if proxy is None:
            manager = _Manager(address=self.address, authkey=self._authkey)
            try:
                manager.connect()
            except OSError as exc:
                raise cloud_exc.CloudUnavailable(
                    service="OpenStack", site="(fake clouds)",
                    reason=f"the fake cloud holder at {self.address[0]}:"
                           f"{self.address[1]} does not answer: {exc}") from exc
            proxy = self._local.registry = manager.registry()
        return proxy

    def __call__(self, site: Any, project_id: str | None, context: Any) -> cloud_base.Cloud:
        name = site.name
        return cloud_base.Cloud(site=name, compute=_Remote(self, name, "compute"),
                                volume=_Remote(self, name, "volume"),
                                network=_Remote(self, name, "network"),
                                image=_Remote(self, name, "image"))


def parse_address(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"[fake_cloud] address {value!r} is not host:port")
    return host, int(port)


def install_from_config(conf: cfg.ConfigOpts = cfg.CONF) -> bool:
    """Act on shared fake clouds if ``[fake_cloud] address`` says so.

    :returns: whether the fake clouds are in use.
    """
    if not conf.fake_cloud.address:
        return False
    if not conf.fake_cloud.authkey_file:
        raise ValueError("[fake_cloud] authkey_file is required with [fake_cloud] address")
    with open(conf.fake_cloud.authkey_file, "rb") as f:
        authkey = f.read().strip()
    address = parse_address(conf.fake_cloud.address)
    cloud_base.set_provider(RemoteProvider(address, authkey))
    LOG.warning("Acting on the fake clouds held at %s:%s, not on OpenStack", *address)
    return True


def write_authkey(path: str) -> bytes:
    """A new random key in a file only its owner reads."""
    key = os.urandom(32).hex().encode()
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key)
    return key
