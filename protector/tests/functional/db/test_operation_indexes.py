"""The list queries over the operation history and the PGs of an estate
use their indexes on MariaDB (EXPLAIN)."""

import datetime
import uuid

import pytest
from sqlalchemy import insert, select, text

from protector import context, states
from protector.db import migration, models, query, session
from protector.tests import fixtures

pytestmark = pytest.mark.mysql
PROJECTS, PGS, PER_PG = 20, 100, 30  # 3,000 operations
ESTATE = 3000  # PGs


@pytest.fixture
def history(conf):
    """A migrated MariaDB with a history the optimizer does not scan."""
    with fixtures.mysql_database() as url:
        conf.set_override("connection", url, group="database")
        session.reset()
        migration.upgrade()
        start = datetime.datetime(2026, 1, 1)
        rows, pgs = [], []
        for n in range(PGS):
            pg = str(uuid.uuid4())
            pgs.append(pg)
            for i in range(PER_PG):
                rows.append({
                    "id": str(uuid.uuid4()), "project_id": f"project-{n % PROJECTS}",
                    "protection_group_id": pg, "operation_type": "test_failover",
                    "status": states.OP_COMPLETED if i else states.OP_RUNNING,
                    "progress": 100, "steps_completed": [], "steps_failed": [],
                    "parameters": {}, "result": {}, "created_at":
                        start + datetime.timedelta(minutes=n * PER_PG + i)})
        # An estate's PGs: those of the history and more without any.
        pgs_rows = pgs + [str(uuid.uuid4()) for _ in range(ESTATE - PGS)]
        groups = [{"id": pg, "project_id": f"project-{n % PROJECTS}", "name": f"pg{n}",
                   "replication_type": "async", "volume_type": "replicated",
                   "primary_site_id": "a", "secondary_site_id": "b",
                   "current_primary_site_id": "a", "status": states.ACTIVE,
                   "sync_status": "IN_SYNC", "network_mapping": {}, "flavor_mapping": {},
                   "created_at": start + datetime.timedelta(seconds=n)}
                  for n, pg in enumerate(pgs_rows)]
        with session.writer(context.get_admin_context()) as s:
            # Only the indexes need the ids: no site or PG rows behind them.
            s.execute(text("SET FOREIGN_KEY_CHECKS=0"))
            s.execute(insert(models.Operation), rows)
            s.execute(insert(models.ProtectionGroup), groups)
            s.execute(text("SET FOREIGN_KEY_CHECKS=1"))
            s.execute(text("ANALYZE TABLE dr_operations, protection_groups"))
        yield pgs
        session.reset()
        conf.clear_override("connection", group="database")


def _explain(stmt) -> list[dict]:
    with session.reader(context.get_admin_context()) as s:
        sql = str(stmt.compile(s.get_bind(), compile_kwargs={"literal_binds": True}))
        return [dict(r._mapping) for r in s.execute(text(f"EXPLAIN {sql}"))]


def _page(model, filters: dict) -> object:
    return query.filtered(model, filters).order_by(model.created_at, model.id).limit(50)


@pytest.mark.parametrize(("model", "filters", "index"), [
    (models.Operation, {"project_id": "project-3"}, "ix_dr_operations_project_created"),
    (models.Operation, {"project_id": "project-3", "status": "completed"},
     "ix_dr_operations_project_created"),
    (models.Operation, {"protection_group_id": "PG"}, "ix_dr_operations_pg_created"),
    (models.ProtectionGroup, {"project_id": "project-3"},
     "ix_protection_groups_project_created"),
    (models.ProtectionGroup, {"project_id": "project-3", "status": "active"},
     "ix_protection_groups_project_created"),
    (models.ProtectionGroup, {}, "ix_protection_groups_created"),
])
def test_list_pages_read_an_index_in_order(history, model, filters, index):
    filters = {k: history[7] if v == "PG" else v for k, v in filters.items()}
    [plan] = _explain(_page(model, filters))
    assert plan["key"] == index, plan
    assert "filesort" not in (plan["Extra"] or ""), plan


def test_unfinished_operations_by_status(history):
    op = models.Operation
    [plan] = _explain(select(op.id).where(op.status.in_(states.OP_ACTIVE)))
    assert plan["key"] == "ix_dr_operations_status", plan
    assert int(plan["rows"]) < PGS * PER_PG / 10, plan
