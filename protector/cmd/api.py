"""protector-api: the REST API under gunicorn (pre-fork workers, no eventlet)."""

import sys
from typing import Any

from gunicorn.app import base as gunicorn_base
from oslo_log import log

from protector.api import deploy
from protector.cmd import _common
from protector.conf import CONF
from protector.db import migration

LOG = log.getLogger(__name__)


class APIServer(gunicorn_base.BaseApplication):
    """gunicorn configured from [api]; each worker loads its own app, so no
    database connection is shared across a fork."""

    def __init__(self, paste_path: str) -> None:
        self.paste_path = paste_path
        super().__init__()

    def load_config(self) -> None:
        settings = {
            "bind": f"{CONF.api.bind_host}:{CONF.api.bind_port}",
            "workers": CONF.api.workers,
            "worker_class": "gthread",
            "threads": 4,
            "timeout": 120,
            "graceful_timeout": CONF.api.graceful_timeout,
            "proc_name": "protector-api",
            "preload_app": False,
            # oslo.log writes our logs; gunicorn's own go to stderr.
            "errorlog": "-",
            "control_socket_disable": True,
        }
        for key, value in settings.items():
            if key in self.cfg.settings:
                self.cfg.set(key, value)

    def load(self) -> Any:
        return deploy.load_app(self.paste_path)


def _check_database() -> None:
    """Fail fast, in one line, on a bad DSN or a schema that is not synced."""
    if not CONF.database.connection:
        sys.exit("protector-api: [database] connection is not set in protector.conf")
    try:
        current = migration.current_version()
    except Exception as exc:  # noqa: BLE001 - any DB failure is fatal at start
        sys.exit(f"protector-api: cannot reach the database in [database] connection: "
                 f"{exc.__class__.__name__}: {exc}")
    if current != migration.head_version():
        sys.exit(f"protector-api: database schema is at {current or 'nothing'}, not "
                 f"{migration.head_version()}; run 'protector-manage db sync'")


def main(argv: list[str] | None = None) -> None:
    _common.init("protector-api", argv)
    try:
        paste_path = deploy.find_paste_config()
        deploy.load_app(paste_path)  # report a broken paste file before forking
    except deploy.PasteConfigError as exc:
        sys.exit(f"protector-api: {exc}")
    _check_database()
    LOG.info("protector-api listening on %s:%s with %d workers", CONF.api.bind_host,
             CONF.api.bind_port, CONF.api.workers)
    APIServer(paste_path).run()
