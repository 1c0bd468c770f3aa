"""DR operations (read-only: protection group actions start them)."""

import time
from collections.abc import Callable

from protectorclient.v1.base import Manager, Resource, ResourceList, quote

FINAL = ("completed", "failed", "rolled_back")


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

    def steps(self, operation_id: str) -> Resource:
        """The report's data: the operation, its members and every step per
        member (``timeline``), readable while it runs."""
        return self.client.get(f"operations/{quote(operation_id)}/steps")

    def report(self, operation_id: str) -> str:
        """The operation's self-contained HTML report (timeline, RTO, RPO)."""
        return self.client.request("GET", f"operations/{quote(operation_id)}/report",
                                   raw=True)

    def wait(self, operation_id: str, *, interval: float = 2.0,
             timeout: float | None = None,
             on_update: Callable[[Resource], None] | None = None) -> Resource:
        """Poll until the operation ends; ``on_update`` sees every poll.

        :raises TimeoutError: it did not end within ``timeout`` seconds.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            op = self.get(operation_id)
            if on_update is not None:
                on_update(op)
            if op["status"] in FINAL:
                return op
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"operation {operation_id} still {op['status']} "
                                   f"after {timeout:.0f} s")
            time.sleep(interval)
