"""Test cleanup: remove exactly what the last test failover created."""

from typing import Any

from taskflow import task
from taskflow.patterns import linear_flow

from protector import exception, states
from protector.db import operations as op_db
from protector.engine import resources
from protector.engine.tasks import network, servers, volumes


def _test_operation(operation_id: str, context: dict | None) -> str:
    view = resources.load(operation_id, context)
    test = op_db.latest(view.context, filters={
        "protection_group_id": view.pg.id, "operation_type": states.OP_TEST_FAILOVER,
        "status": states.OP_COMPLETED})
    if test is None:
        raise exception.Conflict(reason=f"{view.pg.name} has no completed test failover "
                                        "to clean up")
    return test.id


class RemoveTestResources(task.Task):
    """Servers first (so their volumes are free), then volumes, array copies
    and the test network. Everything is found by the test's id, so running
    it again after an interruption finishes the job."""

    def execute(self, operation_id: str, context: dict) -> None:
        test_id = _test_operation(operation_id, context)
        servers.delete_servers(test_id, context)
        volumes.delete_volumes(test_id, context)
        view = resources.load(test_id, context)
        driver = view.storage(view.cloud(view.target))
        try:
            for member in view.pg.members:
                driver.cleanup(resources.tag(test_id, member.id))
        finally:
            driver.close()
        network.delete_test_networks(test_id, context)

    def revert(self, *args: Any, **kwargs: Any) -> None:
        """Nothing to put back: what was removed was test debris."""


def get_flow(operation_id: str) -> linear_flow.Flow:
    """Build the test cleanup flow of ``operation_id``.

    1. Find the PG's last completed test failover.
    2. Delete its servers, its Cinder volumes, its leftover array copies and
       its isolated network (idempotent: safe to rerun after a failure).
    """
    return linear_flow.Flow(f"test-cleanup-{operation_id}").add(
        RemoveTestResources(name="remove test resources"))
