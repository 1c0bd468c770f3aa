"""Protect: put the PG's new members under replication."""

from typing import Any

from taskflow.patterns import linear_flow, unordered_flow

from protector import states
from protector.db import members as member_db
from protector.db import operations as op_db
from protector.engine import pg_status, resources
from protector.engine.tasks import protection

ADDING = "adding"


def get_flow(operation_id: str) -> linear_flow.Flow:
    """Build the protect flow of ``operation_id``: first the PG's array
    container and Cinder group (once), then for the member the operation
    was made for (or, for an operation without one, every member still
    ``adding``), in parallel:

    1. capture its server's spec on the site the PG runs on;
    2. check every volume has a replication-enabled type that also exists
       on the other site;
    3. add the volumes to the array container and the PG's Cinder group
       (revert: take them out again);
    4. mark the member protected.
    """
    view = resources.load(operation_id)
    # A resumed flow must be the same flow: the members are the ones that
    # were being added when it was first built.
    chosen = view.params.get("member_ids")
    if chosen is None:
        # Each member add has its own operation; two running side by side
        # must not both protect (and on failure both revert) one member.
        one = view.params.get("member_id")
        chosen = [one] if one else [m.id for m in view.pg.members if m.status == ADDING]
        op_db.update(view.context, operation_id,
                     {"parameters": {**view.params, "member_ids": chosen}})
    flow = unordered_flow.Flow(f"protect-{operation_id}")
    for member in view.pg.members:
        if member.id not in chosen:
            continue
        # The server id, not its name: capture sets the name, and a resumed
        # flow must rebuild with the same step names.
        label = member.instance_id
        flow.add(linear_flow.Flow(f"protect {label}").add(
            protection.CaptureServer(member.id, name=f"capture {label}"),
            protection.CheckVolumeTypes(member.id, name=f"check volume types of {label}"),
            protection.ProtectVolumes(member.id, name=f"protect volumes of {label}"),
            protection.MarkProtected(member.id, name=f"mark {label} protected")))
    return linear_flow.Flow(f"protect-{operation_id}-all").add(
        protection.EnsureContainers(name="ensure array container and Cinder group"), flow)


def settle(context: Any, op: Any, outcome: str) -> None:
    """No PG state change; members that did not make it are in error. The
    new specs and volumes go to the peer with one metadata push."""
    view = resources.load(op.id)
    if outcome != states.DONE:
        params = view.params  # read fresh: the flow recorded its members there
        chosen = params.get("member_ids") or (
            [params["member_id"]] if params.get("member_id") else None)
        for member in view.pg.members:
            if member.status == ADDING and (chosen is None or member.id in chosen):
                member_db.update(context, view.pg.id, member.id, {"status": "error"})
    pg_status.change(context, view.pg.id, {})
