"""The in-memory twin of a site's OpenStack (see :mod:`protector.cloud.fake.cloud`).

``FakeClouds`` keeps one :class:`FakeCloud` per site name and, once
installed, answers :func:`protector.cloud.base.cloud_for` and
``admin_cloud_for`` with them (every project of a site shares one fake).
Each site's Cinder stores its volumes on a
:class:`~protector.cloud.fake.backend.VolumeBackend` (``backends``), in
memory unless given one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from protector.cloud import base
from protector.cloud.fake.backend import MemoryBackend, VolumeBackend
from protector.cloud.fake.clock import FakeClock
from protector.cloud.fake.cloud import FakeCloud
from protector.cloud.fake.compute import FakeCompute, seed_server
from protector.cloud.fake.image import FakeImage
from protector.cloud.fake.network import FakeNetwork
from protector.cloud.fake.volume import FakeVolume

__all__ = ["FakeClock", "FakeCloud", "FakeClouds", "FakeCompute", "FakeImage", "FakeNetwork",
           "FakeVolume", "MemoryBackend", "VolumeBackend", "seed_server"]


class FakeClouds:
    """Fake clouds by site name, created on first use with ``defaults`` and
    the site's entry of ``backends`` (one back end per site: never shared)."""

    def __init__(self, *, backends: Mapping[str, VolumeBackend] | None = None,
                 **defaults: Any) -> None:
        self.defaults = defaults
        self.backends = dict(backends or {})
        self.clouds: dict[str, FakeCloud] = {}
        self._previous: base.Provider | None = None

    def __getitem__(self, site: str) -> FakeCloud:
        if site not in self.clouds:
            self.clouds[site] = FakeCloud(site, backend=self.backends.get(site),
                                          **self.defaults)
        return self.clouds[site]

    def provider(self, site: Any, project_id: str | None, context: Any) -> base.Cloud:
        return self[getattr(site, "name", site)].as_cloud()

    def install(self) -> FakeClouds:
        self._previous = base.set_provider(self.provider)
        return self

    def uninstall(self) -> None:
        base.set_provider(self._previous)
