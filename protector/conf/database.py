"""[database] options come from oslo.db; protector only sets defaults."""

from oslo_config import cfg
from oslo_db import options as db_options

_DEFAULT_CONNECTION = "sqlite:////var/lib/protector/protector.sqlite"


def register_opts(conf: cfg.ConfigOpts) -> None:
    db_options.set_defaults(conf, connection=_DEFAULT_CONNECTION)


def list_opts() -> list:
    return [("database", db_options.database_opts)]
