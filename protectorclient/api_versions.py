"""Microversions the client knows, and the choice of one against a server.

The API takes ``OpenStack-API-Version: protector X.Y``; its version
document at ``/`` gives the range it serves (``min_version`` and
``max_version`` of the ``v1`` entry).
"""

import re
from typing import NamedTuple

from protectorclient.exceptions import ProtectorClientError

SERVICE_TYPE = "protector"
HEADER = "OpenStack-API-Version"


class APIVersion(NamedTuple):
    major: int
    minor: int

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"


# 1.0: sites, tenant mappings, protection groups, members, policies,
#      operations.
V1_0 = APIVersion(1, 0)
# 1.1: network_mapping / flavor_mapping on protection groups, boot_order on
#      members.
V1_1 = APIVersion(1, 1)
# 1.2: GET /health.
V1_2 = APIVersion(1, 2)

MIN_VERSION = V1_0
MAX_VERSION = V1_2
KNOWN = (V1_0, V1_1, V1_2)

_VALUE = re.compile(r"^\s*(\d+)\.(\d+)\s*$")


def parse(value: str) -> APIVersion:
    """``"1.2"`` -> APIVersion(1, 2); anything else is an error."""
    match = _VALUE.match(value or "")
    if not match:
        raise ProtectorClientError(
            f"Invalid protector API version {value!r}: use MAJOR.MINOR, for example "
            f"{MAX_VERSION}.")
    return APIVersion(int(match.group(1)), int(match.group(2)))


def check_supported(version: APIVersion) -> APIVersion:
    if not MIN_VERSION <= version <= MAX_VERSION:
        raise ProtectorClientError(
            f"Protector API version {version} is not supported by this client "
            f"(it supports {MIN_VERSION} to {MAX_VERSION}).")
    return version


def negotiate(server_min: APIVersion, server_max: APIVersion,
              wanted: APIVersion = MAX_VERSION) -> APIVersion:
    """The newest version both sides speak, at most ``wanted``."""
    chosen = min(wanted, server_max)
    if chosen < server_min or chosen < MIN_VERSION:
        raise ProtectorClientError(
            f"The protector API serves versions {server_min} to {server_max}; this "
            f"client speaks {MIN_VERSION} to {MAX_VERSION}: no version in common.")
    return chosen
