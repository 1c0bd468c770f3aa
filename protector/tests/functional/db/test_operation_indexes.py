"""The queries over the operation history use its indexes on MariaDB (EXPLAIN)."""

import datetime
import uuid

import pytest
from sqlalchemy import insert, select, text

from protector import context, states
from protector.db import migration, models, query, session
from protector.tests import fixtures

pytestmark = pytest.mark.mysql
PROJECTS, PGS, PER_PG = 20, 100, 30  # 3,000 operations


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
        with session.writer(context.get_admin_context()) as s:
            # Only the index needs the PG ids: no PG rows behind them.
            s.execute(text("SET FOREIGN_KEY_CHECKS=0"))
            s.execute(insert(models.Operation), rows)
            s.execute(text("SET FOREIGN_KEY_CHECKS=1"))
            s.execute(text("ANALYZE TABLE dr_operations"))
        yield pgs
        session.reset()
        conf.clear_override("connection", group="database")


def _explain(stmt) -> list[dict]:
    with session.reader(context.get_admin_context()) as s:
        sql = str(stmt.compile(s.get_bind(), compile_kwargs={"literal_binds": True}))
        return [dict(r._mapping) for r in s.execute(text(f"EXPLAIN {sql}"))]


def _page(filters: dict) -> object:
    op = models.Operation
    return query.filtered(op, filters).order_by(op.created_at, op.id).limit(50)


@pytest.mark.parametrize(("filters", "index"), [
    ({"project_id": "project-3"}, "ix_dr_operations_project_created"),
    ({"project_id": "project-3", "status": "completed"}, "ix_dr_operations_project_created"),
    ({"protection_group_id": "PG"}, "ix_dr_operations_pg_created"),
])
def test_list_pages_read_an_index_in_order(history, filters, index):
    filters = {k: history[7] if v == "PG" else v for k, v in filters.items()}
    [plan] = _explain(_page(filters))
    assert plan["key"] == index, plan
    assert "filesort" not in (plan["Extra"] or ""), plan


def test_unfinished_operations_by_status(history):
    op = models.Operation
    [plan] = _explain(select(op.id).where(op.status.in_(states.OP_ACTIVE)))
    assert plan["key"] == "ix_dr_operations_status", plan
    assert int(plan["rows"]) < PGS * PER_PG / 10, plan
