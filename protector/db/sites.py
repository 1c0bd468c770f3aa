"""Queries on sites."""

from typing import Any

from oslo_db import exception as db_exc
from sqlalchemy import or_, select

from protector import exception
from protector.db import models, query, session


def _get(s: Any, ref: str) -> models.Site:
    site = s.execute(select(models.Site).where(
        or_(models.Site.id == ref, models.Site.name == ref))).scalars().first()
    if site is None:
        raise exception.SiteNotFound(site=ref)
    return site


def get(context: Any, ref: str) -> models.Site:
    """A site by id or name."""
    with session.reader(context) as s:
        return _get(s, ref)


def list_(context: Any, *, filters: dict[str, Any], limit: int | None = None,
          marker: str | None = None) -> list[models.Site]:
    with session.reader(context) as s:
        return query.paginate(s, models.Site, query.filtered(models.Site, filters),
                              limit=limit, marker=marker)


def create(context: Any, values: dict[str, Any]) -> models.Site:
    try:
        with session.writer(context) as s:
            site = models.Site(**values)
            s.add(site)
            s.flush()
            return site
    except db_exc.DBDuplicateEntry as exc:
        raise exception.Duplicate(resource="Site", name=values.get("name")) from exc


def update(context: Any, ref: str, values: dict[str, Any]) -> models.Site:
    try:
        with session.writer(context) as s:
            site = _get(s, ref)
            query.update(site, values)
            s.flush()
            return site
    except db_exc.DBDuplicateEntry as exc:
        raise exception.Duplicate(resource="Site", name=values.get("name")) from exc


def delete(context: Any, ref: str) -> None:
    try:
        _delete(context, ref)
    except db_exc.DBReferenceError as exc:  # a row the checks below do not know of
        raise exception.InUse(resource="Site", id=ref,
                              reason="other records still refer to it") from exc


def _delete(context: Any, ref: str) -> None:
    with session.writer(context) as s:
        site = _get(s, ref)
        in_use = s.execute(select(models.ProtectionGroup.id).where(or_(
            models.ProtectionGroup.primary_site_id == site.id,
            models.ProtectionGroup.secondary_site_id == site.id)).limit(1)).first()
        mapped = s.execute(select(models.TenantMapping.id).where(
            models.TenantMapping.remote_site_id == site.id).limit(1)).first()
        if in_use or mapped:
            raise exception.InUse(
                resource="Site", id=site.name,
                reason="protection groups or tenant mappings refer to it; delete "
                       "them first")
        s.delete(site)
