"""protector-manage: database schema and operator tasks."""

import argparse
import sys

from oslo_config import cfg

from protector import config, version
from protector.conf import CONF
from protector.db import migration


def _db_sync() -> None:
    before = migration.current_version()
    migration.upgrade()
    after = migration.current_version()
    if before == after:
        print(f"Database schema is up to date at revision {after}.")
    else:
        print(f"Database schema upgraded from {before or 'empty'} to {after}.")


def _db_version() -> None:
    print(migration.current_version() or "None")


def add_command_parsers(subparsers: argparse._SubParsersAction) -> None:
    db = subparsers.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command")
    db_sub.required = True
    db_sub.add_parser("sync", help="apply pending migrations").set_defaults(
        func=_db_sync)
    db_sub.add_parser("version", help="print the schema revision").set_defaults(
        func=_db_version)


command_opt = cfg.SubCommandOpt("category", title="Commands",
                                help="Available commands",
                                handler=add_command_parsers)


def main(argv: list[str] | None = None) -> None:
    CONF.register_cli_opt(command_opt)
    try:
        config.parse_args(argv)
    except (cfg.ConfigFilesNotFoundError, cfg.ConfigFileParseError,
            cfg.ConfigFileValueError) as exc:
        sys.exit(f"protector-manage: configuration error: {exc}")
    config.setup_logging("protector-manage")
    if not CONF.database.connection:
        sys.exit("protector-manage: [database] connection is not set in protector.conf")
    try:
        CONF.category.func()
    except Exception as exc:  # noqa: BLE001 - one clear line for the operator
        sys.exit(f"protector-manage {CONF.category.name}: {exc.__class__.__name__}: {exc}")


__all__ = ["main", "version"]
