"""The openstacksdk implementations of :mod:`protector.cloud`."""

from __future__ import annotations

from collections.abc import Callable

from keystoneauth1 import session as ks_session
from openstack import connection

from protector import version
from protector.cloud import base, common, volume
from protector.cloud.sdk.compute import SdkCompute
from protector.cloud.sdk.image import SdkImage
from protector.cloud.sdk.network import SdkNetwork
from protector.cloud.sdk.volume import SdkVolume

__all__ = ["SdkCompute", "SdkImage", "SdkNetwork", "SdkVolume", "build_cloud", "connect"]


def connect(session: ks_session.Session, *, region_name: str | None, interface: str,
            options: common.CloudOptions) -> connection.Connection:
    """An SDK connection over ``session``; keystoneauth retries refused
    connections and HTTP 503, nothing else retries."""
    return connection.Connection(
        session=session, region_name=region_name, interface=interface,
        connect_retries=options.connect_retries,
        status_code_retries=options.status_code_retries,
        app_name="openstack-protector", app_version=version.__version__)


def build_cloud(session: ks_session.Session, *, site: str, region_name: str | None,
                interface: str = "public", options: common.CloudOptions | None = None,
                admin_volume: Callable[[], volume.VolumeAPI] | None = None) -> base.Cloud:
    """The four collaborators over one keystoneauth session.

    :param site: the site's name, for messages.
    :param admin_volume: an admin-scoped Cinder of the same site, used only
        to read volume types' back end names that Cinder hides from tenants.
    """
    options = options or common.CloudOptions()
    conn = connect(session, region_name=region_name, interface=interface, options=options)
    return base.Cloud(site=site,
                      compute=SdkCompute(conn, site, options),
                      volume=SdkVolume(conn, site, options, admin=admin_volume),
                      network=SdkNetwork(conn, site, options),
                      image=SdkImage(conn, site, options))
