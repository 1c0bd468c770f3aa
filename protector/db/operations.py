"""Queries on DR operations."""

import dataclasses
import datetime
from typing import Any

from oslo_utils import timeutils
from sqlalchemy import exists, select, sql
from sqlalchemy import update as sql_update
from sqlalchemy.orm import aliased

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


def latest(context: Any, filters: dict[str, Any]) -> models.Operation | None:
    """The newest operation matching ``filters`` (one row, however long the history)."""
    op = models.Operation
    with session.reader(context) as s:
        return s.execute(query.filtered(op, filters)
                         .order_by(op.created_at.desc(), op.id.desc()).limit(1)
                         ).scalar_one_or_none()


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


@dataclasses.dataclass
class Purged:
    operations: int = 0
    steps: int = 0
    flow_detail_ids: list[str] = dataclasses.field(default_factory=list)


def purge(context: Any, before: datetime.datetime, *, dry_run: bool = False,
          batch: int = 1000) -> Purged:
    """Delete operations that ended before ``before``, with their steps, in
    batches of ``batch`` (short transactions on a live database).

    Kept whatever their age: unfinished ones; each PG's newest of every
    type while the PG exists (test cleanup reads the last test failover);
    and those with leftovers the engine's sweep still has to remove. The
    taskflow records of the deleted ones are for the caller
    (``Purged.flow_detail_ids``): they may live in another database.
    """
    op = models.Operation
    newer = aliased(op)
    superseded = sql.or_(op.protection_group_id.is_(None), exists().where(
        newer.protection_group_id == op.protection_group_id,
        newer.operation_type == op.operation_type, newer.created_at > op.created_at))
    ended = sql.func.coalesce(op.completed_at, op.created_at)
    done = Purged()
    marker: tuple[datetime.datetime, str] | None = None
    while True:
        with session.writer(context) as s:
            stmt = (select(op.id, op.created_at, op.result, op.flow_detail_id)
                    .where(op.status.in_(states.OP_FINAL), ended < before, superseded)
                    .order_by(op.created_at, op.id).limit(batch))
            if marker is not None:
                stmt = stmt.where(sql.tuple_(op.created_at, op.id) > marker)
            rows = s.execute(stmt).all()
            if not rows:
                return done
            marker = (rows[-1].created_at, rows[-1].id)
            going = [r for r in rows if not (r.result or {}).get("leftovers")]
            ids = [r.id for r in going]
            steps = s.execute(select(sql.func.count(models.OperationStep.id)).where(
                models.OperationStep.operation_id.in_(ids))).scalar_one()
            if not dry_run and ids:
                s.execute(sql.delete(models.OperationStep).where(
                    models.OperationStep.operation_id.in_(ids)))
                s.execute(sql.delete(op).where(op.id.in_(ids)))
            done.operations += len(ids)
            done.steps += steps
            done.flow_detail_ids += [r.flow_detail_id for r in going if r.flow_detail_id]
