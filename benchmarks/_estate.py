"""Shared by the ``estate_*`` benchmarks: one site's MariaDB database filled
with a DR estate, as protector itself would have written it.

The estate is a list of PG sizes (``--shape 1000x10,10x100,1x1000``: 1,000
PGs of 10 VMs, 10 of 100, one of 1,000), each VM protected with a boot and
a data volume, spread over ``projects`` tenants, plus an operation history.
Rows go in through SQLAlchemy Core in batches (the API would take hours
for 10,000 members, and what is measured is reading them): one PG row, its
replication policy (array tokens encrypted as the API stores them), its
consistency group on site-a, its members with a captured server spec of
the engine's shape, and two protected volumes per member. Creation times
are distinct and increasing, so pages are as a long-lived estate's.
"""

from __future__ import annotations

import datetime
import itertools
import os
import random
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pymysql
from sqlalchemy import insert

from protector import config, crypto, states
from protector.conf import CONF
from protector.db import migration, models, session
from protector.tests import fixtures

BATCH = 2000
OP_TYPES = (states.OP_TEST_FAILOVER, states.OP_TEST_CLEANUP, states.OP_FAILOVER,
            states.OP_REPROTECT, states.OP_FAILBACK, states.OP_SYNC)
STEPS = ("check target site", "stop servers on source", "replicate now",
         "copy volumes", "boot group 1", "switch primary site")


@dataclass(frozen=True)
class Shape:
    """PG sizes: ``[(count, vms), ...]``."""

    groups: tuple[tuple[int, int], ...]

    @classmethod
    def parse(cls, text: str) -> Shape:
        groups = []
        for part in text.split(","):
            count, _, vms = part.strip().partition("x")
            groups.append((int(count), int(vms)))
        return cls(tuple(groups))

    @property
    def pgs(self) -> int:
        return sum(c for c, _ in self.groups)

    @property
    def vms(self) -> int:
        return sum(c * n for c, n in self.groups)

    def sizes(self) -> Iterator[int]:
        for count, vms in self.groups:
            yield from itertools.repeat(vms, count)

    def __str__(self) -> str:
        return ",".join(f"{c}x{n}" for c, n in self.groups)


@dataclass
class Estate:
    database: str
    connection: str
    shape: Shape
    site_a: str
    site_b: str
    projects: list[str]
    pg_ids: list[str] = field(default_factory=list)  # in creation order
    pg_sizes: dict[str, int] = field(default_factory=dict)
    pg_project: dict[str, str] = field(default_factory=dict)
    pg_name: dict[str, str] = field(default_factory=dict)
    operation_ids: list[str] = field(default_factory=list)
    fill_seconds: float = 0.0


def server_sql(statement: str) -> None:
    conn = fixtures._mysql()
    try:
        with conn.cursor() as cur:
            cur.execute(statement)
    finally:
        conn.close()


def url(database: str) -> str:
    """The [database] connection of ``database`` on the machine's MariaDB."""
    return (f"mysql+pymysql://{fixtures.MYSQL_USER}:{fixtures.MYSQL_PASSWORD}@"
            f"{fixtures.MYSQL_HOST}/{database}?charset=utf8mb4")


def database_answers() -> bool:
    try:
        fixtures._mysql().close()
        return True
    except pymysql.err.OperationalError:
        return False


def configure(connection: str, state_path: str) -> None:
    """This process's CONF on the estate's database (noauth, mock storage)."""
    if not config.is_parsed():
        config.parse_args([], default_config_files=[])
    CONF.set_override("state_path", state_path)
    CONF.set_override("secret_key_file", os.path.join(state_path, "secret.key"))
    CONF.set_override("connection", connection, group="database")
    CONF.set_override("site_name", "site-a")
    CONF.set_override("use_mock_storage", True)
    session.reset()


def create(shape: Shape, *, operations: int, projects: int = 10,
           state_path: str | None = None, seed: int = 1) -> Estate:
    """A new database ``protector_bench_estate_<pid>`` at head, filled."""
    name = f"protector_bench_estate_{os.getpid()}"
    server_sql(f"DROP DATABASE IF EXISTS {name}")
    server_sql(f"CREATE DATABASE {name} CHARACTER SET utf8mb4")
    connection = url(name)
    configure(connection, state_path or tempfile.mkdtemp(prefix="protector-estate-"))
    migration.upgrade()
    started = time.perf_counter()
    estate = _fill(name, connection, shape, operations, projects, random.Random(seed))
    estate.fill_seconds = time.perf_counter() - started
    return estate


def drop(estate: Estate) -> None:
    session.reset()
    server_sql(f"DROP DATABASE IF EXISTS {estate.database}")


class _Clock:
    """Distinct, increasing creation times ending about now."""

    def __init__(self, rows: int) -> None:
        self.t = datetime.datetime.utcnow() - datetime.timedelta(seconds=rows)

    def __call__(self) -> datetime.datetime:
        self.t += datetime.timedelta(milliseconds=500)
        return self.t


def _uuid() -> str:
    return str(uuid.uuid4())


def _spec(name: str, boot: str, data: str) -> dict[str, Any]:
    """A captured server spec, as the engine's capture step stores it."""
    def volume(vid: str, device: str, size: int, boot_index: int | None) -> dict[str, Any]:
        return {"volume_id": vid, "device": device, "size_gb": size,
                "volume_type": "replicated", "bootable": boot_index == 0,
                "boot_index": boot_index}

    return {
        "id": _uuid(), "name": name,
        "flavor": {"id": "fb4ca9f7-de08-4cca-8699-4f9046693472", "name": "m1.small",
                   "vcpus": 1, "ram_mb": 2048, "disk_gb": 20, "extra_specs": {}},
        "ports": [{"port_id": _uuid(), "network_id": "8d5afc54-fec1-438f-958c-0f0119b8f731",
                   "network_name": "app", "fixed_ips": [
                       {"ip_address": "10.0.0.2",
                        "subnet_id": "034f9596-4799-4332-9886-4da0a939a9d6"}],
                   "mac_address": "fa:16:3e:de:a6:29", "security_groups": ["default"]}],
        "key_name": None, "security_groups": ["default"],
        "boot_volume": volume(boot, "/dev/vda", 20, 0),
        "data_volumes": [volume(data, "/dev/vdb", 100, None)],
        "availability_zone": "nova", "metadata": {}, "image_id": None, "status": "ACTIVE",
    }


class _Writer:
    """Rows per table, inserted ``BATCH`` at a time."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.rows: dict[Any, list[dict[str, Any]]] = {}

    def add(self, model: type[models.Base], **row: Any) -> None:
        rows = self.rows.setdefault(model.__table__, [])
        rows.append(row)
        if len(rows) >= BATCH:
            self.flush(model.__table__)

    def flush(self, table: Any = None) -> None:
        # Parents first: the foreign keys are checked per statement.
        order = [models.Site, models.TenantMapping, models.ProtectionGroup,
                 models.ReplicationPolicy, models.ConsistencyGroup, models.Member,
                 models.CGVolume, models.Operation]
        tables = [m.__table__ for m in order]
        upto = tables.index(table) if table is not None else len(tables) - 1
        for t in tables[:upto + 1]:
            if self.rows.get(t):
                self.conn.execute(insert(t), self.rows.pop(t))


def _fill(name: str, connection: str, shape: Shape, operations: int, projects: int,
          rnd: random.Random) -> Estate:
    clock = _Clock(shape.pgs + shape.vms + operations)
    token = crypto.encrypt("bench-array-token")
    estate = Estate(name, connection, shape, _uuid(), _uuid(),
                    [uuid.uuid4().hex for _ in range(projects)])
    with session.get_engine().begin() as conn:
        w = _Writer(conn)
        for sid, site in ((estate.site_a, "site-a"), (estate.site_b, "site-b")):
            w.add(models.Site, id=sid, name=site, site_type="primary", status="active",
                  auth_url=f"http://127.0.0.1/{site}/identity", interface="public",
                  created_at=clock())
        for project in estate.projects:
            # Each site's copy maps the tenant to its peer (the same id here).
            for peer in (estate.site_a, estate.site_b):
                w.add(models.TenantMapping, id=_uuid(), local_tenant=project,
                      remote_site_id=peer, remote_tenant=project, created_at=clock())
        for index, size in enumerate(shape.sizes()):
            pg_id, cg_id = _uuid(), _uuid()
            project = estate.projects[index % projects]
            now = clock()
            w.add(models.ProtectionGroup, id=pg_id, project_id=project,
                  name=f"pg-{index:05d}-{size}", description=None,
                  replication_type="async", volume_type="replicated",
                  primary_site_id=estate.site_a, secondary_site_id=estate.site_b,
                  current_primary_site_id=estate.site_a, status=states.ACTIVE,
                  metadata_version=2 + 3 * size, sync_status="IN_SYNC", last_sync_at=now,
                  last_replication_at=now, network_mapping={"app": "app-dr"},
                  flavor_mapping={}, created_at=now)
            w.add(models.ReplicationPolicy, id=_uuid(), protection_group_id=pg_id,
                  project_id=project, primary_fa_url="https://127.0.0.1:1",
                  primary_fa_api_token_encrypted=token,
                  secondary_fa_url="https://127.0.0.1:2",
                  secondary_fa_api_token_encrypted=token, pure_pg_name=f"pg-{pg_id}",
                  rpo_minutes=15, retention_short_term_seconds=86400, retention_per_day=4,
                  retention_days=7, created_at=now)
            w.add(models.ConsistencyGroup, id=cg_id, protection_group_id=pg_id,
                  site_id=estate.site_a, cinder_group_id=_uuid(),
                  backend_group_name=f"pg-{pg_id}", status="available", created_at=now)
            for vm in range(size):
                member_id, boot, data = _uuid(), _uuid(), _uuid()
                vm_name = f"pg{index:05d}-vm{vm:04d}"
                spec = _spec(vm_name, boot, data)
                w.add(models.Member, id=member_id, protection_group_id=pg_id,
                      project_id=project, instance_id=spec["id"], instance_name=vm_name,
                      boot_order=1 + vm % 2, status="protected", spec=spec,
                      created_at=clock())
                for vid, bootable, device, gb in ((boot, True, "/dev/vda", 20),
                                                  (data, False, "/dev/vdb", 100)):
                    w.add(models.CGVolume, id=_uuid(), consistency_group_id=cg_id,
                          member_id=member_id, volume_id=vid,
                          array_volume_name=f"volume-{vid}-cinder", bootable=bootable,
                          device_name=device, size_gb=gb, volume_type="replicated",
                          created_at=now)
            estate.pg_ids.append(pg_id)
            estate.pg_sizes[pg_id] = size
            estate.pg_project[pg_id] = project
            estate.pg_name[pg_id] = f"pg-{index:05d}-{size}"
        w.flush()
        for _ in range(operations):
            pg_id = rnd.choice(estate.pg_ids)
            op_id = _uuid()
            created = clock()
            kind = rnd.choice(OP_TYPES)
            w.add(models.Operation, id=op_id, project_id=estate.pg_project[pg_id],
                  protection_group_id=pg_id, operation_type=kind,
                  failover_type="planned" if kind == states.OP_FAILOVER else None,
                  status=states.OP_COMPLETED, progress=100, current_step=None,
                  steps_completed=list(STEPS), steps_failed=[],
                  source_site_id=estate.site_a, target_site_id=estate.site_b,
                  parameters={}, result={"rto_seconds": 42.0, "recovery_point": {
                      "id": f"pg-{pg_id}.{rnd.randrange(10**6)}",
                      "created_at": created.isoformat()}},
                  error_message=None, started_at=created,
                  completed_at=created + datetime.timedelta(seconds=42), created_at=created)
            estate.operation_ids.append(op_id)
        w.flush()
    return estate
