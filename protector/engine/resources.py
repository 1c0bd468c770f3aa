"""What a task needs about its operation, loaded from the database.

taskflow's store holds only the operation id and the request context;
every task loads the rest here, so a resumed flow sees the current rows
and nothing large or secret is persisted in taskflow's tables.

While an operation runs (:func:`cached`), the PG with its members,
volumes and policy, and the sites, are loaded once and shared by its
steps: reloading them per step costs O(members) per step, O(N^2) per
operation. The operation row is always read fresh.
"""

import contextlib
import itertools
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, orm

from protector import context as ctx_mod
from protector import crypto, exception
from protector.cloud import base as cloud_base
from protector.db import models
from protector.db import operations as op_db
from protector.db import protection_groups as pg_db
from protector.db import sites as sites_db
from protector.storage import base as storage_base
from protector.storage import factory as storage_factory
from protector.sync import service as sync_service
from protector.sync import sites as sync_sites

OPERATION_KEY = "protector_operation"
MEMBER_KEY = "protector_member"
# A member an unplanned failover could not bring up on the target: it is
# still on the site the PG left, which the next failover moves it from.
LEFT_BEHIND = "failover_failed"


def tag(operation_id: str, member_id: str | None = None) -> str:
    """Short name fragment for what an operation creates (array names are
    limited to 63 characters of letters, digits and '-')."""
    base = "op" + operation_id.replace("-", "")[:10]
    return base if member_id is None else f"{base}-{member_id.replace('-', '')[:8]}"


@dataclass
class OperationView:
    context: Any
    op: models.Operation
    pg: models.ProtectionGroup
    local: models.Site
    sites: dict[str, models.Site]
    projects: dict[str, str] = field(default_factory=dict)  # site id -> project there

    @property
    def params(self) -> dict[str, Any]:
        return self.op.parameters or {}

    @property
    def source(self) -> models.Site:
        return self.sites[self.op.source_site_id or self.pg.current_primary_site_id]

    @property
    def target(self) -> models.Site:
        other = (self.pg.secondary_site_id if self.source.id == self.pg.primary_site_id
                 else self.pg.primary_site_id)
        return self.sites[self.op.target_site_id or other]

    def project_on(self, site: models.Site) -> str:
        """The PG's project on ``site`` (the tenant mapping's twin elsewhere)."""
        if site.id == self.local.id:
            return self.pg.project_id
        if site.id not in self.projects:
            self.projects[site.id] = sync_service.remote_project(
                self.context, self.pg.project_id, site)
        return self.projects[site.id]

    def cloud(self, site: models.Site) -> cloud_base.Cloud:
        return cloud_base.cloud_for(site, self.project_on(site), self.context)

    def _directed(self, mapping: dict[str, str]) -> dict[str, str]:
        """A PG mapping reads primary -> secondary; going back, it is inverted."""
        if self.source.id == self.pg.primary_site_id:
            return dict(mapping or {})
        return {v: k for k, v in (mapping or {}).items()}

    def network_mapping(self) -> dict[str, str]:
        """The PG's network mapping in this operation's direction, overridden
        by the request's."""
        return {**self._directed(self.pg.network_mapping),
                **self.params.get("network_mapping", {})}

    def flavor_mapping(self) -> dict[str, str]:
        return {**self._directed(self.pg.flavor_mapping),
                **self.params.get("flavor_mapping", {})}

    @property
    def committed(self) -> bool:
        """Past the point of no return: the PG runs on the target now, so
        reverting earlier steps would destroy the running copy."""
        return bool((self.op.result or {}).get("committed"))

    def site_cg(self, site_id: str) -> models.ConsistencyGroup | None:
        return next((cg for cg in self.pg.consistency_groups if cg.site_id == site_id), None)

    def member(self, member_id: str) -> models.Member:
        return next(m for m in self.pg.members if m.id == member_id)

    @property
    def resuming_partial(self) -> bool:
        """A failover of the members an earlier one left behind: the PG
        runs on this operation's target already (until this one's switch)."""
        return not self.committed and self.source.id != self.pg.current_primary_site_id

    def moving(self) -> list[models.Member]:
        """The members this operation acts for: the ones its flow recorded
        when first built (``member_ids``), else all of them, or, failing
        over again after a partial failover, those left behind."""
        chosen = self.params.get("member_ids")
        if chosen is not None:
            return [m for m in self.pg.members if m.id in chosen]
        if not self.resuming_partial:
            return list(self.pg.members)
        return [m for m in self.pg.members if m.status == LEFT_BEHIND]

    def boot_groups(self) -> list[list[models.Member]]:
        """Moving members in ascending boot order, one list per boot order."""
        ordered = sorted(self.moving(), key=lambda m: (m.boot_order, m.instance_id))
        return [list(g) for _, g in itertools.groupby(ordered, key=lambda m: m.boot_order)]

    @property
    def volumes_site(self) -> str:
        """The site whose volumes the PG's members are: where it runs, but
        for members left behind, the site they were left on."""
        return self.source.id if self.resuming_partial else self.pg.current_primary_site_id

    def cg_volumes(self, member_id: str) -> list[models.CGVolume]:
        return [v for cg in self.pg.consistency_groups for v in cg.volumes
                if v.member_id == member_id and cg.site_id == self.volumes_site]

    def volume_refs(self, member_id: str) -> list[storage_base.VolumeRef]:
        return refs(self.cg_volumes(member_id))

    def cinder_groups(self, site: models.Site) -> Any:
        """Cinder groups on ``site`` (mock Cinder groups when configured)."""
        return (storage_factory.get_consistency_group_api(site=site.name)
                or self.cloud(site).consistency_groups())

    def storage(self, target_cloud: cloud_base.Cloud | None = None
                ) -> storage_base.ReplicationDriver:
        """The PG's array driver, from the array of :attr:`volumes_site` to
        the other."""
        return pg_storage(self.pg, target_cloud.target_volumes() if target_cloud else None,
                          runs_on=self.volumes_site)


def copies_storage(view: OperationView) -> storage_base.ReplicationDriver:
    """The driver that made the operation's copies: from the array of the
    site it started from to its target's, whatever the PG did since."""
    return pg_storage(view.pg, view.cloud(view.target).target_volumes(),
                      runs_on=view.source.id)


def pg_storage(pg: models.ProtectionGroup,
               target_volumes: storage_base.TargetVolumeFactory | None = None,
               runs_on: str | None = None) -> storage_base.ReplicationDriver:
    """``pg``'s array driver, from the array of ``runs_on`` (default: the
    site the PG runs on) to the other."""
    policy = pg.policy
    if policy is None:
        raise exception.ReplicationPolicyNotFound(pg=pg.name)
    group = storage_base.GroupSpec(
        pg_id=pg.id, replication_type=pg.replication_type,
        rpo_minutes=policy.rpo_minutes, object_name=policy.pure_pg_name,
        retention=storage_base.RetentionPolicy(policy.retention_short_term_seconds,
                                               policy.retention_per_day,
                                               policy.retention_days))
    primary = storage_factory.endpoint(
        policy.primary_fa_url, crypto.decrypt(policy.primary_fa_api_token_encrypted))
    secondary = storage_factory.endpoint(
        policy.secondary_fa_url, crypto.decrypt(policy.secondary_fa_api_token_encrypted))
    arrays = storage_base.ArrayPair(primary, secondary)
    if (runs_on or pg.current_primary_site_id) != pg.primary_site_id:
        arrays = arrays.reversed()
    return storage_factory.get_driver(group, arrays, target_volumes=target_volumes)


def refs(rows: list[models.CGVolume]) -> list[storage_base.VolumeRef]:
    """Protected volumes as the storage driver names them."""
    return [storage_base.VolumeRef(name=v.array_volume_name or v.volume_id,
                                   size_gb=v.size_gb, image_name=v.image_name,
                                   bootable=v.bootable, volume_type=v.volume_type)
            for v in rows]


def committed(operation_id: str, context: dict[str, Any] | None) -> bool:
    return load(operation_id, context).committed


def load(operation_id: str, context: dict[str, Any] | None = None) -> OperationView:
    ctx = (ctx_mod.RequestContext.from_dict(context) if context
           else ctx_mod.get_admin_context())
    op = op_db.get(ctx, None, operation_id)
    graph = _cache.get(operation_id, op.protection_group_id)
    if graph is None:
        generation = _cache.generation  # read first: a change from now on is seen
        graph = _Graph(pg=pg_db.get_full(ctx, None, op.protection_group_id),
                       local=sync_sites.local_site(ctx),
                       sites={s.id: s for s in sites_db.list_(ctx, filters={})})
        _cache.put(operation_id, generation, graph)
    return OperationView(context=ctx, op=op, pg=graph.pg, local=graph.local,
                         sites=graph.sites, projects=graph.projects)


@contextlib.contextmanager
def cached(operation_id: str) -> Iterator[None]:
    """Share what :func:`load` reads among the steps of ``operation_id``
    while the block runs (a run of its flow in this engine)."""
    _cache.open(operation_id)
    try:
        yield
    finally:
        _cache.close(operation_id)


@dataclass
class _Graph:
    """The rows :func:`load` shares among an operation's steps (read only:
    steps write through their own sessions)."""

    pg: models.ProtectionGroup
    local: models.Site
    sites: dict[str, models.Site]
    projects: dict[str, str] = field(default_factory=dict)


class _Cache:
    """Graphs of the operations running here, valid until this process
    commits a change to a table they come from (counted by
    ``generation``). Writers elsewhere do not matter while an operation
    runs: the API refuses changes to a PG in a transient state, protect
    and unprotect steps read only their own members, and another engine
    runs the operation only after our lease lapsed."""

    def __init__(self) -> None:
        self.generation = 0
        self._lock = threading.Lock()
        self._open: Counter[str] = Counter()
        self._graphs: dict[str, tuple[int, _Graph]] = {}

    def open(self, operation_id: str) -> None:
        with self._lock:
            self._open[operation_id] += 1

    def close(self, operation_id: str) -> None:
        with self._lock:
            self._open[operation_id] -= 1
            if self._open[operation_id] <= 0:
                del self._open[operation_id]
                self._graphs.pop(operation_id, None)

    def get(self, operation_id: str, pg_id: str | None) -> _Graph | None:
        with self._lock:
            generation, graph = self._graphs.get(operation_id, (None, None))
            if graph is None or generation != self.generation or graph.pg.id != pg_id:
                return None
            return graph

    def put(self, operation_id: str, generation: int, graph: _Graph) -> None:
        with self._lock:
            if operation_id in self._open and generation == self.generation:
                self._graphs[operation_id] = (generation, graph)

    def changed(self) -> None:
        with self._lock:
            self.generation += 1
            self._graphs.clear()


_cache = _Cache()
_GRAPH_MODELS = (models.Site, models.TenantMapping, models.ProtectionGroup, models.Member,
                 models.ConsistencyGroup, models.CGVolume, models.ReplicationPolicy)
_GRAPH_TABLES = frozenset(m.__tablename__ for m in _GRAPH_MODELS)
_CHANGED = "protector_graph_changed"


@event.listens_for(orm.Session, "after_flush")
def _flushed(session: orm.Session, _flush_context: Any) -> None:
    if any(isinstance(obj, _GRAPH_MODELS)
           for obj in itertools.chain(session.new, session.dirty, session.deleted)):
        session.info[_CHANGED] = True


@event.listens_for(orm.Session, "do_orm_execute")
def _executed(state: orm.ORMExecuteState) -> None:
    # Statements (a conditional UPDATE of the PG's status, ...) bypass the flush.
    if (state.is_update or state.is_delete or state.is_insert) and getattr(
            getattr(state.statement, "table", None), "name", None) in _GRAPH_TABLES:
        state.session.info[_CHANGED] = True


@event.listens_for(orm.Session, "after_commit")
def _committed(session: orm.Session) -> None:
    # On commit, not flush: a step reading between the two would cache the
    # old rows under the new generation.
    if session.info.pop(_CHANGED, False):
        _cache.changed()


@event.listens_for(orm.Session, "after_rollback")
def _rolled_back(session: orm.Session) -> None:
    session.info.pop(_CHANGED, None)
