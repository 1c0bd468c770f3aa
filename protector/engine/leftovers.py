"""What a rollback could not remove because the target did not answer.

A revert that fails stops taskflow's rollback where it is: a planned
failover whose target array died mid-copy would leave its source servers
stopped. So the reverts of what an operation made on its target (servers,
Cinder volumes, array copies, the test network) go through :func:`remove`:
a call that fails is recorded on the operation (``result.leftovers``, kind
-> what is left and why) and the rollback goes on to the steps before it.
Every engine's monitor loop retries them (:func:`sweep`) until they are
gone, so nothing an operation made is lost track of.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oslo_log import log
from sqlalchemy import Text, cast, select

from protector import context as ctx_mod
from protector import states
from protector.db import models, session
from protector.engine import fanout

LOG = log.getLogger(__name__)

SERVERS, VOLUMES, COPIES, NETWORK = "servers", "volumes", "array copies", "test network"


def remove(operation_id: str, context: dict[str, Any], kind: str, call: Callable[[], Any],
           detail: Any = None) -> None:
    """Run ``call`` (a revert's removal of ``kind``); if it fails, record
    ``kind`` (with ``detail``, what :func:`sweep` needs to retry it) and
    return, so the rollback goes on."""
    try:
        call()
    except Exception as exc:  # noqa: BLE001 - any failure: the target did not answer
        LOG.warning("Operation %s: cannot remove its %s now (%s); the engine retries "
                    "until they are gone", operation_id, kind, exc)
        entry = {"error": str(exc)[:500], "detail": detail}
        _update(ctx_mod.RequestContext.from_dict(context), operation_id,
                lambda left: left.__setitem__(kind, entry))


def describe(op: models.Operation) -> str | None:
    """One sentence for the operation's error message, if anything is left."""
    left = (op.result or {}).get("leftovers")
    if not left:
        return None
    return (f"left on the target until it answers (the engine retries): "
            f"{', '.join(sorted(left))}")


def per_member(remove: Callable[..., Any]) -> Callable[[str, Any, Any], None]:
    """A remover for ``remove(operation_id, context, member_id=None)``:
    for each member given, at once, or, given none, all of them, which only
    a rollback asks for (a committed operation's servers and volumes are
    the PG's now)."""
    def removed(operation_id: str, context: Any, members: list[str] | None) -> None:
        if members is None:
            remove(operation_id, context)
            return
        fanout.each(lambda member_id: remove(operation_id, context, member_id), members)
    return removed


def sweep(context: Any, removers: dict[str, Callable[[str, Any, Any], Any]]) -> int:
    """Retry the leftovers of ended operations; how many kinds are gone.

    :param removers: kind -> ``(operation_id, context, detail)`` call that
        removes what is left of that kind.
    """
    ops = models.Operation
    with session.reader(context) as s:
        # Matched as text first: ended operations pile up, few have leftovers.
        ended = s.execute(select(ops.id, ops.result).where(
            ops.status.in_(tuple(states.OP_FINAL)),
            cast(ops.result, Text).like('%"leftovers"%'))).all()
    removed = 0
    for op_id, result in ended:
        for kind, left in ((result or {}).get("leftovers") or {}).items():
            try:
                removers[kind](op_id, context.to_dict(), left.get("detail"))
            except Exception as exc:  # noqa: BLE001 - still not answering
                LOG.info("Operation %s: %s still left (%s)", op_id, kind, exc)
                continue
            _update(context, op_id, lambda rest, kind=kind: rest.pop(kind, None))
            LOG.info("Operation %s: removed the %s its rollback left", op_id, kind)
            removed += 1
    return removed


def _update(context: Any, op_id: str, change: Callable[[dict[str, Any]], Any]) -> None:
    with session.writer(context) as s:
        op = s.get(models.Operation, op_id, with_for_update=True)
        result = dict(op.result or {})
        left = dict(result.get("leftovers") or {})
        change(left)
        if left:
            result["leftovers"] = left
        else:
            result.pop("leftovers", None)
        op.result = result
