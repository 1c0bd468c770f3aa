"""OpenStackClient plugin entry: ``openstack.cli.extension`` -> ``protector``.

OSC loads the commands of the ``openstack.protector.v1`` entry-point
namespace, where every command is registered twice: ``protector_<noun>_<verb>``
and ``dr_<noun>_<verb>`` (cliff turns the underscores into spaces).

The endpoint is, in this order: ``protector_endpoint_override`` of the
cloud in clouds.yaml; the endpoint of keystoneauth's ``admin_token`` plugin
(``auth_type: admin_token`` with ``auth: {token, endpoint}``, or
``--os-token`` with ``--os-endpoint``), which it returns for every service
type; the ``protector`` entry of the Keystone catalog for the cloud's
region and interface. Paths are relative to it (``.../v1/<project_id>``).
"""

import argparse
import logging
from typing import Any

from osc_lib import utils

from protectorclient import api_versions

LOG = logging.getLogger(__name__)

API_NAME = "protector"
API_VERSION_OPTION = "os_protector_api_version"
DEFAULT_API_VERSION = str(api_versions.MAX_VERSION)
API_VERSIONS = tuple(str(v) for v in api_versions.KNOWN)
_CONFIG_KEY = API_VERSION_OPTION.replace("os_", "", 1)


def check_api_version(check_version: str) -> bool:
    """Refuse an API version the client does not speak; True tells OSC that
    its own (warning-only) check is not needed."""
    api_versions.check_supported(api_versions.parse(check_version))
    return True


def make_client(instance: Any) -> Any:
    """The protector client for OSC's ClientManager ``instance``.

    A version chosen with --os-protector-api-version, OS_PROTECTOR_API_VERSION
    or ``protector_api_version`` in clouds.yaml is sent as is; otherwise the
    client uses the newest version that it and the server both speak.
    """
    from protectorclient.v1 import client

    config = instance.get_configuration()
    requested = config.get(_CONFIG_KEY)
    LOG.debug("protector API version requested: %s", requested or "negotiated")
    return client.Client(
        instance.session,
        api_version=str(requested) if requested else None,
        region_name=instance.region_name,
        interface=instance.interface,
        endpoint_override=config.get("protector_endpoint_override"),
    )


def build_option_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument(
        "--os-protector-api-version",
        metavar="<protector-api-version>",
        default=utils.env("OS_PROTECTOR_API_VERSION") or None,
        help=f"Protector API microversion, {api_versions.MIN_VERSION} to "
             f"{api_versions.MAX_VERSION} (Env: OS_PROTECTOR_API_VERSION). Default: the "
             f"newest the server supports, at most {DEFAULT_API_VERSION}.",
    )
    return parser
