"""The protection group document pushed between sites.

Format 1 (docs/sync.md): the PG, its members with their captured specs,
its consistency groups and volumes, and its replication policy, with sites
named (site ids are per-site) and the same PG, member and volume ids on
both sites. Array tokens travel (inside TLS) because either site must be
able to drive both arrays after a failover; each site encrypts them at
rest with its own key. Site service passwords never travel.
"""

import datetime
from typing import Any

from oslo_db import exception as db_exc
from oslo_utils import timeutils
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from protector import crypto, exception
from protector.db import models, session
from protector.db import peer_documents as peer_db
from protector.sync import delta

FORMAT = 1
_PG_FIELDS = ("name", "description", "replication_type", "volume_type", "status",
              "network_mapping", "flavor_mapping")
_MEMBER_FIELDS = ("id", "instance_id", "instance_name", "boot_order", "status", "spec")
_POLICY_FIELDS = ("primary_fa_url", "secondary_fa_url", "pure_pg_name", "rpo_minutes",
                  "retention_short_term_seconds", "retention_per_day", "retention_days")
_CG_FIELDS = ("id", "cinder_group_id", "backend_group_name", "status")
_VOLUME_FIELDS = ("id", "member_id", "volume_id", "array_volume_name", "peer_volume_id",
                  "bootable", "device_name", "size_gb", "volume_type", "image_name")


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _load(s: Any, pg_id: str, *, lock: bool = False) -> models.ProtectionGroup | None:
    query = select(models.ProtectionGroup).where(models.ProtectionGroup.id == pg_id)
    if lock:  # the PG row, until the transaction ends (SQLite locks on write)
        query = query.with_for_update(of=models.ProtectionGroup)
    return s.execute(query.options(
        selectinload(models.ProtectionGroup.members),
        selectinload(models.ProtectionGroup.policy),
        selectinload(models.ProtectionGroup.consistency_groups)
        .selectinload(models.ConsistencyGroup.volumes))).scalar_one_or_none()


def build(context: Any, pg_id: str) -> dict[str, Any]:
    with session.reader(context) as s:
        pg = _load(s, pg_id)
        if pg is None:
            raise exception.ProtectionGroupNotFound(pg=pg_id)
        return _document(s, pg)


def _document(s: Any, pg: models.ProtectionGroup) -> dict[str, Any]:
    names = {site.id: site.name for site in s.execute(select(models.Site)).scalars()}
    policy = None
    if pg.policy is not None:
        policy = {f: getattr(pg.policy, f) for f in _POLICY_FIELDS}
        policy["primary_fa_api_token"] = crypto.decrypt(
            pg.policy.primary_fa_api_token_encrypted)
        policy["secondary_fa_api_token"] = crypto.decrypt(
            pg.policy.secondary_fa_api_token_encrypted)
    return {
        "format": FORMAT,
        "id": pg.id,
        "metadata_version": pg.metadata_version,
        "deleted": False,
        "protection_group": {
            **{f: getattr(pg, f) for f in _PG_FIELDS},
            "primary_site": names[pg.primary_site_id],
            "secondary_site": names[pg.secondary_site_id],
            "current_primary_site": names[pg.current_primary_site_id],
            "last_replication_at": _iso(pg.last_replication_at),
        },
        "members": [{f: getattr(m, f) for f in _MEMBER_FIELDS} for m in pg.members],
        "policy": policy,
        "consistency_groups": [
            {**{f: getattr(cg, f) for f in _CG_FIELDS}, "site": names[cg.site_id],
             "volumes": [{f: getattr(v, f) for f in _VOLUME_FIELDS} for v in cg.volumes]}
            for cg in pg.consistency_groups],
    }


def deletion(pg_id: str, version: int) -> dict[str, Any]:
    return {"format": FORMAT, "id": pg_id, "metadata_version": version, "deleted": True}


def _site_ids(s: Any) -> dict[str, str]:
    return {site.name: site.id for site in s.execute(select(models.Site)).scalars()}


def _site(ids: dict[str, str], name: str) -> str:
    if name not in ids:
        raise exception.Conflict(reason=f"site {name} is not registered on this site; "
                                        "register both sites on both protectors")
    return ids[name]


def apply(context: Any, project_id: str, doc: dict[str, Any], *, force: bool = False
          ) -> str:
    """Write ``doc`` here. Returns "applied", "unchanged" or "deleted".

    A newer version replaces the local copy, an equal one is ignored (a
    deletion is applied), an older one is refused (409) unless ``force``
    (sync-force). Pushes of one PG that arrive at once are applied one
    after the other (its row is locked), each compared with what the one
    before left.
    """
    try:
        return _apply(context, project_id, doc, force)
    except _Raced:
        return _apply(context, project_id, doc, force)  # against the one just made


class _Raced(Exception):
    """Another push made the PG while this one was making it."""


def _apply(context: Any, project_id: str, doc: dict[str, Any], force: bool) -> str:
    made_here = False
    try:
        with session.writer(context) as s:
            pg = _load(s, doc["id"], lock=True)
            made_here = pg is None
            if "base_version" in doc:
                doc = _patched(s, pg, doc)
            result = _write(s, pg, project_id, doc, force)
            if result == "applied":
                # The sender holds what was just written: our next push to it
                # can be a delta too.
                peer_db.put(s, doc["id"], doc["metadata_version"], delta.digests(doc))
            return result
    except db_exc.DBDuplicateEntry as exc:
        with session.reader(context) as s:
            if made_here and _load(s, doc["id"]) is not None:
                raise _Raced() from exc
        raise exception.Duplicate(resource="Protection group",
                                  name=doc["protection_group"]["name"]) from exc


def _patched(s: Any, pg: models.ProtectionGroup | None, doc: dict[str, Any]
             ) -> dict[str, Any]:
    """A delta made whole against the copy here, which must be its base."""
    if pg is not None and doc["metadata_version"] == pg.metadata_version:
        return doc  # a repeat: _write answers "unchanged" before reading it
    if pg is None or pg.metadata_version != doc["base_version"]:
        held = f"version {pg.metadata_version}" if pg is not None else "no copy"
        raise exception.Conflict(
            reason=f"protection group {doc['id']}: this site holds {held}, not the base "
                   f"version {doc['base_version']} of this delta; send the whole document")
    return delta.patch(_document(s, pg), doc)


def _write(s: Any, pg: models.ProtectionGroup | None, project_id: str, doc: dict[str, Any],
           force: bool) -> str:
    if pg is not None and not force:
        # A deletion is never "nothing new": it wins at an equal version.
        if doc["metadata_version"] == pg.metadata_version and not doc.get("deleted"):
            return "unchanged"
        if doc["metadata_version"] < pg.metadata_version:
            raise exception.Conflict(
                reason=f"protection group {pg.name} is at version "
                       f"{pg.metadata_version} here; refusing older version "
                       f"{doc['metadata_version']}")
    if doc.get("deleted"):
        if pg is not None:
            s.delete(pg)
        return "deleted"
    ids = _site_ids(s)
    fields = doc["protection_group"]
    values = {f: fields[f] for f in _PG_FIELDS}
    values.update(
        primary_site_id=_site(ids, fields["primary_site"]),
        secondary_site_id=_site(ids, fields["secondary_site"]),
        current_primary_site_id=_site(ids, fields["current_primary_site"]),
        last_replication_at=(datetime.datetime.fromisoformat(
            fields["last_replication_at"]) if fields["last_replication_at"] else None),
        metadata_version=doc["metadata_version"], sync_status="IN_SYNC",
        last_sync_at=timeutils.utcnow())
    if pg is None:
        pg = models.ProtectionGroup(id=doc["id"], project_id=project_id, **values)
        s.add(pg)
    else:
        for key, value in values.items():
            setattr(pg, key, value)
    _apply_members(pg, project_id, doc["members"])
    _apply_policy(pg, project_id, doc["policy"])
    _apply_consistency_groups(pg, ids, doc["consistency_groups"])
    s.flush()
    return "applied"


def _merge(collection: list, items: list[dict], make: Any, fields: tuple[str, ...]
           ) -> None:
    """Make ``collection`` hold exactly ``items``, matched by id, updated in place."""
    existing = {obj.id: obj for obj in collection}
    wanted = {item["id"] for item in items}
    for obj in list(collection):
        if obj.id not in wanted:
            collection.remove(obj)
    for item in items:
        obj = existing.get(item["id"])
        if obj is None:
            obj = make(item)
            collection.append(obj)
        for key in fields:
            setattr(obj, key, item[key])


def _apply_members(pg: models.ProtectionGroup, project_id: str, members: list[dict]) -> None:
    _merge(pg.members, members,
           lambda item: models.Member(protection_group_id=pg.id, project_id=project_id),
           _MEMBER_FIELDS)


def _apply_policy(pg: models.ProtectionGroup, project_id: str, data: dict | None) -> None:
    if data is None:
        pg.policy = None
        return
    if pg.policy is None:
        pg.policy = models.ReplicationPolicy(protection_group_id=pg.id,
                                             project_id=project_id)
    for key in _POLICY_FIELDS:
        setattr(pg.policy, key, data[key])
    pg.policy.primary_fa_api_token_encrypted = crypto.encrypt(data["primary_fa_api_token"])
    pg.policy.secondary_fa_api_token_encrypted = crypto.encrypt(
        data["secondary_fa_api_token"])


def _apply_consistency_groups(pg: models.ProtectionGroup, ids: dict[str, str],
                              groups: list[dict]) -> None:
    _merge(pg.consistency_groups, groups,
           lambda item: models.ConsistencyGroup(protection_group_id=pg.id),
           _CG_FIELDS)
    by_id = {cg.id: cg for cg in pg.consistency_groups}
    for data in groups:
        cg = by_id[data["id"]]
        cg.site_id = _site(ids, data["site"])
        _merge(cg.volumes, data["volumes"],
               lambda item, cg=cg: models.CGVolume(consistency_group_id=cg.id),
               _VOLUME_FIELDS)
