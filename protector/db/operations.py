"""Queries on DR operations."""

from typing import Any

from sqlalchemy import select

from protector import exception
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
