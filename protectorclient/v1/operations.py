"""DR operations (read-only: protection group actions start them)."""

from protectorclient.v1.base import Manager, Resource, ResourceList, quote


class OperationManager(Manager):
    def list(self, *, protection_group_id: str | None = None,
             operation_type: str | None = None, status: str | None = None,
             all_projects: bool = False, limit: int | None = None,
             marker: str | None = None) -> ResourceList:
        return self._list("operations", "operations",
                          protection_group_id=protection_group_id,
                          operation_type=operation_type, status=status,
                          all_projects=all_projects or None, limit=limit, marker=marker)

    def get(self, operation_id: str) -> Resource:
        return self.client.get(f"operations/{quote(operation_id)}")["operation"]
