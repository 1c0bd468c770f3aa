"""Queries on replication policies (one per protection group)."""

from typing import Any

from sqlalchemy import select

from protector import exception
from protector.db import models, protection_groups, query, session


def _get(s: Any, pg_id: str) -> models.ReplicationPolicy:
    policy = s.execute(select(models.ReplicationPolicy).where(
        models.ReplicationPolicy.protection_group_id == pg_id)).scalars().first()
    if policy is None:
        raise exception.ReplicationPolicyNotFound(pg=pg_id)
    return policy


def get(context: Any, pg_id: str) -> models.ReplicationPolicy:
    with session.reader(context) as s:
        return _get(s, pg_id)


def put(context: Any, pg_id: str, values: dict[str, Any]) -> tuple[models.ReplicationPolicy, bool]:
    """Create the PG's policy or replace it; says whether it was created."""
    with session.writer(context) as s:
        try:
            policy = _get(s, pg_id)
            created = False
        except exception.ReplicationPolicyNotFound:
            policy = models.ReplicationPolicy(protection_group_id=pg_id)
            s.add(policy)
            created = True
        query.update(policy, values)
        protection_groups.bump_version(s, pg_id)
        s.flush()
        return policy, created


def delete(context: Any, pg_id: str) -> None:
    with session.writer(context) as s:
        s.delete(_get(s, pg_id))
        protection_groups.bump_version(s, pg_id)
