"""Walk every migration up on SQLite and MariaDB and check the migrated
schema matches the models exactly."""

import sqlalchemy
from alembic import autogenerate
from alembic import migration as alembic_migration
from alembic.script import ScriptDirectory

from protector.db import migration, models, session

SPEC_TABLES = {"alembic_version", "consistency_groups", "cg_volumes", "dr_operations",
               "pg_members", "protection_groups", "replication_policies", "sites"}


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(migration._config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def test_walk_each_revision_then_resync(conf, database):
    # `database` migrated to head already; walk again from a clean schema.
    engine = session.get_engine()
    models.Base.metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text("DROP TABLE IF EXISTS alembic_version"))
    for rev in _revisions():
        migration.upgrade(rev)
        assert migration.current_version() == rev
    migration.upgrade()  # re-running applies nothing and does not fail
    assert migration.current_version() == migration.head_version()


def test_spec_tables_exist(conf, database):
    tables = set(sqlalchemy.inspect(session.get_engine()).get_table_names())
    assert SPEC_TABLES <= tables
    assert "tenant_mappings" in tables


TASKFLOW_TABLES = {"logbooks", "flowdetails", "atomdetails"}


def _not_taskflow(name, type_, parent_names) -> bool:
    return not (type_ == "table" and name in TASKFLOW_TABLES)


def test_taskflow_tables_exist(conf, database):
    tables = set(sqlalchemy.inspect(session.get_engine()).get_table_names())
    assert TASKFLOW_TABLES <= tables


def test_models_match_migrated_schema(conf, database):
    engine = session.get_engine()
    with engine.connect() as conn:
        context = alembic_migration.MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": False,
                        "include_name": _not_taskflow})
        diff = autogenerate.compare_metadata(context, models.Base.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"
