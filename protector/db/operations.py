"""Queries on DR operations."""

from typing import Any

from oslo_utils import timeutils
from sqlalchemy import select
from sqlalchemy import update as sql_update

from protector import exception, states
from protector.db import models, query, session


def get(context: Any, project_id: str | None, op_id: str) -> models.Operation:
    with session.reader(context) as s:
        op = s.get(models.Operation, op_id)
        if op is None or (project_id is not None and op.project_id != project_id):
            raise exception.OperationNotFound(operation=op_id)
        return op


def list_(context: Any, *, filters: dict[str, Any], limit: int | None = None,
          marker: str | None = None) -> list[models.Operation]:
    with session.reader(context) as s:
        return query.paginate(s, models.Operation,
                              query.filtered(models.Operation, filters),
                              limit=limit, marker=marker)


def create(context: Any, values: dict[str, Any]) -> models.Operation:
    with session.writer(context) as s:
        op = models.Operation(**values)
        s.add(op)
        s.flush()
        return op


def update(context: Any, op_id: str, values: dict[str, Any]) -> models.Operation:
    with session.writer(context) as s:
        op = s.get(models.Operation, op_id)
        if op is None:
            raise exception.OperationNotFound(operation=op_id)
        query.update(op, values)
        s.flush()
        return op


def steps(context: Any, op_id: str) -> list[models.OperationStep]:
    """Every attempt of every step of an operation, in the order they began."""
    with session.reader(context) as s:
        return list(s.scalars(select(models.OperationStep).where(
            models.OperationStep.operation_id == op_id).order_by(
                models.OperationStep.started_at, models.OperationStep.created_at)))


def cancel_pending(context: Any, op_id: str, reason: str) -> bool:
    """Fail an operation no engine has claimed yet, in one conditional
    UPDATE (the engine's claim is one too, so exactly one of them wins).
    False: an engine holds it, or it has ended."""
    op = models.Operation
    with session.writer(context) as s:
        result = s.execute(sql_update(op).where(
            op.id == op_id, op.status == states.OP_PENDING, op.engine_host.is_(None))
            .values(status=states.OP_FAILED, error_message=reason,
                    completed_at=timeutils.utcnow()))
        return result.rowcount == 1


def active_for_member(context: Any, pg_id: str, member_id: str,
                      operation_type: str) -> list[models.Operation]:
    """The PG's unfinished operations of a type made for one member."""
    op = models.Operation
    with session.reader(context) as s:
        found = s.scalars(select(op).where(
            op.protection_group_id == pg_id, op.operation_type == operation_type,
            op.status.in_(states.OP_ACTIVE)))
        return [o for o in found
                if member_id == (o.parameters or {}).get("member_id")
                or member_id in ((o.parameters or {}).get("member_ids") or ())]
