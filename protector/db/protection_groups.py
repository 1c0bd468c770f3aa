"""Queries on protection groups and their consistency groups."""

from typing import Any

import sqlalchemy
from oslo_db import exception as db_exc
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from protector import exception
from protector.db import models, query, session


def _get(s: Any, project_id: str | None, ref: str) -> models.ProtectionGroup:
    stmt = select(models.ProtectionGroup).where(or_(
        models.ProtectionGroup.id == ref, models.ProtectionGroup.name == ref))
    if project_id is not None:
        stmt = stmt.where(models.ProtectionGroup.project_id == project_id)
    pgs = s.execute(stmt).scalars().all()
    if not pgs:
        raise exception.ProtectionGroupNotFound(pg=ref)
    if len(pgs) > 1:
        # Names are unique per project only; an admin listing across
        # projects must use the id.
        raise exception.Conflict(reason=f"more than one protection group is named "
                                        f"{ref}; use its id")
    return pgs[0]


def get(context: Any, project_id: str | None, ref: str) -> models.ProtectionGroup:
    """A PG by id or name inside ``project_id`` (None: any project)."""
    with session.reader(context) as s:
        return _get(s, project_id, ref)


def get_full(context: Any, project_id: str | None, ref: str) -> models.ProtectionGroup:
    """A PG with members, policy and consistency groups loaded."""
    with session.reader(context) as s:
        pg = _get(s, project_id, ref)
        s.execute(select(models.ProtectionGroup).where(
            models.ProtectionGroup.id == pg.id).options(
                selectinload(models.ProtectionGroup.members),
                selectinload(models.ProtectionGroup.policy),
                selectinload(models.ProtectionGroup.consistency_groups)
                .selectinload(models.ConsistencyGroup.volumes))).scalar_one()
        return pg


# What a summary of a PG's members needs (health); their specs are the
# bulk of a member row and stay unread.
_MEMBER_SUMMARY = (models.Member.id, models.Member.protection_group_id,
                   models.Member.instance_id, models.Member.instance_name,
                   models.Member.boot_order, models.Member.status)


def list_(context: Any, *, filters: dict[str, Any], limit: int | None = None,
          marker: str | None = None, policy: bool = False,
          member_summaries: bool = False) -> list[models.ProtectionGroup]:
    """PGs matching ``filters``, with their ``policy`` loaded and their
    members' ids, names and statuses (``member_summaries``; never their
    specs: reading one raises) if asked."""
    stmt = query.filtered(models.ProtectionGroup, filters)
    if policy:
        stmt = stmt.options(selectinload(models.ProtectionGroup.policy))
    if member_summaries:
        stmt = stmt.options(selectinload(models.ProtectionGroup.members)
                            .load_only(*_MEMBER_SUMMARY, raiseload=True))
    with session.reader(context) as s:
        return query.paginate(s, models.ProtectionGroup, stmt, limit=limit, marker=marker)


def create(context: Any, values: dict[str, Any]) -> models.ProtectionGroup:
    try:
        with session.writer(context) as s:
            pg = models.ProtectionGroup(**values)
            s.add(pg)
            s.flush()
            return pg
    except db_exc.DBDuplicateEntry as exc:
        raise exception.Duplicate(resource="Protection group",
                                  name=values.get("name")) from exc


def update(context: Any, project_id: str | None, ref: str, values: dict[str, Any],
           *, bump_version: bool = True) -> models.ProtectionGroup:
    """Change a PG; every change of its metadata bumps its version."""
    try:
        with session.writer(context) as s:
            pg = _get(s, project_id, ref)
            query.update(pg, values)
            if bump_version:
                pg.metadata_version += 1
            s.flush()
            return pg
    except db_exc.DBDuplicateEntry as exc:
        raise exception.Duplicate(resource="Protection group",
                                  name=values.get("name")) from exc


def bump_version(s: Any, pg_id: str) -> None:
    """Inside a writer session: the PG's metadata changed (members, policy)."""
    pg = s.get(models.ProtectionGroup, pg_id)
    pg.metadata_version += 1


def delete(context: Any, project_id: str | None, ref: str) -> None:
    with session.writer(context) as s:
        s.delete(_get(s, project_id, ref))


def transition(context: Any, pg_id: str, from_status: str, to_status: str) -> bool:
    """Move a PG from one status to another only if nobody moved it first;
    this is what keeps one operation per PG when requests race."""
    pg = models.ProtectionGroup
    with session.writer(context) as s:
        result = s.execute(sqlalchemy.update(pg)
                           .where(pg.id == pg_id, pg.status == from_status)
                           .values(status=to_status,
                                   metadata_version=pg.metadata_version + 1))
        return result.rowcount == 1
