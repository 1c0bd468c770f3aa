"""Database sessions (oslo.db enginefacade) for the services and the tests."""

import contextlib
from collections.abc import Iterator
from typing import Any

from oslo_db.sqlalchemy import enginefacade
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from protector.conf import CONF

_manager: Any = None


def _get_manager() -> Any:
    global _manager
    if _manager is None:
        _manager = enginefacade.transaction_context()
        _manager.configure(connection=CONF.database.connection, sqlite_fk=True)
        if CONF.database.connection.startswith("sqlite:///"):
            event.listen(_manager.writer.get_engine(), "connect", write_ahead_log)
    return _manager


def write_ahead_log(dbapi_connection: Any, _record: Any = None) -> None:
    """SQLite (tests, the demo; a deployment has MariaDB) with its write-ahead
    log: a commit is one append to the log instead of a rollback journal
    made, synced and deleted (milliseconds each, on the engine's one
    scheduling thread), and readers no longer hold writers up. Set once per
    file; it stays."""
    dbapi_connection.execute("PRAGMA journal_mode=WAL").fetchall()


def reset() -> None:
    """Forget the engine, so the next call uses [database]/connection anew."""
    global _manager
    if _manager is not None:
        _manager.dispose_pool()
    _manager = None


def get_engine() -> Any:
    return _get_manager().writer.get_engine()


# A no-op write: on SQLite it takes the database's write lock at once
# (waiting for it if need be). Without it, two transactions that both read
# before writing deadlock and SQLite fails one of them ("database is
# locked") instead of making it wait. MariaDB has row locks and needs none.
_TAKE_WRITE_LOCK = text("DELETE FROM alembic_version WHERE 0 = 1")


@contextlib.contextmanager
def writer(context: Any) -> Iterator[Session]:
    with _get_manager().writer.using(context) as session:
        if session.get_bind().dialect.name == "sqlite":
            session.execute(_TAKE_WRITE_LOCK)
        yield session


@contextlib.contextmanager
def reader(context: Any) -> Iterator[Session]:
    with _get_manager().reader.using(context) as session:
        yield session
