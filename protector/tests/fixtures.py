"""Test fixtures shared by the unit and functional tiers."""

import contextlib
import os
import uuid
from collections.abc import Iterator

import pymysql

MYSQL_HOST = os.environ.get("PROTECTOR_TEST_MYSQL_HOST", "127.0.0.1")
MYSQL_USER = os.environ.get("PROTECTOR_TEST_MYSQL_USER", "root")
MYSQL_PASSWORD = os.environ.get("PROTECTOR_TEST_MYSQL_PASSWORD", "")
PASTE_INI = os.path.join(os.path.dirname(__file__), "..", "..", "etc", "protector",
                         "api-paste.ini")

ADMIN_PROJECT = "a0000000000000000000000000000000"
OWNER_PROJECT = "b0000000000000000000000000000000"
OTHER_PROJECT = "c0000000000000000000000000000000"

# Identities for RBAC tests in noauth mode (headers keystonemiddleware would set).
IDENTITIES = {
    "admin": {"X-User-Id": "admin-user", "X-Project-Id": ADMIN_PROJECT,
              "X-Roles": "admin,member,reader"},
    "owner": {"X-User-Id": "owner-user", "X-Project-Id": OWNER_PROJECT,
              "X-Roles": "member,reader"},
    "other": {"X-User-Id": "other-user", "X-Project-Id": OTHER_PROJECT,
              "X-Roles": "member,reader"},
    "anonymous": {},
}


def _mysql(database: str | None = None) -> pymysql.connections.Connection:
    return pymysql.connect(host=MYSQL_HOST, user=MYSQL_USER, password=MYSQL_PASSWORD,
                           database=database, connect_timeout=5)


@contextlib.contextmanager
def mysql_database() -> Iterator[str]:
    """A fresh MariaDB database for one test, dropped afterwards."""
    name = f"protector_test_{uuid.uuid4().hex[:12]}"
    conn = _mysql()
    try:
        with conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE {name} CHARACTER SET utf8mb4")
        yield (f"mysql+pymysql://{MYSQL_USER}:{MYSQL_PASSWORD}@{MYSQL_HOST}/{name}"
               "?charset=utf8mb4")
    finally:
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.close()
