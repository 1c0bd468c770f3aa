"""Cinder consistency groups simulated in SQLite (``use_mock_cinder = True``).

For clouds whose Cinder back end has no generic volume group support. The
state of site X lives in ``[storage] mock_storage_dir``
(``$state_path/mock_storage``) as ``cinder_groups-X.sqlite`` (0600) and
follows Cinder's rules that matter to protector: a volume belongs to at most
one group, and a group with volumes is deleted only with ``delete_volumes``.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator, Sequence

from protector.storage import base
from protector.storage import exception as exc
from protector.storage.drivers.mock import ensure_private_dir, open_db

DB_NAME = "cinder_groups.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS groups (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL,
    project_id TEXT, volume_type TEXT NOT NULL, status TEXT NOT NULL,
    created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS group_volumes (
    volume_id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE);
"""


class MockConsistencyGroupAPI:
    """:class:`~protector.storage.base.ConsistencyGroupAPI` on a SQLite file.

    :param directory: the mock storage directory (created 0755 if missing).
    :param clock: epoch seconds, for creation times.
    """

    def __init__(self, directory: str, clock: Callable[[], float] = time.time, *,
                 site: str | None = None) -> None:
        ensure_private_dir(directory)
        # One Cinder per site: any engine acting on a site must find its groups.
        name = f"cinder_groups-{site}.sqlite" if site else DB_NAME
        self.path = os.path.join(directory, name)
        self.clock = clock

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        conn = open_db(self.path, _SCHEMA)
        conn.execute("PRAGMA foreign_keys = ON")
        try:
            with conn:
                yield conn
        finally:
            conn.close()

    def _load(self, db: sqlite3.Connection, group_id: str) -> base.ConsistencyGroup:
        row = db.execute("SELECT * FROM groups WHERE id = ?", (group_id,)).fetchone()
        if row is None:
            raise exc.ConsistencyGroupNotFound(group=group_id)
        vols = db.execute("SELECT volume_id FROM group_volumes WHERE group_id = ?"
                          " ORDER BY volume_id", (group_id,)).fetchall()
        return base.ConsistencyGroup(
            id=row["id"], name=row["name"], volume_type=row["volume_type"],
            project_id=row["project_id"], description=row["description"],
            status=row["status"], volume_ids=tuple(v["volume_id"] for v in vols))

    def create_group(self, name: str, volume_type: str, *, description: str = "",
                     project_id: str | None = None) -> base.ConsistencyGroup:
        group_id = str(uuid.uuid4())
        with self._db() as db:
            db.execute("INSERT INTO groups VALUES (?, ?, ?, ?, ?, 'available', ?)",
                       (group_id, name, description, project_id, volume_type, self.clock()))
            return self._load(db, group_id)

    def get_group(self, group_id: str) -> base.ConsistencyGroup:
        with self._db() as db:
            return self._load(db, group_id)

    def list_groups(self, project_id: str | None = None) -> list[base.ConsistencyGroup]:
        with self._db() as db:
            if project_id is None:
                rows = db.execute("SELECT id FROM groups ORDER BY created, id").fetchall()
            else:
                rows = db.execute("SELECT id FROM groups WHERE project_id = ?"
                                  " ORDER BY created, id", (project_id,)).fetchall()
            return [self._load(db, r["id"]) for r in rows]

    def add_volumes(self, group_id: str, volume_ids: Sequence[str]) -> base.ConsistencyGroup:
        with self._db() as db:
            self._load(db, group_id)
            for vid in volume_ids:
                row = db.execute("SELECT group_id FROM group_volumes WHERE volume_id = ?",
                                 (vid,)).fetchone()
                if row is not None and row["group_id"] != group_id:
                    raise exc.ConsistencyGroupConflict(
                        group=group_id,
                        reason=f"volume {vid} already belongs to group {row['group_id']}")
                db.execute("INSERT OR IGNORE INTO group_volumes VALUES (?, ?)", (vid, group_id))
            return self._load(db, group_id)

    def remove_volumes(self, group_id: str,
                       volume_ids: Sequence[str]) -> base.ConsistencyGroup:
        with self._db() as db:
            self._load(db, group_id)
            db.executemany("DELETE FROM group_volumes WHERE group_id = ? AND volume_id = ?",
                           [(group_id, v) for v in volume_ids])
            return self._load(db, group_id)

    def delete_group(self, group_id: str, *, delete_volumes: bool = False) -> None:
        with self._db() as db:
            group = self._load(db, group_id)
            if group.volume_ids and not delete_volumes:
                raise exc.ConsistencyGroupConflict(
                    group=group_id,
                    reason=f"it still has {len(group.volume_ids)} volume(s); remove them "
                    "or delete with delete_volumes")
            db.execute("DELETE FROM groups WHERE id = ?", (group_id,))
