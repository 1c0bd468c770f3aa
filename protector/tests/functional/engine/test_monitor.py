"""The replication monitor: the engine records each local PG's newest
recovery point, and the health API reads RPO compliance from it."""

import datetime

from protector import context
from protector.db import protection_groups as pg_db
from protector.engine import manager, monitor, resources


def _health(owner) -> dict:
    (pg,) = owner.get(f"/v1/{owner.project}/health").json["health"]["protection_groups"]
    return pg


def test_monitor_records_the_newest_point(protected, conf):
    owner, base, _ = protected
    ctx = context.get_admin_context()
    pg_id = owner.get(base).json["protection_group"]["id"]
    assert _health(owner)["last_replication_at"] is None  # nothing read it yet

    assert monitor.check_all(ctx) == 1
    first = pg_db.get_full(ctx, None, pg_id).last_replication_at
    assert first is not None
    health = _health(owner)
    assert health["rpo_compliant"] is True and health["replication_lag_seconds"] < 60
    assert "no replicated recovery point yet" not in health["blockers"]

    driver = resources.pg_storage(pg_db.get_full(ctx, None, pg_id))
    try:
        newer = driver.replicate_now().created.astimezone(datetime.UTC).replace(tzinfo=None)
    finally:
        driver.close()
    version = pg_db.get(ctx, None, pg_id).metadata_version
    monitor.check_all(ctx)
    pg = pg_db.get(ctx, None, pg_id)
    assert pg.last_replication_at == newer > first
    assert pg.metadata_version == version  # an observation, not a metadata change


def test_monitor_skips_pgs_running_elsewhere_and_moving(protected, conf):
    owner, base, _ = protected
    ctx = context.get_admin_context()
    pg_id = owner.get(base).json["protection_group"]["id"]
    pg_db.update(ctx, None, pg_id, {"status": "failing_over"}, bump_version=False)
    assert monitor.check_all(ctx) == 0
    pg_db.update(ctx, None, pg_id, {"status": "active"}, bump_version=False)
    conf.set_override("site_name", "site-b")
    try:
        assert monitor.check_all(ctx) == 0  # site-b's engine leaves site-a's PG alone
    finally:
        conf.set_override("site_name", "site-a")
    assert pg_db.get(ctx, None, pg_id).last_replication_at is None


def test_engine_runs_the_monitor(protected, conf):
    owner, base, _ = protected
    ctx = context.get_admin_context()
    pg_id = owner.get(base).json["protection_group"]["id"]
    conf.set_override("replication_check_interval", 1, group="engine")
    conf.set_override("sweep_interval", 3600, group="engine")
    engine = manager.EngineManager()
    engine.start_sweeper()
    try:
        deadline = datetime.datetime.now() + datetime.timedelta(seconds=10)
        while pg_db.get(ctx, None, pg_id).last_replication_at is None:
            assert datetime.datetime.now() < deadline, "the monitor never ran"
            engine._stop.wait(0.1)
    finally:
        engine.stop()
