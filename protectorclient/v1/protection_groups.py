"""Protection groups: the servers that fail over together."""

from typing import Any

from protectorclient import api_versions
from protectorclient.v1.base import Manager, Resource, ResourceList, drop_none, named_segment

REPLICATION_TYPES = ("async", "sync")
MAPPING_FIELDS = ("network_mapping", "flavor_mapping")


def pg_path(client: Any, pg: str) -> str:
    """``protection-groups/<pg>`` for a protection group name or id."""
    segment = named_segment(client, pg, "protection-groups", "protection_groups",
                            "protection group")
    return f"protection-groups/{segment}"


class ProtectionGroupManager(Manager):
    def list(self, *, name: str | None = None, status: str | None = None,
             all_projects: bool = False, limit: int | None = None,
             marker: str | None = None) -> ResourceList:
        return self._list("protection-groups", "protection_groups", name=name,
                          status=status, all_projects=all_projects or None,
                          limit=limit, marker=marker)

    def get(self, pg: str) -> Resource:
        """A protection group by name or id."""
        return self.client.get(pg_path(self.client, pg))["protection_group"]

    def _check_mappings(self, fields: dict[str, Any]) -> None:
        for field in MAPPING_FIELDS:
            if fields.get(field) is not None:
                self.client.require(api_versions.V1_1, field)

    def create(self, *, name: str, replication_type: str, volume_type: str,
               primary_site: str, secondary_site: str, description: str | None = None,
               network_mapping: dict[str, str] | None = None,
               flavor_mapping: dict[str, str] | None = None) -> Resource:
        """``primary_site``/``secondary_site``: site names or ids. The mappings
        (source -> target network or flavor) need microversion 1.1."""
        body = drop_none({"name": name, "description": description,
                          "replication_type": replication_type, "volume_type": volume_type,
                          "primary_site": primary_site, "secondary_site": secondary_site,
                          "network_mapping": network_mapping or None,
                          "flavor_mapping": flavor_mapping or None})
        self._check_mappings(body)
        return self.client.post("protection-groups", body)["protection_group"]

    def update(self, pg: str, **fields: Any) -> Resource:
        """``fields``: name, description, network_mapping, flavor_mapping (a
        mapping replaces the whole previous one)."""
        body = drop_none(fields)
        self._check_mappings(body)
        return self.client.put(pg_path(self.client, pg), body)["protection_group"]

    def delete(self, pg: str) -> None:
        self.client.delete(pg_path(self.client, pg))

    def sync_status(self, pg: str) -> Resource:
        """Local and peer metadata versions: IN_SYNC, OUT_OF_SYNC or UNREACHABLE."""
        return self.client.get(pg_path(self.client, pg) + "/sync-status")["sync_status"]

    def sync_force(self, pg: str, source: str | None = None) -> Resource:
        """Make both sites' copies equal to ``source``'s (a site name or id;
        default: the site the PG runs on now)."""
        body = {"source": source} if source else None
        return self.client.post(pg_path(self.client, pg) + "/sync-force",
                                body)["sync_status"]

    def recovery_points(self, pg: str) -> Resource:
        """The array's recovery points on the site the PG would fail over to,
        newest first: ``{"site", "rpo_minutes", "recovery_points": [...]}``."""
        return self.client.get(pg_path(self.client, pg) + "/recovery-points")

    # DR operations: each returns the operation it started (poll it with
    # client.operations.get or wait for it with client.operations.wait).
    def action(self, pg: str, name: str, params: dict[str, Any] | None = None) -> Resource:
        body = {name: drop_none(params or {})}
        return self.client.post(pg_path(self.client, pg) + "/action", body)["operation"]

    def test_failover(self, pg: str, *, auto_network: bool = False,
                      network_mapping: dict[str, str] | None = None,
                      flavor_mapping: dict[str, str] | None = None,
                      recovery_point: str | None = None) -> Resource:
        return self.action(pg, "test_failover", {
            "auto_network": auto_network or None, "network_mapping": network_mapping,
            "flavor_mapping": flavor_mapping, "recovery_point": recovery_point})

    def test_cleanup(self, pg: str) -> Resource:
        return self.action(pg, "test_cleanup")

    def failover(self, pg: str, *, unplanned: bool = False,
                 network_mapping: dict[str, str] | None = None,
                 flavor_mapping: dict[str, str] | None = None,
                 recovery_point: str | None = None) -> Resource:
        """Planned by default (both sites up); ``unplanned`` is issued to the
        DR site while the primary is down."""
        return self.action(pg, "failover", {
            "failover_type": "unplanned" if unplanned else "planned",
            "network_mapping": network_mapping, "flavor_mapping": flavor_mapping,
            "recovery_point": recovery_point})

    def failback(self, pg: str, *, network_mapping: dict[str, str] | None = None,
                 flavor_mapping: dict[str, str] | None = None) -> Resource:
        return self.action(pg, "failback", {"network_mapping": network_mapping,
                                            "flavor_mapping": flavor_mapping})

    def reprotect(self, pg: str) -> Resource:
        return self.action(pg, "reprotect")
