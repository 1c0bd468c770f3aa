"""The ``mock`` driver (``use_mock_storage = True``): arrays simulated in SQLite.

Each array endpoint is one SQLite file under ``[storage] mock_storage_dir``
(default ``$state_path/mock_storage/``; created 0755, files 0600). There
is no data path: "replicating" records, on the target array's file, which
volumes the PG had and the Glance image each was built from. Materialising
creates new bootable volumes from the same-named images on the target site through a
:class:`~protector.storage.base.TargetVolumeFactory`, so the image must
exist there (otherwise: ``Image 'cirros' not found on target site``).

Recovery points are taken by :meth:`MockDriver.replicate_now` and, while
the schedule is enabled, one per RPO interval (recorded lazily, when the
points are next read). They are complete at once.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

from protector import exception as base_exc
from protector.storage import base
from protector.storage import exception as exc

LOG = logging.getLogger(__name__)
GiB = 1024**3
MOCK_DIR = "mock_storage"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pgroups (
    name TEXT PRIMARY KEY, kind TEXT NOT NULL, target TEXT, source TEXT,
    rpo_seconds INTEGER NOT NULL, keep_seconds INTEGER NOT NULL,
    enabled INTEGER NOT NULL, seq INTEGER NOT NULL DEFAULT 0,
    last_snapshot REAL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS pg_volumes (
    pgroup TEXT NOT NULL, volume TEXT NOT NULL, size_gb INTEGER NOT NULL,
    image_name TEXT, bootable INTEGER NOT NULL, volume_type TEXT,
    PRIMARY KEY (pgroup, volume));
CREATE TABLE IF NOT EXISTS snapshots (
    name TEXT PRIMARY KEY, pgroup TEXT NOT NULL, created REAL NOT NULL,
    volumes TEXT NOT NULL);
-- Every PG's replication check reads its own snapshots: without the index
-- each read scans the snapshots of every PG on the array.
CREATE INDEX IF NOT EXISTS ix_snapshots_pgroup ON snapshots (pgroup, created);
CREATE TABLE IF NOT EXISTS copies (
    name TEXT PRIMARY KEY, tag TEXT NOT NULL, source TEXT NOT NULL,
    point TEXT NOT NULL, cinder_volume_id TEXT NOT NULL, size_gb INTEGER,
    created REAL NOT NULL);
"""


def ensure_private_dir(path: str) -> None:
    """Create ``path`` with mode 0755 (as the spec's install steps do) if missing."""
    if not os.path.isdir(path):
        os.makedirs(path, mode=0o755, exist_ok=True)
        os.chmod(path, 0o755)  # makedirs is subject to the umask


# Files (path, inode) this process gave their schema: the engine opens each
# array's file for every PG on every replication check.
_with_schema: set[tuple[str, int]] = set()


def open_db(path: str, schema: str | None) -> sqlite3.Connection:
    """A connection to ``path``, created 0600 with ``schema`` (if given) if new."""
    if not os.path.exists(path):
        fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
        os.close(fd)
    conn = sqlite3.connect(path, timeout=30)
    conn.row_factory = sqlite3.Row
    if schema:
        key = (path, os.stat(path).st_ino)
        if key not in _with_schema:
            conn.executescript(schema)
            _with_schema.add(key)
    return conn


class MockArray:
    """One simulated array: a SQLite file named after its endpoint."""

    def __init__(self, directory: str, endpoint: base.ArrayEndpoint) -> None:
        self.name = "mock-" + re.sub(r"[^-a-zA-Z0-9]", "-", endpoint.host).strip("-")
        self.label = endpoint.host
        self.path = os.path.join(directory, f"{self.name}.sqlite")
        self._ready = False

    @contextlib.contextmanager
    def db(self) -> Iterator[sqlite3.Connection]:
        # The schema once per driver: a batch of copies opens hundreds.
        conn = open_db(self.path, None if self._ready else _SCHEMA)
        self._ready = True
        try:
            with conn:  # one transaction
                yield conn
        finally:
            conn.close()


class MockDriver(base.ReplicationDriver):
    """:class:`~protector.storage.base.ReplicationDriver` on SQLite files."""

    def __init__(self, group: base.GroupSpec, arrays: base.ArrayPair,
                 options: base.DriverOptions | None = None, *,
                 target_volumes: base.TargetVolumeFactory | None = None) -> None:
        super().__init__(group, arrays, options, target_volumes=target_volumes)
        self.directory = (self.options.mock_storage_dir
                          or os.path.join(self.options.state_path, MOCK_DIR))
        ensure_private_dir(self.directory)
        self.src = MockArray(self.directory, arrays.source)
        self.tgt = MockArray(self.directory, arrays.target)
        self.sync = group.replication_type is base.ReplicationType.SYNC
        self.pod = group.pod_name or self.options.sync_pod_name
        self.pg = group.array_group_name

    @property
    def replica(self) -> str:
        return f"{self.pod}::{self.pg}" if self.sync else f"{self.src.name}:{self.pg}"

    # -- arrays -----------------------------------------------------------------------
    def check_connectivity(self) -> base.ConnectivityReport:
        statuses = []
        for role, array in (("source", self.src), ("target", self.tgt)):
            try:
                with array.db():
                    pass
                statuses.append(base.ArrayStatus(role=role, endpoint=array.label,
                                                 reachable=True, array_name=array.name,
                                                 version="mock"))
            except (OSError, sqlite3.Error) as err:
                statuses.append(base.ArrayStatus(role=role, endpoint=array.label,
                                                 reachable=False, error=str(err)))
        link = "connected" if all(s.reachable for s in statuses) else "connecting"
        kind = "sync-replication" if self.sync else "async-replication"
        return base.ConnectivityReport(source=statuses[0], target=statuses[1],
                                       link_status=link, link_type=kind)

    # -- set-up -----------------------------------------------------------------------
    def ensure_replication(self) -> base.ReplicationContainer:
        now = self.options.clock()
        keep = self.group.retention.all_for_sec + self.group.retention.days * 86_400
        kind = "pod" if self.sync else "protection-group"
        with self.src.db() as db:
            db.execute(
                "INSERT INTO pgroups (name, kind, target, rpo_seconds, keep_seconds, enabled,"
                " created) VALUES (?, ?, ?, ?, ?, 1, ?) ON CONFLICT(name) DO UPDATE SET"
                " target=excluded.target, rpo_seconds=excluded.rpo_seconds,"
                " keep_seconds=excluded.keep_seconds, enabled=1",
                (self.pg, kind, self.tgt.name, self.group.rpo_seconds, keep, now))
        with self.tgt.db() as db:
            db.execute(
                "INSERT INTO pgroups (name, kind, source, rpo_seconds, keep_seconds, enabled,"
                " created) VALUES (?, ?, ?, ?, ?, 0, ?) ON CONFLICT(name) DO NOTHING",
                (self.replica, kind, self.src.name, self.group.rpo_seconds, keep, now))
        return base.ReplicationContainer(
            kind=kind, name=self.pod if self.sync else self.pg, source_array=self.src.name,
            target_array=self.tgt.name, replica_name=self.replica)

    def _require_group(self, db: sqlite3.Connection) -> sqlite3.Row:
        row = db.execute("SELECT * FROM pgroups WHERE name = ? AND target IS NOT NULL",
                         (self.pg,)).fetchone()
        if row is None:
            raise exc.ReplicationNotConfigured(container="Protection group", name=self.pg,
                                               array=self.src.label)
        return row

    def add_volumes(self, volumes: Sequence[base.VolumeRef]) -> None:
        for vol in volumes:
            if not vol.size_gb:
                raise exc.MockStorageError(
                    reason=f"volume {vol.name} needs size_gb: mock storage recreates it "
                    "from its image on the target site")
        with self.src.db() as db:
            self._require_group(db)
            db.executemany(
                "INSERT INTO pg_volumes VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [(self.pg, v.name, v.size_gb, v.image_name, int(v.bootable), v.volume_type)
                 for v in volumes])

    def remove_volumes(self, volumes: Sequence[base.VolumeRef]) -> None:
        with self.src.db() as db:
            db.executemany("DELETE FROM pg_volumes WHERE pgroup = ? AND volume = ?",
                           [(self.pg, v.name) for v in volumes])

    def drop_replication(self) -> list[str]:
        removed = []
        for array, peer in ((self.src, self.tgt), (self.tgt, self.src)):
            mine = {self.pg, f"{peer.name}:{self.pg}", f"{self.pod}::{self.pg}"}
            with array.db() as db:
                for name in sorted(mine):
                    db.execute("DELETE FROM snapshots WHERE pgroup = ?", (name,))
                    db.execute("DELETE FROM pg_volumes WHERE pgroup = ?", (name,))
                    if db.execute("DELETE FROM pgroups WHERE name = ?", (name,)).rowcount:
                        removed.append(f"{array.name}/{name}")
        return removed

    def list_volumes(self) -> list[str]:
        with self.src.db() as db:
            self._require_group(db)
            rows = db.execute("SELECT volume FROM pg_volumes WHERE pgroup = ? ORDER BY volume",
                              (self.pg,)).fetchall()
        return [r["volume"] for r in rows]

    # -- recovery points ----------------------------------------------------------------
    def _snapshot(self, when: float) -> str:
        """Record what the PG holds now as a recovery point on the target."""
        with self.src.db() as db:
            group = self._require_group(db)
            seq = group["seq"] + 1
            db.execute("UPDATE pgroups SET seq = ?, last_snapshot = ? WHERE name = ?",
                       (seq, when, self.pg))
            rows = db.execute("SELECT * FROM pg_volumes WHERE pgroup = ?",
                              (self.pg,)).fetchall()
        content = {r["volume"]: {"size_gb": r["size_gb"], "image_name": r["image_name"],
                                 "bootable": bool(r["bootable"]),
                                 "volume_type": r["volume_type"]} for r in rows}
        name = f"{self.replica}.{seq}"
        with self.tgt.db() as db:
            db.execute("INSERT INTO snapshots VALUES (?, ?, ?, ?)",
                       (name, self.replica, when, json.dumps(content)))
            # Retention: keep at most what the policy could keep.
            db.execute("DELETE FROM snapshots WHERE pgroup = ? AND created < ?",
                       (self.replica, when - group["keep_seconds"]))
        return name

    def _catch_up(self) -> None:
        """Record the newest scheduled snapshot that is due (the mock schedule)."""
        with self.src.db() as db:
            group = db.execute("SELECT * FROM pgroups WHERE name = ? AND target = ?",
                               (self.pg, self.tgt.name)).fetchone()
        if group is None or not group["enabled"]:
            return
        last = group["last_snapshot"] or group["created"]
        due = last + group["rpo_seconds"]
        now = self.options.clock()
        if due <= now:
            periods = int((now - last) // group["rpo_seconds"])
            self._snapshot(last + periods * group["rpo_seconds"])

    def list_recovery_points(self) -> list[base.RecoveryPoint]:
        self._catch_up()
        with self.tgt.db() as db:
            rows = db.execute("SELECT name, created FROM snapshots WHERE pgroup = ?",
                              (self.replica,)).fetchall()
        points = []
        for row in rows:
            when = base.utc_from_ms(row["created"] * 1000)
            points.append(base.RecoveryPoint(name=row["name"], created=when, complete=True,
                                             started=when, completed=when))
        return base.newest_first(points)

    def replicate_now(self, timeout: float | None = None) -> base.RecoveryPoint:
        name = self._snapshot(self.options.clock())
        return next(p for p in self.list_recovery_points() if p.name == name)

    # -- failover -------------------------------------------------------------------------
    def _point_content(self, name: str) -> dict[str, dict[str, Any]]:
        with self.tgt.db() as db:
            row = db.execute("SELECT volumes FROM snapshots WHERE name = ? AND pgroup = ?",
                             (name, self.replica)).fetchone()
        if row is None:
            raise exc.RecoveryPointNotFound(point=name, array=self.tgt.label)
        return json.loads(row["volumes"])

    def _factory(self) -> base.TargetVolumeFactory:
        if self.target_volumes is None:
            raise exc.MockStorageError(
                reason="no target volume factory: mock storage creates volumes on the "
                "target site through Cinder")
        return self.target_volumes

    def materialise(self, point: base.RecoveryPoint | str, volumes: Sequence[base.VolumeRef],
                    tag: str) -> list[base.MaterialisedVolume]:
        name = point.name if isinstance(point, base.RecoveryPoint) else point
        base.check_tag(tag)
        factory = self._factory()
        if len({v.name for v in volumes}) != len(volumes):
            raise base_exc.Invalid(reason="a volume is listed twice for materialisation")
        content = self._point_content(name)
        missing = [v.name for v in volumes if v.name not in content]
        if missing:
            raise exc.VolumeNotInRecoveryPoint(point=name, array=self.tgt.label,
                                               volumes=", ".join(missing))
        plan = [(v, base.neutral_volume_name(tag, v.name), content[v.name]) for v in volumes]
        with self.tgt.db() as db:
            clash = [n for _, n, _ in plan if db.execute(
                "SELECT 1 FROM copies WHERE name = ?", (n,)).fetchone()]
        if clash:
            raise exc.StorageObjectExists(array=self.tgt.label, operation="materialise",
                                          object=base.neutral_prefix(tag) + "*",
                                          reason=f"volume(s) {', '.join(clash[:5])} exist")
        # Every image first: fail before anything is created.
        images: dict[str, str] = {}
        for image in sorted({c["image_name"] for _, _, c in plan if c["image_name"]}):
            image_id = factory.find_image(image)
            if image_id is None:
                raise exc.ImageNotFound(image=image)
            images[image] = image_id
        created = self._create_all(factory, plan, images, name)
        with self.tgt.db() as db:
            db.executemany("INSERT INTO copies VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [(m.name, tag, m.source, name, m.cinder_volume_id,
                             (m.size_bytes or 0) // GiB, self.options.clock())
                            for m in created])
        return created

    def _create_all(self, factory: base.TargetVolumeFactory,
                    plan: list[tuple[base.VolumeRef, str, dict[str, Any]]],
                    images: dict[str, str], point: str) -> list[base.MaterialisedVolume]:
        done: dict[str, base.MaterialisedVolume] = {}
        lock = threading.Lock()

        def create(vol: base.VolumeRef, name: str, rec: dict[str, Any]) -> None:
            image_id = images.get(rec["image_name"]) if rec["image_name"] else None
            vtype = vol.volume_type or rec["volume_type"]
            vid = factory.create_volume_from_image(image_id, rec["size_gb"], name, vtype)
            with lock:
                done[vol.name] = base.MaterialisedVolume(
                    source=vol.name, name=name, recovery_point=point,
                    size_bytes=rec["size_gb"] * GiB, cinder_volume_id=vid)

        error: BaseException | None = None
        workers = max(1, min(self.options.max_concurrent_copies, len(plan)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mock-copy") as pool:
            futures = [pool.submit(create, *item) for item in plan]
            for fut in as_completed(futures):
                if fut.cancelled() or fut.exception() is None:
                    continue
                if error is None:
                    error = fut.exception()
                    for other in futures:
                        other.cancel()
        if error is None:
            return [done[v.name] for v, _, _ in plan]
        leftovers = []
        for made in done.values():
            try:
                factory.delete_volume(made.cinder_volume_id or "")
            except Exception as err:  # keep rolling back the others
                LOG.error("could not delete mock copy %s: %s", made.name, err)
                leftovers.append(made.name)
        raise exc.MaterialiseFailed(array=self.tgt.label, count=len(plan), reason=str(error),
                                    leftovers=leftovers,
                                    cause=error if isinstance(error, Exception) else None)

    def cleanup(self, tag: str) -> list[str]:
        base.check_tag(tag)
        with self.tgt.db() as db:
            rows = db.execute("SELECT name, cinder_volume_id FROM copies WHERE tag = ?"
                              " ORDER BY name", (tag,)).fetchall()
        removed = []
        for row in rows:
            self._factory().delete_volume(row["cinder_volume_id"])
            with self.tgt.db() as db:
                db.execute("DELETE FROM copies WHERE name = ?", (row["name"],))
            removed.append(row["name"])
        return removed

    def reverse_replication(
            self, volumes: Sequence[base.VolumeRef] = ()) -> base.ReplicationContainer:
        with self.src.db() as db:
            db.execute("UPDATE pgroups SET enabled = 0 WHERE name = ?", (self.pg,))
        reverse = self.reversed()
        container = reverse.ensure_replication()
        if volumes:
            reverse.add_volumes(volumes)
        return container

    def replication_health(self) -> base.ReplicationHealth:
        try:
            points = self.list_recovery_points()
        except (OSError, sqlite3.Error) as err:
            return base.ReplicationHealth(
                replication_type=self.group.replication_type,
                rpo_seconds=self.group.rpo_seconds, lag_seconds=None, target_reachable=False,
                detail=str(err))
        latest = points[0] if points else None
        lag = None
        if latest is not None:
            lag = max((self.options.now() - latest.created).total_seconds(), 0.0)
        return base.ReplicationHealth(
            replication_type=self.group.replication_type, rpo_seconds=self.group.rpo_seconds,
            lag_seconds=lag, latest=latest, link_status="connected")


class FakeTargetVolumes:
    """In-memory :class:`~protector.storage.base.TargetVolumeFactory` for tests and demos.

    ``fail_after``: creations that succeed before every further one raises.
    """

    def __init__(self, images: dict[str, str] | None = None,
                 fail_after: int | None = None) -> None:
        self.images = dict(images or {})
        self.volumes: dict[str, dict[str, Any]] = {}
        self.fail_after = fail_after
        self._created = 0
        self._lock = threading.Lock()

    def find_image(self, name: str) -> str | None:
        return self.images.get(name)

    def create_volume_from_image(self, image_id: str | None, size_gb: int, name: str,
                                 volume_type: str | None) -> str:
        with self._lock:
            if self.fail_after is not None and self._created >= self.fail_after:
                raise RuntimeError(f"injected failure creating volume {name}")
            self._created += 1
            vid = str(uuid.uuid4())
            self.volumes[vid] = {"name": name, "size_gb": size_gb, "image_id": image_id,
                                 "volume_type": volume_type, "bootable": image_id is not None}
            return vid

    def delete_volume(self, volume_id: str) -> None:
        with self._lock:
            self.volumes.pop(volume_id, None)
