"""Both sites of a command: ``--primary-site`` / ``--secondary-site`` name
clouds of clouds.yaml (the spec's site-a and site-b) as well as protector
sites.

Before a command that binds two sites acts (``protection-group create``),
each named site that is a cloud in clouds.yaml, other than the one the
command is sent to (``--os-cloud``), is called once with that cloud's
credentials: its protector must answer with an API version this client
speaks, and the user's first authenticated request there makes the
Keystone trust protector needs to act on that site later (failover). A
site that is not a clouds.yaml cloud is left to the server, which knows
it by its site name.
"""

from typing import Any

import openstack.config
from openstack import exceptions as sdk_exc
from osc_lib import exceptions

from protectorclient.exceptions import ProtectorClientError


def _cloud_names() -> set[str]:
    try:
        return set(openstack.config.OpenStackConfig().get_cloud_names())
    except sdk_exc.ConfigException:
        return set()


def site_client(cloud: str) -> Any:
    """A protector client acting as the clouds.yaml entry ``cloud``."""
    from protectorclient.v1 import client

    try:
        region = openstack.config.OpenStackConfig().get_one(cloud=cloud)
        sess = region.get_session()
    except (sdk_exc.ConfigException, sdk_exc.SDKException) as exc:
        raise exceptions.CommandError(f"cloud {cloud} in clouds.yaml: {exc}") from exc
    return client.Client(sess, region_name=region.get_region_name("protector"),
                         interface=region.get_interface("protector"),
                         endpoint_override=region.config.get("protector_endpoint_override"))


def reach_sites(command: Any, sites: list[str]) -> list[str]:
    """Call every site of ``sites`` that is a clouds.yaml cloud other than
    the command's own; return the ones called.

    :raises CommandError: one of them does not answer as a protector should.
    """
    own = getattr(command.app.options, "cloud", None)
    clouds = _cloud_names()
    reached = []
    for site in dict.fromkeys(sites):
        if site == own or site not in clouds:
            continue
        try:
            other = site_client(site)
            other.api_version  # noqa: B018 - negotiates: both speak a common version
            other.protection_groups.list(limit=1)  # first request there makes the trust
        except ProtectorClientError as exc:
            raise exceptions.CommandError(
                f"site {site} (cloud {site} in clouds.yaml): {exc}; nothing was "
                "changed") from exc
        reached.append(site)
    return reached
