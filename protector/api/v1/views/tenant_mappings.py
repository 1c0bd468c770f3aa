"""Tenant mapping responses (fields of the spec's Example 3)."""

from typing import Any

from protector.api.v1.common import iso
from protector.db import models


def show(mapping: models.TenantMapping) -> dict[str, Any]:
    return {
        "id": mapping.id,
        "local_tenant": mapping.local_tenant,
        "remote_site": mapping.remote_site_id,
        "remote_tenant": mapping.remote_tenant,
        "description": mapping.description,
        "created_at": iso(mapping.created_at),
        "updated_at": iso(mapping.updated_at),
    }
