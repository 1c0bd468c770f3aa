"""protector-manage db purge: the operation history, bounded."""

import contextlib
import datetime
import subprocess
import sys

import pytest
from taskflow import exceptions as tf_exc
from taskflow.persistence import models as tf_models

from protector import context
from protector.db import models, session
from protector.db import operations as op_db
from protector.engine import persistence

DAY = datetime.timedelta(days=1)
NOW = datetime.datetime(2026, 12, 1, 12, 0, 0)


@pytest.fixture
def ctx(conf, database):
    yield context.get_admin_context()
    persistence.reset()


def _pg(ctx) -> str:
    with session.writer(ctx) as s:
        site = models.Site(name="site-a", site_type="primary", auth_url="http://a/v3")
        s.add(site)
        s.flush()
        pg = models.ProtectionGroup(project_id="p", name="pg1", replication_type="async",
                                    volume_type="replicated", primary_site_id=site.id,
                                    secondary_site_id=site.id,
                                    current_primary_site_id=site.id, status="active",
                                    sync_status="IN_SYNC")
        s.add(pg)
        s.flush()
        return pg.id


def _flow() -> str:
    """A taskflow record as the worker leaves one: a logbook with a flow."""
    book = persistence.new_logbook("operation-x")
    detail = tf_models.FlowDetail("flow", uuid=f"{len(book.uuid)}-{book.uuid}"[-36:])
    detail.add(tf_models.TaskDetail("step", uuid=detail.uuid[::-1]))
    book.add(detail)
    with contextlib.closing(persistence.backend().get_connection()) as conn:
        conn.save_logbook(book)
    return detail.uuid


def _op(ctx, pg_id, op_type, status, ended, **values) -> str:
    op = op_db.create(ctx, {
        "project_id": "p", "protection_group_id": pg_id, "operation_type": op_type,
        "status": status, "created_at": ended - datetime.timedelta(minutes=5),
        "completed_at": ended if status in ("completed", "failed", "rolled_back") else None,
        "flow_detail_id": _flow(), **values})
    with session.writer(ctx) as s:
        s.add(models.OperationStep(operation_id=op.id, name="step", started_at=ended,
                                   outcome="success"))
    return op.id


def _ids(ctx) -> set[str]:
    return {o.id for o in op_db.list_(ctx, filters={})}


def _history(ctx) -> dict[str, str]:
    pg = _pg(ctx)
    return {
        "old test 1": _op(ctx, pg, "test_failover", "completed", NOW - 30 * DAY),
        "old test 2": _op(ctx, pg, "test_failover", "completed", NOW - 20 * DAY),
        "newest test": _op(ctx, pg, "test_failover", "completed", NOW - 10 * DAY),
        "old failover": _op(ctx, pg, "failover", "rolled_back", NOW - 25 * DAY),
        "newest failover": _op(ctx, pg, "failover", "completed", NOW - 15 * DAY),
        "with leftovers": _op(ctx, pg, "test_cleanup", "failed", NOW - 28 * DAY,
                              result={"leftovers": {"array copies": ["dr-x"]}}),
        "newer cleanup": _op(ctx, pg, "test_cleanup", "completed", NOW - 27 * DAY),
        "still running": _op(ctx, pg, "reprotect", "running", NOW - 40 * DAY),
        "newer reprotect": _op(ctx, pg, "reprotect", "completed", NOW - 39 * DAY),
        "deleted PG": _op(ctx, None, "failover", "completed", NOW - 12 * DAY),
        "recent": _op(ctx, pg, "failback", "completed", NOW - DAY),
    }


# "with leftovers" is superseded by "newer cleanup", and old: kept for the sweep.
GONE = {"old test 1", "old test 2", "old failover", "deleted PG"}


@pytest.mark.parametrize("batch", [1000, 2])
def test_purge_keeps_what_is_still_needed(ctx, batch):
    ops = _history(ctx)
    flows = {o.id: o.flow_detail_id for o in op_db.list_(ctx, filters={})}
    dry = op_db.purge(ctx, NOW - 5 * DAY, dry_run=True, batch=batch)
    assert (dry.operations, dry.steps) == (len(GONE), len(GONE))
    assert _ids(ctx) == set(ops.values())

    purged = op_db.purge(ctx, NOW - 5 * DAY, batch=batch)
    assert (purged.operations, purged.steps) == (len(GONE), len(GONE))
    assert sorted(purged.flow_detail_ids) == sorted(flows[ops[k]] for k in GONE)
    assert _ids(ctx) == {v for k, v in ops.items() if k not in GONE}
    with session.reader(ctx) as s:
        assert s.query(models.OperationStep).count() == len(ops) - len(GONE)
    assert persistence.destroy_flows(purged.flow_detail_ids) == len(GONE)
    for key, op_id in ops.items():
        if key in GONE:
            with pytest.raises(tf_exc.NotFound):
                persistence.flow_detail(flows[op_id])
        else:
            assert persistence.flow_detail(flows[op_id]).uuid == flows[op_id]
    assert op_db.purge(ctx, NOW - 5 * DAY).operations == 0  # nothing more to do


def test_protector_manage_db_purge(ctx, conf, tmp_path):
    ops = _history(ctx)
    config_file = tmp_path / "protector.conf"
    config_file.write_text(f"[database]\nconnection = {conf.database.connection}\n"
                           f"[DEFAULT]\nstate_path = {tmp_path}\nlog_dir = {tmp_path}\n")
    manage = [sys.executable, "-c", "from protector.cmd.manage import main; main()",
              "--config-file", str(config_file), "db", "purge"]

    def run(*args):
        return subprocess.run([*manage, *args], capture_output=True, text=True, timeout=120)

    bad = run("--before", "last tuesday")
    assert bad.returncode == 2 and "'last tuesday' is not a date (YYYY-MM-DD)" in bad.stderr
    future = run("--before", "2999-01-01")
    assert future.returncode == 1 and "--before is in the future" in future.stderr
    dry = run("--before", (NOW - 5 * DAY).date().isoformat(), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith(f"Would purge {len(GONE)} operations ({len(GONE)} steps, "
                                 f"{len(GONE)} engine flow records) that ended before "
                                 "2026-11-26 00:00:00 UTC."), dry.stdout
    assert len(_ids(ctx)) == len(ops)
    done = run("--before", "2026-11-26T00:00:00+00:00")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Purged {len(GONE)} operations"), done.stdout
    assert _ids(ctx) == {v for k, v in ops.items() if k not in GONE}
