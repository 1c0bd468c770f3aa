"""[database] options come from oslo.db. As in the spec, ``connection`` has
no default: each site names its own local database."""

from oslo_config import cfg
from oslo_db import options as db_options


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_opts(db_options.database_opts, group="database")


def list_opts() -> list:
    return [("database", db_options.database_opts)]
