"""API microversions: ``OpenStack-API-Version: protector 1.x``.

Every version is a named constant with one line of history. Code compares
against the names, never against bare numbers.
"""

import re
from typing import NamedTuple

from protector import exception

SERVICE_TYPE = "protector"
HEADER = "OpenStack-API-Version"


class APIVersion(NamedTuple):
    major: int
    minor: int

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"


# Sites, tenant mappings, protection groups, members, replication policies
# and DR operations.
V1_0_BASE = APIVersion(1, 0)
# Protection groups carry network_mapping and flavor_mapping; members carry
# boot_order (servers boot in ascending order on failover).
V1_1_MAPPINGS_BOOT_ORDER = APIVersion(1, 1)
# GET /v1/{project_id}/health: replication lag against RPO, failover
# readiness, peer and component status.
V1_2_HEALTH = APIVersion(1, 2)

VERSIONS = (V1_0_BASE, V1_1_MAPPINGS_BOOT_ORDER, V1_2_HEALTH)
MIN_VERSION = VERSIONS[0]
MAX_VERSION = VERSIONS[-1]

_VALUE = re.compile(r"^\s*(\d+)\.(\d+)\s*$")


def from_header(header: str | None) -> APIVersion:
    """The version a request asks for; absent means the base version.

    The header may list several services ("compute 2.1, protector 1.2");
    only ours counts. "latest" means the newest version.
    """
    if not header:
        return MIN_VERSION
    wanted = None
    for item in header.split(","):
        parts = item.strip().split(None, 1)
        if len(parts) == 2 and parts[0].lower() == SERVICE_TYPE:
            wanted = parts[1].strip()
    if wanted is None:
        return MIN_VERSION
    if wanted.lower() == "latest":
        return MAX_VERSION
    match = _VALUE.match(wanted)
    if not match:
        raise exception.MalformedVersionHeader(value=header)
    version = APIVersion(int(match.group(1)), int(match.group(2)))
    if not MIN_VERSION <= version <= MAX_VERSION:
        raise exception.InvalidMicroversion(version=version, min_version=MIN_VERSION,
                                            max_version=MAX_VERSION)
    return version
