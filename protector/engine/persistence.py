"""taskflow's persistence backend on protector's own database."""

import contextlib
import threading
from typing import Any

import sqlalchemy
from sqlalchemy import event, pool
from taskflow.persistence import models as tf_models
from taskflow.persistence.backends import impl_sqlalchemy

from protector.conf import CONF
from protector.db import session

_backend: Any = None
_lock = threading.Lock()


def _connection() -> str:
    url = CONF.database.connection
    if url.startswith("sqlite:///"):
        # A file of its own on SQLite, which locks whole files: taskflow's
        # writes would otherwise wait behind (and stall) the flow's own.
        # The file is named before the query (?timeout=...), which it keeps.
        path, sep, query = url.partition("?")
        return path + ".taskflow" + sep + query
    return url


_PROGRESS = ("progress", "progress_details")


def _without_progress(detail: tf_models.AtomDetail) -> dict[str, Any]:
    data = detail.to_dict()
    data["meta"] = {k: v for k, v in (data.get("meta") or {}).items() if k not in _PROGRESS}
    return data


class _Connection(impl_sqlalchemy.Connection):
    def _update_atom_details(self, conn: Any, ad: tf_models.AtomDetail,
                             e_ad: tf_models.AtomDetail) -> None:
        # taskflow stores a step's progress (0.0 when it starts, 1.0 when it
        # ends) in a write of its own after each state change: two of the
        # four commits per step made on its one scheduling thread. Nothing
        # reads it back (a resumed step starts over; the operation row has
        # the progress), so an update that changes only that is not written.
        if _without_progress(ad) == _without_progress(e_ad):
            e_ad.merge(ad)
            return
        super()._update_atom_details(conn, ad, e_ad)


class _Backend(impl_sqlalchemy.SQLAlchemyBackend):
    """taskflow's SQLAlchemy backend with one connection object per process.

    taskflow asks for a connection for every write (several per step), and
    each builds its own MetaData and tables, which also defeats
    SQLAlchemy's compiled statement cache. A connection holds no state of
    its own (every call is a transaction on the engine's pool), so all
    threads can share one.
    """

    def __init__(self, conf: dict[str, Any]) -> None:
        super().__init__(conf)
        self._shared: _Connection | None = None
        self._shared_lock = threading.Lock()

    def get_connection(self) -> _Connection:
        with self._shared_lock:
            if self._shared is None:
                conn = _Connection(self, upgrade_lock=self._upgrade_lock)
                conn.validate(max_retries=self._max_retries)
                self._shared = conn
            return self._shared

    def close(self) -> None:
        with self._shared_lock:
            self._shared = None
        super().close()


def _sqlite_log(dbapi_connection: Any, _record: Any) -> None:
    session.write_ahead_log(dbapi_connection)
    # Without a sync per commit: the file survives the engine being killed
    # (what resuming needs); a power cut may lose the last steps' records,
    # and resuming runs those steps again, as after any crash.
    dbapi_connection.execute("PRAGMA synchronous=NORMAL").fetchall()


def backend() -> Any:
    global _backend
    with _lock:
        if _backend is None:
            conf: dict[str, Any] = {"connection": _connection()}
            if conf["connection"].startswith("sqlite:///"):
                # taskflow opens a new SQLite connection per write (NullPool).
                conf["engine_args"] = {"poolclass": pool.QueuePool}
            _backend = _Backend(conf)
            if conf["connection"].startswith("sqlite:///"):
                event.listen(_backend.engine, "connect", _sqlite_log)
            if _connection() != CONF.database.connection:
                with contextlib.closing(_backend.get_connection()) as conn:
                    conn.upgrade()
        return _backend


def reset() -> None:
    global _backend
    with _lock:
        if _backend is not None:
            _backend.close()
        _backend = None


def new_logbook(name: str) -> tf_models.LogBook:
    book = tf_models.LogBook(name)
    with contextlib.closing(backend().get_connection()) as conn:
        conn.save_logbook(book)
    return book


def flow_detail(flow_id: str) -> tf_models.FlowDetail:
    with contextlib.closing(backend().get_connection()) as conn:
        return conn.get_flow_details(flow_id)


def destroy_flows(flow_detail_ids: list[str], batch: int = 500) -> int:
    """Delete the taskflow records (atoms, flow, logbook) of finished
    operations; returns how many flows. Explicit deletes, child first:
    SQLite does not cascade unless told to."""
    tables = impl_sqlalchemy.tables.fetch(sqlalchemy.MetaData())
    atoms, flows, books = tables.atomdetails, tables.flowdetails, tables.logbooks
    removed = 0
    for start in range(0, len(flow_detail_ids), batch):
        ids = flow_detail_ids[start:start + batch]
        with backend().engine.begin() as conn:
            parents = [r[0] for r in conn.execute(
                sqlalchemy.select(flows.c.parent_uuid).where(flows.c.uuid.in_(ids)))]
            conn.execute(atoms.delete().where(atoms.c.parent_uuid.in_(ids)))
            removed += conn.execute(flows.delete().where(flows.c.uuid.in_(ids))).rowcount
            # A logbook holds one operation's flow (worker.py makes one each).
            conn.execute(books.delete().where(books.c.uuid.in_(parents)))
    return removed
