"""Queries on protection groups and their consistency groups."""

import dataclasses
from typing import Any

import sqlalchemy
from oslo_db import exception as db_exc
from sqlalchemy import func, or_, select
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


def list_(context: Any, *, filters: dict[str, Any], limit: int | None = None,
          marker: str | None = None, policy: bool = False) -> list[models.ProtectionGroup]:
    """PGs matching ``filters``, with their ``policy`` loaded if asked."""
    stmt = query.filtered(models.ProtectionGroup, filters)
    if policy:
        stmt = stmt.options(selectinload(models.ProtectionGroup.policy))
    with session.reader(context) as s:
        return query.paginate(s, models.ProtectionGroup, stmt, limit=limit, marker=marker)


@dataclasses.dataclass
class Readiness:
    members: int = 0
    unprotected: list[str] = dataclasses.field(default_factory=list)  # names, else ids
    rpo_minutes: int | None = None


def readiness(context: Any, pg_ids: list[str], protected: str) -> dict[str, Readiness]:
    """Per PG: how many members, which are not ``protected``, its RPO. Three
    small queries for a page of PGs, whatever their members: no member row
    is read but those not protected."""
    found = {pg_id: Readiness() for pg_id in pg_ids}
    m, p = models.Member, models.ReplicationPolicy
    with session.reader(context) as s:
        for pg_id, count in s.execute(select(m.protection_group_id, func.count())
                                      .where(m.protection_group_id.in_(pg_ids))
                                      .group_by(m.protection_group_id)):
            found[pg_id].members = count
        for pg_id, name, instance in s.execute(
                select(m.protection_group_id, m.instance_name, m.instance_id)
                .where(m.protection_group_id.in_(pg_ids), m.status != protected)):
            found[pg_id].unprotected.append(name or instance)
        for pg_id, rpo in s.execute(select(p.protection_group_id, p.rpo_minutes)
                                    .where(p.protection_group_id.in_(pg_ids))):
            found[pg_id].rpo_minutes = rpo
    return found


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
