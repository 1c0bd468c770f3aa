"""Queries on tenant mappings."""

from typing import Any

from oslo_db import exception as db_exc
from sqlalchemy import select

from protector import exception
from protector.db import models, query, session


def _get(s: Any, mapping_id: str) -> models.TenantMapping:
    mapping = s.get(models.TenantMapping, mapping_id)
    if mapping is None:
        raise exception.TenantMappingNotFound(mapping=mapping_id)
    return mapping


def get(context: Any, mapping_id: str) -> models.TenantMapping:
    with session.reader(context) as s:
        return _get(s, mapping_id)


def find(context: Any, local_tenant: str, remote_site_id: str) -> models.TenantMapping | None:
    with session.reader(context) as s:
        return s.execute(select(models.TenantMapping).where(
            models.TenantMapping.local_tenant == local_tenant,
            models.TenantMapping.remote_site_id == remote_site_id)).scalars().first()


def list_(context: Any, *, filters: dict[str, Any], limit: int | None = None,
          marker: str | None = None) -> list[models.TenantMapping]:
    with session.reader(context) as s:
        return query.paginate(s, models.TenantMapping,
                              query.filtered(models.TenantMapping, filters),
                              limit=limit, marker=marker)


def _duplicate(values: dict[str, Any]) -> exception.Duplicate:
    return exception.Duplicate(
        resource="Tenant mapping",
        name=f"for tenant {values.get('local_tenant')} and site {values.get('remote_site_id')}")


def create(context: Any, values: dict[str, Any]) -> models.TenantMapping:
    try:
        with session.writer(context) as s:
            mapping = models.TenantMapping(**values)
            s.add(mapping)
            s.flush()
            return mapping
    except db_exc.DBDuplicateEntry as exc:
        raise _duplicate(values) from exc


def update(context: Any, mapping_id: str, values: dict[str, Any]) -> models.TenantMapping:
    with session.writer(context) as s:
        mapping = _get(s, mapping_id)
        query.update(mapping, values)
        return mapping


def delete(context: Any, mapping_id: str) -> None:
    with session.writer(context) as s:
        s.delete(_get(s, mapping_id))
