"""Health (microversion 1.2): replication lag against the RPO and failover
readiness of each protection group."""

from protectorclient import api_versions
from protectorclient.v1.base import Manager, Resource


class HealthManager(Manager):
    def get(self, *, protection_group_id: str | None = None) -> Resource:
        """``{"components": {...}, "protection_groups": [...]}``; one PG's
        entry with ``protection_group_id``."""
        self.client.require(api_versions.V1_2, "health")
        params = {"protection_group_id": protection_group_id} if protection_group_id else None
        return self.client.get("health", params=params)["health"]
