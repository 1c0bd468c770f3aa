"""The isolated network of a test failover (--auto-network)."""

from typing import Any

from taskflow import task

from protector.cloud.common import operation_tag
from protector.engine import leftovers, resources

TEST_CIDR = "192.168.250.0/24"


class CreateTestNetwork(task.Task):
    default_provides = "test_network"

    def execute(self, operation_id: str, context: dict) -> dict[str, Any] | None:
        view = resources.load(operation_id, context)
        if not view.params.get("auto_network"):
            return None
        made = view.cloud(view.target).network.create_isolated_network(
            f"protector-test-{resources.tag(operation_id)}", TEST_CIDR,
            tags=[operation_tag(operation_id)])
        return {"network_id": made.network_id, "subnet_id": made.subnet_id,
                "router_id": made.router_id}

    def revert(self, operation_id: str, context: dict, *args: Any, **kwargs: Any) -> None:
        leftovers.remove(operation_id, context, leftovers.NETWORK,
                         lambda: delete_test_networks(operation_id, context))


def delete_test_networks(operation_id: str, context: dict) -> None:
    """Found by tag, so a network made by a crashed step is found too."""
    view = resources.load(operation_id, context)
    net = view.cloud(view.target).network
    for found in net.find_isolated_networks(operation_tag(operation_id)):
        net.delete_isolated_network(found)
