"""The part every move shares: the members' volumes copied and managed on
the target in parallel, then their servers booted in boot order.

Each phase is one task acting for all its members at once, each member's
part a member step of its own (``engine/progress.py`` says why).
"""

from taskflow.patterns import linear_flow

from protector.db import models
from protector.engine.tasks import servers, volumes


def labels(members: list[models.Member]) -> dict[str, str]:
    """Member id -> the name its steps carry: the server's name, or its id
    where the name is missing or shared. Stable while the operation runs
    (a resumed flow must rebuild the same steps)."""
    names = [m.instance_name for m in members]
    return {m.id: m.instance_name if m.instance_name and names.count(m.instance_name) == 1
            else m.instance_id for m in members}


def add_rebuild(flow: linear_flow.Flow, groups: list[list[models.Member]], *,
                test_network: bool, partial: bool = False) -> int:
    """Append to ``flow``: every member's copy + manage at once, then one
    boot group after the other, the members of a group in parallel. The
    number of boot groups (their tasks provide ``servers-1`` .. ``-N``).
    ``partial``: a member that fails is left out and the others go on."""
    label = labels([m for group in groups for m in group])
    flow.add(volumes.CopyVolumes(label, partial=partial))
    for index, group in enumerate(groups, start=1):
        flow.add(servers.BootServers(index, {m.id: label[m.id] for m in group},
                                     test_network=test_network, partial=partial))
    return len(groups)
