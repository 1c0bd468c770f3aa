"""Real protector sites for the two-site tests: per site a MariaDB database,
a protector.conf, a protector-api and one or more protector-engine
processes, the way a deployment runs them.

It is :mod:`protector.demo.sites` with what the demo leaves out: MariaDB
instead of SQLite, RabbitMQ names unique per test run (RabbitMQ names a
topic queue by its topic alone, so two runs on one broker would share
engines), short leases so a dead engine is noticed within seconds, more
than one engine per site, SIGKILL of a process group, and failures that
quote the services' logs.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from typing import Any, TypeVar

import pymysql
import pymysql.cursors
import requests

from protector.demo import sites as demo_sites
from protector.tests import fixtures

T = TypeVar("T")
BIN = demo_sites.BIN
TRANSPORT = os.environ.get("PROTECTOR_TEST_TRANSPORT_URL",
                           "rabbit://guest:guest@127.0.0.1:5672/")
# How long an engine owns an operation without renewing (its heartbeat
# renews every third of that), and how often each engine looks for
# operations whose owner stopped renewing: a SIGKILLed engine's operation
# is taken over within about lease + SWEEP_INTERVAL seconds. Short, so a
# kill is noticed in seconds; a site with two engines gets a longer one, so
# a heartbeat late on a loaded machine does not hand an operation over.
LEASE_SECONDS = 3
SWEEP_INTERVAL = 1
ENGINE_READY = "consuming topic"
FINAL = ("completed", "failed", "rolled_back")


def wait_until(check: Callable[[], T | None], *, timeout: float, what: str,
               diagnostics: Callable[[], str] = lambda: "", interval: float = 0.1) -> T:
    """Poll ``check`` until it returns something truthy; fail saying ``what``
    did not happen, followed by ``diagnostics()`` (the services' logs)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:.0f} s\n{diagnostics()}")
        time.sleep(interval)


def tail(path: str, lines: int = 25) -> str:
    try:
        with open(path, errors="replace") as f:
            text = f.read().splitlines()[-lines:]
    except OSError:
        return f"--- {path}: (none)"
    return f"--- {path} (last {len(text)} lines)\n" + "\n".join(text)


def _group_alive(pgid: int) -> bool:
    """Whether a live (non-zombie) process is left in process group ``pgid``."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


class Service:
    """One console script, leading a process group of its own (its workers
    join it), so a signal reaches the whole service and nothing else."""

    def __init__(self, binary: str, conf: str, log_dir: str) -> None:
        self.binary, self.conf = binary, conf
        self.log = os.path.join(log_dir, f"{binary}.log")  # oslo.log's file
        self.out = os.path.join(log_dir, f"{binary}.out")  # stdout and stderr
        self.proc: subprocess.Popen | None = None
        self._log_start = 0

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> None:
        assert not self.running, f"{self.binary} ({self.conf}) runs already"
        self._log_start = os.path.getsize(self.log) if os.path.exists(self.log) else 0
        with open(self.out, "ab") as out:
            self.proc = subprocess.Popen(
                [os.path.join(BIN, self.binary), "--config-file", self.conf],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)

    def log_since_start(self) -> str:
        """What this run of the service logged (the file is appended to)."""
        try:
            with open(self.log, errors="replace") as f:
                f.seek(self._log_start)
                return f.read()
        except OSError:
            return ""

    def _signal_group(self, sig: int) -> None:
        assert self.proc is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)

    def kill(self) -> None:
        """SIGKILL the whole service: nothing of it runs on afterwards."""
        if self.proc is None:
            return
        self._signal_group(signal.SIGKILL)
        self.proc.wait(timeout=30)
        wait_until(lambda: not _group_alive(self.proc.pid), timeout=30,
                   what=f"{self.binary} ({self.conf}) still has live processes after SIGKILL",
                   interval=0.02)

    def terminate(self) -> None:
        if self.running:
            self._signal_group(signal.SIGTERM)

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM, then SIGKILL what is left after ``timeout``."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self._signal_group(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        self.kill()

    def diagnostics(self, lines: int = 25) -> str:
        state = ("running" if self.running else
                 f"exited {self.proc.returncode}" if self.proc else "never started")
        return (f"=== {self.binary} {self.conf}: {state}\n"
                f"{tail(self.log, lines)}\n{tail(self.out, 8)}")


class Site:
    """One protector site: its database, config files and processes.

    ``state_path`` may be shared by two sites: the mock storage driver keeps
    its arrays there, and both sites' engines must see the same arrays.
    """

    def __init__(self, name: str, host: str, workdir: str, *, run_id: str,
                 fake_cloud: tuple[str, int], authkey_file: str, ca_file: str | None = None,
                 mock_storage: bool = False, state_path: str | None = None,
                 lease_seconds: int = LEASE_SECONDS) -> None:
        self.name, self.host = name, host
        self.lease_seconds = lease_seconds
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.state_path = state_path or self.dir
        self.database = f"protector_twosite_{run_id}_{name.replace('-', '_')}"
        self.exchange = f"protector-twosite-{run_id}-{name}"
        self.topic = f"{self.exchange}-engine"
        self.port = demo_sites.free_port(host)
        self.url = f"http://{host}:{self.port}"
        self._settings = dict(fake_cloud=f"{fake_cloud[0]}:{fake_cloud[1]}",
                              authkey_file=authkey_file, ca_file=ca_file or "",
                              mock_storage=mock_storage)
        self.api = Service("protector-api", self._write_conf(f"{name}-api", self.dir),
                           self.dir)
        self.engines: dict[str, Service] = {}
        self._db: pymysql.connections.Connection | None = None

    @property
    def connection(self) -> str:
        return (f"mysql+pymysql://{fixtures.MYSQL_USER}:{fixtures.MYSQL_PASSWORD}@"
                f"{fixtures.MYSQL_HOST}/{self.database}?charset=utf8mb4")

    def _write_conf(self, host: str, log_dir: str) -> str:
        os.makedirs(log_dir, exist_ok=True)
        path = os.path.join(log_dir, "protector.conf")
        s = self._settings
        with open(path, "w") as f:
            f.write(f"""[DEFAULT]
debug = False
log_dir = {log_dir}
state_path = {self.state_path}
secret_key_file = {self.dir}/secret.key
site_name = {self.name}
host = {host}
transport_url = {TRANSPORT}
control_exchange = {self.exchange}
use_mock_storage = {s['mock_storage']}
[api]
bind_host = {self.host}
bind_port = {self.port}
workers = 1
graceful_timeout = 2
auth_strategy = noauth
api_paste_config = {os.path.abspath(demo_sites.PASTE_INI)}
[database]
connection = {self.connection}
[engine]
topic = {self.topic}
sweep_interval = {SWEEP_INTERVAL}
lease_seconds = {self.lease_seconds}
max_concurrent_builds = 10
max_concurrent_volume_calls = 10
[storage]
ca_file = {s['ca_file']}
poll_interval = 0.1
replicate_timeout = 60
[peer]
timeout = 5
retries = 0
reachability_cache_seconds = 0
[fake_cloud]
address = {s['fake_cloud']}
authkey_file = {s['authkey_file']}
[oslo_messaging_rabbit]
# Leave nothing on the shared broker: topic queues and exchanges go with
# their last consumer, fanout and reply queues a minute after their last use.
amqp_auto_delete = true
rabbit_transient_queues_ttl = 60
""")
        return path

    # -- database ------------------------------------------------------------------------
    def create_database(self) -> None:
        self._server_sql(f"CREATE DATABASE {self.database} CHARACTER SET utf8mb4")

    def drop_database(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        self._server_sql(f"DROP DATABASE IF EXISTS {self.database}")

    @staticmethod
    def _server_sql(statement: str) -> None:
        conn = fixtures._mysql()
        try:
            with conn.cursor() as cur:
                cur.execute(statement)
        finally:
            conn.close()

    def db_sync(self) -> subprocess.Popen:
        """``protector-manage db sync``, started (wait on what it returns)."""
        return subprocess.Popen([os.path.join(BIN, "protector-manage"), "--config-file",
                                 self.api.conf, "db", "sync"], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def connect(self, **kwargs: Any) -> pymysql.connections.Connection:
        """A connection of its own to this site's database (autocommit: each
        query sees what is committed by then)."""
        return pymysql.connect(host=fixtures.MYSQL_HOST, user=fixtures.MYSQL_USER,
                               password=fixtures.MYSQL_PASSWORD, database=self.database,
                               autocommit=True, connect_timeout=5, **kwargs)

    def sql(self, query: str, *args: Any) -> list[dict[str, Any]]:
        """Rows of ``query`` on this site's database, read as of now (one
        connection, for the test's own thread)."""
        if self._db is None:
            self._db = self.connect(cursorclass=pymysql.cursors.DictCursor)
        with self._db.cursor() as cur:
            cur.execute(query, args)
            return list(cur.fetchall())

    def operation_row(self, op_id: str) -> dict[str, Any]:
        (row,) = self.sql("SELECT status, steps_completed, current_step, engine_host, "
                          "lease_expires_at FROM dr_operations WHERE id = %s", op_id)
        row["steps_completed"] = json.loads(row["steps_completed"])
        return row

    def step_rows(self, op_id: str) -> list[dict[str, Any]]:
        """Every attempt of every step of the operation (dr_operation_steps)."""
        return self.sql("SELECT id, name, outcome, started_at, finished_at FROM "
                        "dr_operation_steps WHERE operation_id = %s ORDER BY started_at",
                        op_id)

    def flow_states(self, op_id: str) -> dict[str, str]:
        """Task name -> state in taskflow's persisted flow of the operation."""
        rows = self.sql("SELECT a.name, a.state FROM atomdetails a JOIN dr_operations o "
                        "ON a.parent_uuid = o.flow_detail_id WHERE o.id = %s "
                        "AND a.atom_type = 'TASK_DETAIL'", op_id)
        # taskflow's own injector atom holds the store, not a step.
        return {r["name"]: r["state"] for r in rows if not r["name"].startswith("_TaskFlow")}

    # -- processes -------------------------------------------------------------------------
    def engine_host(self, index: int = 1) -> str:
        return f"{self.name}-engine" + ("" if index == 1 else f"-{index}")

    def add_engine(self, host: str) -> Service:
        """An engine named ``host`` (the owner name of its leases) with a
        log directory of its own, on this site's database and topic."""
        if host not in self.engines:
            log_dir = os.path.join(self.dir, host)
            self.engines[host] = Service("protector-engine", self._write_conf(host, log_dir),
                                         log_dir)
        return self.engines[host]

    def start(self) -> None:
        """The API and the site's first engine (not waited for)."""
        if not self.api.running:
            self.api.start()
        engine = self.add_engine(self.engine_host())
        if not engine.running:
            engine.start()

    def wait_ready(self, timeout: float = 90.0) -> None:
        """The API answers and every started engine consumes its topic."""

        def ready() -> bool:
            for service in (self.api, *self.engines.values()):
                if service.proc is not None and not service.running:
                    raise AssertionError(f"{service.binary} of {self.name} exited with "
                                         f"{service.proc.returncode}\n{self.diagnostics()}")
            engines = all(ENGINE_READY in e.log_since_start()
                          for e in self.engines.values() if e.running)
            try:
                requests.get(self.url, timeout=1)
            except requests.ConnectionError:
                return False
            return engines

        wait_until(ready, timeout=timeout, what=f"{self.name}'s services are not up",
                   diagnostics=self.diagnostics, interval=0.1)

    def restart_engine(self, host: str, timeout: float = 90.0) -> Service:
        engine = self.engines[host]
        engine.start()
        wait_until(lambda: ENGINE_READY in engine.log_since_start() or not engine.running,
                   timeout=timeout, what=f"{host} is not consuming its topic",
                   diagnostics=self.diagnostics, interval=0.1)
        assert engine.running, f"{host} exited at start\n{engine.diagnostics()}"
        return engine

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM every service of the site at once; SIGKILL what is left
        after ``timeout``."""
        services = [s for s in (self.api, *self.engines.values()) if s.running]
        for service in services:
            service.terminate()
        deadline = time.monotonic() + timeout
        for service in services:
            service.stop(timeout=max(0.1, deadline - time.monotonic()))

    def diagnostics(self) -> str:
        return "\n".join(s.diagnostics() for s in (self.api, *self.engines.values()))


def utcnow() -> datetime.datetime:
    """Naive UTC, as protector writes timestamps into MariaDB."""
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def cast_to_every_engine(site: Site, op_id: str) -> None:
    """``run_operation`` to every engine of ``site`` at once (a fanout cast
    on its exchange and topic), as if each had been asked to run it."""
    import oslo_messaging as messaging
    from oslo_config import cfg
    from oslo_messaging._metrics import client as metrics

    conf = cfg.ConfigOpts()  # this process's CONF stays untouched
    conf.register_opts(metrics.oslo_messaging_metrics, group="oslo_messaging_metrics")
    conf([], project="protector-twosite", default_config_files=[])
    transport = messaging.get_rpc_transport(conf, url=TRANSPORT)
    try:
        target = messaging.Target(exchange=site.exchange, topic=site.topic, version="1.1",
                                  fanout=True)
        messaging.get_rpc_client(transport, target).cast({}, "run_operation",
                                                         operation_id=op_id)
    finally:
        transport.cleanup()
