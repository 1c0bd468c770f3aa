"""Tenant mappings: a local project and its twin on the remote site (admin only)."""

from typing import Any

from protectorclient.v1.base import Manager, Resource, ResourceList, drop_none, quote


class TenantMappingManager(Manager):
    def list(self, *, local_tenant: str | None = None, remote_site: str | None = None,
             limit: int | None = None, marker: str | None = None) -> ResourceList:
        """``remote_site`` is a site name or id."""
        return self._list("tenant-mappings", "tenant_mappings", local_tenant=local_tenant,
                          remote_site=remote_site, limit=limit, marker=marker)

    def get(self, mapping_id: str) -> Resource:
        return self.client.get(f"tenant-mappings/{quote(mapping_id)}")["tenant_mapping"]

    def create(self, *, local_tenant: str, remote_site: str, remote_tenant: str,
               description: str | None = None) -> Resource:
        body = drop_none({"local_tenant": local_tenant, "remote_site": remote_site,
                          "remote_tenant": remote_tenant, "description": description})
        return self.client.post("tenant-mappings", body)["tenant_mapping"]

    def update(self, mapping_id: str, **fields: Any) -> Resource:
        """``fields``: remote_tenant, description."""
        return self.client.put(f"tenant-mappings/{quote(mapping_id)}",
                               drop_none(fields))["tenant_mapping"]

    def delete(self, mapping_id: str) -> None:
        self.client.delete(f"tenant-mappings/{quote(mapping_id)}")
