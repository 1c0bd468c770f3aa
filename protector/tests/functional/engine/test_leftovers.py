"""The leftovers record and its sweep on both databases (SQLite and
MariaDB): recorded by a failing removal, found among ended operations,
retried until the removal works, then gone from the operation."""

import pytest

from protector import context
from protector.db import operations as op_db
from protector.engine import leftovers


def _operation(ctx, status, result=None):
    return op_db.create(ctx, {"project_id": "p1", "operation_type": "failover",
                              "status": status, "result": result or {}}).id


def test_recorded_then_swept_once_the_target_answers(database):
    ctx = context.get_admin_context()
    op_id = _operation(ctx, "running", {"committed": False})
    _operation(ctx, "rolled_back", {"recovery_point": {"name": "leftovers"}})

    def refused():
        raise ConnectionError("array-b: connection refused")

    leftovers.remove(op_id, ctx.to_dict(), leftovers.COPIES, refused, detail=["op1-a"])
    leftovers.remove(op_id, ctx.to_dict(), leftovers.SERVERS, lambda: None)  # worked
    op = op_db.get(ctx, None, op_id)
    assert op.result == {"committed": False, "leftovers": {
        "array copies": {"error": "array-b: connection refused", "detail": ["op1-a"]}}}
    assert leftovers.describe(op) == ("left on the target until it answers (the engine "
                                      "retries): array copies")

    calls = []
    answering = {"now": False}

    def remove_copies(operation_id, ctx_dict, detail):
        calls.append((operation_id, detail))
        if not answering["now"]:
            raise ConnectionError("still down")

    removers = {leftovers.COPIES: remove_copies}
    assert leftovers.sweep(ctx, removers) == 0  # still running: not swept
    op_db.update(ctx, op_id, {"status": "rolled_back"})
    assert leftovers.sweep(ctx, removers) == 0  # still down: kept
    assert "leftovers" in op_db.get(ctx, None, op_id).result
    answering["now"] = True
    assert leftovers.sweep(ctx, removers) == 1
    assert op_db.get(ctx, None, op_id).result == {"committed": False}
    assert leftovers.sweep(ctx, removers) == 0
    # Only the operation with leftovers was ever retried (not the other,
    # whose result merely mentions the word).
    assert calls == [(op_id, ["op1-a"])] * 2


@pytest.mark.parametrize("members", [None, ["m1", "m2"]])
def test_per_member_removes_what_was_recorded(members):
    removed = []
    remover = leftovers.per_member(lambda op_id, ctx, member_id=None:
                                   removed.append((op_id, member_id)))
    remover("op1", {}, members)
    assert removed == ([("op1", None)] if members is None
                       else [("op1", "m1"), ("op1", "m2")])
