"""Members: the servers of a protection group."""

from protectorclient import api_versions
from protectorclient.v1.base import Manager, Resource, ResourceList, drop_none, quote
from protectorclient.v1.protection_groups import pg_path


class MemberManager(Manager):
    def _path(self, pg: str, member: str | None = None) -> str:
        path = f"{pg_path(self.client, pg)}/members"
        return f"{path}/{quote(member)}" if member else path

    def list(self, pg: str, *, status: str | None = None, limit: int | None = None,
             marker: str | None = None) -> ResourceList:
        return self._list(self._path(pg), "members", status=status, limit=limit, marker=marker)

    def get(self, pg: str, member: str) -> Resource:
        """``member``: the member id or the server (instance) id."""
        return self.client.get(self._path(pg, member))["member"]

    def add(self, pg: str, instance_id: str, *, instance_name: str | None = None,
            boot_order: int | None = None) -> Resource:
        """Add a server; ``boot_order`` (microversion 1.1) orders the boot on
        failover, lowest first."""
        if boot_order is not None:
            self.client.require(api_versions.V1_1, "boot_order")
        body = drop_none({"instance_id": instance_id, "instance_name": instance_name,
                          "boot_order": boot_order})
        return self.client.post(self._path(pg), body)["member"]

    def update(self, pg: str, member: str, *, boot_order: int) -> Resource:
        self.client.require(api_versions.V1_1, "boot_order")
        return self.client.put(self._path(pg, member), {"boot_order": boot_order})["member"]

    def remove(self, pg: str, member: str) -> None:
        self.client.delete(self._path(pg, member))
