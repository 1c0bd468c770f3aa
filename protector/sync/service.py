"""Changes of protection groups and tenant mappings, kept equal on both sites.

A change of a PG (the PG, its members, its policy):

1. finds the peer site and the PG's project there (tenant mapping), refuses
   while the PG is OUT_OF_SYNC, and checks the peer answers; if not, the
   change is refused (503) and nothing changes;
2. applies the change here, which bumps metadata_version;
3. pushes the PG document with its version to the peer: only the parts
   that changed since the version the peer holds (protector.sync.delta),
   else the whole document;
4. checks the peer wrote that version. If it did not, the PG is marked
   OUT_OF_SYNC here and further changes wait for sync-force.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from oslo_concurrency import lockutils
from oslo_log import log
from oslo_utils import timeutils

from protector import exception
from protector.clients import peer as peer_client
from protector.db import models
from protector.db import peer_documents as peer_db
from protector.db import protection_groups as pg_db
from protector.db import sites as sites_db
from protector.db import tenant_mappings as tm_db
from protector.sync import delta, document, sites

LOG = log.getLogger(__name__)
IN_SYNC = "IN_SYNC"
OUT_OF_SYNC = "OUT_OF_SYNC"
UNREACHABLE = "UNREACHABLE"
T = TypeVar("T")


def remote_project(context: Any, project_id: str, peer: models.Site) -> str:
    mapping = tm_db.find(context, project_id, peer.id)
    if mapping is None:
        raise exception.Conflict(
            reason=f"project {project_id} has no tenant mapping to site {peer.name}; "
                   "an administrator creates one with 'openstack dr tenant mapping "
                   "create'")
    return mapping.remote_tenant


def _mark(context: Any, pg_id: str, status: str) -> None:
    values: dict[str, Any] = {"sync_status": status}
    if status == IN_SYNC:
        values["last_sync_at"] = timeutils.utcnow()
    pg_db.update(context, None, pg_id, values, bump_version=False)


def _prepare(context: Any, pg: models.ProtectionGroup
             ) -> tuple[models.Site, peer_client.PeerClient, str]:
    peer = sites.peer_of(context, pg)
    project = remote_project(context, pg.project_id, peer)
    if pg.sync_status == OUT_OF_SYNC:
        raise exception.Conflict(
            reason=f"protection group {pg.name} is OUT_OF_SYNC with site {peer.name}; "
                   f"run 'openstack protector protection-group sync-force {pg.name}' "
                   "first")
    client = peer_client.get_client(peer)
    client.check_reachable()
    return peer, client, project


def _push(context: Any, pg_id: str, peer: models.Site, client: Any, project: str,
          force: bool = False) -> None:
    # One push of a PG at a time from this process, each of the newest
    # document: parallel steps of one operation each change the PG, and two
    # pushes crossing on the wire would get the older refused by the peer.
    with lockutils.lock(f"push-{pg_id}"):
        _push_newest(context, pg_id, peer, client, project, force)


def _send(client: Any, project: str, doc: dict[str, Any], digests: dict[str, Any],
          force: bool, held: models.PeerDocument | None) -> Any:
    """Push ``doc``, as a delta onto what the peer holds when that is known
    and older; the whole document if the peer refuses the delta (it is at
    another version, or predates deltas)."""
    if force or held is None or held.metadata_version >= doc["metadata_version"]:
        return client.put_metadata(project, doc, force=force)
    try:
        return client.put_metadata(
            project, delta.make(doc, held.metadata_version, held.digests, digests))
    except peer_client.PeerError as exc:
        if exc.code not in (400, 409):
            raise
        LOG.info("Protection group %s: the peer refused a delta onto version %d (%s); "
                 "sending the whole document", doc["id"], held.metadata_version, exc.msg)
        return client.put_metadata(project, doc)


def _push_newest(context: Any, pg_id: str, peer: models.Site, client: Any, project: str,
                 force: bool) -> None:
    doc = document.build(context, pg_id)
    name, version = doc["protection_group"]["name"], doc["metadata_version"]
    digests = delta.digests(doc)
    try:
        answer = _send(client, project, doc, digests, force, peer_db.get(context, pg_id))
        confirmed = answer and answer.get("metadata_version") == version
        problem = None if confirmed else f"it answered {answer}"
    except exception.ProtectorException as exc:
        problem = exc.msg
    if problem is None:
        peer_db.record(context, pg_id, version, digests)
    else:
        peer_db.forget(context, pg_id)
        _mark(context, pg_id, OUT_OF_SYNC)
        LOG.warning("Protection group %s version %d not confirmed by site %s: %s",
                    pg_id, version, peer.name, problem)
        raise exception.ServiceUnavailable(
            reason=f"protection group {name} changed here (version {version}) but site "
                   f"{peer.name} did not confirm it: {problem}. It is now OUT_OF_SYNC; "
                   f"run 'openstack protector protection-group sync-force {name}'")
    _mark(context, pg_id, IN_SYNC)


def create_pg(context: Any, values: dict[str, Any]) -> models.ProtectionGroup:
    here = sites.local_site(context)
    pair = {values["primary_site_id"], values["secondary_site_id"]}
    if here.id not in pair:
        raise exception.Invalid(reason=f"one of primary_site and secondary_site must be "
                                       f"this site ({here.name})")
    peer = sites_db.get(context, (pair - {here.id}).pop())
    project = remote_project(context, values["project_id"], peer)
    client = peer_client.get_client(peer)
    client.check_reachable()
    pg = pg_db.create(context, {**values, "sync_status": OUT_OF_SYNC})
    _push(context, pg.id, peer, client, project)
    return pg_db.get(context, None, pg.id)


def modify(context: Any, pg: models.ProtectionGroup, apply: Callable[[], T]) -> T:
    """Run ``apply`` (a local change that bumps the version) and sync it."""
    peer, client, project = _prepare(context, pg)
    result = apply()
    _push(context, pg.id, peer, client, project)
    return result


def modify_without_peer(context: Any, pg: models.ProtectionGroup, apply: Callable[[], T]
                        ) -> T:
    """The one change allowed while the peer is down: an unplanned failover
    issued to the surviving site. It applies here (version + 1) and leaves
    the PG OUT_OF_SYNC, which records that the peer's copy is stale; when
    the peer returns, sync-status shows it and sync-force (whose default
    source is the newer copy) reconciles it.
    """
    result = apply()
    _mark(context, pg.id, OUT_OF_SYNC)
    LOG.warning("Protection group %s changed while its peer is unreachable; the peer's "
                "copy is stale until sync-force", pg.id)
    return result


def delete_pg(context: Any, pg: models.ProtectionGroup) -> None:
    """Delete on the peer first: if it cannot, nothing is deleted anywhere."""
    _peer, client, project = _prepare(context, pg)
    client.put_metadata(project, document.deletion(pg.id, pg.metadata_version + 1))
    pg_db.delete(context, None, pg.id)


def status(context: Any, pg: models.ProtectionGroup) -> dict[str, Any]:
    peer = sites.peer_of(context, pg)
    result = {"protection_group_id": pg.id, "name": pg.name, "peer_site": peer.name,
              "local_version": pg.metadata_version, "peer_version": None,
              "status": UNREACHABLE, "last_sync_at": pg.last_sync_at.isoformat()
              if pg.last_sync_at else None}
    project = remote_project(context, pg.project_id, peer)
    try:
        remote = peer_client.get_client(peer).get_version(project, pg.id)
    except peer_client.PeerUnreachable as exc:
        result["error"] = exc.msg
        return result
    result["peer_version"] = remote
    same = remote is not None and remote == pg.metadata_version
    result["status"] = IN_SYNC if same and pg.sync_status == IN_SYNC else OUT_OF_SYNC
    return result


def force(context: Any, pg: models.ProtectionGroup, source: str | None) -> dict[str, Any]:
    """Make both copies equal to the authoritative one, at a version above both.

    The authoritative copy is the one of ``source`` (a site name or id), by
    default the site the PG currently runs on. Where the copies disagree
    on that (an unplanned failover happened while the other site was down),
    the newer copy says where it runs.
    """
    here = sites.local_site(context)
    peer = sites.peer_of(context, pg)
    project = remote_project(context, pg.project_id, peer)
    client = peer_client.get_client(peer)
    remote = client.get_metadata(project, pg.id)
    wanted = source or pg.current_primary_site_id
    if source is None and remote and remote["metadata_version"] > pg.metadata_version:
        wanted = remote["protection_group"]["current_primary_site"]
    if wanted in (here.id, here.name):
        authority = here
    elif wanted in (peer.id, peer.name):
        authority = peer
    else:
        raise exception.Invalid(reason=f"source must be {here.name} or {peer.name}, "
                                       f"not {wanted}")
    version = max(pg.metadata_version, remote["metadata_version"] if remote else 0) + 1
    if authority is peer:
        if remote is None:
            raise exception.Conflict(reason=f"site {peer.name} has no copy of {pg.name}; "
                                            f"sync from {here.name} instead")
        remote["metadata_version"] = version
        document.apply(context, pg.project_id, remote, force=True)
    # Out of sync until the peer confirms the new version, so a failed push
    # below leaves the divergence visible.
    pg_db.update(context, None, pg.id, {"metadata_version": version,
                                        "sync_status": OUT_OF_SYNC}, bump_version=False)
    _push(context, pg.id, peer, client, project, force=True)
    LOG.info("Protection group %s forced to version %d from %s", pg.id, version,
             authority.name)
    return status(context, pg_db.get(context, None, pg.id))


# Tenant mappings --------------------------------------------------------------

def _mirror(here: models.Site, mapping: Any, deleted: bool = False) -> dict[str, Any]:
    return {"local_tenant": mapping.remote_tenant, "remote_site": here.name,
            "remote_tenant": mapping.local_tenant, "description": mapping.description,
            "deleted": deleted}


def _mapping_peer(context: Any, remote_site_id: str) -> tuple[models.Site, Any]:
    here = sites.local_site(context)
    if here.id == remote_site_id:
        raise exception.Invalid(reason=f"remote_site must be the other site, not this "
                                       f"one ({here.name})")
    peer = sites_db.get(context, remote_site_id)
    client = peer_client.get_client(peer)
    client.check_reachable()
    return here, client


def save_mapping(context: Any, values: dict[str, Any], mapping_id: str | None = None
                 ) -> Any:
    """Create (no ``mapping_id``) or update a mapping here and its mirror there.

    The mirror is written after the local change; if the peer refuses, the
    local change is undone, so both sites keep the same mappings.
    """
    if mapping_id is None:
        here, client = _mapping_peer(context, values["remote_site_id"])
        mapping = tm_db.create(context, values)
        undo: Callable[[], Any] = lambda: tm_db.delete(context, mapping.id)  # noqa: E731
    else:
        before = tm_db.get(context, mapping_id)
        here, client = _mapping_peer(context, before.remote_site_id)
        old = {"remote_tenant": before.remote_tenant, "description": before.description}
        mapping = tm_db.update(context, mapping_id, values)
        undo = lambda: tm_db.update(context, mapping_id, old)  # noqa: E731
    try:
        client.put_tenant_mapping(mapping.id, _mirror(here, mapping))
    except exception.ProtectorException:
        undo()
        raise
    return mapping


def delete_mapping(context: Any, mapping_id: str) -> None:
    mapping = tm_db.get(context, mapping_id)
    here, client = _mapping_peer(context, mapping.remote_site_id)
    client.put_tenant_mapping(mapping.id, _mirror(here, mapping, deleted=True))
    tm_db.delete(context, mapping_id)


def apply_mirror(context: Any, mapping_id: str, mirror: dict[str, Any]) -> Any:
    """The peer's side of a mapping change (no further push)."""
    site = sites_db.get(context, mirror["remote_site"])
    existing = None
    try:
        existing = tm_db.get(context, mapping_id)
    except exception.TenantMappingNotFound:
        pass
    if mirror.get("deleted"):
        if existing is not None:
            tm_db.delete(context, mapping_id)
        return None
    values = {"local_tenant": mirror["local_tenant"], "remote_site_id": site.id,
              "remote_tenant": mirror["remote_tenant"],
              "description": mirror.get("description")}
    if existing is None:
        return tm_db.create(context, {"id": mapping_id, **values})
    return tm_db.update(context, mapping_id, values)
