"""Test failover: the PG's servers started on its DR site from a replicated
recovery point, the running site and its replication left untouched."""

from taskflow.patterns import linear_flow

from protector.engine import resources
from protector.engine.flows import rebuild
from protector.engine.tasks import checks, network, records


def get_flow(operation_id: str) -> linear_flow.Flow:
    """Build the test failover flow of ``operation_id``.

    1. Check members are protected and flavors, networks and the volume
       type resolve on the target site.
    2. Pick the recovery point: the one asked for, else the newest complete.
    3. Create an isolated network (--auto-network).       revert: delete it
    4. For every member at once: copy its volumes from the recovery point
       on the target array (revert: remove the copies), then manage them
       into Cinder in the PG's project there (revert: delete them).
    5. Boot the servers, one boot-order group after the other, the members
       of a group in parallel; attach data volumes.    revert: delete them
    6. Record the servers, volumes and network for test cleanup.
    """
    view = resources.load(operation_id)
    flow = linear_flow.Flow(f"test-failover-{operation_id}")
    flow.add(checks.CheckTarget(name="check target site"),
             checks.PickRecoveryPoint(name="pick recovery point"),
             network.CreateTestNetwork(name="create test network"))
    groups = rebuild.add_rebuild(flow, view.boot_groups(), test_network=True)
    flow.add(records.RecordTestResources(groups))
    return flow
