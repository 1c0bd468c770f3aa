"""taskflow's persistence backend on protector's own database."""

import contextlib
import threading
from typing import Any

from taskflow.persistence import backends
from taskflow.persistence import models as tf_models

from protector.conf import CONF

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


def backend() -> Any:
    global _backend
    with _lock:
        if _backend is None:
            _backend = backends.fetch({"connection": _connection()})
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
