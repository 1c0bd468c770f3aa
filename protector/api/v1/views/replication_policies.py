"""Replication policy responses: API tokens are masked, never returned."""

from typing import Any

from protector.api.v1.common import iso
from protector.db import models

MASK = "******"


def show(policy: models.ReplicationPolicy) -> dict[str, Any]:
    return {
        "id": policy.id,
        "protection_group_id": policy.protection_group_id,
        "primary_fa_url": policy.primary_fa_url,
        "primary_fa_api_token": MASK,
        "secondary_fa_url": policy.secondary_fa_url,
        "secondary_fa_api_token": MASK,
        "pure_pg_name": policy.pure_pg_name,
        "rpo_minutes": policy.rpo_minutes,
        "retention_short_term_seconds": policy.retention_short_term_seconds,
        "retention_per_day": policy.retention_per_day,
        "retention_days": policy.retention_days,
        "created_at": iso(policy.created_at),
        "updated_at": iso(policy.updated_at),
    }
