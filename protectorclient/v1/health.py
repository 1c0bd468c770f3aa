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
        health = self.client.get("health", params=params)["health"]
        # Paged as every list: follow the next links to every PG.
        seen: set[str] = set()
        while True:
            links = health.pop("protection_groups_links", None) or []
            nxt = next((link.get("href") for link in links if link.get("rel") == "next"),
                       None)
            if not nxt or nxt in seen:
                return health
            seen.add(nxt)
            page = self.client.get(nxt)["health"]
            if not page.get("protection_groups"):
                return health
            health["protection_groups"].extend(page["protection_groups"])
            health["protection_groups_links"] = page.get("protection_groups_links")
