"""protector's access to a site's OpenStack services, one ABC per collaborator.

=========  ===========================================  ==========================
service    interface                                    what crosses it
=========  ===========================================  ==========================
Nova       :class:`~protector.cloud.compute.ComputeAPI`  ServerSpec, Server, Flavor
Cinder     :class:`~protector.cloud.volume.VolumeAPI`    Volume, VolumeType, ...
Neutron    :class:`~protector.cloud.network.NetworkAPI`  Network, Port, ...
Glance     :class:`~protector.cloud.image.ImageAPI`      image ids
=========  ===========================================  ==========================

Each has two twins: openstacksdk (:mod:`protector.cloud.sdk`) and an
in-memory fake (:mod:`protector.cloud.fake`) for the fast tests and the demo,
as Octavia's noop drivers. :func:`cloud_for` gives the engine a
:class:`Cloud` acting in a project through its Keystone trust;
:func:`admin_cloud_for` one with the site's service credentials. Tests and the
demo swap in the fakes with :func:`set_provider`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from protector.cloud.common import CloudOptions
from protector.cloud.compute import ComputeAPI
from protector.cloud.image import ImageAPI
from protector.cloud.network import NetworkAPI
from protector.cloud.storage_bridge import CinderConsistencyGroups, CinderTargetVolumes
from protector.cloud.volume import VolumeAPI


@dataclass
class Cloud:
    """One site's four collaborators, all scoped alike (a project or admin)."""

    site: str
    compute: ComputeAPI
    volume: VolumeAPI
    network: NetworkAPI
    image: ImageAPI

    def consistency_groups(self, group_type: str | None = None) -> CinderConsistencyGroups:
        """This project's Cinder groups as the storage layer's ``ConsistencyGroupAPI``."""
        return CinderConsistencyGroups(self.volume, group_type=group_type)

    def target_volumes(self, *, timeout: float | None = None,
                       volume_from_image: bool | None = None) -> CinderTargetVolumes:
        """Glance + Cinder as the storage layer's ``TargetVolumeFactory`` (mock storage)."""
        return CinderTargetVolumes(self.volume, self.image, timeout=timeout,
                                   volume_from_image=volume_from_image)


# (site record, project id or None for admin, request context) -> Cloud
Provider = Callable[[Any, str | None, Any], Cloud]
_provider: Provider | None = None
_lock = threading.Lock()


def set_provider(provider: Provider | None) -> Provider | None:
    """Build clouds with ``provider`` instead of openstacksdk (None restores).

    :returns: the provider replaced, so a test can put it back.
    """
    global _provider
    with _lock:
        previous, _provider = _provider, provider
    return previous


def cloud_for(site: Any, project_id: str, context: Any, *,
              options: CloudOptions | None = None) -> Cloud:
    """The cloud of ``site`` acting in ``project_id`` through the project's trust.

    :param site: a site record (name, region_name, interface, auth_url, ...).
    :raises TrustError: the project has no trust yet.
    """
    if _provider is not None:
        return _provider(site, project_id, context)
    from protector.clients import trusts
    from protector.cloud import sdk
    session = trusts.trust_session(context, project_id, site)
    admin: list[VolumeAPI] = []

    def admin_volume() -> VolumeAPI:
        # Built on first use: only to read back end names Cinder hides from tenants.
        if not admin:
            admin.append(admin_cloud_for(site, options=options).volume)
        return admin[0]

    return sdk.build_cloud(session, site=site.name, region_name=site.region_name,
                           interface=site.interface, options=options,
                           admin_volume=admin_volume)


def admin_cloud_for(site: Any, *, options: CloudOptions | None = None,
                    context: Any = None) -> Cloud:
    """The cloud of ``site`` with the site's service credentials (admin in
    the service project)."""
    if _provider is not None:
        return _provider(site, None, context)
    from protector.clients import keystone
    from protector.cloud import sdk
    return sdk.build_cloud(keystone.site_session(site), site=site.name,
                           region_name=site.region_name, interface=site.interface,
                           options=options)
