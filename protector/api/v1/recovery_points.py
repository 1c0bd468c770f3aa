"""/v1/{project_id}/protection-groups/{pg}/recovery-points: the snapshots
on the array of the site the PG would fail over to, newest first, as the
array reports them now (the test failover and unplanned failover pickers)."""

from typing import Any

from oslo_utils import timeutils

from protector import policy
from protector.api import dispatch
from protector.api.v1.common import iso
from protector.db import protection_groups as pg_db
from protector.db import sites as sites_db
from protector.engine import resources
from protector.policies import protection_groups as rules
from protector.storage import base


def index(req: dispatch.Request, project_id: str, pg_id: str) -> Any:
    policy.authorize(req.context, rules.RECOVERY_POINTS, {"project_id": project_id})
    scope = None if req.context.is_admin else project_id
    pg = pg_db.get_full(req.context, scope, pg_id)
    policy.authorize(req.context, rules.RECOVERY_POINTS, {"project_id": pg.project_id})
    driver = resources.pg_storage(pg)
    try:
        points = base.newest_first(driver.list_recovery_points())
    finally:
        driver.close()
    # The points lie on the array of the site the PG does not run on.
    target = (pg.secondary_site_id if pg.current_primary_site_id == pg.primary_site_id
              else pg.primary_site_id)
    now = timeutils.utcnow(with_timezone=True)
    rpo = pg.policy.rpo_minutes if pg.policy else None
    return dispatch.json_response({
        "site": sites_db.get(req.context, target).name,
        "rpo_minutes": rpo,
        "recovery_points": [{
            "name": p.name, "created_at": iso(p.created), "complete": p.complete,
            "progress": p.progress, "completed_at": iso(p.completed),
            "age_seconds": round((now - p.created).total_seconds(), 1),
        } for p in points]})
