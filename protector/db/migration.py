"""Schema migrations with Alembic, driven by protector-manage."""

import os

from alembic import command
from alembic import config as alembic_config
from alembic import migration as alembic_migration

from protector.db import session

_INI = os.path.join(os.path.dirname(__file__), "alembic.ini")


def _config() -> alembic_config.Config:
    cfg = alembic_config.Config(_INI)
    cfg.attributes["engine"] = session.get_engine()
    return cfg


def upgrade(revision: str = "head") -> None:
    """Apply the pending migrations up to ``revision``; a no-op when current."""
    command.upgrade(_config(), revision)


def current_version() -> str | None:
    with session.get_engine().connect() as conn:
        return alembic_migration.MigrationContext.configure(conn).get_current_revision()


def head_version() -> str:
    from alembic.script import ScriptDirectory
    return ScriptDirectory.from_config(_config()).get_current_head()
