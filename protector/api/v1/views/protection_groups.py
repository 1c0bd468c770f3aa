"""Protection group responses."""

from typing import Any

from protector.api import microversions
from protector.api.v1.common import iso
from protector.db import models


def show(pg: models.ProtectionGroup, version: microversions.APIVersion) -> dict[str, Any]:
    body = {
        "id": pg.id,
        "name": pg.name,
        "description": pg.description,
        "project_id": pg.project_id,
        "replication_type": pg.replication_type,
        "volume_type": pg.volume_type,
        "primary_site_id": pg.primary_site_id,
        "secondary_site_id": pg.secondary_site_id,
        "current_primary_site_id": pg.current_primary_site_id,
        "status": pg.status,
        "metadata_version": pg.metadata_version,
        "sync_status": pg.sync_status,
        "last_sync_at": iso(pg.last_sync_at),
        "last_replication_at": iso(pg.last_replication_at),
        "created_at": iso(pg.created_at),
        "updated_at": iso(pg.updated_at),
    }
    if version >= microversions.V1_1_MAPPINGS_BOOT_ORDER:
        body["network_mapping"] = pg.network_mapping
        body["flavor_mapping"] = pg.flavor_mapping
    return body
