"""Queries on protection group members."""

from typing import Any

from oslo_db import exception as db_exc
from sqlalchemy import select

from protector import exception
from protector.db import models, protection_groups, query, session


def _get(s: Any, pg_id: str, member_id: str) -> models.Member:
    member = s.execute(select(models.Member).where(
        models.Member.protection_group_id == pg_id,
        (models.Member.id == member_id) | (models.Member.instance_id == member_id))
    ).scalars().first()
    if member is None:
        raise exception.MemberNotFound(member=member_id, pg=pg_id)
    return member


def get(context: Any, pg_id: str, member_id: str) -> models.Member:
    """A member by its id or its server's id."""
    with session.reader(context) as s:
        return _get(s, pg_id, member_id)


def list_(context: Any, pg_id: str, *, filters: dict[str, Any], limit: int | None = None,
          marker: str | None = None) -> list[models.Member]:
    with session.reader(context) as s:
        stmt = query.filtered(models.Member, filters).where(
            models.Member.protection_group_id == pg_id)
        return query.paginate(s, models.Member, stmt, limit=limit, marker=marker)


def create(context: Any, values: dict[str, Any]) -> models.Member:
    try:
        with session.writer(context) as s:
            member = models.Member(**values)
            s.add(member)
            protection_groups.bump_version(s, values["protection_group_id"])
            s.flush()
            return member
    except db_exc.DBDuplicateEntry as exc:
        raise exception.Duplicate(resource="Member",
                                  name=f"for server {values.get('instance_id')}") from exc


def update(context: Any, pg_id: str, member_id: str, values: dict[str, Any]) -> models.Member:
    with session.writer(context) as s:
        member = _get(s, pg_id, member_id)
        query.update(member, values)
        protection_groups.bump_version(s, pg_id)
        return member


def delete(context: Any, pg_id: str, member_id: str) -> None:
    with session.writer(context) as s:
        s.delete(_get(s, pg_id, member_id))
        protection_groups.bump_version(s, pg_id)


def has_volumes(context: Any, member_id: str) -> bool:
    """Whether any of the member's volumes were put under protection."""
    with session.reader(context) as s:
        return s.execute(select(models.CGVolume.id).where(
            models.CGVolume.member_id == member_id).limit(1)).first() is not None
