"""Site responses. The service password is never shown."""

from typing import Any

from protector.api.v1.common import iso
from protector.db import models


def show(site: models.Site) -> dict[str, Any]:
    return {
        "id": site.id,
        "name": site.name,
        "description": site.description,
        "site_type": site.site_type,
        "auth_url": site.auth_url,
        "region_name": site.region_name,
        "interface": site.interface,
        "protector_url": site.protector_url,
        "status": site.status,
        "service_username": site.service_username,
        "service_project_name": site.service_project_name,
        "service_password_set": site.service_password_encrypted is not None,
        "last_validated_at": iso(site.last_validated_at),
        "created_at": iso(site.created_at),
        "updated_at": iso(site.updated_at),
    }
