"""The shared infrastructure: databases in the machine's MariaDB and one
RabbitMQ vhost per site. Both servers are expected to run already (CI and
the project's machines start them); the lab only adds and drops its own."""

from __future__ import annotations

import shutil
import socket
import subprocess

import pymysql

from protector.lab import config
from protector.lab.config import Site
from protector.lab.procs import LabError

# Databases each service needs; nova's cell0 is named by `cell_v2 map_cell0`.
DATABASES = {
    "keystone": ("keystone",),
    "placement": ("placement",),
    "glance": ("glance",),
    "cinder": ("cinder",),
    "neutron": ("neutron",),
    "nova": ("nova_api", "nova", "nova_cell0"),
    "protector": ("protector",),
}


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    with socket.socket() as sock:
        sock.settimeout(timeout)
        return sock.connect_ex((host, port)) == 0


def _connect() -> pymysql.connections.Connection:
    try:
        return pymysql.connect(host=config.DB_HOST, port=config.DB_PORT,
                               user=config.DB_ROOT_USER, password=config.DB_ROOT_PASSWORD,
                               connect_timeout=10, autocommit=True)
    except pymysql.MySQLError as exc:
        raise LabError(f"MariaDB at {config.DB_HOST}:{config.DB_PORT} as "
                       f"{config.DB_ROOT_USER}: {exc}") from exc


def db_names(site: Site, services: list[str]) -> list[str]:
    return [site.db(db) for svc in services for db in DATABASES[svc]]


def ensure_databases(site: Site, services: list[str]) -> None:
    conn = _connect()
    try:
        with conn.cursor() as cur:
            for host in ("%", "localhost"):
                # 'localhost' too: MariaDB's anonymous ''@localhost would shadow '%'.
                cur.execute(f"CREATE USER IF NOT EXISTS '{config.DB_USER}'@'{host}' "
                            f"IDENTIFIED BY '{config.DB_PASSWORD}'")
            for name in db_names(site, services):
                cur.execute(f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET utf8")
                for host in ("%", "localhost"):
                    cur.execute(f"GRANT ALL PRIVILEGES ON `{name}`.* TO "
                                f"'{config.DB_USER}'@'{host}'")
    finally:
        conn.close()


def drop_databases(site: Site) -> list[str]:
    conn = _connect()
    dropped = []
    try:
        with conn.cursor() as cur:
            for name in db_names(site, list(DATABASES)):
                cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
                dropped.append(name)
    finally:
        conn.close()
    return dropped


def drop_db_user() -> None:
    conn = _connect()
    try:
        with conn.cursor() as cur:
            for host in ("%", "localhost"):
                cur.execute(f"DROP USER IF EXISTS '{config.DB_USER}'@'{host}'")
    finally:
        conn.close()


def _rabbitmqctl(*args: str) -> str:
    exe = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    try:
        proc = subprocess.run([exe, "-q", *args], capture_output=True, text=True,
                              timeout=120, check=False)
    except FileNotFoundError as exc:
        raise LabError("rabbitmqctl not found: the lab needs it to add its vhosts") from exc
    if proc.returncode != 0:
        raise LabError(f"rabbitmqctl {' '.join(args)}: {proc.stderr.strip() or proc.stdout}")
    return proc.stdout


def ensure_vhost(site: Site) -> None:
    vhosts = _rabbitmqctl("list_vhosts", "name").split()
    if site.vhost not in vhosts:
        _rabbitmqctl("add_vhost", site.vhost)
    _rabbitmqctl("set_permissions", "-p", site.vhost, config.RABBIT_USER, ".*", ".*", ".*")


def drop_vhost(site: Site) -> None:
    if site.vhost in _rabbitmqctl("list_vhosts", "name").split():
        _rabbitmqctl("delete_vhost", site.vhost)


def check() -> None:
    """Fail early, in one line, when MariaDB or RabbitMQ does not answer."""
    if not port_open(config.DB_HOST, config.DB_PORT):
        raise LabError(f"MariaDB does not answer on {config.DB_HOST}:{config.DB_PORT}")
    if not port_open(config.RABBIT_HOST, 5672):
        raise LabError(f"RabbitMQ does not answer on {config.RABBIT_HOST}:5672")


# What os-brick greps for (os_brick.initiator.utils.check_manual_scan).
ISCSIADM = "/sbin/iscsiadm"


def check_iscsi_initiator() -> None:
    """--storage pure: nova-compute needs an iscsiadm that scans manually.

    Cinder's manage_existing leaves a volume's service_uuid NULL and its
    shared_targets at the column default (True); without manual scans
    os-brick then takes a lock named by that NULL and Nova cannot attach
    any managed volume, which is every volume a failover brings up.
    """
    try:
        with open(ISCSIADM, "rb") as binary:
            if b"node.session.scan" in binary.read():
                return
    except OSError:
        pass
    raise LabError(f"--storage pure needs open-iscsi's {ISCSIADM} with manual scans "
                   "(apt-get install open-iscsi): without it Nova cannot attach "
                   "volumes Cinder's manage made")


def has_tables(name: str) -> bool:
    """Whether database ``name`` exists and holds tables (a wiped DB must be synced again)."""
    conn = _connect()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = %s",
                        (name,))
            return bool(cur.fetchone()[0])
    finally:
        conn.close()


def query_one(database: str, sql: str, *args: object) -> object | None:
    """First column of the first row, or None (also when the DB is missing)."""
    conn = _connect()
    try:
        with conn.cursor() as cur:
            cur.execute(f"USE `{database}`")
            cur.execute(sql, args)
            row = cur.fetchone()
            return row[0] if row else None
    except pymysql.MySQLError:
        return None
    finally:
        conn.close()
