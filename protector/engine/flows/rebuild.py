"""The part every move shares: the members' volumes copied and managed on
the target in parallel, then their servers booted in boot order."""

from taskflow.patterns import linear_flow, unordered_flow

from protector.db import models
from protector.engine.tasks import servers, volumes


def add_rebuild(flow: linear_flow.Flow, groups: list[list[models.Member]], *,
                test_network: bool) -> None:
    """Append to ``flow``: every member's copy + manage at once, then one
    boot group after the other, the members of a group in parallel."""
    copies = unordered_flow.Flow("volumes")
    for member in (m for group in groups for m in group):
        label = member.instance_name or member.instance_id
        copies.add(linear_flow.Flow(f"volumes of {label}").add(
            volumes.MaterialiseVolumes(member.id, name=f"copy volumes of {label}"),
            volumes.ManageVolumes(member.id, name=f"manage volumes of {label}")))
    flow.add(copies)
    for index, group in enumerate(groups, start=1):
        boots = unordered_flow.Flow(f"boot group {index}")
        for member in group:
            label = member.instance_name or member.instance_id
            boots.add(servers.BootServer(member.id, name=f"boot {label}",
                                         test_network=test_network))
        flow.add(boots)
