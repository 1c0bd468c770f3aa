"""Member responses."""

from typing import Any

from protector.api import microversions
from protector.api.v1.common import iso
from protector.db import models


def show(member: models.Member, version: microversions.APIVersion) -> dict[str, Any]:
    body = {
        "id": member.id,
        "protection_group_id": member.protection_group_id,
        "instance_id": member.instance_id,
        "instance_name": member.instance_name,
        "status": member.status,
        "spec": member.spec,
        "created_at": iso(member.created_at),
        "updated_at": iso(member.updated_at),
    }
    if version >= microversions.V1_1_MAPPINGS_BOOT_ORDER:
        body["boot_order"] = member.boot_order
    return body
