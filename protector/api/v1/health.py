"""/v1/{project_id}/health (microversion 1.2): is each PG ready to fail over?

Computed from the database: replication lag against the policy's RPO, sync
status, member protection. A PG is ``failover_ready`` only when nothing in
``blockers`` stands in the way. Paged as every list (``limit``, ``marker``).
"""

from typing import Any

from oslo_utils import timeutils

from protector import policy, states
from protector.api import dispatch, microversions, validation
from protector.api.v1 import common
from protector.api.v1.common import iso
from protector.api.v1.schemas import health as schema
from protector.db import models
from protector.db import protection_groups as pg_db
from protector.policies import protection_groups as rules

PROTECTED = "protected"


def pg_health(pg: models.ProtectionGroup, ready: pg_db.Readiness, now: Any
              ) -> dict[str, Any]:
    rpo = ready.rpo_minutes
    lag = (now - pg.last_replication_at).total_seconds() if pg.last_replication_at else None
    blockers = []
    if pg.status != states.ACTIVE:
        blockers.append(f"status is {pg.status}, not active")
    if pg.sync_status != "IN_SYNC":
        blockers.append(f"metadata is {pg.sync_status}; run sync-force")
    if not ready.members:
        blockers.append("no members")
    if ready.unprotected:
        blockers.append(f"members not protected: {', '.join(sorted(ready.unprotected))}")
    if rpo is None:
        blockers.append("no replication policy")
    if pg.last_replication_at is None:
        blockers.append("no replicated recovery point yet")
    return {
        "protection_group_id": pg.id,
        "name": pg.name,
        "status": pg.status,
        "sync_status": pg.sync_status,
        "last_replication_at": iso(pg.last_replication_at),
        "replication_lag_seconds": lag,
        "rpo_minutes": rpo,
        "rpo_compliant": (lag <= rpo * 60) if lag is not None and rpo else None,
        "failover_ready": not blockers,
        "blockers": blockers,
    }


@dispatch.min_version(microversions.V1_2_HEALTH)
@validation.query(schema.show_query)
def show(req: dispatch.Request, project_id: str, query: dict) -> Any:
    policy.authorize(req.context, rules.INDEX, {"project_id": project_id})
    filters = {"project_id": project_id, "id": query.get("protection_group_id")}
    paging = common.page(query)
    pgs = pg_db.list_(req.context, filters=filters, **paging)
    ready = pg_db.readiness(req.context, [pg.id for pg in pgs], PROTECTED)
    now = timeutils.utcnow()
    # Paged as every list: the PGs and, when the page is full, the next link.
    page = common.collection(req, "protection_groups",
                             [pg_health(pg, ready[pg.id], now) for pg in pgs],
                             paging["limit"], id_key="protection_group_id")
    return dispatch.json_response({"health": {
        "components": {"api": "ok", "database": "ok"}, **page}})
