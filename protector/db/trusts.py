"""Queries on Keystone trusts (one per project on this site)."""

from typing import Any

from oslo_db import exception as db_exc
from sqlalchemy import select

from protector.db import models, session


def get(context: Any, project_id: str) -> models.Trust | None:
    with session.reader(context) as s:
        return s.execute(select(models.Trust).where(
            models.Trust.project_id == project_id)).scalars().first()


def create(context: Any, values: dict[str, Any]) -> models.Trust:
    """Store a trust; if another worker stored one first, keep theirs."""
    try:
        with session.writer(context) as s:
            trust = models.Trust(**values)
            s.add(trust)
            s.flush()
            return trust
    except db_exc.DBDuplicateEntry:
        found = get(context, values["project_id"])
        assert found is not None
        return found


def delete(context: Any, project_id: str, trust_id: str | None = None) -> None:
    """The project's trust; only if it is still ``trust_id`` when given (a
    worker that found a trust refused must not delete a newer one)."""
    query = select(models.Trust).where(models.Trust.project_id == project_id)
    if trust_id is not None:
        query = query.where(models.Trust.trust_id == trust_id)
    with session.writer(context) as s:
        for trust in s.execute(query).scalars():
            s.delete(trust)
