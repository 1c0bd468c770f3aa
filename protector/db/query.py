"""Helpers shared by the per-resource query modules."""

from typing import Any, TypeVar

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from protector import exception
from protector.db import models

M = TypeVar("M", bound=models.Base)


def paginate(session: Session, model: type[M], stmt: Select, *, limit: int | None,
             marker: str | None) -> list[M]:
    """Keyset pagination on (created_at, id), oldest first.

    The marker is the id of the last item of the previous page; an unknown
    marker is a 400, not an empty page, so a client notices a stale link.
    """
    if marker is not None:
        last = session.execute(
            stmt.where(model.id == marker)).scalar_one_or_none()
        if last is None:
            raise exception.Invalid(reason=f"marker {marker} does not match any item "
                                           "of this list")
        stmt = stmt.where(or_(model.created_at > last.created_at,
                              and_(model.created_at == last.created_at,
                                   model.id > last.id)))
    stmt = stmt.order_by(model.created_at, model.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.execute(stmt).scalars())


def filtered(model: type[M], filters: dict[str, Any]) -> Select:
    stmt = select(model)
    for key, value in filters.items():
        if value is not None:
            stmt = stmt.where(getattr(model, key) == value)
    return stmt


def update(obj: models.Base, values: dict[str, Any]) -> None:
    for key, value in values.items():
        setattr(obj, key, value)
